"""``zopa report``: the analyst's briefing as one self-contained HTML page (and PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zopa.cli.app import app


@app.command("report")
def report_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="scenario file (.yaml/.yml/.json), GENIUS folder or domain .xml, GeniusWeb"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="the HTML briefing to write (.html)")],
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="also write the briefing as PDF (.pdf)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="replace existing files")] = False,
) -> None:
    """Write the analyst's briefing: scenario, zone, frontier, solutions, drafts, concessions."""
    from zopa.io import load_any
    from zopa.report.briefing import build_briefing, html_to_pdf, render_html
    from zopa.report.briefing.render import check_target, save_bytes

    check_target(out, (".html", ".htm"), force=force)
    if pdf is not None:
        check_target(pdf, (".pdf",), force=force)
    scenario = load_any(file)
    html = render_html(build_briefing(scenario))
    pdf_bytes = html_to_pdf(html) if pdf is not None else None
    save_bytes(out, html.encode("utf-8"))
    typer.echo(f"briefing written to {out}")
    if pdf is not None and pdf_bytes is not None:
        save_bytes(pdf, pdf_bytes)
        typer.echo(f"PDF written to {pdf}")
