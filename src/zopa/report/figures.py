"""Figures without global state: every plot in zopa.report starts and ends here.

:func:`new_figure` makes a ``matplotlib.figure.Figure`` with its own Agg canvas (no pyplot,
no back-end switch, so importing or calling zopa never changes a user's matplotlib set-up);
:func:`save_figure` writes it by suffix (PNG, SVG or PDF) and :func:`svg_text` returns it as
inline SVG for HTML pages.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["new_figure", "save_figure", "svg_text"]


def new_figure(size: tuple[float, float] = (6.4, 4.8)) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path``; the format follows the suffix (.png, .svg or .pdf).

    Goes through :func:`zopa.io.output.save_figure`: the suffix is checked, the file is written
    to a temporary file beside ``path`` and renamed (never half-written), and a failed write
    raises :class:`~zopa.errors.OutputError` naming the path and the fix.
    """
    from zopa.io.output import save_figure as write_figure

    suffix = Path(path).suffix.lower()
    return write_figure(fig, path, dpi=dpi, bbox_inches="tight", metadata=_metadata(suffix))


def svg_text(fig: Figure) -> str:
    """The figure as an SVG document string (for inline use in HTML)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def _metadata(suffix: str) -> dict[str, None]:
    if suffix == ".png":
        return {"Software": None}
    if suffix in (".svg", ".pdf"):
        return {"Date": None} if suffix == ".svg" else {"CreationDate": None}
    return {}
