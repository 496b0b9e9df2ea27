"""The guided preferences form and the ``preferences`` block of a scenario file.

A delegation answers in its own terms: for each issue it puts the options in order (places,
1 the best; ties share a place) and, if some gaps matter more than others, rates them from worst
(0) to best (100); for a numeric issue it picks the shape of the curve (more is better, less is
better, best at a point, a threshold); it shares 100 points of importance between the issues;
it ticks the options it would never sign and bounds numeric issues; its walk-away value is
found by comparison (:mod:`zopa.elicit.walkaway`). :func:`to_block` writes the block the
scenario format reads and :func:`from_block` reads any block back into a form.

An order alone means evenly spaced ratings (best 100, worst 0, the places between at equal
steps); ratings typed beside an order must follow it.

Round trip: ``from_block(to_block(form)) == form`` for every valid form in which places are
given as :func:`places_from_ratings` would give them. A block typed by an
analyst comes back as the form that gives the same utilities, except that points and ratings
are rounded to 0.1 (a change of at most 0.0005 in a weight or a value); red lines that are not
a single issue's allowed set, and the analyst-only keys (:data:`EXTRA_KEYS`:
``hyperrectangles``, ``cap``, ``discount``, ``uncertainty``), are carried through unchanged in
``other_red_lines`` and ``extra``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Any, Literal

from zopa.model.expr import Atom, Formula, Not
from zopa.model.scenario import Issue, Scenario, format_number
from zopa.records import frozen

__all__ = [
    "EXTRA_KEYS",
    "SHAPES",
    "FieldProblem",
    "IssueForm",
    "PreferenceForm",
    "Shape",
    "check_form",
    "curve",
    "from_block",
    "places_from_ratings",
    "ratings_from_places",
    "share_points",
    "to_block",
]

SHARE_DIGITS = 6
"""A weight's share of the points is rounded here before the largest-remainder split, so a
float's 249.9999999 counts as 250."""
RATING_DIGITS = 1
"""A rating (0-100) is shown and stored to one decimal, as the form's inputs take it."""

Shape = Literal["more", "less", "peak", "threshold", "custom"]
SHAPES: dict[str, str] = {
    "more": "more is better",
    "less": "less is better",
    "peak": "best at a point",
    "threshold": "acceptable from a threshold on",
    "custom": "my own rating of each value",
}
_TOL = 1e-6
EXTRA_KEYS = ("hyperrectangles", "cap", "discount", "uncertainty")
"""The analyst-only keys of a preferences block, carried through the form unchanged."""


@frozen
class IssueForm:
    """One issue of the form. ``ratings`` are 0 (worst) to 100 (best) per option id, None where
    not rated; on a numeric issue with a shape other than ``custom`` they follow the shape.
    ``places`` (options other than numeric ones) order the options, 1 the best, None where not
    placed; with no ratings typed the order alone gives them (:func:`ratings_from_places`)."""

    issue: str
    points: float | None
    ratings: tuple[tuple[str, float | None], ...]
    shape: Shape | None = None  # numeric issues only
    at: float | None = None  # the point of ``peak`` / ``threshold``
    never: frozenset[str] = frozenset()  # option ids the delegation would never sign
    at_least: float | None = None  # numeric: never below
    at_most: float | None = None  # numeric: never above
    places: tuple[tuple[str, int | None], ...] = ()  # 1 = best; ties share a place

    def rating(self, option: str) -> float | None:
        return dict(self.effective_ratings()).get(option)

    def place(self, option: str) -> int | None:
        return dict(self.places).get(option)

    def effective_ratings(self) -> tuple[tuple[str, float | None], ...]:
        """The ratings typed, or, when none is typed, the ones the order gives."""
        if any(r is not None for _, r in self.ratings):
            return self.ratings
        got = ratings_from_places(self.places)
        return got if got else self.ratings


