"""The builder's preferences section: a party's weights, values (per option, or a curve on a
numeric issue), reservation, red lines and non-additive terms (the ``uncertainty`` section:
:mod:`zopa.model.uncertainty`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from zopa.errors import KeyPath
from zopa.model.checks import Checks
from zopa.model.expr import IssueDomain
from zopa.model.scenario import (
    FrozenMap,
    Issue,
    Party,
    Preferences,
    Rule,
)
from zopa.model.specdata import PartySpec, PreferencesSpec
from zopa.model.uncertainty import build_uncertainty

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
    cap = pr.cap
    if cap is not None and not (math.isfinite(cap) and cap > 0):
        ck.p.add(
            (*pp, "cap"),
            f"cap {cap} is not a positive number",
            "the cap is the largest utility a package can have, e.g. 1 as in GENIUS",
        )
        cap = None
    unc = None
    if pr.uncertainty is not None:
        raw = {i: weights.get(i, 0.0) for i in ids}
        unc = build_uncertainty(ck, pr.uncertainty, (*pp, "uncertainty"), issues, raw, pr, ps.id)
    return Preferences(
        FrozenMap(norm),
        FrozenMap(values),
        float(res),
        red,
        rects,
        pr.discount,
        unc,
        None if cap is None else float(cap),
    )


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
