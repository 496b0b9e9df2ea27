"""The briefing in a real headless Chromium (Debian's, at $ZOPA_TEST_CHROMIUM), driven by
Playwright with that executable: it loads with no console error and no request that leaves the
file, draws its charts, hides the navigation in print, and runs nothing from a hostile file.
A screenshot is saved to out/test-artifacts/briefing.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.briefing.helpers import hostile_yaml
from tests.conftest import ARTIFACTS, CHROMIUM_ARGS, EXAMPLES, need
from zopa.io import load_any, load_scenario
from zopa.report.briefing import build_briefing, write_html


def _chromium() -> str:
    exe = need("ZOPA_TEST_CHROMIUM", "the briefing's browser tests")
    if not Path(exe).is_file():
        pytest.fail(f"ZOPA_TEST_CHROMIUM={exe} is not a file")
    return exe


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Watch:
    """Console errors, page errors, dialogs and every request that is not file:// or data:."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.route("**/*", self._route)

    def _dialog(self, d: Any) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()


def _open(browser: Any, html_file: Path, width: int = 1200) -> tuple[Any, Any, Watch]:
    ctx = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(html_file.resolve().as_uri(), wait_until="load")
    return ctx, page, watch


def test_the_briefing_loads_offline_with_no_error_and_draws_its_charts(browser, tmp_path):
    from zopa.robust import robustness

    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    r = robustness(s, samples=200, seed=0, sensitivity_samples=50)
    f = write_html(build_briefing(s, robustness=r), tmp_path / "b.html")
    ctx, page, watch = _open(browser, f)
    try:
        assert page.title() == "Briefing: Ukraine peace talks, Miami round (late 2025)"
        assert page.inner_text("h1") == "Ukraine peace talks, Miami round (late 2025)"
        for sec in ("zone", "frontier", "solutions", "drafts", "robustness", "evidence"):
            assert page.locator(f"section#{sec}").is_visible(), sec
        boxes = [page.locator("figure.chart svg").nth(k).bounding_box() for k in range(4)]
        assert all(b is not None and b["width"] > 250 and b["height"] > 200 for b in boxes)
        # the rasterised package cloud inside each SVG decoded (a data: image)
        assert page.locator("figure.chart svg image").count() >= 3
        assert page.locator("ol.timeline > li").count() == 4
        assert page.locator("#chart-tornado svg").is_visible()
        assert page.locator("table.evidence tbody tr").count() == len(s.evidence)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "briefing.png"), full_page=True)
        assert (ARTIFACTS / "briefing.png").stat().st_size > 50_000
        page.emulate_media(media="print")
        assert not page.locator("nav").is_visible()
    finally:
        ctx.close()
    assert watch.errors == []
    assert watch.external == []


def test_a_hostile_scenario_runs_nothing_in_the_browser(browser, tmp_path):
    src = tmp_path / "hostile.yaml"
    src.write_text(hostile_yaml(), encoding="utf-8")
    f = write_html(build_briefing(load_any(src)), tmp_path / "h.html")
    ctx, page, watch = _open(browser, f, width=700)
    try:
        assert "<script>alert('x')</script>" in page.inner_text("h1")
        assert page.locator("img").count() == 0 and page.locator("body script").count() == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "briefing-hostile.png"), full_page=True)
    finally:
        ctx.close()
    assert watch.dialogs == [] and watch.errors == [] and watch.external == []


def test_the_watch_catches_an_external_request_and_a_console_error(browser):
    """The two checks above can fail: a page that fetches from the network is caught."""
    ctx = browser.new_context(offline=True)
    page = ctx.new_page()
    watch = Watch(page)
    try:
        page.set_content('<img src="http://example.invalid/x.png"><p>x</p>', wait_until="load")
        page.evaluate("console.error('boom')")
    finally:
        ctx.close()
    assert watch.external == ["http://example.invalid/x.png"]
    assert watch.errors and "boom" in watch.errors[-1]
