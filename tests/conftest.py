"""Shared test fixtures."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
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


NEEDS_SERVICE = "needs a service:"
"""How every skip of :func:`need` starts, so a run can list the tests that waited for a service."""


def need(var: str, why: str) -> str:
    """The value of an environment variable a test needs (set by ``.ci/services.sh``): without
    it the test skips with the reason, except under ``ZOPA_CI=1``, where it fails.

    ``make test-all`` installs and starts the services (PostgreSQL, Chromium) and runs everything.
    """
    value = os.environ.get(var, "")
    if not value:
        if os.environ.get("ZOPA_CI") == "1":
            pytest.fail(f"{var} is not set but ZOPA_CI=1: {why} must run in CI")
        pytest.skip(f"{NEEDS_SERVICE} {var} is not set ({why}); `make test-all` starts them")
    return value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """With ``ZOPA_SERVICE_SKIPS=FILE``, write the id of every test that skipped for want of a
    service to FILE (one per line), so CI can run exactly those once the services are up."""
    report = yield
    listing = os.environ.get("ZOPA_SERVICE_SKIPS")
    skipped = report.skipped and isinstance(report.longrepr, tuple)
    if listing and skipped and NEEDS_SERVICE in str(report.longrepr[2]):
        with open(listing, "a", encoding="utf-8") as out:
            out.write(item.nodeid + "\n")
    return report


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


@pytest.fixture(autouse=True)
def _tracer_kept() -> Iterator[None]:
    """No test may leave another tracer in place (or none): `make test` measures coverage with
    one, and a test that set ``sys.settrace(None)`` once stopped every later line being counted."""
    before = sys.gettrace()
    yield
    assert sys.gettrace() is before, "the test changed sys.settrace and did not restore it"
