"""Render a :class:`Briefing` to one self-contained HTML page, and that page to PDF.

The page needs no network: the stylesheet is inlined, the charts are inline SVG, there are no
scripts, fonts or external images. Every string from the scenario (an untrusted file) goes
through Jinja2's autoescaping; the only markup passed through unescaped is the SVG zopa itself
drew (matplotlib escapes the text it writes into SVG).
"""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from zopa.errors import ZopaError
from zopa.records import frozen
from zopa.report.briefing.model import Briefing
from zopa.vocab import count, interval, percent, signed, utility

__all__ = ["html_to_pdf", "render_html", "write_bytes", "write_html", "write_pdf"]

_HERE = resources.files("zopa.report.briefing") / "templates"


def _template(name: str) -> str | None:
    """A template shipped with the package (``briefing.html.j2``, ``sections/<key>.html.j2``)."""
    path = _HERE.joinpath(*name.split("/"))
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _env() -> Environment:
    env = Environment(
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        loader=FunctionLoader(_template),
    )
    env.filters.update(
        pct=percent,
        ci=lambda pair: interval(*pair),
        num=count,
        num2=lambda x: f"{float(x):.2g}",
        u=utility,
        signed=lambda x: "–" if x is None else signed(x),
        safe_svg=Markup,  # only ever applied to Chart.svg, which zopa drew itself
    )
    return env


def render_html(briefing: Briefing) -> str:
    """The briefing as one HTML document (a string)."""
    env = _env()
    template = env.get_template("briefing.html.j2")
    css = Markup((_HERE / "briefing.css").read_text(encoding="utf-8"))
    return template.render(b=briefing, css=css)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write atomically (:func:`zopa.io.output.atomic_write`): a reader never sees half a file,
    and a failed write leaves the target as it was."""
    from zopa.io.output import atomic_write

    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def write_html(briefing: Briefing, path: str | Path) -> Path:
    """Write the HTML page to ``path`` (atomically: a reader never sees half a file)."""
    from zopa.io.output import utf8

    return write_bytes(path, utf8(render_html(briefing)))


PDF_SYSTEM_PACKAGES = (
    "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1"
)
"""The system libraries WeasyPrint lays pages out with (Debian/Ubuntu package names)."""


@frozen
class PdfEngine:
    """WeasyPrint, loaded, with what zopa has to tell the user about the machine."""

    html: Any
    fetcher: Any
    notes: tuple[str, ...]


def pdf_engine() -> PdfEngine:
    """Load WeasyPrint (the ``pdf`` extra) and check the system libraries it needs.

    A missing required library (Pango, HarfBuzz, fontconfig) is a clear :class:`ZopaError` naming
    the packages to install. HarfBuzz-Subset is optional for WeasyPrint today: without it
    WeasyPrint emits a ``DeprecationWarning`` at import, which is about the machine, not a fault
    in the briefing; zopa keeps it from surfacing as an error and returns it as a note instead.
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"weasyprint\b")
            from weasyprint import HTML
            from weasyprint.text import ffi
            from weasyprint.urls import URLFetcher
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        raise ZopaError(
            f"PDF output needs WeasyPrint ({exc}); install it with: pip install 'zopa[pdf]'"
        ) from None
    except OSError as exc:
        raise ZopaError(
            f"PDF output needs system libraries that are missing here ({exc}); on Debian or "
            f"Ubuntu install them with: apt-get install {PDF_SYSTEM_PACKAGES}"
        ) from None
    notes: tuple[str, ...] = ()
    if getattr(ffi, "harfbuzz_subset", True) is None:
        notes = (
            "libharfbuzz-subset0 is not installed: fonts in the PDF are subset with fontTools "
            "instead (slower); install it with: apt-get install libharfbuzz-subset0",
        )
    return PdfEngine(HTML, URLFetcher(allowed_protocols=("data",)), notes)


def html_to_pdf(html: str, engine: PdfEngine | None = None) -> bytes:
    """The page as PDF bytes, laid out by WeasyPrint (the ``pdf`` extra) for print media.

    Only ``data:`` URLs may be fetched while rendering, so a page can never reach the network.
    """
    wp = engine or pdf_engine()
    pdf = wp.html(string=html, url_fetcher=wp.fetcher, media_type="print").write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target
        raise ZopaError("WeasyPrint returned no PDF")
    return pdf


def write_pdf(briefing: Briefing, path: str | Path) -> Path:
    """Write the same page as PDF to ``path`` (atomically)."""
    return write_bytes(path, html_to_pdf(render_html(briefing)))
