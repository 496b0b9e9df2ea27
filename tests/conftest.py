"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ../shared/data beside the checkout; ZOPA_SHARED_DATA overrides it (a worktree elsewhere), and
# ZOPA_SHARED_DATA=none hides it to run the suite as a user's plain clone does.
SHARED_DATA = Path(os.environ.get("ZOPA_SHARED_DATA") or ROOT.parent / "shared" / "data")
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"
"""Small files the project writes itself (GENIUS folders, gmcr-py saves, decide, CSV, ...),
so every reader is tested in a plain clone without ../shared."""
ARTIFACTS = ROOT / "out" / "test-artifacts"
"""Screenshots and other files tests keep for a reader (git-ignored)."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""How every browser test starts Debian's Chromium (no background requests, no sandbox as root)."""


def need(var: str, why: str) -> str:
    """The value of an environment variable a test needs (set by ``.ci/services.sh``): without
    it the test skips with the reason, except under ``ZOPA_CI=1``, where it fails."""
    value = os.environ.get(var, "")
    if not value:
        if os.environ.get("ZOPA_CI") == "1":
            pytest.fail(f"{var} is not set but ZOPA_CI=1: {why} must run in CI")
        pytest.skip(f'{var} is not set ({why}); run `eval "$(.ci/services.sh)"`')
    return value


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; skips where it is absent (a user's clone)."""
    if str(SHARED_DATA) == "none" or not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent (only in the project workspace)")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
