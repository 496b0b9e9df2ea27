"""``analyze``: the agreement zone, its Pareto frontier, bargaining solutions, concessions.

Engines (named in every result):

- ``enumerate``: an exact pass over every package (:mod:`zopa.analysis.enumerate`), for spaces
  up to :data:`ENUMERATION_LIMIT` packages; any utilities (additive or hyper-rectangle);
- ``frontier``: the exact frontier by dynamic programming over (compound) issues
  (:mod:`zopa.analysis.frontier`), for additive utilities at any size; the zone size is counted
  by :mod:`zopa.analysis.count` (exact by meet in the middle for up to two gating parties);
- ``milp``: HiGHS mixed-integer programs (:mod:`zopa.analysis.milp`) for any size: zone
  existence, every bargaining solution (Nash by outer approximation), concessions. The frontier
  is not listed; the zone size comes from :mod:`zopa.analysis.count`.

``auto`` enumerates up to :data:`AUTO_ENUMERATE` packages (fast, and concessions come out of
the same pass), then uses the frontier engine when the utilities are additive and every
compound issue is small, then enumeration up to :data:`ENUMERATION_LIMIT`, else the MILP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from zopa.analysis import many, milp, pareto
from zopa.analysis.count import count_zone
from zopa.analysis.enumerate import Scan, scan
from zopa.analysis.explain import analysis_summary, assumption_notes, concession_in_units
from zopa.analysis.frontier import FrontierResult, components, frontier_dp, supports
from zopa.analysis.result import Analysis, Concession, Concessions, Frontier, Point, Zone
from zopa.analysis.solutions import SOLUTION_NAMES, all_solutions
from zopa.errors import AnalysisError
from zopa.model.compiled import CompiledScenario, compile_scenario, round_utility
from zopa.model.scenario import Scenario

__all__ = ["AUTO_ENUMERATE", "ENGINES", "ENUMERATION_LIMIT", "Engine", "analyze", "choose", "point"]

ENUMERATION_LIMIT = 20_000_000
AUTO_ENUMERATE = 200_000
Engine = Literal["auto", "enumerate", "frontier", "milp"]
ENGINES = ("auto", "enumerate", "frontier", "milp")
Progress = Callable[[int, int], None]


def point(cs: CompiledScenario, package: Sequence[int], number: int | None = None) -> Point:
    """A package with every party's utility and margin."""
    return points(cs, np.asarray([package], dtype=np.int64), None if number is None else [number])[
        0
    ]


def points(
    cs: CompiledScenario, packages: NDArray[np.int64], numbers: Sequence[int] | None = None
) -> tuple[Point, ...]:
    """Many packages (rows of option indices) as points, with one utility computation."""
    if len(packages) == 0:
        return ()
    u = cs.utilities(packages).tolist()
    r = cs.reservation.tolist()
    ids = cs.party_ids
    shown = [[iss.display(k) for k in range(len(iss.options))] for iss in cs.scenario.issues]
    names = [iss.id for iss in cs.scenario.issues]
    rows = packages.tolist()
    nums = [cs.encode(x) for x in rows] if numbers is None else [int(n) for n in numbers]
    return tuple(
        Point(
            package={n: col[k] for n, col, k in zip(names, shown, row, strict=True)},
            utilities=dict(zip(ids, ur, strict=True)),
            margins={p: round_utility(x - y) for p, x, y in zip(ids, ur, r, strict=True)},
            number=num,
        )
        for row, ur, num in zip(rows, u, nums, strict=True)
    )


def analyze(
    scenario: Scenario,
    *,
    engine: Engine = "auto",
    frontier_limit: int = 1000,
    progress: Progress | None = None,
    frontier_budget: int = many.FRONTIER_BUDGET,
) -> Analysis:
    """Analyse the agreement zone of ``scenario`` for its gating parties (role ``party``).

    With :data:`~zopa.analysis.many.MANY_PARTIES` or more gating parties the exact engine runs
    under a budget of ``frontier_budget`` dominance comparisons; over it, the zone and the
    solutions stay exact and the frontier is *limited* (``frontier.limited``,
    ``exact: false``; :mod:`zopa.analysis.many`).
    """
    result = _analyze(compile_scenario(scenario), engine, frontier_limit, progress, frontier_budget)
    result = replace(result, notes=result.notes + assumption_notes(scenario))
    return replace(result, summary=analysis_summary(scenario, result))


