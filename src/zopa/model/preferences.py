"""The builder's preferences section: a party's weights, values (per option, or a curve on a
numeric issue), reservation, red lines, non-additive terms and uncertainty ranges."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from zopa.errors import KeyPath
from zopa.model.checks import Checks, did_you_mean
from zopa.model.expr import IssueDomain
from zopa.model.scenario import (
    FrozenMap,
    Issue,
    Party,
    Preferences,
    Rule,
    Uncertainty,
    ValueRange,
    format_number,
)
from zopa.model.spec import PartySpec, PreferencesSpec, UncertaintySpec

__all__ = ["build_party"]


def build_party(
    ck: Checks, k: int, ps: PartySpec, issues: tuple[Issue, ...], domains: Sequence[IssueDomain]
) -> Party:
    """Party ``k`` with its preferences (weights normalised, values per option)."""
    path: KeyPath = ("parties", k)
    prefs = None
    if ps.preferences is None:
        if ps.role == "party" and ck.require_preferences:
            ck.p.add(
                (*path, "preferences"),
                f"missing required key `preferences` for party `{ps.id}`",
                "a party with role `party` needs weights, values and a reservation",
            )
    else:
        prefs = _preferences(ck, ps, path, issues, domains)
    return Party(ps.id, ps.label or ps.id, ps.role, float(ps.power), prefs)


def _preferences(
    ck: Checks,
    ps: PartySpec,
    path: KeyPath,
    issues: tuple[Issue, ...],
    domains: Sequence[IssueDomain],
) -> Preferences:
    pr = ps.preferences
    assert pr is not None
    pp = (*path, "preferences")
    ids = [i.id for i in issues]
    weights = _weights(ck, pr, pp, ids)
    total = sum(weights.values())
    if abs(total - 1.0) <= 1e-12:
        total = 1.0  # already normalised: keep the weights bit for bit (exact round trips)
    norm = {i: (weights.get(i, 0.0) / total if total > 0 else 0.0) for i in ids}
    values: dict[str, tuple[float, ...]] = {}
    for iid in pr.values:
        if iid not in ids:
            ck.p.add(
                (*pp, "values", iid),
                f"values for unknown issue `{iid}`",
                "known issues: " + ", ".join(ids),
            )
    for iss in issues:
        values[iss.id] = _values(
            ck, iss, pr.values.get(iss.id), norm[iss.id] > 0, (*pp, "values", iss.id)
        )
    res = pr.reservation
    if not (math.isfinite(res) and 0.0 <= res <= 1.0):
        ck.p.add(
            (*pp, "reservation"),
            f"reservation {res} is outside [0, 1]",
            "the reservation is a utility: 0 = accept anything, 1 = accept only the best",
        )
    red = tuple(
        r
        for j, text in enumerate(pr.red_lines)
        if (r := ck.rule(text, domains, (*pp, "red_lines", j))) is not None
    )
    rects = _hyperrectangles(ck, pr, pp, domains)
    unc = None
    if pr.uncertainty is not None:
        raw = {i: weights.get(i, 0.0) for i in ids}
        unc = _uncertainty(ck, pr.uncertainty, (*pp, "uncertainty"), issues, raw, pr, ps.id)
    return Preferences(FrozenMap(norm), FrozenMap(values), float(res), red, rects, pr.discount, unc)


def _weights(ck: Checks, pr: PreferencesSpec, pp: KeyPath, ids: list[str]) -> dict[str, float]:
    """The weights as written (not normalised), those that can be used."""
    weights: dict[str, float] = {}
    for iid, w in pr.weights.items():
        if iid not in ids:
            ck.p.add(
                (*pp, "weights", iid),
                f"weight for unknown issue `{iid}`",
                "known issues: " + ", ".join(ids),
            )
        elif not math.isfinite(w) or w < 0:
            ck.p.add(
                (*pp, "weights", iid),
                f"weight {w} is negative or not finite",
                "weights are saliences >= 0",
            )
        else:
            weights[iid] = float(w)
    total = sum(weights.values())
    if pr.weights and total <= 0 and len(weights) == len(pr.weights):
        ck.p.add(
            (*pp, "weights"),
            "all weights are zero",
            "give at least one issue a positive weight",
        )
    if not pr.weights and not pr.hyperrectangles:
        ck.p.add(
            (*pp, "weights"),
            "no weights given",
            "give each issue this party cares about a weight",
        )
    return weights


def _hyperrectangles(
    ck: Checks, pr: PreferencesSpec, pp: KeyPath, domains: Sequence[IssueDomain]
) -> tuple[tuple[Rule, float], ...]:
    rects = []
    for j, hr in enumerate(pr.hyperrectangles):
        rule = ck.rule(hr.when, domains, (*pp, "hyperrectangles", j, "when"))
        if not math.isfinite(hr.utility):
            ck.p.add(
                (*pp, "hyperrectangles", j, "utility"),
                f"utility {hr.utility} is not finite",
                "write a plain number",
            )
        elif rule is not None:
            rects.append((rule, float(hr.utility)))
    return tuple(rects)


def _values(
    ck: Checks,
    iss: Issue,
    given: Mapping[Any, float] | None,
    needed: bool,
    path: KeyPath,
) -> tuple[float, ...]:
    n = len(iss.options)
    if given is None:
        if needed:
            ck.p.add(
                path,
                f"missing values for issue `{iss.id}`, which has a positive weight",
                f"give a value in [0, 1] for each option of `{iss.id}`",
            )
        return (0.0,) * n
    ok = True
    for key, v in given.items():
        if not (isinstance(v, int | float) and math.isfinite(v) and 0.0 <= v <= 1.0):
            ck.p.add(
                (*path, str(key)),
                f"value {v} is outside [0, 1]",
                "values are utilities between 0 (worst) and 1 (best)",
            )
            ok = False
    if iss.numeric:
        return _curve(ck, iss, given, path) if ok else (0.0,) * n
    out = []
    for key in given:
        if str(key) not in iss.option_ids:
            ck.p.add(
                (*path, str(key)),
                f"value for unknown option `{key}` of issue `{iss.id}`",
                "options: " + ", ".join(iss.option_ids),
            )
            ok = False
    missing = [o for o in iss.option_ids if o not in {str(k) for k in given}]
    if missing and needed:
        ck.p.add(
            path,
            "missing values for option(s) " + ", ".join(f"`{m}`" for m in missing),
            "give every option of a weighted issue a value",
        )
    lookup = {str(k): float(v) for k, v in given.items()}
    out = [lookup.get(o, 0.0) for o in iss.option_ids]
    return tuple(out) if ok else (0.0,) * n


def _curve(ck: Checks, iss: Issue, given: Mapping[Any, float], path: KeyPath) -> tuple[float, ...]:
    pts: list[tuple[float, float]] = []
    for key, v in given.items():
        try:
            x = float(key)
        except (TypeError, ValueError):
            ck.p.add(
                (*path, str(key)),
                f"`{key}` is not a number on numeric issue `{iss.id}`",
                "key the values by numbers, e.g. 400000: 0",
            )
            return (0.0,) * len(iss.options)
        pts.append((x, float(v)))
    pts.sort()
    xs = [p[0] for p in pts]
    if len(set(xs)) != len(xs):
        ck.p.add(path, "two values are given at the same point", "give each point once")
        return (0.0,) * len(iss.options)
    import numpy as np

    grid = np.array(iss.numbers or (), dtype=float)
    ys = np.interp(grid, xs, [p[1] for p in pts])  # flat beyond the given points
    return tuple(float(y) for y in ys)


# ------------------------------------------------------------------------------ uncertainty
# What the analyst does not know about a party (``uncertainty:``; see ``zopa robust``).


def _uncertainty(
    ck: Checks,
    u: UncertaintySpec,
    path: KeyPath,
    issues: tuple[Issue, ...],
    raw: dict[str, float],
    pr: Any,
    party: str,
) -> Uncertainty:
    ids = [i.id for i in issues]
    res = None
    if u.reservation is not None:
        res = _range(ck, u.reservation, (*path, "reservation"), 0.0, 1.0, "a reservation")
    weights: dict[str, tuple[float, float]] = {}
    for iid, rng in u.weights.items():
        wp = (*path, "weights", iid)
        if iid not in ids:
            ck.p.add(wp, f"weight range for unknown issue `{iid}`", did_you_mean(iid, ids))
            continue
        r = _range(ck, rng, wp, 0.0, math.inf, "a raw weight")
        if r is None:
            continue
        weights[iid] = r
        given = pr.values.get(iid)
        iss = issues[ids.index(iid)]
        if r[1] > 0 and given is None:
            ck.p.add(
                wp,
                f"the weight of `{iid}` can be positive but party `{party}` gives no values "
                f"for `{iid}`",
                f"add `values: {{{iid}: ...}}` for every option of `{iid}`",
            )
        elif r[1] > 0 and given is not None and not iss.numeric:
            missing = [o for o in iss.option_ids if o not in {str(k) for k in given}]
            if missing:
                ck.p.add(
                    wp,
                    f"the weight of `{iid}` can be positive but the values miss option(s) "
                    + ", ".join(f"`{m}`" for m in missing),
                    "give every option of an issue that can weigh a value",
                )
    low_total = sum(weights[i][0] if i in weights else raw[i] for i in ids)
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
            r = _range(ck, rng, kp, 0.0, 1.0, "a value")
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
                    values.append(ValueRange(iid, format_number(match[0]), *r, match[0]))
            else:
                if str(key) not in iss.option_ids:
                    ck.p.add(
                        kp,
                        f"value range for unknown option `{key}` of issue `{iid}`",
                        did_you_mean(str(key), iss.option_ids),
                    )
                    continue
                if r is not None:
                    values.append(ValueRange(iid, str(key), *r))
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


def _range(
    ck: Checks,
    rng: Sequence[float],
    path: KeyPath,
    lo: float,
    hi: float,
    what: str,
) -> tuple[float, float] | None:
    a, b = float(rng[0]), float(rng[1])
    if a > b:
        ck.p.add(path, f"low {a:g} is above high {b:g}", f"write [{b:g}, {a:g}]")
        return None
    if a < lo or b > hi:
        inside = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f">= {lo:g}"
        ck.p.add(
            path,
            f"range [{a:g}, {b:g}] of {what} is not inside {inside}",
            f"{what} lies in {inside}",
        )
        return None
    return a, b


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
