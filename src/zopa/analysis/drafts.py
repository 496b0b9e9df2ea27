"""Evaluate a draft (a package) and compare two drafts: "does this revision improve the text?"

A *Pareto improvement* on a draft x is a feasible package y that no gating party likes less,
some gating party likes more, and that breaks no red line x respects. The draft is
*dominated* when one exists. The *distance to the zone* is the fewest issues whose option must
change to reach a package in the agreement zone (0 inside it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from zopa.analysis import milp
from zopa.analysis.analyze import ENUMERATION_LIMIT, analyze, point
from zopa.analysis.enumerate import chunks
from zopa.analysis.explain import assumption_notes
from zopa.analysis.pareto import frontier_mask
from zopa.analysis.reach import IssueChange, ZonePath, edit_package, issue_changes
from zopa.analysis.reach import nearest_zone_package as _nearest
from zopa.analysis.result import Point
from zopa.errors import AnalysisError
from zopa.model.compiled import CompiledScenario, compile_scenario
from zopa.model.scenario import Scenario

__all__ = ["Comparison", "DraftEvaluation", "compare", "evaluate", "resolve_package"]

_TOL = 1e-9


@dataclass(frozen=True)
class DraftEvaluation:
    """How a draft fares: per party utility and margin, red lines, dominance, distances."""

    name: str
    point: Point
    acceptable: Mapping[str, bool]
    broken: Mapping[str, tuple[str, ...]]
    violated: tuple[str, ...]  # scenario constraints the package breaks
    in_zone: bool
    dominated: bool
    improvements: tuple[Point, ...]  # on their frontier, by product of gains, then total gain
    improvement_count: int | None  # None when not counted (MILP engine)
    zone_distance: int | None  # None when the zone is empty
    nash: Point | None
    nash_distance: Mapping[str, float] | None  # {"issues": k, "utility": euclidean}
    engine: str
    zone_path: ZonePath | None = None  # the fewest issue changes into the zone (None: empty)
    improvement_changes: tuple[tuple[IssueChange, ...], ...] = ()  # per improvement
    base: str | None = None  # the draft a what-if edits (None when not edited)
    edits: tuple[IssueChange, ...] = ()  # the what-if edits to ``base``
    notes: tuple[str, ...] = ()  # what the utilities assume (discounting, events)

    def shortfall(self) -> float:
        return sum(max(0.0, -m) for p, m in self.point.margins.items() if p in self.acceptable)

    def to_dict(self) -> dict[str, Any]:
        return {
            "draft": self.name,
            **self.point.to_dict(),
            "acceptable": dict(self.acceptable),
            "red_lines_broken": {k: list(v) for k, v in self.broken.items()},
            "constraints_violated": list(self.violated),
            "in_zone": self.in_zone,
            "dominated": self.dominated,
            "improvements": [
                {**p.to_dict(), "changes": [c.to_dict() for c in ch]}
                for p, ch in zip(self.improvements, self._changes(), strict=True)
            ],
            "improvement_count": self.improvement_count,
            "zone_distance": self.zone_distance,
            "nash": self.nash.to_dict() if self.nash else None,
            "nash_distance": dict(self.nash_distance) if self.nash_distance else None,
            "engine": self.engine,
            "zone_path": self.zone_path.to_dict() if self.zone_path else None,
            "base": self.base,
            "edits": [c.to_dict() for c in self.edits],
            "notes": list(self.notes),
        }

    def _changes(self) -> tuple[tuple[IssueChange, ...], ...]:
        if len(self.improvement_changes) == len(self.improvements):
            return self.improvement_changes
        return tuple(() for _ in self.improvements)


def resolve_package(scenario: Scenario, spec: str) -> tuple[str, tuple[int, ...]]:
    """A draft id, or a package written ``issue=option,issue=option`` (every issue)."""
    ids = [d.id for d in scenario.drafts]
    if "=" not in spec:
        if spec not in ids:
            raise AnalysisError(
                f"unknown draft `{spec}`; drafts: {', '.join(ids) or '(none)'}; "
                "or give a package as issue=option,issue=option,..."
            )
        return spec, scenario.indices(scenario.draft(spec).package)
    chosen: dict[str, int] = {}
    for part in spec.split(","):
        if "=" not in part:
            raise AnalysisError(f"`{part}` is not issue=option in `{spec}`")
        key, _, val = (x.strip() for x in part.partition("="))
        try:
            iss = scenario.issue(key)
        except KeyError:
            raise AnalysisError(
                f"unknown issue `{key}`; issues: {', '.join(i.id for i in scenario.issues)}"
            ) from None
        k = _option(iss.option_ids, iss.numbers, val)
        if k is None:
            raise AnalysisError(
                f"unknown option `{val}` of `{key}`; options: {', '.join(iss.option_ids)}"
            )
        chosen[key] = k
    missing = [i.id for i in scenario.issues if i.id not in chosen]
    if missing:
        raise AnalysisError(f"the package names no option for: {', '.join(missing)}")
    return "package", tuple(chosen[i.id] for i in scenario.issues)


def _option(ids: Sequence[str], numbers: Sequence[float] | None, val: str) -> int | None:
    if val in ids:
        return list(ids).index(val)
    if numbers is not None:
        try:
            x = float(val)
        except ValueError:
            return None
        for k, y in enumerate(numbers):
            if abs(x - y) <= 1e-12 * max(1.0, abs(y)):
                return k
    return None


def evaluate(
    scenario: Scenario, spec: str, *, top: int = 5, edits: Sequence[str] = ()
) -> DraftEvaluation:
    """Evaluate a draft id or an ``issue=option,...`` package, with optional what-if edits.

    ``edits`` (``issue=option`` each) change the draft before it is evaluated; no file is
    written. The result names the base draft and the edits.
    """
    name, base = resolve_package(scenario, spec)
    name = spec if name == "package" else name
    pkg = edit_package(scenario, base, edits)
    cs = compile_scenario(scenario)
    changed = issue_changes(scenario, base, pkg)
    if edits:
        name = f"{name} (edited)"
    return _explain(
        cs, _evaluate(cs, name, pkg, top), pkg, base=spec if edits else None, edits=changed
    )


def _explain(
    cs: CompiledScenario,
    e: DraftEvaluation,
    pkg: tuple[int, ...],
    *,
    base: str | None = None,
    edits: tuple[IssueChange, ...] = (),
) -> DraftEvaluation:
    """Add the words: the issue changes into the zone, what each improvement changes."""
    s = cs.scenario
    path = None if e.in_zone else _nearest(cs, pkg)
    if e.in_zone:
        gate = cs.gating_index
        worst = float((cs.utility(pkg)[gate] - cs.reservation[gate]).min()) if len(gate) else 0.0
        path = ZonePath((), e.point, None, e.engine, worst)
    imp = tuple(
        issue_changes(s, pkg, s.indices({k: str(v) for k, v in p.package.items()}))
        for p in e.improvements
    )
    return replace(
        e,
        zone_path=path,
        improvement_changes=imp,
        base=base,
        edits=edits,
        notes=assumption_notes(s),
    )


def _evaluate(cs: CompiledScenario, name: str, pkg: tuple[int, ...], top: int) -> DraftEvaluation:
    gate = cs.gating_index
    pt = point(cs, pkg)
    broken_all = cs.broken(pkg)
    violated = tuple(cs.violated_constraints(pkg))
    u = cs.utility(pkg)
    accept = {
        cs.party_ids[p]: (not broken_all[p]) and bool(u[p] >= cs.reservation[p]) and not violated
        for p in range(cs.n_parties)
    }
    in_zone = not violated and all(accept[cs.party_ids[g]] for g in gate)
    enumerate_ = cs.outcomes <= ENUMERATION_LIMIT
    count: int | None
    if enumerate_:
        imps, count, dist = _scan_improvements(cs, pkg, broken_all)
    else:
        imps, count, dist = _milp_improvements(cs, pkg, broken_all)
    improvements = tuple(point(cs, x) for x in imps[:top])
    nash = analyze(cs.scenario).solutions["nash"] if enumerate_ else _milp_nash(cs)
    nash_dist = None
    if nash is not None:
        nidx = cs.scenario.indices({k: str(v) for k, v in nash.package.items()})
        nu = np.array([nash.utilities[p] for p in cs.party_ids])[gate]
        nash_dist = {
            "issues": float(sum(a != b for a, b in zip(nidx, pkg, strict=True))),
            "utility": float(np.linalg.norm(nu - u[gate])),
        }
    return DraftEvaluation(
        name=name,
        point=pt,
        acceptable={cs.party_ids[p]: accept[cs.party_ids[p]] for p in range(cs.n_parties)},
        broken={cs.party_ids[p]: tuple(broken_all[p]) for p in range(cs.n_parties)},
        violated=violated,
        in_zone=in_zone,
        dominated=bool(imps),
        improvements=improvements,
        improvement_count=count,
        zone_distance=dist,
        nash=nash,
        nash_distance=nash_dist,
        engine="enumerate" if enumerate_ else "milp",
    )


def _milp_nash(cs: CompiledScenario) -> Point | None:
    pkg = milp.nash(cs)
    return None if pkg is None else point(cs, pkg)


def _scan_improvements(
    cs: CompiledScenario, pkg: tuple[int, ...], broken: list[list[str]]
) -> tuple[list[list[int]], int, int | None]:
    gate = cs.gating_index
    ux = cs.utility(pkg)[gate]
    keep_rl = np.array([not broken[g] for g in gate], dtype=bool)
    front_u = np.empty((0, len(gate)))
    front_i = np.empty(0, dtype=np.int64)
    count = 0
    best_dist: int | None = None
    for c in chunks(cs):
        ug = c.u[:, gate]
        ok = c.feasible & (ug >= ux).all(axis=1) & (ug > ux).any(axis=1)
        ok &= (c.red_line_ok | ~keep_rl[None, :]).all(axis=1)
        count += int(ok.sum())
        if ok.any():
            cu, ci = ug[ok], c.linear[ok]
            m = frontier_mask(cu)
            fu, fi = np.concatenate([front_u, cu[m]]), np.concatenate([front_i, ci[m]])
            m = frontier_mask(fu)
            front_u, front_i = fu[m], fi[m]
        zone = c.feasible & c.red_line_ok.all(axis=1) & (ug >= cs.reservation[gate]).all(axis=1)
        if zone.any():
            d = int(c.hamming(pkg)[zone].min())
            best_dist = d if best_dist is None else min(best_dist, d)
    gains = front_u - ux
    order = np.lexsort(
        (front_i, -np.round(gains.sum(axis=1), 9), -np.round(gains.prod(axis=1), 12))
    )
    return (
        [list(map(int, cs.decode(front_i[order])[k])) for k in range(len(order))],
        count,
        best_dist,
    )


def _milp_improvements(
    cs: CompiledScenario, pkg: tuple[int, ...], broken: list[list[str]]
) -> tuple[list[list[int]], None, int | None]:
    gate = cs.gating_index
    ux = cs.utility(pkg)
    m = milp.PackageModel(cs)
    for g in gate:
        m.add_utility_at_least(int(g), float(ux[g]) - 2e-9)
    obj: dict[int, float] = {}
    for g in gate:
        for c, v in zip(*m.utility_terms(int(g)), strict=True):
            obj[c] = obj.get(c, 0.0) + v
    out = m.solve(obj, maximize=True)
    imps: list[list[int]] = []
    if out is not None and cs.utility(out[0])[gate].sum() > ux[gate].sum() + _TOL:
        imps = [out[0]]
    # fewest changed issues to reach the zone: maximise the number of options kept
    z = milp.PackageModel(cs)
    for g in gate:
        z.add_utility_at_least(int(g), float(cs.reservation[g]) - 2e-9)
    keep = {int(z.offsets[i]) + k: 1.0 for i, k in enumerate(pkg)}
    zout = z.solve(keep, maximize=True)
    dist: int | None = None
    if zout is not None:
        dist = sum(a != b for a, b in zip(zout[0], pkg, strict=True))
    _ = broken
    return imps, None, dist


@dataclass(frozen=True)
class Comparison:
    """Draft A against draft B (B usually revises A)."""

    before: DraftEvaluation
    after: DraftEvaluation
    changed: tuple[tuple[str, str | float | int, str | float | int], ...]  # issue, from, to
    gains: Mapping[str, float]
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "changed": [{"issue": i, "from": a, "to": b} for i, a, b in self.changed],
            "gains": {k: round(v, 10) for k, v in self.gains.items()},
            "verdict": self.verdict,
        }


def compare(scenario: Scenario, a: str, b: str) -> Comparison:
    """Compare two drafts (ids or packages): what changed, who gains, closer to a deal?"""
    cs = compile_scenario(scenario)
    (na, pa), (nb, pb) = resolve_package(scenario, a), resolve_package(scenario, b)
    ea, eb = (
        _explain(cs, _evaluate(cs, a if na == "package" else na, pa, 3), pa),
        _explain(cs, _evaluate(cs, b if nb == "package" else nb, pb, 3), pb),
    )
    changed = tuple(
        (iss.id, iss.display(x), iss.display(y))
        for iss, x, y in zip(scenario.issues, pa, pb, strict=True)
        if x != y
    )
    gains = {
        p: ea_u
        for p, ea_u in ((p, eb.point.utilities[p] - ea.point.utilities[p]) for p in cs.party_ids)
    }
    return Comparison(ea, eb, changed, gains, _verdict(cs, ea, eb, gains, changed))


def _distance_key(e: DraftEvaluation, gating: Sequence[str]) -> tuple[float, ...]:
    broken = sum(len(e.broken[p]) for p in gating)
    short = sum(max(0.0, -e.point.margins[p]) for p in gating)
    dist = e.zone_distance if e.zone_distance is not None else 0
    return (
        0.0 if e.in_zone else 1.0,
        float(dist),
        float(broken + len(e.violated)),
        round(short, 9),
    )


def _verdict(
    cs: CompiledScenario,
    a: DraftEvaluation,
    b: DraftEvaluation,
    gains: Mapping[str, float],
    changed: Sequence[tuple[str, Any, Any]],
) -> str:
    if not changed:
        return "the two drafts are the same package"
    up = [p for p, g in gains.items() if g > _TOL]
    down = [p for p, g in gains.items() if g < -_TOL]
    parts = []
    if up:
        parts.append("improves the draft for " + _join(up))
    if down:
        parts.append("worsens it for " + _join(down))
    if not up and not down:
        parts.append("changes no party's utility")
    gating = [cs.party_ids[g] for g in cs.gating_index]
    ka, kb = _distance_key(a, gating), _distance_key(b, gating)
    if b.in_zone and not a.in_zone:
        move = "moves it into the agreement zone"
    elif a.in_zone and not b.in_zone:
        move = "moves it out of the agreement zone"
    elif a.in_zone and b.in_zone:
        move = "keeps it inside the agreement zone"
    elif kb < ka:
        move = "moves it closer to an agreement"
    elif kb > ka:
        move = "moves it further from an agreement"
    else:
        move = "leaves it as far from an agreement"
    return "; ".join(parts) + "; " + move


def _join(xs: Sequence[str]) -> str:
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]