def _analyze(
    cs: CompiledScenario,
    engine: Engine,
    frontier_limit: int,
    progress: Progress | None,
    frontier_budget: int = many.FRONTIER_BUDGET,
) -> Analysis:
    _check_size(cs, engine)
    if engine == "auto":
        engine = choose(cs)
    if engine in ("enumerate", "frontier") and _many_parties(cs):
        try:
            with pareto.work_budget(frontier_budget):
                return _exact(cs, engine, frontier_limit, progress)
        except pareto.BudgetExceeded:
            pass
        ms = many.many_scan(cs, frontier_limit)
        if ms.zone:
            return _by_many(cs, ms, frontier_limit, frontier_budget)
    return _exact(cs, engine, frontier_limit, progress)


def _exact(
    cs: CompiledScenario,
    engine: Literal["enumerate", "frontier", "milp"],
    frontier_limit: int,
    progress: Progress | None,
) -> Analysis:
    if engine == "enumerate":
        if cs.outcomes > 4 * ENUMERATION_LIMIT:
            raise AnalysisError(
                f"{cs.outcomes:,} packages are too many to enumerate "
                f"(limit {4 * ENUMERATION_LIMIT:,}); use --engine frontier, milp or auto"
            )
        return _by_enumeration(cs, scan(cs, progress=progress), frontier_limit)
    if engine == "frontier":
        return _by_frontier(cs, frontier_dp(cs), frontier_limit)
    if engine == "milp":
        return _by_milp(cs)
    raise AnalysisError(f"unknown engine `{engine}`; choose auto, enumerate, frontier or milp")


MAX_OPTION_PAIRS = 100_000_000
"""The two largest issues may have at most 1e8 option pairs (e.g. 10,000 x 10,000) unless the
space is small enough to enumerate: beyond it the frontier's Minkowski sums and the MILP's
branching do not finish (two 100,000-point numeric issues ran for minutes on both)."""


def _check_size(cs: CompiledScenario, engine: str) -> None:
    """Refuse up front a space the exact engines cannot search in bounded time."""
    sizes = sorted(cs.sizes, reverse=True)
    if len(sizes) < 2 or cs.outcomes <= ENUMERATION_LIMIT:
        return
    pairs = sizes[0] * sizes[1]
    if pairs > MAX_OPTION_PAIRS:
        big = [i.id for i in sorted(cs.scenario.issues, key=lambda i: -len(i.options))[:2]]
        raise AnalysisError(
            f"issues `{big[0]}` and `{big[1]}` have {sizes[0]:,} x {sizes[1]:,} = {pairs:.1e} "
            f"option pairs, over the limit of {MAX_OPTION_PAIRS:.0e}: the exact engines would "
            "not finish; use a larger `step` on the numeric issues (e.g. 1,000 points each)"
        )


def choose(cs: CompiledScenario) -> Literal["enumerate", "frontier", "milp"]:
    """The engine ``auto`` picks for ``cs`` (by size and structure)."""
    if cs.outcomes <= AUTO_ENUMERATE:
        return "enumerate"
    if supports(cs) is None:
        try:
            components(cs)
        except AnalysisError:
            pass
        else:
            return "frontier"
    return "enumerate" if cs.outcomes <= ENUMERATION_LIMIT else "milp"


def _many_parties(cs: CompiledScenario) -> bool:
    """Many gating parties and a space the stream can cover: the limited path may apply."""
    return len(cs.gating_index) >= many.MANY_PARTIES and cs.outcomes <= ENUMERATION_LIMIT


