"""The ``uncertainty`` section of a party and the scenario's ``correlations``: what the analyst
does not know, checked and built; and the typed targets of the uncertain parameters.

``zopa robust`` samples every parameter from its distribution
(:mod:`zopa.model.distributions`) and conditions the samples on the evidence
(:mod:`zopa.model.evidence`). A parameter's *target* says where it goes (a reservation, a
raw weight, an option value, a curve point, a red line's presence): a typed record, so code
that places a parameter dispatches on its type, never on a kind string.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from zopa.errors import KeyPath
from zopa.model.checks import Checks, did_you_mean
from zopa.model.scenario import (
    Correlation,
    FrozenMap,
    Issue,
    Party,
    Uncertainty,
    ValueRange,
    format_number,
)
from zopa.records import frozen

if TYPE_CHECKING:  # distributions are pydantic models: imported when a scenario has them
    from zopa.model.distributions import Distribution
    from zopa.model.spec import UncertaintySpec

__all__ = [
    "CurvePoint",
    "RedLine",
    "Reservation",
    "Target",
    "Value",
    "Weight",
    "build_correlations",
    "build_uncertainty",
    "uncertain_parameters",
]


# ------------------------------------------------------------------------------ targets


@frozen(slots=True)
class Reservation:
    """A party's reservation (walk-away utility)."""

    party: str
    kind: ClassVar[str] = "reservation"

    @property
    def name(self) -> str:
        return f"{self.party}.reservation"


@frozen(slots=True)
class Weight:
    """A party's raw weight on an issue (normalised again in every sample)."""

    party: str
    issue: str
    kind: ClassVar[str] = "weight"

    @property
    def name(self) -> str:
        return f"{self.party}.weights.{self.issue}"


@frozen(slots=True)
class Value:
    """A party's value of one option of a discrete issue."""

    party: str
    issue: str
    option: str
    kind: ClassVar[str] = "value"

    @property
    def name(self) -> str:
        return f"{self.party}.values.{self.issue}.{self.option}"


@frozen(slots=True)
class CurvePoint:
    """A party's value at one given point ``x`` of a numeric issue's curve."""

    party: str
    issue: str
    key: str  # the point as written (format_number(x))
    x: float
    kind: ClassVar[str] = "value"

    @property
    def name(self) -> str:
        return f"{self.party}.values.{self.issue}.{self.key}"


@frozen(slots=True)
class RedLine:
    """Whether one of a party's red lines is real (present in a sample)."""

    party: str
    text: str  # as written, stripped
    kind: ClassVar[str] = "red_line"

    @property
    def name(self) -> str:
        return f"{self.party}.red_lines[{self.text}]"


Target = Reservation | Weight | Value | CurvePoint | RedLine
"""Where an uncertain parameter goes: typed, so a misspelt kind is a type error."""


def uncertain_parameters(
    issues: Sequence[Issue], parties: Sequence[Party]
) -> tuple[tuple[Target, Distribution, float], ...]:
    """Every uncertain parameter as (target, distribution, nominal value), in a fixed order.

    Party order, then reservation, weights, values (issue order; options in their order,
    curve points by x) and red lines. A red line with probability 0 or 1 is certain: not a
    parameter. The nominal value is the one written in the scenario (1 for a red line).
    """
    from zopa.model.distributions import Present

    out: list[tuple[Target, Distribution, float]] = []
    for party in parties:
        prefs = party.preferences
        if prefs is None or prefs.uncertainty is None:
            continue
        u, pid = prefs.uncertainty, party.id
        if u.reservation is not None:
            out.append((Reservation(pid), u.reservation, prefs.reservation))
        out += [
            (Weight(pid, i.id), u.weights[i.id], u.raw_weights[i.id])
            for i in issues
            if i.id in u.weights
        ]
        for iss in issues:
            mine = [v for v in u.values if v.issue == iss.id]
            if iss.numeric and mine:
                curve = dict(u.curves[iss.id])
                for v in sorted(mine, key=lambda v: v.point or 0.0):
                    x = float(v.point or 0.0)
                    out.append((CurvePoint(pid, iss.id, v.key, x), v.distribution, curve[x]))
            else:
                for v in sorted(mine, key=lambda v: iss.option_ids.index(v.key)):
                    nominal = prefs.values[iss.id][iss.option_ids.index(v.key)]
                    out.append((Value(pid, iss.id, v.key), v.distribution, nominal))
        for rule in prefs.red_lines:
            p = u.red_lines.get(rule.text.strip())
            if p is not None and 0.0 < p < 1.0:
                out.append((RedLine(pid, rule.text.strip()), Present(probability=p), 1.0))
    return tuple(out)


