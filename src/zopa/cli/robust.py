"""CLI command ``zopa robust``: the agreement zone under uncertainty and public evidence."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zopa.cli.analysis import FileArg, JsonOpt, _console, print_json
from zopa.cli.app import Bounded, ForceOpt, app, vet_output
from zopa.errors import AnalysisError

ReportDateOpt = Annotated[
    list[str] | None,
    typer.Option(help="FILE=YYYY-MM-DD: a report's date where its dateline has none"),
]
ReportYearOpt = Annotated[
    int | None,
    typer.Option(
        help="the year of datelines that give none (Dec 2)", parser=Bounded(int, 1900, 2200)
    ),
]


@app.command("robust")
def robust_cmd(
    file: FileArg,
    samples: Annotated[
        int, typer.Option(help="samples to draw (1 to 10,000,000)", parser=Bounded(int, 1, 10**7))
    ] = 10_000,
    seed: Annotated[
        int,
        typer.Option(
            help="random seed >= 0 (same seed, same answer)", parser=Bounded(int, 0, 2**63 - 1)
        ),
    ] = 0,
    workers: Annotated[
        int, typer.Option(help="local worker processes (1 to 256)", parser=Bounded(int, 1, 256))
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786) or local:N"),
    ] = None,
    sensitivity_samples: Annotated[
        int | None,
        typer.Option(
            help="samples per end of each range for the tornado (default min(N, 2000))",
            parser=Bounded(int, 0, 10**7),
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            help="next-most-robust packages to list (0 to 100)", parser=Bounded(int, 0, 100)
        ),
    ] = 5,
    sensitivity: Annotated[
        str | None,
        typer.Option(
            help="global sensitivity: sobol (independent inputs, evidence not applied) or "
            "shapley (the kept samples, evidence included)"
        ),
    ] = None,
    sensitivity_output: Annotated[
        str,
        typer.Option(help="what the global sensitivity explains: zone, margin or draft:ID"),
    ] = "zone",
    sobol_samples: Annotated[
        int,
        typer.Option(
            help="Sobol base samples N (N x (parameters + 2) runs; 16 to 1,000,000)",
            parser=Bounded(int, 16, 1_000_000),
        ),
    ] = 1024,
    prim: Annotated[
        bool, typer.Option("--prim", help="find the PRIM box where the zone lives")
    ] = False,
    prim_plot: Annotated[
        Path | None, typer.Option(help="write the PRIM peeling trajectory (PNG/SVG/PDF)")
    ] = None,
    as_json: JsonOpt = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="write the chart (PNG/SVG/PDF): the global sensitivity with --sensitivity, "
            "else the one-at-a-time tornado"
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """How likely is an agreement zone, given the uncertainty and the evidence in the file?"""
    from zopa.robust import robustness

    if not 1 <= samples <= 10_000_000:
        raise AnalysisError(f"--samples must be between 1 and 10,000,000 (got {samples})")
    if seed < 0:
        raise AnalysisError(f"--seed must be >= 0 (got {seed})")
    if not 1 <= workers <= 256:
        raise AnalysisError(f"--workers must be between 1 and 256 (got {workers})")
    if not 0 <= top <= 100:
        raise AnalysisError(f"--top must be between 0 and 100 (got {top})")
    if sensitivity is not None and sensitivity not in ("sobol", "shapley"):
        raise AnalysisError(f"--sensitivity must be sobol or shapley (got {sensitivity!r})")
    if not 16 <= sobol_samples <= 1_000_000:
        raise AnalysisError(
            f"--sobol-samples must be between 16 and 1,000,000 (got {sobol_samples})"
        )
    target = vet_output(plot, "plot", force)
    prim_target = vet_output(prim_plot, "plot", force)
    if sensitivity_samples is not None and not 0 <= sensitivity_samples <= samples:
        raise AnalysisError(f"--sensitivity-samples must be between 0 and --samples ({samples:,})")
    from zopa.io import load_any

    s = load_any(file)
    bar, update = _bar(samples)
    kwargs: dict[str, Any] = {
        "samples": samples,
        "seed": seed,
        "workers": workers,
        "dask": dask,
        "sensitivity_samples": sensitivity_samples,
        "top": top,
        "method": sensitivity,
        "output": sensitivity_output,
        "sobol_base": sobol_samples,
        "boxes": prim or prim_plot is not None,
    }
    if bar is not None:
        with bar:
            result = robustness(s, progress=update, **kwargs)
    else:
        result = robustness(s, **kwargs)
    from zopa.io.output import save_figure

    if target is not None:
        from zopa.report.robust import sensitivity_figure, tornado_figure

        chart = (
            sensitivity_figure(result, scenario=s)
            if result.global_sensitivity is not None
            else tornado_figure(result, scenario=s)
        )
        save_figure(chart, target.path)
    if prim_target is not None and result.prim is not None:
        from zopa.report.robust import prim_figure

        save_figure(prim_figure(result, scenario=s), prim_target.path)
    if as_json:
        from zopa.report.robust import robust_json

        print_json(robust_json(result, s))
        for w in result.warnings:
            sys.stderr.write(f"warning: {w}\n")
        return
    from zopa.report.robust import render_robust

    con = _console()
    render_robust(result, con, scenario=s)
    if target is not None:
        what = "sensitivity" if result.global_sensitivity is not None else "tornado"
        con.print(f"{what} chart written to {target.path}{target.note()}")
    if prim_target is not None:
        con.print(f"PRIM trajectory written to {prim_target.path}{prim_target.note()}")


def _bar(samples: int) -> tuple[Any, Any]:
    if samples < 2_000 or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("sampling"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("robust", total=1)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@app.command("track")
def track_cmd(
    file: FileArg,
    reports: Annotated[
        list[Path] | None, typer.Argument(help="articles (text/HTML) marking dates on the timeline")
    ] = None,
    log: Annotated[
        Path | None,
        typer.Option(help="the reviewed evidence log (YAML list: date, status, evidence item)"),
    ] = None,
    date: ReportDateOpt = None,
    year: ReportYearOpt = None,
    since: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD: say what changed since this date")
    ] = None,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            help="ask, for each evidence item `zopa news` suggests in the reports, whether to "
            "accept it, and write the answers to --log",
        ),
    ] = False,
    samples: Annotated[
        int,
        typer.Option(
            help="samples at every step (1 to 1,000,000)", parser=Bounded(int, 1, 1_000_000)
        ),
    ] = 10_000,
    seed: Annotated[
        int, typer.Option(help="random seed >= 0", parser=Bounded(int, 0, 2**63 - 1))
    ] = 0,
    as_json: JsonOpt = False,
    plot: Annotated[
        Path | None, typer.Option(help="write the chart of the odds over time (PNG/SVG/PDF)")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """How the odds moved: replay the reviewed evidence log, date by date."""
    from zopa.io import load_any
    from zopa.robust.track import LogItem, read_log, track

    if not 1 <= samples <= 1_000_000:
        raise AnalysisError(f"--samples must be between 1 and 1,000,000 (got {samples})")
    if seed < 0:
        raise AnalysisError(f"--seed must be >= 0 (got {seed})")
    if since is not None:
        _iso(since, "--since")
    target = vet_output(plot, "plot", force)
    s = load_any(file)
    dated = _report_dates(reports or [], date or [], year)
    items: tuple[LogItem, ...] = ()
    if log is not None and log.exists():
        items = read_log(str(log))
    if review:
        if log is None:
            raise AnalysisError("--review writes the reviewed items to --log: give --log FILE")
        items = _review(s, dated, items, log)
    elif log is None and not dated:
        raise AnalysisError(
            "give --log LOG.yaml (the reviewed evidence) or reports to put on the timeline"
        )
    elif log is not None and not log.exists():
        raise AnalysisError(
            f"{log}: no such evidence log; write it by hand, or with --review from the "
            "reports' suggestions"
        )
    result = track(s, items, [r for r, _ in dated], samples=samples, seed=seed, since=since)
    if target is not None:
        from zopa.io.output import save_figure
        from zopa.report.track import track_figure

        save_figure(track_figure(result, scenario=s), target.path)
    if as_json:
        out = result.to_dict()
        if since is not None:
            from zopa.report.track import changes_since

            out["since"] = {"date": since, "in_words": changes_since(result, since, scenario=s)}
        print_json(out)
        return
    from zopa.report.track import render_track

    con = _console()
    render_track(result, con, since=since, scenario=s)
    if target is not None:
        con.print(f"chart written to {target.path}{target.note()}")


def _iso(text: str, what: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise AnalysisError(f"{what}: {text!r} is not a date YYYY-MM-DD") from None


def _report_dates(reports: list[Path], dates: list[str], year: int | None) -> list[tuple[Any, str]]:
    """(Report, file as given) per report, dated from --date or the article's dateline."""
    from zopa.news import read_article_file
    from zopa.robust.track import Report, parse_dateline_date

    given: dict[str, str] = {}
    for d in dates:
        name, sep, value = d.rpartition("=")
        if not sep or not name:
            raise AnalysisError(f"--date {d!r}: write FILE=YYYY-MM-DD")
        given[name] = _iso(value, f"--date {name}")
    unknown = set(given) - {str(r) for r in reports}
    if unknown:
        raise AnalysisError(
            "--date names a file that is not a report: " + ", ".join(sorted(unknown))
        )
    out = []
    for r in reports:
        reading = read_article_file(r)
        when: str | None = given.get(str(r))
        if when is None and reading.dateline is not None and reading.dateline.date:
            when = parse_dateline_date(reading.dateline.date, year)
        if when is None:
            found = (
                f"its dateline says {reading.dateline.date!r}"
                if reading.dateline
                else "it has no dateline"
            )
            raise AnalysisError(
                f"{r}: cannot tell the report's date ({found}); give --date {r}=YYYY-MM-DD"
                + (" or --year YYYY" if reading.dateline else "")
            )
        out.append((Report(str(r), reading.title or Path(r).name, when), str(r)))
    return out


