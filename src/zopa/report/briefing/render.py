"""Render a :class:`Briefing` to one self-contained HTML page, and that page to PDF.

The page needs no network: the stylesheet is inlined, the charts are inline SVG, there are no
scripts, fonts or external images. Every string from the scenario (an untrusted file) goes
through Jinja2's autoescaping; the only markup passed through unescaped is the SVG zopa itself
drew (matplotlib escapes the text it writes into SVG).
"""

from __future__ import annotations

import os
import secrets
from importlib import resources
from pathlib import Path

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from zopa.errors import ZopaError
from zopa.report.briefing.model import Briefing

__all__ = ["html_to_pdf", "render_html", "write_html", "write_pdf"]

_HERE = resources.files("zopa.report.briefing") / "templates"


def _pct(x: float) -> str:
    if 0 < x < 0.005:
        return "<1%"
    if 0.995 < x < 1:
        return ">99%"
    return f"{100 * x:.0f}%"


def _env() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True)
    env.filters.update(
        pct=_pct,
        num=lambda x: f"{int(x):,}",
        num2=lambda x: f"{float(x):.2g}",
        u=lambda x: f"{float(x):.3f}",
        signed=lambda x: "–" if x is None else f"{float(x):+.3f}".replace("-", "−"),
        safe_svg=Markup,  # only ever applied to Chart.svg, which zopa drew itself
    )
    return env


def render_html(briefing: Briefing) -> str:
    """The briefing as one HTML document (a string)."""
    env = _env()
    template = env.from_string((_HERE / "briefing.html.j2").read_text(encoding="utf-8"))
    css = Markup((_HERE / "briefing.css").read_text(encoding="utf-8"))
    return template.render(b=briefing, css=css)


def check_target(path: Path, suffixes: tuple[str, ...], *, force: bool) -> None:
    """Refuse a target with the wrong suffix, a folder, or an existing file without ``force``
    (before any work is done)."""
    if path.suffix.lower() not in suffixes:
        raise ZopaError(f"{path}: end the file name in {' or '.join(suffixes)}")
    if path.is_dir():
        raise ZopaError(f"{path}: is a folder; give a file name")
    if path.exists() and not force:
        raise ZopaError(f"{path}: already exists; pass --force to replace it")


def save_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return _atomic_write(path, data)


def _atomic_write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:  # the umask applies, unlike mkstemp's 0600
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_html(briefing: Briefing, path: str | Path) -> Path:
    """Write the HTML page to ``path`` (atomically: a reader never sees half a file)."""
    return _atomic_write(Path(path), render_html(briefing).encode("utf-8"))


def html_to_pdf(html: str) -> bytes:
    """The page as PDF bytes, laid out by WeasyPrint (the ``pdf`` extra) for print media.

    Only ``data:`` URLs may be fetched while rendering, so a page can never reach the network.
    """
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        raise ZopaError(
            f"PDF output needs WeasyPrint ({exc}); install it with: pip install 'zopa[pdf]'"
        ) from None
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf = HTML(string=html, url_fetcher=fetcher, media_type="print").write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target
        raise ZopaError("WeasyPrint returned no PDF")
    return pdf


def write_pdf(briefing: Briefing, path: str | Path) -> Path:
    """Write the same page as PDF to ``path`` (atomically)."""
    return _atomic_write(Path(path), html_to_pdf(render_html(briefing)))