def build_correlations(
    ck: Checks,
    issues: Sequence[Issue],
    parties: Sequence[Party],
) -> tuple[Correlation, ...]:
    """Check the ``correlations`` (known, distinct parameters; a consistent matrix)."""
    items = ck.spec.correlations
    if not items:
        return ()
    names = [t.name for t, _, _ in uncertain_parameters(issues, parties)]
    out: list[Correlation] = []
    seen: dict[frozenset[str], int] = {}
    for k, c in enumerate(items):
        path: tuple[str | int, ...] = ("correlations", k)
        a, b = c.between
        bad = [x for x in (a, b) if x not in names]
        for x in bad:
            ck.p.add(
                (*path, "between"),
                f"`{x}` is not an uncertain parameter",
                did_you_mean(x, names) if names else "the scenario has no uncertainty",
            )
        if bad:
            continue
        if a == b:
            ck.p.add((*path, "between"), f"`{a}` is correlated with itself", "name two parameters")
            continue
        pair = frozenset((a, b))
        if pair in seen:
            ck.p.add(
                path,
                f"the pair {a}, {b} is given twice (first at correlations[{seen[pair]}])",
                "give each pair once",
            )
            continue
        seen[pair] = k
        out.append(Correlation(a, b, float(c.rho)))
    if out and not _positive_definite(out):
        ck.p.add(
            ("correlations",),
            "the correlations cannot hold together (their matrix is not positive definite)",
            "weaken some correlations: e.g. a ~ b and b ~ c strongly positive need a ~ c "
            "positive too",
        )
    return tuple(out)


def _positive_definite(items: Sequence[Correlation]) -> bool:
    import numpy as np

    names = sorted({x for c in items for x in (c.a, c.b)})
    m = np.eye(len(names))
    for c in items:
        i, j = names.index(c.a), names.index(c.b)
        m[i, j] = m[j, i] = c.rho
    try:
        np.linalg.cholesky(m)
    except np.linalg.LinAlgError:
        return False
    return True


# ------------------------------------------------------------------------------ uncertainty
# What the analyst does not know about a party (``uncertainty:``; see ``zopa robust``).