def _review(scenario: Any, dated: list[tuple[Any, str]], items: Any, log: Path) -> Any:
    """Ask about each suggestion of the reports not yet in the log; append the answers."""
    import yaml

    from zopa.news import read_news
    from zopa.robust.track import LogItem, suggestions_to_review

    reading = read_news([f for _, f in dated], scenario)
    todo = suggestions_to_review(reading.evidence, {f: r.date for r, f in dated}, items)
    if not todo:
        typer.echo(
            "nothing new to review: every suggestion of these reports is in the log", err=True
        )
        return items
    answers: list[dict[str, Any]] = []
    for k, item in enumerate(todo, 1):
        shown = {x: item[x] for x in item if x not in ("quote",)}
        typer.echo(
            f"\n[{k}/{len(todo)}] {yaml.safe_dump(shown, sort_keys=False).strip()}", err=True
        )
        typer.echo(f"    quote: {item.get('quote', '')}", err=True)
        choice = typer.prompt("accept, reject or skip? [a/r/s]", default="s", err=True)
        choice = choice.strip().lower()[:1]
        if choice in ("a", "r"):
            answers.append(
                {"date": item["date"], "status": "accepted" if choice == "a" else "rejected"}
                | {x: v for x, v in item.items() if x != "date"}
            )
    if not answers:
        typer.echo("no item accepted or rejected: the log is unchanged", err=True)
        return items
    old = log.read_text(encoding="utf-8") if log.exists() else ""
    from zopa.io.output import write_text

    sep = "" if not old or old.endswith("\n") else "\n"
    new = yaml.safe_dump(answers, sort_keys=False, allow_unicode=True)
    write_text(log, old + sep + new, force=True, suffixes=(".yaml", ".yml", ".json"))
    typer.echo(f"{len(answers)} reviewed item(s) added to {log}", err=True)
    start = len(items)
    return (
        *items,
        *(
            LogItem(
                start + j, a["date"], a["status"], {x: v for x, v in a.items() if x != "status"}
            )
            for j, a in enumerate(answers)
        ),
    )
