"""CLI command `zopa news`: read news reports into quotes, claims, issues and evidence."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from zopa.cli.app import app
from zopa.cli.params import Bounded


@app.command("news")
def news_cmd(
    articles: Annotated[
        list[Path], typer.Argument(help="news articles, plain text (.txt) or HTML (.html)")
    ],
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario", help="scenario file: match issues and parties, suggest evidence"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    rows: Annotated[
        int,
        typer.Option(
            "--rows",
            parser=Bounded(int, 0, 10**9),
            help="rows each table shows (0: every row; the caption says when there are more); "
            "--json always lists everything",
        ),
    ] = 200,
    nlp: Annotated[
        str | None,
        typer.Option(
            "--nlp",
            metavar="MODEL",
            help="also list named entities from spaCy (extra zopa[nlp]): `rules` (no download) "
            "or an installed model; changes none of the answers",
        ),
    ] = None,
) -> None:
    """Read news reports of the talks: actors, quotes with speakers, claims and whether they are
    verified, issues, events, deadlines and (with --scenario) evidence suggestions."""
    from rich.console import Console

    from zopa.io import load_any
    from zopa.news import read_news
    from zopa.report.news import render_news

    s = load_any(scenario) if scenario is not None else None
    reading = read_news(articles, s, nlp=nlp)
    if as_json:
        sys.stdout.write(json.dumps(reading.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 130)
    console.print(render_news(reading, rows or None))