def build_uncertainty(  # noqa: C901  one branch per optional key of `uncertainty`, each with its own checks and errors
    ck: Checks,
    u: UncertaintySpec,
    path: KeyPath,
    issues: tuple[Issue, ...],
    raw: dict[str, float],
    pr: Any,
    party: str,
) -> Uncertainty:
    """Check a party's ``uncertainty`` section (problems go to ``ck``) and build it."""
    ids = [i.id for i in issues]
    res = None
    if u.reservation is not None:
        res = _distribution(ck, u.reservation, (*path, "reservation"), 0.0, 1.0, "a reservation")
    weights: dict[str, Distribution] = {}
    for iid, rng in u.weights.items():
        wp = (*path, "weights", iid)
        if iid not in ids:
            ck.p.add(wp, f"weight range for unknown issue `{iid}`", did_you_mean(iid, ids))
            continue
        d = _distribution(ck, rng, wp, 0.0, math.inf, "a raw weight")
        if d is None:
            continue
        weights[iid] = d
        given = pr.values.get(iid)
        iss = issues[ids.index(iid)]
        if d.high > 0 and given is None:
            ck.p.add(
                wp,
                f"the weight of `{iid}` can be positive but party `{party}` gives no values "
                f"for `{iid}`",
                f"add `values: {{{iid}: ...}}` for every option of `{iid}`",
            )
        elif d.high > 0 and given is not None and not iss.numeric:
            missing = [o for o in iss.option_ids if o not in {str(k) for k in given}]
            if missing:
                ck.p.add(
                    wp,
                    f"the weight of `{iid}` can be positive but the values miss option(s) "
                    + ", ".join(f"`{m}`" for m in missing),
                    "give every option of an issue that can weigh a value",
                )
    low_total = sum(weights[i].low if i in weights else raw[i] for i in ids)
    if len(weights) == len(u.weights) and low_total <= 0:
        ck.p.add(
            (*path, "weights"),
            "every weight can be zero at once (the low ends and the fixed weights are all 0)",
            "raise the low end of one range above 0",
        )
    values: list[ValueRange] = []
    curves: dict[str, tuple[tuple[float, float], ...]] = {}
    for iid, per in u.values.items():
        vp = (*path, "values", iid)
        if iid not in ids:
            ck.p.add(vp, f"value ranges for unknown issue `{iid}`", did_you_mean(iid, ids))
            continue
        iss = issues[ids.index(iid)]
        given = pr.values.get(iid) or {}
        if not given:
            ck.p.add(
                vp,
                f"value ranges for issue `{iid}`, but party `{party}` gives no values for it",
                f"add `values: {{{iid}: ...}}` first; the ranges say how uncertain they are",
            )
            continue
        if iss.numeric:
            pts = _curve_points(given)
            if pts is None:
                continue  # reported by the values check
            curves[iid] = pts
        for key, rng in per.items():
            kp = (*vp, str(key))
            r = _distribution(ck, rng, kp, 0.0, 1.0, "a value")
            if iss.numeric:
                x = _as_number(key)
                xs = [a for a, _ in curves[iid]]
                match = [a for a in xs if x is not None and math.isclose(a, x, abs_tol=1e-12)]
                if not match:
                    ck.p.add(
                        kp,
                        f"`{key}` is not a point of the value curve of numeric issue `{iid}`",
                        "uncertain values go on the points given in `values`: "
                        + ", ".join(format_number(a) for a in xs),
                    )
                    continue
                if r is not None:
                    values.append(ValueRange(iid, format_number(match[0]), r, match[0]))
            else:
                if str(key) not in iss.option_ids:
                    ck.p.add(
                        kp,
                        f"value range for unknown option `{key}` of issue `{iid}`",
                        did_you_mean(str(key), iss.option_ids),
                    )
                    continue
                if r is not None:
                    values.append(ValueRange(iid, str(key), r))
    texts = [t.strip() for t in pr.red_lines]
    red: dict[str, float] = {}
    for text, prob in u.red_lines.items():
        rp = (*path, "red_lines", text)
        if text.strip() not in texts:
            hint = (
                f"party `{party}` has the red lines: " + "; ".join(f"`{t}`" for t in texts)
                if texts
                else f"party `{party}` has no red lines; add it to `red_lines` first"
            )
            import difflib

            close = difflib.get_close_matches(text.strip(), texts, n=1, cutoff=0.6)
            if close:
                hint = f"did you mean `{close[0]}`? " + hint
            ck.p.add(rp, f"`{text}` is not a red line of party `{party}`", hint)
            continue
        if not 0.0 <= prob <= 1.0:
            ck.p.add(
                rp,
                f"probability {prob:g} is outside [0, 1]",
                "the probability that this red line is real, e.g. 0.8",
            )
            continue
        red[text.strip()] = float(prob)
    return Uncertainty(
        FrozenMap(raw),
        res,
        FrozenMap(weights),
        tuple(values),
        FrozenMap(red),
        FrozenMap(curves),
    )


def _distribution(
    ck: Checks,
    given: Sequence[float] | Distribution,
    path: KeyPath,
    lo: float,
    hi: float,
    what: str,
) -> Distribution | None:
    """The distribution of one parameter (``[low, high]`` is uniform), inside [lo, hi]."""
    from zopa.model.distributions import Distribution, Uniform

    if isinstance(given, Distribution):
        d: Distribution = given
        a, b = d.low, d.high
    else:
        a, b = float(given[0]), float(given[1])
        if a > b:
            ck.p.add(path, f"low {a:g} is above high {b:g}", f"write [{b:g}, {a:g}]")
            return None
        d = Uniform(low=a, high=b)
    if a < lo or b > hi:
        inside = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f">= {lo:g}"
        ck.p.add(
            path,
            f"range [{a:g}, {b:g}] of {what} is not inside {inside}",
            f"{what} lies in {inside}",
        )
        return None
    return d


def _as_number(key: Any) -> float | None:
    if isinstance(key, bool):
        return None
    try:
        x = float(key)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _curve_points(given: Mapping[Any, float]) -> tuple[tuple[float, float], ...] | None:
    pts = []
    for key, v in given.items():
        x = _as_number(key)
        if x is None:
            return None
        pts.append((x, float(v)))
    pts.sort()
    return tuple(pts) if pts else None
