"""Tables that fit the reader's terminal: never drop a column, never break a word.

Rich shrinks a table that is wider than the console by wrapping cells and, when that is not
enough, folding words in the middle or squeezing whole columns to nothing. :func:`fits` says
beforehand whether every column can hold its longest word; a renderer that gets ``False``
stacks its table (one small table per column) instead. When the output is not a terminal,
:func:`console_width` gives a width wide enough that no cell is ever wrapped or cut.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from rich.text import Text

__all__ = ["PIPE_WIDTH", "console_width", "fits", "longest_word"]

PIPE_WIDTH = 10_000
"""Columns of a console whose output is redirected: lines are as long as their content."""


def console_width(stream: object = None) -> int | None:
    """``None`` (Rich asks the terminal) on a terminal or when ``COLUMNS`` is set; otherwise
    :data:`PIPE_WIDTH`, so a file or a pipe gets every value in full."""
    out = stream if stream is not None else sys.stdout
    isatty = getattr(out, "isatty", None)
    if (callable(isatty) and isatty()) or os.environ.get("COLUMNS"):
        return None
    return PIPE_WIDTH


def longest_word(cell: str) -> int:
    """The widest unbreakable run of a cell (Rich markup removed), in terminal columns."""
    plain = Text.from_markup(cell).plain if "[" in cell else cell
    return max((Text(w).cell_len for w in plain.split()), default=0)


def fits(width: int, columns: Sequence[Sequence[str]], *, extra: int = 0) -> bool:
    """Whether a bordered table with these columns (each a list of cells, heading included)
    fits in ``width`` with every word whole: each column takes its longest word plus a space
    either side and a border."""
    need = 1 + extra + sum(max((longest_word(c) for c in col), default=0) + 3 for col in columns)
    return need <= width
