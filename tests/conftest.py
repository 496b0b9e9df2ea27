"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; skips where it is absent (a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent (only in the project workspace)")
    return SHARED_DATA


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
