"""``zopa report``: the analyst's briefing as one self-contained HTML page (and PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from zopa.cli.app import Bounded, ForceOpt, app
from zopa.cli.robust import ReportDateOpt, ReportYearOpt
from zopa.errors import AnalysisError

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
    log: Annotated[
        Path | None,
        typer.Option(
            help="the reviewed evidence log (as `zopa track --log`): adds how the odds moved "
            "over the talks"
        ),
    ] = None,
    news: Annotated[
        list[Path] | None,
        typer.Option(help="a report (text/HTML) to mark on the timeline; repeat for more"),
    ] = None,
    date: ReportDateOpt = None,
    year: ReportYearOpt = None,
    since: Annotated[
        str | None,
        typer.Option(help="YYYY-MM-DD: say what changed since this date (default: the start)"),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Write the analyst's briefing: scenario, zone, frontier, solutions, drafts, concessions,
    robustness under the scenario's uncertainty (sampled), the evidence, and (with --log) how
    the odds moved over the talks."""
    from zopa.cli.robust import _iso
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
    if log is None and (news or date or since or year is not None):
        raise AnalysisError(
            "--news, --date, --year and --since describe the talks over time: give the reviewed "
            "evidence log with --log LOG.yaml"
        )
    if log is not None and samples == 0:
        raise AnalysisError("--log replays the evidence on sampled models: give --samples > 0")
    if since is not None:
        _iso(since, "--since")
    scenario = load_any(file)
    track = _track(scenario, log, news or [], date or [], year, samples, seed, since)
    robust = None
    if samples > 0 and (parameters(scenario) or scenario.evidence):
        robust = robustness(
            scenario, samples=samples, seed=seed, sensitivity_samples=min(samples, SENSITIVITY)
        )
    # a lone surrogate (an undecodable file name shown in the page) is written escaped
    briefing = build_briefing(
        scenario, robustness=robust, track=track, log=str(log or ""), since=since
    )
    html = utf8(render_html(briefing)).decode("utf-8")
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


def _track(
    scenario: Any,
    log: Path | None,
    news: list[Path],
    dates: list[str],
    year: int | None,
    samples: int,
    seed: int,
    since: str | None,
) -> Any:
    """The talks over time (:func:`zopa.robust.track.track`) when a log is given, else None."""
    if log is None:
        return None
    from zopa.cli.robust import _report_dates
    from zopa.robust.track import read_log, track

    dated = _report_dates(news, dates, year)
    return track(
        scenario, read_log(str(log)), [r for r, _ in dated], samples=samples, seed=seed, since=since
    )
