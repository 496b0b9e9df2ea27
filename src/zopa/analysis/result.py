"""Frozen results of the analyses, each with ``to_dict()`` (the shape of ``--json``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zopa.analysis.explain import UnitConcession

from zopa.model.compiled import round_utility
from zopa.records import frozen

__all__ = [
    "Analysis",
    "Concession",
    "Concessions",
    "Frontier",
    "Point",
    "Zone",
]

PackageDict = Mapping[str, str | float | int]


def _r(x: float) -> float:
    return round_utility(x)


@frozen
class Point:
    """A package with each party's utility and margin (utility - reservation)."""

    package: PackageDict
    utilities: Mapping[str, float]
    margins: Mapping[str, float]
    number: int  # the package's number in the outcome space (mixed radix, last issue fastest)

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": dict(self.package),
            "utilities": {k: _r(v) for k, v in self.utilities.items()},
            "margins": {k: _r(v) for k, v in self.margins.items()},
        }


@frozen
class Zone:
    """The agreement zone: does it exist, how many packages (exact or an estimate)."""

    exists: bool
    size: int | None
    exact: bool
    interval: tuple[int, int] | None = None  # 95% interval when the size is estimated

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"exists": self.exists, "size": self.size, "exact": self.exact}
        if self.interval is not None:
            out["interval"] = list(self.interval)
        return out


@frozen
class Frontier:
    """The Pareto frontier of the zone (gating parties); ``points`` may be truncated."""

    size: int | None
    points: tuple[Point, ...]
    truncated: bool
    exact: bool = True
    limited: bool = False  # listed from a limited search; the size is then unknown (None)
    limit: int | None = None  # the limit of that search (packages searched)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "size": self.size,
            "packages": [p.to_dict() for p in self.points],
            "truncated": self.truncated,
            "exact": self.exact,
        }
        if self.limited:
            out["limited"] = True
            out["limit"] = self.limit
        return out


@frozen
class Concession:
    """One way to open a zone: the package it opens and what each party gives up."""

    kind: str  # uniform | min_sum | min_max | red_lines
    point: Point
    drops: Mapping[str, float]  # reservation drop per party (0 where none is needed)
    total: float  # uniform drop, sum of drops, max drop, or number of red lines relaxed
    relaxed: tuple[tuple[str, str], ...] = ()  # (party, red line) relaxed
    in_units: tuple[UnitConcession, ...] = ()  # the drops as limits moved on numeric issues

    def to_dict(self) -> dict[str, Any]:
        out = {
            "package": dict(self.point.package),
            "utilities": {k: _r(v) for k, v in self.point.utilities.items()},
            "drops": {k: _r(v) for k, v in self.drops.items()},
            "total": _r(self.total),
            "in_units": [c.to_dict() for c in self.in_units],
        }
        if self.kind == "red_lines":
            out["relaxed"] = [{"party": p, "red_line": t} for p, t in self.relaxed]
            out["total"] = int(self.total)
        return out


@frozen
class Concessions:
    """What would open a zone that is empty; None entries are impossible that way."""

    uniform: Concession | None
    min_sum: Concession | None
    min_max: Concession | None
    red_lines: Concession | None
    engine: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "uniform": self.uniform.to_dict() if self.uniform else None,
            "min_sum": self.min_sum.to_dict() if self.min_sum else None,
            "min_max": self.min_max.to_dict() if self.min_max else None,
            "red_lines": self.red_lines.to_dict() if self.red_lines else None,
            "engine": self.engine,
        }


@frozen
class Analysis:
    """Everything ``zopa analyze`` reports."""

    title: str
    parties: tuple[str, ...]  # gating parties, the ones the zone and solutions are about
    outcomes: int
    feasible: int | None
    zone: Zone
    frontier: Frontier
    solutions: Mapping[str, Point | None]
    concessions: Concessions | None
    engine: str
    reservations: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    summary: str = ""  # the answer in words (explain.analysis_summary)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": self.summary,
            "parties": list(self.parties),
            "reservations": {k: _r(v) for k, v in self.reservations.items()},
            "outcomes": self.outcomes,
            "feasible": self.feasible,
            "zone": self.zone.to_dict(),
            "frontier": self.frontier.to_dict(),
            "solutions": {k: (v.to_dict() if v else None) for k, v in self.solutions.items()},
            "concessions": self.concessions.to_dict() if self.concessions else None,
            "engine": self.engine,
            "notes": list(self.notes),
        }
