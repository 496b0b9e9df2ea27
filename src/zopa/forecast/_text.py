"""Reading a forecast input file's text safely: size cap, UTF-8, not empty."""

from __future__ import annotations

from pathlib import Path

from zopa.errors import Problem, ScenarioError

__all__ = ["MAX_BYTES", "number", "read_text"]

MAX_BYTES = 50 * 1024 * 1024
"""Input files larger than this are refused (forecast inputs are tables of a few thousand rows)."""


def read_text(path: Path) -> str:
    """The file's text, or a :class:`ScenarioError` naming the file and what to do."""
    name = str(path)
    if not path.is_file():
        raise ScenarioError("no such file", file=name, hint="check the path")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ScenarioError(
            f"file is {size / 1e6:.0f} MB, over the {MAX_BYTES // (1024 * 1024)} MB limit",
            file=name,
            hint="a forecast input is a table of actors and issues; split or trim the file",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [
                Problem(
                    f"not UTF-8 text (byte {exc.start} is {raw[exc.start]:#04x})",
                    line=line,
                    hint="save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
                )
            ],
            file=name,
        ) from None
    if not text.strip():
        raise ScenarioError(
            "the file is empty",
            file=name,
            hint="give actors with position, salience and capability",
        )
    return text


def number(text: str) -> float | None:
    """``text`` as a finite float (``,`` accepted as decimal mark), or None."""
    t = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        value = float(t)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None
