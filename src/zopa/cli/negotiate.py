"""CLI commands for negotiation: ``zopa simulate`` and ``zopa tournament``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from zopa.cli.app import Bounded, ForceOpt, app, vet_output
from zopa.errors import ProtocolError

if TYPE_CHECKING:
    from rich.console import Console

    from zopa.negotiate import Mediator, NegotiationProtocol

AUTO = "auto"  # == zopa.negotiate.AUTO (imported lazily; tests/cli/test_startup.py)
_MEDIATOR_NAMES = ("hill-climbing", "annealing")
RESULT_FILES = ("results.parquet", "results.csv", "ranking.csv", "ranking.png")


def _mediators() -> dict[str, type[Mediator]]:
    from zopa.negotiate import AnnealingMediator, HillClimbingMediator

    return {"hill-climbing": HillClimbingMediator, "annealing": AnnealingMediator}


def _json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _console() -> Console:
    from rich.console import Console

    from zopa.report.fit import console_width

    return Console(highlight=False, width=console_width())


def _strategies(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        party, eq, name = item.partition("=")
        if not eq or not party.strip() or not name.strip():
            raise ProtocolError(f"`--strategy {item}` is not of the form PARTY=NAME[:k=v,...]")
        out[party.strip()] = name.strip()
    return out


def _protocol(name: str, mediator: str, parties: int) -> NegotiationProtocol:
    from zopa.negotiate import OneText, SingleText, fitting, protocol

    mediators = _mediators()
    if mediator not in mediators:
        raise ProtocolError(
            f"unknown mediator `{mediator}`; choose one of: " + ", ".join(_MEDIATOR_NAMES)
        )
    med = mediators[mediator]()
    name = fitting(name, parties)
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
        str,
        typer.Option(
            "--protocol",
            help="auto (alternating for 2 parties, stacked for more) | alternating | stacked | "
            "single-text | one-text",
        ),
    ] = AUTO,
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            help="PARTY=NAME[:k=v,...], repeatable; unnamed parties play boulware "
            "(boulware, linear, conceder, hardliner, tit-for-tat, random, frequency)",
        ),
    ] = None,
    deadline: Annotated[
        int, typer.Option(help="deadline in rounds (1 to 1,000,000)", parser=Bounded(int, 1, 10**6))
    ] = 100,
    seconds: Annotated[
        float | None,
        typer.Option(
            help="deadline in seconds (up to a day)",
            parser=Bounded(float, 0, 86_400, open_low=True),
        ),
    ] = None,
    discount: Annotated[
        float,
        typer.Option(
            help="time discount factor in (0, 1]", parser=Bounded(float, 0, 1, open_low=True)
        ),
    ] = 1.0,
    timeout: Annotated[
        float | None,
        typer.Option(
            help="seconds a strategy may take per call (up to an hour)",
            parser=Bounded(float, 0, 3600, open_low=True),
        ),
    ] = None,
    mediator: Annotated[
        Literal["hill-climbing", "annealing"],
        typer.Option(help="single-text/one-text mediator"),
    ] = "hill-climbing",
    no_events: Annotated[
        bool, typer.Option("--no-events", help="ignore the scenario's pressure events")
    ] = False,
    seed: Annotated[
        int,
        typer.Option(
            help="random seed >= 0 (same seed, same output)", parser=Bounded(int, 0, 2**63 - 1)
        ),
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="write the concession paths over the frontier (PNG)")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Replay a negotiation under chosen strategies and protocol."""
    from zopa.io import load_any
    from zopa.negotiate import PROTOCOLS, SessionConfig, simulate

    if protocol_name != AUTO and protocol_name not in PROTOCOLS:
        raise ProtocolError(
            f"unknown protocol `{protocol_name}`; choose one of: " + ", ".join([AUTO, *PROTOCOLS])
        )
    target = vet_output(plot, "plot", force)
    scenario = load_any(file)
    negotiating = sum(1 for p in scenario.parties if p.role == "party" and p.preferences)
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
        protocol=_protocol(protocol_name, mediator, negotiating),
        config=config,
        seed=seed,
    )
    from zopa.report.negotiate import plot_session, render_session

    if plot is not None:
        plot_session(result, plot)
    if as_json:
        _json(result.to_dict())
    else:
        con = _console()
        render_session(result, con)
        if target is not None:
            con.print(f"concession paths drawn to {plot}{target.note()}")


def _new_folder(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``, ... : the first that does not exist yet, so running
    the same command twice keeps both results instead of failing."""
    k, folder = 1, base
    while folder.exists():
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


@app.command("tournament")
def tournament_cmd(
    config: Annotated[Path, typer.Argument(help="tournament config (.yaml)")],
    workers: Annotated[
        int,
        typer.Option(
            help="local worker processes (1: in process; at most 256)", parser=Bounded(int, 1, 256)
        ),
    ] = 1,
    dask: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://host:8786) or local:N")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="results folder (default: a new out/<config stem>-results[-N]/, git-ignored)"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    force: ForceOpt = False,
) -> None:
    """Strategies x scenarios x repetitions x seats; results as Parquet/CSV, ranking, plot."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from zopa.negotiate.tournament import load_tournament, run_tournament

    cfg = load_tournament(config)
    folder = out if out is not None else _new_folder(Path("out") / f"{config.stem}-results")
    from zopa.io.output import check_folder_files

    vet_output(folder, "folder", force)
    check_folder_files(folder, RESULT_FILES, force=force)  # before hours of sessions
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
    from zopa.report.negotiate import plot_ranking, render_tournament

    plot_ranking(result.ranking, folder / "ranking.png")
    if as_json:
        _json(result.to_dict())
    else:
        render_tournament(result, _console())
