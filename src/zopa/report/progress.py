"""A progress bar on stderr for long enumerations (only on a terminal, only when it is long)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["SHOW_FROM", "enumeration_progress"]

SHOW_FROM = 2_000_000  # packages; shorter scans finish before a bar would help


def enumeration_progress(total: int) -> tuple[Progress | None, Callable[[int, int], None] | None]:
    """A transient Rich bar and its update callback, or (None, None) when not worth showing."""
    if total < SHOW_FROM or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("enumerating"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("scan", total=total)

    def update(done: int, _total: int) -> None:
        bar.update(task, completed=done)

    return bar, update
