"""CLI commands for negotiation: ``zopa simulate`` and ``zopa tournament``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from zopa.cli.app import app
from zopa.errors import ProtocolError
from zopa.io import load_any
from zopa.negotiate import (
    PROTOCOLS,
    AnnealingMediator,
    HillClimbingMediator,
    Mediator,
    NegotiationProtocol,
    OneText,
    SessionConfig,
    SessionResult,
    SingleText,
    protocol,
    simulate,
)
from zopa.negotiate.tournament import TournamentResult, load_tournament, run_tournament

_MEDIATORS: dict[str, type[Mediator]] = {
    "hill-climbing": HillClimbingMediator,
    "annealing": AnnealingMediator,
}


def _json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _console() -> Console:
    return Console(highlight=False, width=None if sys.stdout.isatty() else 130)


def _strategies(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        party, eq, name = item.partition("=")
        if not eq or not party.strip() or not name.strip():
            raise ProtocolError(f"`--strategy {item}` is not of the form PARTY=NAME[:k=v,...]")
        out[party.strip()] = name.strip()
    return out


def _protocol(name: str, mediator: str) -> NegotiationProtocol:
    if mediator not in _MEDIATORS:
        raise ProtocolError(
            f"unknown mediator `{mediator}`; choose one of: " + ", ".join(_MEDIATORS)
        )
    med = _MEDIATORS[mediator]()
    if name == "single-text":
        return SingleText(med)
    if name == "one-text":
        return OneText(med)
    return protocol(name)


@app.command("simulate")
def simulate_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="scenario: zopa .yaml/.json, GENIUS folder/XML, GeniusWeb folder/JSON"),
    ],
    protocol_name: Annotated[
        str, typer.Option("--protocol", help="alternating | stacked | single-text | one-text")
    ] = "alternating",
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            help="PARTY=NAME[:k=v,...], repeatable; unnamed parties play boulware "
            "(boulware, linear, conceder, hardliner, tit-for-tat, random, frequency)",
        ),
    ] = None,
    deadline: Annotated[int, typer.Option(help="deadline in rounds")] = 100,
    seconds: Annotated[float | None, typer.Option(help="deadline in seconds")] = None,
    discount: Annotated[float, typer.Option(help="time discount factor in (0, 1]")] = 1.0,
    timeout: Annotated[
        float | None, typer.Option(help="seconds a strategy may take per call")
    ] = None,
    mediator: Annotated[
        str, typer.Option(help="single-text/one-text mediator: hill-climbing | annealing")
    ] = "hill-climbing",
    no_events: Annotated[
        bool, typer.Option("--no-events", help="ignore the scenario's pressure events")
    ] = False,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same output)")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="write the concession paths over the frontier (PNG)")
    ] = None,
) -> None:
    """Replay a negotiation under chosen strategies and protocol."""
    if protocol_name not in PROTOCOLS:
        raise ProtocolError(
            f"unknown protocol `{protocol_name}`; choose one of: " + ", ".join(PROTOCOLS)
        )
    scenario = load_any(file)
    config = SessionConfig(
        deadline=deadline,
        seconds=seconds,
        discount=discount,
        call_timeout=timeout,
        events=not no_events,
    )
    result = simulate(
        scenario,
        _strategies(strategy or []),
        protocol=_protocol(protocol_name, mediator),
        config=config,
        seed=seed,
    )
    if plot is not None:
        from zopa.negotiate.plot import plot_session

        plot_session(result, plot)
    if as_json:
        _json(result.to_dict())
    else:
        _print_session(result)


def _print_session(r: SessionResult) -> None:
    con = _console()
    head = "[green]agreement[/]" if r.agreement else f"[yellow]{r.status.value}[/]"
    con.print(
        f"{head}"
        + (f" in round {r.round}" if r.round is not None else "")
        + (f" - {r.error}" if r.error else "")
    )
    if r.package is not None:
        t = Table("issue", "option")
        for k, v in r.package.items():
            t.add_row(k, str(v))
        con.print(t)
    u = Table("party", "utility" if r.agreement else "utility (reservation)")
    for p, x in zip(r.parties, r.utilities, strict=True):
        u.add_row(p, f"{x:.4f}")
    con.print(u)
    offers = sum(1 for e in r.trace if e.action.value == "offer")
    con.print(f"{offers} offers, {len(r.trace)} trace entries (--json prints them)")


@app.command("tournament")
def tournament_cmd(
    config: Annotated[Path, typer.Argument(help="tournament config (.yaml)")],
    workers: Annotated[int, typer.Option(help="local worker processes (1: in process)")] = 1,
    dask: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://host:8786) or local:N")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="results folder (default: <config stem>-results/ beside the config)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Strategies x scenarios x repetitions x seats; results as Parquet/CSV, ranking, plot."""
    cfg = load_tournament(config)
    folder = out if out is not None else config.resolve().parent / f"{config.stem}-results"
    bar = Progress(
        TextColumn("sessions"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task("sessions", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run_tournament(cfg, workers=workers, dask=dask, out=folder, progress=advance)
    if as_json:
        _json(result.to_dict())
    else:
        _print_tournament(result)


def _print_tournament(r: TournamentResult) -> None:
    con = _console()
    t = Table(
        "rank",
        "strategy",
        "mean utility",
        "agreement rate",
        "sessions",
        title=f"{r.sessions} sessions, {r.agreements} agreements, {r.seconds:.2f} s",
    )
    for k, row in enumerate(r.ranking, 1):
        t.add_row(
            str(k),
            row.strategy,
            f"{row.mean_utility:.4f}",
            f"{row.agreement_rate:.1%}",
            str(row.sessions),
        )
    con.print(t)
    con.print(f"results: {r.results}")
