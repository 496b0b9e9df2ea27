"""Reading is linear in a paragraph's length: the work is counted, never timed.

The work is the number of Python lines the reader (``zopa.news``) executes, counted with
``sys.settrace``. For each hostile pattern the fuzzer found (many "he said" in one paragraph,
initials, "Mr." abbreviations, right-to-left, zero-width and combining marks, ...) one paragraph
of the pattern repeated ``n`` times and ``4 n`` times is read: linear work gives a ratio of about
4, quadratic work 16. The C-level scans (regular expressions, slices) are bounded by construction
(each looks at most a fixed window; see ``_text._LOOK``, ``_DEPTH``, ``reader._REACH``) and are
covered by ``bench/bench_news.py --speed``, which reads a 1 MB paragraph.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from zopa.news import read_text_article
from zopa.news._native import compiled

pytestmark = pytest.mark.skipif(
    compiled(), reason="counts the Python lines of the sources (`make test`: ZOPA_NATIVE=0)"
)

PATTERNS = {
    "he said": '"We will not," he said. "Never," he said, "not today." ',
    "initials": "J. R. R. Smith and A. B. Jones met K. L. Brown. ",
    "Mr.": "Mr. Smith told Mr. Jones that Mr. Brown said Mr. Lee agreed. ",
    "right-to-left": (
        "\u05e9\u05dc\u05d5\u05dd \u202bsaid\u202c \u0627\u0644\u0633\u0644\u0627\u0645 "
    ),
    "zero-width": "said.\u200b\u200bHe\u200d said\u2060 \ufeff“no”\u200b ",
    "combining": "Zelenske\u0301 sai\u0308d \u201cno\u0301\u201d, e\u0301. ",
    "open marks": "“‘«„ ‚ ‹ he said ",
    "apostrophes": "the allies’ plan, the Europeans’ ‘text’ and Kyiv’s ",
    "full stops": "a..... b!!!!? c…. ",
    "names": "Kremlin adviser Yuri Ushakov and the adviser and President Putin said ",
    "titles": "the foreign minister, a senior official, the spokesman, the aide told ",
    "commas": '"yes",,,,,,,,,,,,, ',
}


def _steps(text: str) -> int:
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        return local if "zopa/news" in frame.f_code.co_filename.replace("\\", "/") else None

    previous = sys.gettrace()  # coverage's tracer under `make test`: put it back after
    sys.settrace(trace)
    try:
        read_text_article(text)
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_one_long_paragraph_takes_linear_work(name: str) -> None:
    unit = PATTERNS[name]
    small, big = _steps(unit * 40), _steps(unit * 160)
    assert big <= 5 * small, f"{name}: {small} steps for 40 copies, {big} for 160"


def test_the_step_count_sees_quadratic_work() -> None:
    """The measure can fail: a reader made quadratic on purpose (every token compared with
    every other, in code counted as the reader's) is caught by the same ratio."""
    import zopa.news.reader as reader

    original = reader.tokens
    source = (
        "def quadratic(text, a, b):\n"
        "    out = original(text, a, b)\n"
        "    for t in out:\n"
        "        for u in out:\n"
        "            pass\n"
        "    return out\n"
    )
    space: dict[str, Any] = {"original": original}
    exec(compile(source, "zopa/news/_quadratic.py", "exec"), space)
    reader.tokens = space["quadratic"]
    try:
        unit = PATTERNS["he said"]
        small, big = _steps(unit * 10), _steps(unit * 40)
    finally:
        reader.tokens = original
    assert big > 5 * small


HTML_PATTERNS = {
    "stray <": "< a <b ",
    "unclosed comment": "<!-- x ",
    "unfinished end tag": "</ x ",
    "unfinished CDATA": "<![CDATA[x ",
    "paragraphs": "<p>He said “no”.</p>",
}


def _html_steps(html: str) -> int:
    from zopa.io.articles import html_to_text

    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        name = frame.f_code.co_filename.replace("\\", "/")
        return (
            local if name.endswith(("html/parser.py", "_markupbase.py", "io/articles.py")) else None
        )

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        html_to_text("<html><body>" + html)
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize("name", sorted(HTML_PATTERNS))
def test_html_clean_up_takes_linear_work(name: str) -> None:
    """The standard library's HTML parser rescans an unfinished construct (quadratic on
    "< a <b ..." and unclosed comments); the article reader defuses those first."""
    unit = HTML_PATTERNS[name]
    small, big = _html_steps(unit * 100), _html_steps(unit * 400)
    assert big <= 5 * small, f"{name}: {small} steps for 100 copies, {big} for 400"


def _hostile_article(size: int) -> str:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "bench_news.py"
    spec = importlib.util.spec_from_file_location("bench_news", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_news"] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    text: str = mod.hostile_article(size)
    return text


def test_hostile_article_takes_linear_work() -> None:
    """The bench's hostile article (every pattern above mixed in one paragraph, as
    ``bench_news.py --speed`` reads it at 0.1 to 5 MB): 4 times the text, at most 4.5 times the
    work."""
    small, big = _steps(_hostile_article(10_000)), _steps(_hostile_article(40_000))
    assert big <= 4.5 * small, f"{small} steps for 10 KB, {big} for 40 KB"
