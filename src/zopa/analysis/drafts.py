"""Evaluate a draft (a package) and compare two drafts: "does this revision improve the text?"

A *Pareto improvement* on a draft x is a feasible package y that no gating party likes less,
some gating party likes more, and that breaks no red line x respects. The draft is
*dominated* when one exists. The rule is per red line: a red line the draft keeps binds
every improvement; one the draft already breaks does not (so a draft that breaks a red line
can still be improved without repairing it). The *distance to the zone* is the fewest issues
whose option must change to reach a package in the agreement zone (0 inside it).

Every engine gives the same answer. Up to ``enumeration_limit`` packages the improvements are
found by one exact scan (all of them are counted, the top ones listed); above it by HiGHS: the
MILP keeps, as constraints, exactly the red lines x keeps (the same rule as the scan), asks
every gating party for at least its utility at x and maximises their total utility; the
package found is re-checked exactly. Dominated, in zone and the distance are then the same on
both engines; the MILP lists one improvement (the largest total gain) and counts none. The Nash
solution the draft is measured against comes from :func:`~zopa.analysis.analyze.analyze` on
both paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field, replace
from typing import Any, Literal

import numpy as np

from zopa.analysis import milp
from zopa.analysis.analyze import ENUMERATION_LIMIT, analyze, point
from zopa.analysis.enumerate import chunks
from zopa.analysis.explain import assumption_notes, evaluation_summary
from zopa.analysis.pareto import frontier_mask
from zopa.analysis.reach import (
    IssueChange,
    ZonePath,
    edit_package,
    issue_changes,
)
from zopa.analysis.reach import nearest_zone_package as _nearest
from zopa.analysis.result import Point
from zopa.errors import AnalysisError
from zopa.model.compiled import (
    PRECISION,
    SLACK,
    CompiledScenario,
    compile_scenario,
    round_utility,
)
from zopa.model.scenario import Issue, Scenario
from zopa.records import frozen
from zopa.vocab import option_label, verdict

__all__ = [
    "Comparison",
    "Criterion",
    "DraftEvaluation",
    "compare",
    "criteria",
    "evaluate",
    "resolve_package",
]


@frozen
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
    labels: Mapping[str, str] = field(default_factory=dict)  # issue id -> label of its option
    summary: str = ""  # the evaluation in words (explain.evaluation_summary)

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
            "labels": dict(self.labels),
            "summary": self.summary,
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
        k = _option(iss, val)
        if k is None:
            raise AnalysisError(
                f"unknown option `{val}` of `{key}`; options: {', '.join(iss.option_ids)}"
            )
        chosen[key] = k
    missing = [i.id for i in scenario.issues if i.id not in chosen]
    if missing:
        raise AnalysisError(f"the package names no option for: {', '.join(missing)}")
    return "package", tuple(chosen[i.id] for i in scenario.issues)


def _option(iss: Issue, val: str) -> int | None:
    """The option ``val`` names (an id, or a number of a numeric issue), as the reader does."""
    found = iss.match(val)
    return None if found is None else iss.option_ids.index(found)


def evaluate(
    scenario: Scenario,
    spec: str,
    *,
    top: int = 5,
    enumeration_limit: int = ENUMERATION_LIMIT,
    edits: Sequence[str] = (),
) -> DraftEvaluation:
    """Evaluate a draft id or an ``issue=option,...`` package, with optional what-if edits.

    Spaces of up to ``enumeration_limit`` packages are scanned exactly; larger ones use the
    MILP (same definitions, same answers; see the module docstring). ``edits``
    (``issue=option`` each) change the draft before it is evaluated; no file is written. The
    result names the base draft and the edits.
    """
    name, base = resolve_package(scenario, spec)
    name = spec if name == "package" else name
    pkg = edit_package(scenario, base, edits)
    cs = compile_scenario(scenario)
    changed = issue_changes(scenario, base, pkg)
    if edits:
        name = f"{name} (edited)"
    e = _evaluate(cs, name, pkg, top, enumeration_limit, _nash_point(cs))
    out = _explain(cs, e, pkg, enumeration_limit, base=spec if edits else None, edits=changed)
    kept = _unchanged_edits(scenario, spec, base, edits)
    return replace(out, notes=(*kept, *out.notes)) if kept else out


def _unchanged_edits(
    scenario: Scenario, spec: str, base: Sequence[int], edits: Sequence[str]
) -> tuple[str, ...]:
    """A note for each what-if edit that asks for the option the draft already has."""
    notes = []
    for text in edits:
        key = text.partition("=")[0].strip()
        i = scenario.issue_index(key)
        one = edit_package(scenario, base, [text])
        if one[i] == base[i]:
            iss = scenario.issues[i]
            notes.append(
                f"{text.strip()} changes nothing: {spec} already has {iss.label} "
                f"“{option_label(iss, base[i])}”"
            )
    return tuple(notes)


def _explain(
    cs: CompiledScenario,
    e: DraftEvaluation,
    pkg: tuple[int, ...],
    limit: int,
    *,
    base: str | None = None,
    edits: tuple[IssueChange, ...] = (),
) -> DraftEvaluation:
    """Add the words: the issue changes into the zone, what each improvement changes."""
    s = cs.scenario
    path = None if e.in_zone else _nearest(cs, pkg, enumerate_limit=limit)
    if e.in_zone:
        gate = cs.gating_index
        worst = float((cs.utility(pkg)[gate] - cs.reservation[gate]).min()) if len(gate) else 0.0
        path = ZonePath((), e.point, None, e.engine, worst)
    imp = tuple(
        issue_changes(s, pkg, s.indices({k: str(v) for k, v in p.package.items()}))
        for p in e.improvements
    )
    out = replace(
        e,
        zone_path=path,
        improvement_changes=imp,
        base=base,
        edits=edits,
        notes=assumption_notes(s),
        labels={iss.id: option_label(iss, k) for iss, k in zip(s.issues, pkg, strict=True)},
    )
    return replace(out, summary=evaluation_summary(s, out))


def _nash_point(cs: CompiledScenario) -> Point | None:
    return analyze(cs.scenario).solutions["nash"]


def _evaluate(
    cs: CompiledScenario,
    name: str,
    pkg: tuple[int, ...],
    top: int,
    limit: int,
    nash: Point | None,
) -> DraftEvaluation:
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
    enumerate_ = cs.outcomes <= limit
    count: int | None
    if enumerate_:
        imps, count, dist = _scan_improvements(cs, pkg, broken_all)
    else:
        imps, count, dist = _milp_improvements(cs, pkg, broken_all)
    improvements = tuple(point(cs, x) for x in imps[:top])
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


def _scan_improvements(
    cs: CompiledScenario, pkg: tuple[int, ...], broken: list[list[str]]
) -> tuple[list[list[int]], int, int | None]:
    gate = cs.gating_index
    ux = cs.utility(pkg)[gate]
    held = cs.red_lines_held(pkg)
    binding = [h for g in gate for h in held[int(g)]]  # chunk.rules order: party by party
    front_u = np.empty((0, len(gate)))
    front_i = np.empty(0, dtype=np.int64)
    count = 0
    best_dist: int | None = None
    for c in chunks(cs):
        ug = c.u[:, gate]
        ok = c.feasible & (ug >= ux).all(axis=1) & (ug > ux).any(axis=1)
        for rule_ok, bind in zip(c.rules, binding, strict=True):
            if bind:  # a red line the draft keeps must be kept by an improvement
                ok &= rule_ok
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
        (front_i, -np.round(gains.sum(axis=1), PRECISION), -np.round(gains.prod(axis=1), PRECISION))
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
    held = cs.red_lines_held(pkg)  # the red lines x keeps stay binding
    kept = [(int(g), k) for g in gate for k, h in enumerate(held[int(g)]) if h]
    imps: list[list[int]] = []
    lift = dict.fromkeys((int(g) for g in gate), 0.0)
    for _ in range(4):  # re-solve with a margin for a party HiGHS let slip below U(x)
        m = milp.PackageModel(cs, red_lines_of=kept)
        for g in gate:
            m.add_utility_at_least(int(g), float(ux[g]) - 2 * SLACK + lift[int(g)])
        obj: dict[int, float] = {}
        for g in gate:
            for c, v in zip(*m.utility_terms(int(g)), strict=True):
                obj[c] = obj.get(c, 0.0) + v
        out = m.solve(obj, maximize=True)
        if out is None:
            break
        y = out[0]
        gain = round_utility(cs.utility(y)[gate] - ux[gate])
        if (gain >= 0).all():
            imps = [y] if (gain > 0).any() else []
            break
        for k, g in enumerate(gate):
            if gain[k] < 0:
                lift[int(g)] += SLACK
    # fewest changed issues to reach the zone: maximise the number of options kept
    z = milp.PackageModel(cs)
    for g in gate:
        z.add_utility_at_least(int(g), float(cs.reservation[g]) - 2 * SLACK)
    keep = {int(z.offsets[i]) + k: 1.0 for i, k in enumerate(pkg)}
    zout = z.solve(keep, maximize=True)
    dist: int | None = None
    if zout is not None:
        dist = sum(a != b for a, b in zip(zout[0], pkg, strict=True))
    return imps, None, dist


Movement = Literal[
    "same_package",
    "into_zone",
    "out_of_zone",
    "inside_zone",
    "closer",
    "further",
    "mixed",
    "as_far",
]


@frozen
class Criterion:
    """One measure of the distance from an agreement, before and after (lower is closer)."""

    name: str  # shortfall | red_lines_broken | constraints_violated | zone_distance
    party: str | None  # for a shortfall: whose
    before: float
    after: float

    @property
    def change(self) -> Literal["closer", "further", "same"]:
        d = round_utility(self.after - self.before)
        return "closer" if d < 0 else "further" if d > 0 else "same"

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.name,
            "party": self.party,
            "before": self.before,
            "after": self.after,
            "change": self.change,
        }


@frozen
class Comparison:
    """Draft A against draft B (B usually revises A); see :func:`compare` for the verdict."""

    before: DraftEvaluation
    after: DraftEvaluation
    changed: tuple[tuple[str, str | float | int, str | float | int], ...]  # issue, from, to
    gains: Mapping[str, float]
    verdict: str
    movement: Movement = "as_far"
    criteria: tuple[Criterion, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "changed": [{"issue": i, "from": a, "to": b} for i, a, b in self.changed],
            "gains": {k: round_utility(v) for k, v in self.gains.items()},
            "verdict": self.verdict,
            "movement": self.movement,
            "criteria": [c.to_dict() for c in self.criteria],
        }


def compare(
    scenario: Scenario,
    a: str,
    b: str,
    *,
    enumeration_limit: int = ENUMERATION_LIMIT,
    edits: Sequence[str] = (),
) -> Comparison:
    """Compare two drafts (ids or packages): what changed, who gains, closer to a deal?

    ``edits`` (``issue=option`` each) change B before the comparison (a what-if revision:
    ``compare(s, "plan-20", "plan-20", edits=["army_cap=900000"])``); no file is written.

    The verdict names who gains and who loses utility, then how B moves relative to an
    agreement. Inside/outside the zone decides first (``into_zone``, ``out_of_zone``,
    ``inside_zone``). When neither draft is in the zone, the *criteria* decide, each lower is
    closer: every gating party's reservation shortfall max(0, r_p - U_p), the number of the
    gating parties' red lines broken, the number of scenario constraints violated, and the
    distance to the zone (issues to change; left out when the zone is empty). B is ``closer``
    when no criterion grows and at least one shrinks, ``further`` when none shrinks and at
    least one grows, ``mixed`` when some shrink and some grow (the verdict says which), and
    ``as_far`` when none changes. Every criterion, before and after, is in ``criteria`` (and in
    ``to_dict()``), and the verdict quotes those that changed.
    """
    cs = compile_scenario(scenario)
    (na, pa), (nb, base_b) = resolve_package(scenario, a), resolve_package(scenario, b)
    pb = edit_package(scenario, base_b, edits)
    name_b = b if nb == "package" else nb
    nash = _nash_point(cs)
    ea = _explain(
        cs,
        _evaluate(cs, a if na == "package" else na, pa, 3, enumeration_limit, nash),
        pa,
        enumeration_limit,
    )
    eb = _explain(
        cs,
        _evaluate(cs, f"{name_b} (edited)" if edits else name_b, pb, 3, enumeration_limit, nash),
        pb,
        enumeration_limit,
        base=b if edits else None,
        edits=issue_changes(scenario, base_b, pb),
    )
    changed = tuple(
        (iss.id, iss.display(x), iss.display(y))
        for iss, x, y in zip(scenario.issues, pa, pb, strict=True)
        if x != y
    )
    gains = {p: round_utility(eb.point.utilities[p] - ea.point.utilities[p]) for p in cs.party_ids}
    gating = [cs.party_ids[g] for g in cs.gating_index]
    crit = criteria(ea, eb, gating)
    movement = _movement(ea, eb, crit, bool(changed))
    return Comparison(
        ea,
        eb,
        changed,
        gains,
        verdict(scenario, gains, bool(changed), movement, [(c, c.change) for c in crit]),
        movement,
        crit,
    )


def criteria(
    a: DraftEvaluation, b: DraftEvaluation, gating: Sequence[str]
) -> tuple[Criterion, ...]:
    """The distance-from-agreement criteria of :func:`compare`, draft ``a`` then ``b``."""
    out = [
        Criterion(
            "shortfall",
            p,
            round_utility(max(0.0, -a.point.margins[p])),
            round_utility(max(0.0, -b.point.margins[p])),
        )
        for p in gating
    ]
    out.append(
        Criterion(
            "red_lines_broken",
            None,
            float(sum(len(a.broken[p]) for p in gating)),
            float(sum(len(b.broken[p]) for p in gating)),
        )
    )
    out.append(Criterion("constraints_violated", None, len(a.violated), len(b.violated)))
    if a.zone_distance is not None and b.zone_distance is not None:
        out.append(Criterion("zone_distance", None, a.zone_distance, b.zone_distance))
    return tuple(out)


def _movement(
    a: DraftEvaluation, b: DraftEvaluation, crit: Sequence[Criterion], changed: bool
) -> Movement:
    if not changed:
        return "same_package"
    if b.in_zone and not a.in_zone:
        return "into_zone"
    if a.in_zone and not b.in_zone:
        return "out_of_zone"
    if a.in_zone and b.in_zone:
        return "inside_zone"
    changes = {c.change for c in crit}
    if "closer" in changes and "further" in changes:
        return "mixed"
    if "closer" in changes:
        return "closer"
    if "further" in changes:
        return "further"
    return "as_far"
