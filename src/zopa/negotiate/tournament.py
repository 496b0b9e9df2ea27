"""ANAC-style tournaments: strategies x scenarios x repetitions x role permutations.

Every session gets an explicit seed derived from the tournament seed and what the session is
(:func:`~zopa.negotiate._worker.match_seed`, a NumPy ``SeedSequence``), so the results do not
depend on where or in which order sessions run: in process, on a local process pool, or on a
Dask cluster they are equal. Sessions travel in batches to keep per-task overhead low.
Results are a tidy table (one row per party per session) saved as Parquet and CSV.
"""

from __future__ import annotations

import importlib
import itertools
import math
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zopa.errors import ProtocolError, ScenarioError
from zopa.model.compiled import PRECISION, round_utility
from zopa.negotiate._worker import Batch, Match, match_seed, run_batch
from zopa.negotiate._worker import space as worker_space
from zopa.negotiate.protocols import protocol as make_protocol
from zopa.negotiate.registry import StrategySpec, parse_strategy
from zopa.negotiate.session import SessionConfig
from zopa.records import frozen

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Ranking",
    "TournamentConfig",
    "TournamentResult",
    "load_tournament",
    "matches",
    "run_tournament",
]

SECONDS_DIGITS = 3
"""A tournament's wall time is reported to the millisecond."""

Progress = Callable[[int, int], None]  # (sessions done so far, total)
"""How long ``--dask ADDRESS`` waits for the scheduler before giving up (exit code 2)."""


@frozen
class TournamentConfig:
    """What a tournament plays. ``self_play`` lets a strategy meet copies of itself."""

    scenarios: tuple[str, ...]
    strategies: tuple[StrategySpec, ...]
    protocol: str = "stacked"
    session: SessionConfig = field(default_factory=SessionConfig)
    repetitions: int = 1
    seed: int = 0
    self_play: bool = True

    def __post_init__(self) -> None:
        make_protocol(self.protocol)
        if not self.scenarios:
            raise ProtocolError("a tournament needs at least one scenario")
        if not self.strategies:
            raise ProtocolError("a tournament needs at least one strategy")
        if self.repetitions < 1:
            raise ProtocolError(f"repetitions must be at least 1, not {self.repetitions}")


def load_tournament(path: str | Path) -> TournamentConfig:
    """Read a tournament config (YAML/JSON); relative scenario paths resolve against its folder.

    A scenario entry is anything ``zopa analyze`` reads: a zopa YAML/JSON file, a GENIUS
    folder or domain file, a GeniusWeb folder or file.
    """
    from zopa.io.tournament import read_tournament

    read = read_tournament(path)
    spec, doc, file = read.spec, read.doc, str(path)
    try:
        strategies = []
        for k, entry in enumerate(spec.strategies):
            try:
                strategies.append(
                    parse_strategy(entry if isinstance(entry, str) else entry.model_dump())
                )
            except ProtocolError as exc:
                raise doc.error(("strategies", k), str(exc)) from None
        session = SessionConfig(
            deadline=spec.deadline,
            seconds=spec.seconds,
            discount=spec.discount,
            call_timeout=spec.call_timeout,
            events=spec.events,
        )
        return TournamentConfig(
            scenarios=read.scenarios,
            strategies=tuple(strategies),
            protocol=spec.protocol,
            session=session,
            repetitions=spec.repetitions,
            seed=spec.seed,
            self_play=spec.self_play,
        )
    except ProtocolError as exc:
        raise ScenarioError(str(exc), file=file) from None


def matches(config: TournamentConfig) -> list[Match]:
    """Every session of the tournament, in a fixed order, each with its seed."""
    out: list[Match] = []
    k = len(config.strategies)
    for s, path in enumerate(config.scenarios):
        n = len(worker_space(path).parties)
        if config.protocol == "alternating" and n != 2:
            raise ProtocolError(f"{path}: alternating offers needs 2 parties, not {n}")
        for assignment in itertools.product(range(k), repeat=n):
            if not config.self_play and len(set(assignment)) < min(n, k):
                continue
            for rep in range(config.repetitions):
                seed = match_seed(config.seed, s, assignment, rep)
                out.append(Match(len(out), s, assignment, rep, seed))
    return out


@frozen
class Ranking:
    strategy: str
    mean_utility: float
    agreement_rate: float
    sessions: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "mean_utility": self.mean_utility,
            "agreement_rate": self.agreement_rate,
            "sessions": self.sessions,
        }