@frozen
class PreferenceForm:
    issues: tuple[IssueForm, ...]
    walk_away: float | None  # utility of walking away, 0..1 (found by comparison)
    other_red_lines: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def issue(self, issue_id: str) -> IssueForm:
        return next(f for f in self.issues if f.issue == issue_id)


@frozen
class FieldProblem:
    """A mistake in the form, in the form's words, and the field it belongs next to."""

    field: str  # e.g. ``points.territory``, ``ratings.nato``, ``points``, ``walk_away``
    message: str


# ------------------------------------------------------------------------ order


def ratings_from_places(
    places: Sequence[tuple[str, int | None]],
) -> tuple[tuple[str, float | None], ...]:
    """Evenly spaced ratings (0.1 steps) from a complete order with at least two places: the
    best place 100, the worst 0, the places between at equal steps; () otherwise."""
    given = [p for _, p in places if p is not None]
    if not places or len(given) < len(places) or len(set(given)) < 2:
        return ()
    levels = sorted(set(given))
    top = len(levels) - 1
    return tuple(
        (o, round(100 * (top - levels.index(p)) / top, RATING_DIGITS))
        for o, p in places
        if p is not None
    )


def places_from_ratings(
    ratings: Sequence[tuple[str, float | None]],
) -> tuple[tuple[str, int | None], ...]:
    """The order ratings give (1 the best; equal ratings share a place, places without gaps);
    () unless every option is rated."""
    if not ratings or any(r is None for _, r in ratings):
        return ()
    levels = sorted({r for _, r in ratings if r is not None}, reverse=True)
    return tuple((o, levels.index(r) + 1 if r is not None else None) for o, r in ratings)


# ------------------------------------------------------------------------ shapes


def curve(issue: Issue, shape: Shape, at: float | None) -> tuple[float, ...]:
    """Ratings (0..100) of every point of a numeric issue's grid under a shape."""
    xs = issue.numbers or ()
    lo, hi = xs[0], xs[-1]
    span = hi - lo
    if shape == "more":
        return tuple(100 * (x - lo) / span for x in xs)
    if shape == "less":
        return tuple(100 * (hi - x) / span for x in xs)
    a = lo if at is None else at
    if shape == "threshold":
        return tuple(100.0 if x >= a - _TOL else 0.0 for x in xs)
    if shape == "peak":
        out = []
        for x in xs:
            if abs(x - a) <= _TOL:
                out.append(100.0)
            elif x < a:
                out.append(100 * (x - lo) / (a - lo))
            else:
                out.append(100 * (hi - x) / (hi - a))
        return tuple(out)
    raise ValueError(f"no curve for shape {shape!r}")


def _detect(issue: Issue, values: Sequence[float]) -> tuple[Shape, float | None]:
    ratings = [100 * v for v in values]
    xs = issue.numbers or ()

    def same(c: Sequence[float]) -> bool:
        return all(abs(a - b) < 1e-6 for a, b in zip(c, ratings, strict=True))

    if same(curve(issue, "more", None)):
        return "more", None
    if same(curve(issue, "less", None)):
        return "less", None
    for x in xs[1:-1]:
        if same(curve(issue, "peak", x)):
            return "peak", x
    for x in xs[1:]:
        if same(curve(issue, "threshold", x)):
            return "threshold", x
    return "custom", None


# ------------------------------------------------------------------------ form -> block