def _by_many(cs: CompiledScenario, ms: many.ManyScan, limit: int, budget: int) -> Analysis:
    """Many parties, a large zone: exact zone and solutions, a limited frontier."""
    g = len(cs.gating_index)
    numbers = ms.frontier[:limit]
    shown = points(cs, cs.decode(numbers), numbers.tolist())
    solutions: dict[str, Point | None] = dict.fromkeys(SOLUTION_NAMES)
    picks = {**ms.solutions, "kalai_smorodinsky": many.ks_package(cs, ms.ideal)}
    for k, n in picks.items():
        solutions[k] = point(cs, cs.decode(np.array([n]))[0], n)
    notes = (
        f"{g} parties and {ms.zone:,} zone packages: the exact frontier went over its budget "
        f"of {budget:,} comparisons, so it is limited: listed are the frontier packages "
        f"among the {ms.candidates:,} zone packages with the largest total utility (limit "
        f"{limit:,}); each is exactly on the frontier, the frontier's size is not computed",
        "zone size and bargaining solutions are exact (one stream over every package)",
    )
    return Analysis(
        zone=Zone(True, ms.zone, True),
        feasible=ms.feasible,
        frontier=Frontier(None, shown, True, exact=False, limited=True, limit=limit),
        solutions=solutions,
        concessions=None,
        engine="enumerate",
        notes=notes,
        **_header(cs),  # type: ignore[arg-type]
    )


def _header(cs: CompiledScenario) -> dict[str, object]:
    gate = cs.gating_index
    return {
        "title": cs.scenario.title,
        "parties": tuple(cs.party_ids[g] for g in gate),
        "outcomes": cs.outcomes,
        "reservations": {cs.party_ids[g]: float(cs.reservation[g]) for g in gate},
    }


def _by_enumeration(cs: CompiledScenario, s: Scan, limit: int) -> Analysis:
    gate = cs.gating_index
    pkgs = cs.decode(s.frontier_index)
    shown = points(cs, pkgs[:limit], s.frontier_index[:limit].tolist())
    solutions: dict[str, Point | None] = dict.fromkeys(SOLUTION_NAMES)
    if s.zone:
        rows = all_solutions(
            s.frontier_u[:, gate], cs.reservation[gate], cs.power[gate], s.frontier_index
        )
        solutions = {k: point(cs, pkgs[r], int(s.frontier_index[r])) for k, r in rows.items()}
    conc = None
    if not s.zone:
        c = s.concessions
        conc = _concessions(
            cs,
            {
                "min_max": _pkg(cs, c.min_max.index),
                "min_sum": _pkg(cs, c.min_sum.index),
                "red_lines": _pkg(cs, c.red_lines.index),
            },
            "enumerate",
        )
    return Analysis(
        zone=Zone(s.zone > 0, s.zone, True),
        feasible=s.feasible,
        frontier=Frontier(len(s.frontier_index), shown, len(shown) < len(s.frontier_index)),
        solutions=solutions,
        concessions=conc,
        engine="enumerate",
        **_header(cs),  # type: ignore[arg-type]
    )


def _pkg(cs: CompiledScenario, number: int) -> list[int] | None:
    return None if number < 0 else [int(x) for x in cs.decode(np.array([number]))[0]]


