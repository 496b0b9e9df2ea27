"""The part of a tournament that runs in worker processes (no pandas, quick to import).

A :class:`Batch` is a list of :class:`Match` es over shared settings; :func:`run_batch` plays
them and returns plain rows (one per party per session). Scenarios are loaded once per
worker process (cached by path).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from zopa.io import load_any
from zopa.negotiate.protocols import protocol as make_protocol
from zopa.negotiate.protocols import run
from zopa.negotiate.registry import StrategySpec
from zopa.negotiate.session import Session, SessionConfig
from zopa.negotiate.space import OutcomeSpace, outcome_space
from zopa.records import frozen

__all__ = ["Batch", "Match", "match_seed", "run_batch", "space"]


@frozen(slots=True)
class Match:
    """One session: scenario number, strategy number per party, repetition, and its seed."""

    session: int
    scenario: int
    assignment: tuple[int, ...]
    repetition: int
    seed: int


@frozen(slots=True)
class Batch:
    scenarios: tuple[str, ...]
    strategies: tuple[StrategySpec, ...]
    protocol: str
    config: SessionConfig
    matches: tuple[Match, ...]


def match_seed(base: int, scenario: int, assignment: tuple[int, ...], repetition: int) -> int:
    """The seed of a session, from the tournament seed and what the session is (SeedSequence)."""
    seq = np.random.SeedSequence([base, scenario, repetition, len(assignment), *assignment])
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


@lru_cache(maxsize=32)
def space(path: str) -> OutcomeSpace:
    """The outcome space of the scenario at ``path`` (any format ``load_any`` reads; loaded
    once per process)."""
    return outcome_space(load_any(path))


def run_batch(batch: Batch) -> list[dict[str, Any]]:
    """Play every match of ``batch``; one row per party per session."""
    proto = make_protocol(batch.protocol)
    rows: list[dict[str, Any]] = []
    for m in batch.matches:
        sp = space(batch.scenarios[m.scenario])
        negs = [batch.strategies[k].build() for k in m.assignment]
        result = run(proto, Session(sp, batch.config), negs, np.random.default_rng(m.seed))
        for p, (party, k) in enumerate(zip(sp.parties, m.assignment, strict=True)):
            rows.append(
                {
                    "session": m.session,
                    "scenario": batch.scenarios[m.scenario],
                    "repetition": m.repetition,
                    "seed": m.seed,
                    "party": party,
                    "seat": p,
                    "strategy": batch.strategies[k].label,
                    "status": result.status.value,
                    "agreement": result.agreement,
                    "round": -1 if result.round is None else result.round,
                    "utility": result.utilities[p],
                    "error": result.error,
                }
            )
    return rows