def _number_key(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def _values(issue: Issue, f: IssueForm) -> dict[Any, float]:
    if issue.numeric and f.shape not in (None, "custom"):
        xs = issue.numbers or ()
        lo, hi = xs[0], xs[-1]
        if f.shape == "more":
            return {_number_key(lo): 0.0, _number_key(hi): 1.0}
        if f.shape == "less":
            return {_number_key(lo): 1.0, _number_key(hi): 0.0}
        rated = curve(issue, f.shape, f.at)
        return {_number_key(x): r / 100 for x, r in zip(xs, rated, strict=True)}
    out: dict[Any, float] = {}
    for o in issue.options:
        r = f.rating(o.id)
        if r is not None:
            key: Any = _number_key(o.number) if o.number is not None else o.id
            out[key] = r / 100
    return out


def _red_lines(issue: Issue, f: IssueForm) -> list[str]:
    lines = [f"{issue.id} != {o}" for o in issue.option_ids if o in f.never]
    if f.at_least is not None:
        lines.append(f"{issue.id} >= {format_number(f.at_least)}")
    if f.at_most is not None:
        lines.append(f"{issue.id} <= {format_number(f.at_most)}")
    return lines


def to_block(scenario: Scenario, form: PreferenceForm) -> dict[str, Any]:
    """The ``preferences`` block of a scenario file that says what the form says."""
    weights: dict[str, float] = {}
    values: dict[str, dict[Any, float]] = {}
    red: list[str] = []
    for issue in scenario.issues:
        f = form.issue(issue.id)
        weights[issue.id] = 0.0 if f.points is None else f.points
        vals = _values(issue, f)
        if vals:
            values[issue.id] = vals
        red.extend(_red_lines(issue, f))
    block: dict[str, Any] = {
        "weights": weights,
        "values": values,
        "reservation": 0.0 if form.walk_away is None else form.walk_away,
        "red_lines": [*red, *form.other_red_lines],
    }
    block.update(form.extra)
    return block


# ------------------------------------------------------------------------ block -> form


def share_points(weights: Sequence[float], total: int = 1000) -> list[float]:
    """Weights as points out of 100 in steps of 0.1 that add up to exactly 100 (largest
    remainders get the rounding)."""
    s = sum(weights)
    if s <= 0:
        return [0.0 for _ in weights]
    raw = [round(total * w / s, SHARE_DIGITS) for w in weights]  # 249.9999999 is 250
    floors = [math.floor(r) for r in raw]
    left = total - sum(floors)
    order = sorted(range(len(raw)), key=lambda k: (-(raw[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += 1
    return [x / 10 for x in floors]


def _single_issue(f: Formula, scenario: Scenario) -> tuple[int, frozenset[int]] | None:
    """The issue and allowed option indices of a red line about one issue, else None."""
    neg = False
    while isinstance(f, Not):
        neg, f = not neg, f.arg
    if not isinstance(f, Atom):
        return None
    n = len(scenario.issues[f.issue].options)
    allowed = frozenset(range(n)) - f.allowed if neg else f.allowed
    return f.issue, allowed


def from_block(
    scenario: Scenario, party: str, block: Mapping[str, Any] | None = None
) -> PreferenceForm:
    """The form of ``party``'s preferences in ``scenario`` (validated, so complete); the
    analyst-only keys of the raw ``block``, when given, are kept verbatim in ``extra``."""
    prefs = scenario.party(party).preferences
    if prefs is None:
        raise ValueError(f"party `{party}` has no preferences")
    points = share_points([prefs.weights[i.id] for i in scenario.issues])
    allowed: dict[int, frozenset[int]] = {}
    other: list[str] = []
    extra = {k: block[k] for k in EXTRA_KEYS if block is not None and k in block}
    unc = extra.get("uncertainty")
    named = set(unc.get("red_lines", {}) if isinstance(unc, Mapping) else {})
    for rule in prefs.red_lines:
        # a red line the analyst's uncertainty block names is kept as written
        got = None if rule.text in named else _single_issue(rule.formula, scenario)
        if got is None:
            other.append(rule.text)
            continue
        k, ok = got
        allowed[k] = allowed.get(k, frozenset(range(len(scenario.issues[k].options)))) & ok
    issues = []
    for k, (issue, pts) in enumerate(zip(scenario.issues, points, strict=True)):
        vals = prefs.values[issue.id]
        ok = allowed.get(k, frozenset(range(len(issue.options))))
        never = frozenset(issue.options[j].id for j in range(len(issue.options)) if j not in ok)
        at_least = at_most = None
        shape: Shape | None = None
        at = None
        if issue.numeric:
            shape, at = _detect(issue, vals)
            xs = issue.numbers or ()
            idx = sorted(ok)
            if idx and idx == list(range(idx[0], idx[-1] + 1)):
                never = frozenset()
                at_least = xs[idx[0]] if idx[0] > 0 else None
                at_most = xs[idx[-1]] if idx[-1] < len(xs) - 1 else None
        ratings = tuple(
            (o.id, round(100 * v, RATING_DIGITS)) for o, v in zip(issue.options, vals, strict=True)
        )
        places = () if issue.numeric else places_from_ratings(ratings)
        issues.append(
            IssueForm(issue.id, pts, ratings, shape, at, never, at_least, at_most, places)
        )
    return PreferenceForm(tuple(issues), prefs.reservation, tuple(other), extra)


# ------------------------------------------------------------------------ checks


def _unit(issue: Issue, x: float) -> str:
    from zopa.vocab import amount

    return amount(x, issue.unit)


def check_form(scenario: Scenario, form: PreferenceForm) -> list[FieldProblem]:
    """Every mistake of the form at once, in its own words (labels and units, never ids)."""
    out: list[FieldProblem] = []
    total = 0.0
    for issue in scenario.issues:
        f = form.issue(issue.id)
        name = issue.label
        if f.points is None or not math.isfinite(f.points) or f.points < 0:
            out.append(FieldProblem(f"points.{issue.id}", f"{name}: give 0 points or more"))
            continue
        total += f.points
        if issue.numeric and f.shape is None:
            out.append(FieldProblem(f"shape.{issue.id}", f"{name}: choose the shape of your curve"))
        elif issue.numeric and f.shape in ("peak", "threshold"):
            xs = issue.numbers or ()
            if f.at is None or not any(abs(f.at - x) <= _TOL for x in xs):
                out.append(
                    FieldProblem(f"at.{issue.id}", f"{name}: choose the point of your curve")
                )
        elif not issue.numeric and f.points > 0 and any(p is not None for _, p in f.places):
            out.extend(_check_order(issue, f))
        elif (not issue.numeric or f.shape == "custom") and f.points > 0:
            out.extend(_check_ratings(issue, f))
        allowed = [o for o in issue.options if o.id not in f.never]
        if issue.numeric and allowed:
            lo, hi = f.at_least, f.at_most
            if lo is not None and hi is not None and lo > hi:
                out.append(
                    FieldProblem(
                        f"bounds.{issue.id}",
                        f"{name}: 'at least' ({_unit(issue, lo)}) is above 'at most' "
                        f"({_unit(issue, hi)})",
                    )
                )
            allowed = [
                o
                for o in allowed
                if o.number is not None
                and (lo is None or o.number >= lo - _TOL)
                and (hi is None or o.number <= hi + _TOL)
            ]
        if not allowed:
            out.append(
                FieldProblem(
                    f"never.{issue.id}",
                    f"{name}: you ruled out every option, so no text could ever be signed; "
                    "untick one",
                )
            )
    if not out and abs(total - 100) > 0.05:
        out.append(
            FieldProblem(
                "points",
                f"Importance: the points add up to {total:g}; share exactly 100 between the issues",
            )
        )
    if form.walk_away is not None and not (0 <= form.walk_away <= 1):
        out.append(FieldProblem("walk_away", "Walk-away: it lies between 0 and 100"))
    return out


def _check_ratings(issue: Issue, f: IssueForm) -> list[FieldProblem]:
    """Ratings typed without an order: all of them, from 0 to 100, two of them different."""
    name = issue.label
    rated = [r for _, r in f.ratings if r is not None]
    bad = [r for r in rated if not (math.isfinite(r) and 0 <= r <= 100)]
    n = len(issue.options)
    if bad:
        return [FieldProblem(f"ratings.{issue.id}", f"{name}: ratings go from 0 to 100")]
    if not rated and not issue.numeric:
        return [
            FieldProblem(
                f"order.{issue.id}",
                f"{name}: put the options in order, 1 for the best (0 of {n} placed), "
                "or give the issue 0 points",
            )
        ]
    if len(rated) < n:
        return [
            FieldProblem(
                f"ratings.{issue.id}",
                f"{name}: rate every option ({len(rated)} of {n} rated), or give the "
                "issue 0 points",
            )
        ]
    if len(set(rated)) < 2:
        return [
            FieldProblem(
                f"ratings.{issue.id}",
                f"{name}: rate at least two options differently, or give the issue 0 points",
            )
        ]
    return []


def _check_order(issue: Issue, f: IssueForm) -> list[FieldProblem]:
    """An order (and the ratings beside it, if any): complete, two places at least, and the
    ratings following it."""
    name, n = issue.label, len(issue.options)
    placed = [(o, p) for o, p in f.places if p is not None]
    if any(not 1 <= p <= n for _, p in placed):
        return [FieldProblem(f"order.{issue.id}", f"{name}: places go from 1 (best) to {n}")]
    if len(placed) < n:
        return [
            FieldProblem(
                f"order.{issue.id}",
                f"{name}: give every option a place ({len(placed)} of {n} placed), or give the "
                "issue 0 points",
            )
        ]
    if len({p for _, p in placed}) < 2:
        return [
            FieldProblem(
                f"order.{issue.id}",
                f"{name}: put at least two options in different places, or give the issue 0 points",
            )
        ]
    rated = {o: r for o, r in f.ratings if r is not None}
    if not rated:
        return []
    if any(not (math.isfinite(r) and 0 <= r <= 100) for r in rated.values()):
        return [FieldProblem(f"ratings.{issue.id}", f"{name}: ratings go from 0 to 100")]
    if len(rated) < n:
        return [
            FieldProblem(
                f"ratings.{issue.id}",
                f"{name}: rate every option ({len(rated)} of {n} rated), or clear the ratings "
                "to go by your order alone",
            )
        ]
    label = {o.id: o.label for o in issue.options}
    for a, pa in placed:
        for b, pb in placed:
            if (pa < pb and not rated[a] > rated[b]) or (
                pa == pb and a < b and rated[a] != rated[b]
            ):
                how = "above" if pa < pb else "level with"
                return [
                    FieldProblem(
                        f"order.{issue.id}",
                        f"{name}: your order puts “{label[a]}” {how} “{label[b]}” but your "
                        "ratings do not; change one, or clear the ratings to go by your order "
                        "alone",
                    )
                ]
    return []


def form_from_fit(
    scenario: Scenario,
    weights: Mapping[str, float],
    values: Mapping[str, Mapping[str, float]],
    base: PreferenceForm | None = None,
) -> PreferenceForm:
    """A fitted model (weights summing to 1, values 0..1 per option) as the form, keeping the
    red lines, walk-away and analyst keys of ``base``; numeric issues get ``custom`` ratings
    unless the fitted ratings follow one of the shapes."""
    points = share_points([weights[i.id] for i in scenario.issues])
    issues = []
    for issue, pts in zip(scenario.issues, points, strict=True):
        vals = [values[issue.id][o] for o in issue.option_ids]
        old = base.issue(issue.id) if base is not None else None
        shape, at = _detect(issue, vals) if issue.numeric else (None, None)
        ratings = tuple(
            (o, round(100 * v, RATING_DIGITS)) for o, v in zip(issue.option_ids, vals, strict=True)
        )
        issues.append(
            IssueForm(
                issue.id,
                pts,
                ratings,
                shape,
                at,
                old.never if old else frozenset(),
                old.at_least if old else None,
                old.at_most if old else None,
                () if issue.numeric else places_from_ratings(ratings),
            )
        )
    if base is None:
        return PreferenceForm(tuple(issues), None)
    return PreferenceForm(tuple(issues), base.walk_away, base.other_red_lines, base.extra)