def _concessions(
    cs: CompiledScenario, found: dict[str, list[int] | None], engine: str
) -> Concessions:
    gate = cs.gating_index
    ids = [cs.party_ids[g] for g in gate]

    def shortfalls(pkg: list[int]) -> dict[str, float]:
        u = cs.utility(pkg)[gate]
        return {
            p: max(0.0, float(r - x)) for p, r, x in zip(ids, cs.reservation[gate], u, strict=True)
        }

    uniform = min_max = min_sum = red = None
    if (pkg := found["min_max"]) is not None:
        drops = shortfalls(pkg)
        worst = max(drops.values(), default=0.0)
        same = dict.fromkeys(ids, worst)
        uniform = Concession(
            "uniform", point(cs, pkg), same, worst, in_units=concession_in_units(cs, pkg, same)
        )
        min_max = Concession(
            "min_max", point(cs, pkg), drops, worst, in_units=concession_in_units(cs, pkg, drops)
        )
    if (pkg := found["min_sum"]) is not None:
        drops = shortfalls(pkg)
        min_sum = Concession(
            "min_sum",
            point(cs, pkg),
            drops,
            sum(drops.values()),
            in_units=concession_in_units(cs, pkg, drops),
        )
    if (pkg := found["red_lines"]) is not None:
        broken = cs.broken(pkg)
        relaxed = tuple((cs.party_ids[g], t) for g in gate for t in broken[g])
        red = Concession(
            "red_lines", point(cs, pkg), dict.fromkeys(ids, 0.0), len(relaxed), relaxed
        )
    return Concessions(uniform, min_sum, min_max, red, engine)


def _by_frontier(cs: CompiledScenario, fr: FrontierResult, limit: int) -> Analysis:
    gate = cs.gating_index
    n = len(fr.numbers)
    shown = points(cs, np.asarray(fr.packages[:limit], dtype=np.int64), fr.numbers[:limit].tolist())
    solutions: dict[str, Point | None] = dict.fromkeys(SOLUTION_NAMES)
    conc = None
    notes = [
        "the frontier lists one package per distinct utility vector; its size counts packages",
    ]
    if n:
        rows = all_solutions(
            fr.utilities[:, gate], cs.reservation[gate], cs.power[gate], fr.numbers
        )
        solutions = {k: point(cs, fr.packages[r], int(fr.numbers[r])) for k, r in rows.items()}
        count = count_zone(cs)
        zone = Zone(True, max(1, count.size), count.exact, count.interval)
        notes.append(f"zone size by {count.method}" + ("" if count.exact else " (95% Wilson)"))
    else:
        zone = Zone(False, 0, True)
        conc = _concessions(cs, milp.concessions(cs), "milp")
    return Analysis(
        zone=zone,
        feasible=fr.feasible,
        frontier=Frontier(fr.size, shown, limit < n),
        solutions=solutions,
        concessions=conc,
        engine="frontier",
        notes=tuple(notes),
        **_header(cs),  # type: ignore[arg-type]
    )


def _by_milp(cs: CompiledScenario) -> Analysis:
    gate = cs.gating_index
    found = milp.zone_package(cs)
    notes = [
        "the zone size is estimated by uniform sampling (95% Wilson interval)",
        "the frontier is not listed by the MILP engine",
    ]
    solutions: dict[str, Point | None] = dict.fromkeys(SOLUTION_NAMES)
    conc = None
    if found is not None:
        power = [float(cs.power[g]) for g in gate]
        picks = {
            "nash": milp.nash(cs),
            "nash_weighted": milp.nash(cs, power),
            "kalai_smorodinsky": milp.kalai_smorodinsky(cs),
            "egalitarian": milp.max_min(cs),
            "utilitarian": milp.utilitarian(cs),
        }
        solutions = {k: (point(cs, v) if v is not None else None) for k, v in picks.items()}
    else:
        conc = _concessions(cs, milp.concessions(cs), "milp")
    if found is not None:
        count = count_zone(cs)
        lo, hi = count.interval or (count.size, count.size)
        zone = Zone(
            True, max(1, count.size), count.exact, None if count.exact else (max(1, lo), hi)
        )
        notes[0] = f"zone size by {count.method}" + (
            "" if count.exact else " (95% Wilson interval)"
        )
    else:
        zone = Zone(False, 0, True)  # empty: proved by the MILP
        notes[0] = "the zone is empty: the MILP proves no package satisfies every condition"
    return Analysis(
        zone=zone,
        feasible=None,
        frontier=Frontier(None, (), True, exact=False),
        solutions=solutions,
        concessions=conc,
        engine="milp",
        notes=tuple(notes),
        **_header(cs),  # type: ignore[arg-type]
    )