@frozen
class TournamentResult:
    sessions: int
    agreements: int
    seconds: float
    ranking: tuple[Ranking, ...]
    results: str | None
    frame: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "agreements": self.agreements,
            "seconds": round(self.seconds, SECONDS_DIGITS),
            "ranking": [r.to_dict() for r in self.ranking],
            "results": self.results,
        }


def _batches(config: TournamentConfig, todo: Sequence[Match], parts: int) -> list[Batch]:
    size = max(1, min(500, math.ceil(len(todo) / max(1, parts))))
    return [
        Batch(
            config.scenarios,
            config.strategies,
            config.protocol,
            config.session,
            tuple(todo[i : i + size]),
        )
        for i in range(0, len(todo), size)
    ]


def _local(batches: list[Batch], workers: int) -> Iterator[list[dict[str, Any]]]:
    if workers <= 1:
        yield from map(run_batch, batches)
        return
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for fut in as_completed([pool.submit(run_batch, b) for b in batches]):
            yield fut.result()


def _dask(batches: list[Batch], address: str) -> Iterator[list[dict[str, Any]]]:
    """Run on Dask (:func:`zopa.parallel.dask_client`: ``local:N``, ``inprocess`` or an
    address)."""
    from zopa.parallel import dask_client

    dd: Any = importlib.import_module("distributed")
    with dask_client(address, ProtocolError) as client:
        futures = client.map(run_batch, batches, pure=False)
        for fut in dd.as_completed(futures):
            yield fut.result()


def run_tournament(
    config: TournamentConfig,
    *,
    workers: int = 1,
    dask: str | None = None,
    out: str | Path | None = None,
    progress: Progress | None = None,
) -> TournamentResult:
    """Play the tournament; save results to ``out`` (Parquet, CSV, ranking) when given.

    ``dask`` is a scheduler address (``tcp://host:8786``), ``local:N`` for a LocalCluster of N
    processes, or ``inprocess``; otherwise ``workers`` local processes (1: in this process).
    """
    import pandas as pd

    start = time.perf_counter()
    todo = matches(config)
    parts = 8 * max(1, workers if dask is None else 4)
    batches = _batches(config, todo, parts)
    rows: list[dict[str, Any]] = []
    done = 0
    chunks = _dask(batches, dask) if dask is not None else _local(batches, workers)
    for chunk in chunks:
        rows.extend(chunk)
        done = len({r["session"] for r in chunk}) + done
        if progress is not None:
            progress(done, len(todo))
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame["scenario"] = frame["scenario"].map(_relative)
    frame = frame.sort_values(["session", "seat"], kind="stable").reset_index(drop=True)
    result = TournamentResult(
        sessions=len(todo),
        agreements=int(frame.drop_duplicates("session")["agreement"].sum()),
        seconds=time.perf_counter() - start,
        ranking=_ranking(frame),
        results=str(out) if out is not None else None,
        frame=frame,
    )
    if out is not None:
        save(result, Path(out))
    return result


_COLUMNS = [
    "session",
    "scenario",
    "repetition",
    "seed",
    "party",
    "seat",
    "strategy",
    "status",
    "agreement",
    "round",
    "utility",
    "error",
]


def _ranking(frame: pd.DataFrame) -> tuple[Ranking, ...]:
    if frame.empty:
        return ()
    g = frame.groupby("strategy", sort=True).agg(
        mean_utility=("utility", "mean"), sessions=("session", "nunique")
    )
    # one denominator: the sessions a strategy took part in (a strategy playing itself has two
    # seats in one session, which ends in one agreement or none)
    per_session = frame.drop_duplicates(["strategy", "session"])
    g["agreement_rate"] = per_session.groupby("strategy", sort=True)["agreement"].mean()
    g = g.sort_values(["mean_utility", "agreement_rate"], ascending=False, kind="stable")
    return tuple(
        Ranking(
            str(name),
            round_utility(float(r.mean_utility)),
            round(float(r.agreement_rate), PRECISION),
            int(r.sessions),
        )
        for name, r in g.iterrows()
    )


def _relative(path: str) -> str:
    """``path`` relative to the working directory when it lies below it (portable results)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path


def save(result: TournamentResult, out: Path) -> None:
    """Write results.parquet, results.csv and ranking.csv into ``out``."""
    import pandas as pd

    from zopa.io.output import atomic_write  # each file complete or untouched

    ranking = pd.DataFrame([r.to_dict() for r in result.ranking])
    atomic_write(out / "results.parquet", lambda p: result.frame.to_parquet(p, index=False))
    atomic_write(out / "results.csv", lambda p: result.frame.to_csv(p, index=False))
    atomic_write(out / "ranking.csv", lambda p: ranking.to_csv(p, index=False))
