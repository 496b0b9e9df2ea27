"""``zopa report``: the analyst's briefing as one self-contained HTML page (and PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zopa.cli.app import Bounded, ForceOpt, app

HTML_SUFFIXES = (".html", ".htm")
SENSITIVITY = 500  # samples per end of each parameter's range for the tornado chart


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
    samples: Annotated[
        int,
        typer.Option(
            help="preference models to draw for the robustness section (0: no sampling; at "
            "most 10,000,000)",
            parser=Bounded(int, 0, 10**7),
        ),
    ] = 2000,
    seed: Annotated[
        int, typer.Option(help="seed of the sampling (>= 0)", parser=Bounded(int, 0, 2**63 - 1))
    ] = 0,
    force: ForceOpt = False,
) -> None:
    """Write the analyst's briefing: scenario, zone, frontier, solutions, drafts, concessions,
    robustness under the scenario's uncertainty (sampled) and the evidence."""
    from zopa.io import load_any
    from zopa.io.output import check_output, utf8
    from zopa.report.briefing import build_briefing, html_to_pdf, render_html
    from zopa.report.briefing.render import pdf_engine, write_bytes
    from zopa.robust import parameters, robustness

    html_target = check_output(out, "file", force=force, suffixes=HTML_SUFFIXES, what="briefing")
    pdf_target = (
        None
        if pdf is None
        else check_output(pdf, "file", force=force, suffixes=(".pdf",), what="PDF briefing")
    )
    scenario = load_any(file)
    robust = None
    if samples > 0 and (parameters(scenario) or scenario.evidence):
        robust = robustness(
            scenario, samples=samples, seed=seed, sensitivity_samples=min(samples, SENSITIVITY)
        )
    # a lone surrogate (an undecodable file name shown in the page) is written escaped
    html = utf8(render_html(build_briefing(scenario, robustness=robust))).decode("utf-8")
    pdf_bytes = None
    if pdf_target is not None:
        engine = pdf_engine()
        for note in engine.notes:
            typer.echo(f"note: {note}", err=True)
        pdf_bytes = html_to_pdf(html, engine)
    write_bytes(html_target.path, utf8(html))
    typer.echo(f"briefing written to {out}{html_target.note()}")
    if pdf_target is not None and pdf_bytes is not None:
        write_bytes(pdf_target.path, pdf_bytes)
        typer.echo(f"PDF written to {pdf}{pdf_target.note()}")
