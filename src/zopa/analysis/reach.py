"""Which issue changes reach the agreement zone from a draft, and what-if edits of a draft.

:func:`nearest_zone_package` finds the *smallest set of issue changes* that turns a draft into
a package of the agreement zone: the zone package at the least Hamming distance from the draft
(the number of issues whose option differs). It is exact on both engines:

- up to :data:`SCAN_LIMIT` packages (and the caller's enumeration limit), a vectorised pass over
  every package; among the packages at the least distance it returns the one whose worst-off
  gating party has the largest margin (then the lowest package number), and counts them;
- above, three lexicographic HiGHS MILPs in the same order: the most issues kept (sum of the
  draft's option binaries) subject to the zone's conditions, then the largest smallest margin,
  then the lowest package number. Same package as the scan; the alternatives are not counted.

:func:`edit_package` applies ``issue=option`` edits to a draft (a what-if that writes no file).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from zopa.analysis import milp
from zopa.analysis.enumerate import chunks
from zopa.analysis.result import Point
from zopa.errors import AnalysisError
from zopa.model.compiled import SLACK, CompiledScenario, round_utility
from zopa.model.scenario import Issue, Scenario
from zopa.records import frozen
from zopa.vocab import option_label

__all__ = [
    "SCAN_LIMIT",
    "IssueChange",
    "ZonePath",
    "edit_package",
    "find_option",
    "issue_changes",
    "nearest_zone_package",
]

Shown = str | float | int
SCAN_LIMIT = 1_000_000  # above this the MILP answers faster than a second full scan


@frozen
class IssueChange:
    """One issue moved from one option to another (ids as in JSON, and their labels)."""

    issue: str
    issue_label: str
    before: Shown
    after: Shown
    before_label: str
    after_label: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "issue_label": self.issue_label,
            "from": self.before,
            "to": self.after,
            "from_label": self.before_label,
            "to_label": self.after_label,
        }


def issue_changes(
    scenario: Scenario, a: Sequence[int], b: Sequence[int]
) -> tuple[IssueChange, ...]:
    """The issues on which packages ``a`` and ``b`` (option indices) differ, in issue order."""
    return tuple(
        IssueChange(
            iss.id,
            iss.label,
            iss.display(x),
            iss.display(y),
            option_label(iss, x),
            option_label(iss, y),
        )
        for iss, x, y in zip(scenario.issues, a, b, strict=True)
        if x != y
    )


@frozen
class ZonePath:
    """The fewest issue changes that bring a draft into the agreement zone."""

    changes: tuple[IssueChange, ...]
    point: Point  # the zone package reached
    alternatives: int | None  # zone packages at the same distance; None when not counted (MILP)
    engine: str
    min_margin: float = 0.0  # the smallest margin of a gating party at the package reached

    @property
    def distance(self) -> int:
        return len(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "distance": self.distance,
            "changes": [c.to_dict() for c in self.changes],
            "package": dict(self.point.package),
            "utilities": self.point.to_dict()["utilities"],
            "alternatives": self.alternatives,
            "min_margin": round_utility(self.min_margin),
            "engine": self.engine,
        }


def nearest_zone_package(
    cs: CompiledScenario, package: Sequence[int], *, enumerate_limit: int | None = None
) -> ZonePath | None:
    """The zone package fewest issue changes away from ``package``; None if the zone is empty."""
    from zopa.analysis.analyze import ENUMERATION_LIMIT, point

    limit = min(SCAN_LIMIT, ENUMERATION_LIMIT if enumerate_limit is None else enumerate_limit)
    pkg = tuple(int(k) for k in package)
    found: tuple[list[int], int | None] | None
    if cs.outcomes <= limit:
        found = _by_scan(cs, pkg)
        engine = "enumerate"
    else:
        found = _by_milp(cs, pkg)
        engine = "milp"
    if found is None:
        return None
    best, alternatives = found
    gate = cs.gating_index
    worst = float((cs.utility(best)[gate] - cs.reservation[gate]).min()) if len(gate) else 0.0
    return ZonePath(
        issue_changes(cs.scenario, pkg, best), point(cs, best), alternatives, engine, worst
    )


def _by_scan(cs: CompiledScenario, pkg: tuple[int, ...]) -> tuple[list[int], int] | None:
    gate = cs.gating_index
    res = cs.reservation[gate]
    best_d: int | None = None
    best_key: tuple[float, int] = (-np.inf, 0)
    best_n = -1
    count = 0
    for c in chunks(cs):
        ug = c.u[:, gate]
        zone = c.feasible & c.red_line_ok.all(axis=1) & (ug >= res).all(axis=1)
        if not zone.any():
            continue
        d = c.hamming(pkg)[zone]
        dmin = int(d.min())
        if best_d is not None and dmin > best_d:
            continue
        at = d == dmin
        worst = (ug[zone] - res).min(axis=1)[at]
        nums = c.linear[zone][at]
        k = int(np.lexsort((nums, -round_utility(worst)))[0])
        key = (round_utility(float(worst[k])), -int(nums[k]))
        if best_d is None or dmin < best_d:
            best_d, best_key, best_n, count = dmin, key, int(nums[k]), int(at.sum())
        else:
            count += int(at.sum())
            if key > best_key:
                best_key, best_n = key, int(nums[k])
    if best_d is None:
        return None
    return [int(x) for x in cs.decode(np.array([best_n], dtype=np.int64))[0]], count


def _by_milp(cs: CompiledScenario, pkg: tuple[int, ...]) -> tuple[list[int], None] | None:
    """Three lexicographic MILPs, the scan's order: most issues kept, then the largest smallest
    margin of a gating party, then the lowest package number (linear in the option binaries)."""
    z = milp.PackageModel(cs)
    gate = [int(g) for g in cs.gating_index]
    for g in gate:
        z.add_utility_at_least(g, float(cs.reservation[g]) - 2 * SLACK)
    keep = {int(z.offsets[i]) + k: 1.0 for i, k in enumerate(pkg)}
    out = z.solve(keep, maximize=True)
    if out is None:
        return None
    kept = sum(a == b for a, b in zip(out[0], pkg, strict=True))
    z.add_row(list(keep), list(keep.values()), kept - 0.5, milp.INF)
    t = z.add_col(-milp.INF, milp.INF)
    for g in gate:
        idx, val = z.utility_terms(g)
        z.add_row([*idx, t], [*val, -1.0], float(cs.reservation[g]), milp.INF)
    out = z.solve({t: 1.0}, maximize=True) or out
    worst = float(out[1][t]) if gate else 0.0
    if gate:
        z.add_row([t], [1.0], worst - SLACK, milp.INF)
    number = {
        int(z.offsets[i]) + k: float(k * stride)
        for i, stride in enumerate(cs.strides)
        for k in range(cs.sizes[i])
        if k
    }
    out = z.solve(number, maximize=False) or out
    return out[0], None


def edit_package(
    scenario: Scenario, package: Sequence[int], edits: Sequence[str]
) -> tuple[int, ...]:
    """``package`` with ``issue=option`` edits applied (option id, label or number)."""
    out = list(package)
    seen: set[str] = set()
    for e in edits:
        key, sep, val = (x.strip() for x in e.partition("="))
        if not sep or not key or not val:
            raise AnalysisError(
                f"`{e}` is not an edit; write issue=option, for example "
                f"{scenario.issues[0].id}={scenario.issues[0].option_ids[-1]}"
            )
        try:
            iss = scenario.issue(key)
        except KeyError:
            raise AnalysisError(
                f"unknown issue `{key}` in `{e}`; issues: "
                + ", ".join(i.id for i in scenario.issues)
            ) from None
        if key in seen:
            raise AnalysisError(f"issue `{key}` is edited twice; give one option per issue")
        seen.add(key)
        k = find_option(iss, val)
        if k is None:
            raise AnalysisError(
                f"unknown option `{val}` of issue `{key}`; options: " + ", ".join(iss.option_ids)
            )
        out[scenario.issue_index(key)] = k
    return tuple(out)


def find_option(iss: Issue, val: str) -> int | None:
    """The index of the option named ``val``: its id, its number (``900000``, ``900,000``) or
    its label when no other option has the same label."""
    found = iss.match(val)
    if found is None and iss.numeric:
        found = iss.match(val.replace(",", "").replace("_", ""))
    if found is not None:
        return iss.option_ids.index(found)
    labels = [o.label for o in iss.options]
    if val in labels and labels.count(val) == 1:
        return labels.index(val)
    return None
