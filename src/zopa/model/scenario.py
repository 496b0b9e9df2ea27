"""The validated, frozen scenario every engine works on.

:func:`build_scenario` turns raw data (a mapping from a YAML/JSON file) into a
:class:`Scenario`, collecting *every* problem it finds into one
:class:`~zopa.errors.ScenarioError` so a user fixes a file in one pass.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import pydantic

from zopa.errors import Problem, ScenarioError
from zopa.model.expr import ExprError, Formula, IssueDomain, holds, parse, resolve
from zopa.model.spec import IssueSpec, OptionSpec, PartySpec, ScenarioSpec, UncertaintySpec

__all__ = [
    "Draft",
    "Event",
    "Evidence",
    "FrozenMap",
    "Issue",
    "Option",
    "Party",
    "Preferences",
    "Rule",
    "Scenario",
    "Uncertainty",
    "ValueRange",
    "build_scenario",
    "format_number",
]

K = TypeVar("K")
V = TypeVar("V")
Locator = Callable[[tuple[str | int, ...]], tuple[int | None, int | None]]
MAX_NUMERIC_OPTIONS = 100_000


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """An immutable, hashable mapping that keeps insertion order."""

    __slots__ = ("_d", "_h")

    def __init__(self, items: Mapping[K, V] | Sequence[tuple[K, V]] = ()) -> None:
        self._d: dict[K, V] = dict(items)
        self._h: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._d[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __hash__(self) -> int:
        if self._h is None:
            self._h = hash(tuple(self._d.items()))
        return self._h

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._d) == dict(other)

    def __repr__(self) -> str:
        return f"FrozenMap({self._d!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (list(self._d.items()),))


def format_number(x: float) -> str:
    """The option id of a number on a numeric grid: ``600000`` or ``0.25``."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    number: float | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    id: str
    label: str
    options: tuple[Option, ...]
    description: str = ""
    unit: str | None = None
    numeric: bool = False
    ordered: bool = False

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @property
    def numbers(self) -> tuple[float, ...] | None:
        if not self.numeric:
            return None
        return tuple(float(o.number) for o in self.options if o.number is not None)

    def display(self, k: int) -> str | float | int:
        """Option ``k`` as printed in JSON: a number on a numeric issue, else its id."""
        o = self.options[k]
        if o.number is None:
            return o.id
        return int(o.number) if float(o.number).is_integer() else o.number


@dataclass(frozen=True, slots=True)
class Rule:
    """A constraint expression as written, and its resolved formula."""

    text: str
    formula: Formula = field(compare=False)


@dataclass(frozen=True, slots=True)
class ValueRange:
    """An uncertain value: option ``key`` of ``issue`` (a curve point on a numeric issue)."""

    issue: str
    key: str  # option id; on a numeric issue the point as written (a number)
    low: float
    high: float
    point: float | None = None  # the x of the curve point on a numeric issue


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """What the analyst does not know about a party (see ``zopa robust``).

    ``raw_weights`` are the nominal weights before normalising (every issue, 0 where absent),
    so a sample can redraw some and normalise again; ``curves`` keep the given points of the
    numeric issues with uncertain values, so a sample can interpolate again.
    """

    raw_weights: FrozenMap[str, float]
    reservation: tuple[float, float] | None = None
    weights: FrozenMap[str, tuple[float, float]] = field(default_factory=FrozenMap)
    values: tuple[ValueRange, ...] = ()
    red_lines: FrozenMap[str, float] = field(default_factory=FrozenMap)
    curves: FrozenMap[str, tuple[tuple[float, float], ...]] = field(default_factory=FrozenMap)

    @property
    def empty(self) -> bool:
        return not (self.reservation or self.weights or self.values or self.red_lines)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A public statement as a condition: ``party`` prefers/rejects/accepts ``draft``."""

    party: str
    kind: Literal["prefers", "rejects", "accepts"]
    draft: str
    over: str | None = None  # with ``prefers``
    source: str = ""
    date: str | None = None
    quote: str | None = None
    note: str | None = None

    def describe(self) -> str:
        if self.kind == "prefers":
            return f"{self.party} prefers {self.draft} over {self.over}"
        return f"{self.party} {self.kind} {self.draft}"


@dataclass(frozen=True, slots=True)
class Preferences:
    """Normalised weights (every issue), per-option values (every issue), BATNA, red lines."""

    weights: FrozenMap[str, float]
    values: FrozenMap[str, tuple[float, ...]]
    reservation: float
    red_lines: tuple[Rule, ...] = ()
    hyperrectangles: tuple[tuple[Rule, float], ...] = ()  # (when, utility): non-additive terms
    discount: float | None = None  # time discount factor, metadata only
    uncertainty: Uncertainty | None = None  # what the analyst does not know (zopa robust)


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    label: str
    role: Literal["party", "mediator", "observer"]
    power: float
    preferences: Preferences | None

    @property
    def gates(self) -> bool:
        """True when this party must accept an agreement."""
        return self.role == "party"


@dataclass(frozen=True, slots=True)
class Draft:
    id: str
    label: str
    package: FrozenMap[str, str]
    author: str | None = None
    revises: str | None = None
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    at: int
    party: str
    reservation: float
    weights: FrozenMap[str, float]
    note: str = ""


@dataclass(frozen=True)
class Scenario:
    """A validated negotiation scenario (immutable, hashable)."""

    title: str
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    constraints: tuple[Rule, ...] = ()
    drafts: tuple[Draft, ...] = ()
    events: tuple[Event, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    description: str = ""
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    file: str | None = field(default=None, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """What the reader adjusted to read the file (e.g. GENIUS weights renormalised)."""

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(i.options) for i in self.issues)

    @property
    def outcomes(self) -> int:
        return math.prod(self.sizes)

    @property
    def gating(self) -> tuple[Party, ...]:
        """The parties whose acceptance an agreement needs (role ``party``)."""
        return tuple(p for p in self.parties if p.gates)

    @property
    def with_preferences(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.preferences is not None)

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    def issue_index(self, issue_id: str) -> int:
        return [i.id for i in self.issues].index(issue_id)

    def party(self, party_id: str) -> Party:
        for p in self.parties:
            if p.id == party_id:
                return p
        raise KeyError(party_id)

    def draft(self, draft_id: str) -> Draft:
        for d in self.drafts:
            if d.id == draft_id:
                return d
        raise KeyError(draft_id)

    def domains(self) -> tuple[IssueDomain, ...]:
        return tuple(IssueDomain(i.id, i.option_ids, i.numbers) for i in self.issues)

    def indices(self, package: Mapping[str, str]) -> tuple[int, ...]:
        """Option indices of a package given as issue id -> option id (all issues)."""
        return tuple(i.option_ids.index(package[i.id]) for i in self.issues)

    def package(self, indices: Sequence[int]) -> dict[str, str | float | int]:
        """A package of option indices as issue id -> option (numbers on numeric issues)."""
        return {iss.id: iss.display(int(k)) for iss, k in zip(self.issues, indices, strict=True)}


# ------------------------------------------------------------------------------ building


class _Problems:
    def __init__(self, locate: Locator) -> None:
        self.items: list[Problem] = []
        self.locate = locate

    def add(
        self, path: tuple[str | int, ...], message: str, hint: str = "", col: int | None = None
    ) -> None:
        line, c = self.locate(path)
        self.items.append(
            Problem(message, where=_fmt(path), hint=hint, line=line, column=col if col else c)
        )


def _fmt(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _no_location(_: tuple[str | int, ...]) -> tuple[int | None, int | None]:
    return None, None


_HINTS = {
    "extra_forbidden": "remove it or check its spelling (see `zopa schema` for every key)",
    "missing": "add this key (see docs/scenario-format.md)",
    "string_pattern_mismatch": (
        "ids use letters, digits, _ and inner -, and start with a letter or _"
    ),
    "greater_than": "use a positive number",
    "float_type": "write a plain number such as 0.5 (unquoted)",
    "int_type": "write a whole number such as 3 (unquoted)",
    "bool_type": "write true or false",
    "finite_number": "write a finite number (not nan or inf)",
}


def pydantic_message(err: Any) -> tuple[str, str]:
    """Message and hint for one pydantic error, in the words of the scenario format."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        msg = f"unknown key `{err['loc'][-1]}`"
    elif kind == "missing":
        msg = f"missing required key `{err['loc'][-1]}`"
    elif kind in ("float_type", "int_type") and isinstance(given, bool):
        msg = f"`{str(given).lower()}` is a yes/no value, not a number"
    elif kind in ("float_type", "int_type", "string_type", "bool_type") and isinstance(
        given, str | int | float
    ):
        msg += f" (got {given!r:.60})"
    msg, _, hint = msg.partition("||")
    return msg, hint or _HINTS.get(kind, "")


def build_scenario(
    data: Any,
    *,
    file: str | None = None,
    locate: Locator | None = None,
    require_preferences: bool = True,
) -> Scenario:
    """Validate raw data and build a :class:`Scenario`; raises :class:`ScenarioError`.

    ``require_preferences=False`` accepts gating parties without preferences (a scenario's
    public skeleton, as a mediation room keeps it)."""
    probs = _Problems(locate or _no_location)
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"the top level must be a mapping (keys such as title, issues, parties), "
            f"not a {type(data).__name__}",
            file=file,
            hint="start the file with `title: ...` then `issues:` and `parties:`",
        )
    try:
        spec = ScenarioSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            path = _error_path(data, err["loc"])
            msg, hint = pydantic_message(err)
            probs.add(path, msg, hint)
        raise ScenarioError(_dedupe(probs.items), file=file) from None
    scenario = _Builder(spec, probs, require_preferences).build(file)
    if probs.items:
        raise ScenarioError(probs.items, file=file)
    assert scenario is not None
    return scenario


def _dedupe(items: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in items:
        if (p.where, p.message) not in seen:
            seen.add((p.where, p.message))
            out.append(p)
    return out


def _error_path(data: Any, loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's union-branch labels (``OptionSpec``, ``str``, ...) from a location."""
    out: list[str | int] = []
    node: Any = data
    for part in loc:
        if isinstance(node, Mapping) and str(part) in node:
            out.append(str(part))
            node = node[str(part)]
        elif isinstance(node, Mapping) and part in node:
            out.append(str(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, Mapping) and not isinstance(part, int) and part[:1].islower():
            out.append(str(part))  # a missing or extra key
            node = None
    return tuple(out)


class _Builder:
    def __init__(
        self, spec: ScenarioSpec, probs: _Problems, require_preferences: bool = True
    ) -> None:
        self.require_preferences = require_preferences
        self.spec = spec
        self.p = probs

    def build(self, file: str | None) -> Scenario | None:
        s = self.spec
        issues = self._issues()
        self._unique([i.id for i in s.issues], ("issues",), "issue")
        self._unique([p.id for p in s.parties], ("parties",), "party")
        self._unique([d.id for d in s.drafts], ("drafts",), "draft")
        domains = tuple(IssueDomain(i.id, i.option_ids, i.numbers) for i in issues)
        constraints = tuple(
            r
            for k, text in enumerate(s.constraints)
            if (r := self._rule(text, domains, ("constraints", k))) is not None
        )
        parties = tuple(self._party(k, ps, issues, domains) for k, ps in enumerate(s.parties))
        if not any(p.gates for p in parties):
            self.p.add(
                ("parties",), "no party has role `party`", "at least one party must gate agreement"
            )
        drafts = self._drafts(issues, parties)
        events = self._events(issues, parties)
        evidence = self._evidence(issues, parties, drafts)
        if self.p.items:
            return None
        return Scenario(
            title=s.title,
            description=s.description,
            sources=tuple(
                x if isinstance(x, str) else ", ".join(f"{k}: {v}" for k, v in x.items())
                for x in s.sources
            ),
            assumptions=(s.assumptions,)
            if isinstance(s.assumptions, str) and s.assumptions
            else tuple(s.assumptions)
            if isinstance(s.assumptions, list)
            else (),
            issues=issues,
            parties=parties,
            constraints=constraints,
            drafts=drafts,
            events=events,
            evidence=evidence,
            file=file,
        )

    def _unique(self, ids: list[str], path: tuple[str | int, ...], what: str) -> None:
        seen: dict[str, int] = {}
        for k, x in enumerate(ids):
            if x in seen:
                self.p.add(
                    (*path, k, "id"),
                    f"duplicate {what} id `{x}` (first at {path[0]}[{seen[x]}])",
                    f"give each {what} a unique id",
                )
            else:
                seen[x] = k

    # -- issues
    def _issues(self) -> tuple[Issue, ...]:
        return tuple(self._issue(k, spec) for k, spec in enumerate(self.spec.issues))

    def _issue(self, k: int, spec: IssueSpec) -> Issue:
        label = spec.label or spec.id
        if spec.numeric is not None:
            n = spec.numeric
            count = (n.max - n.min) / n.step
            if count + 1 > MAX_NUMERIC_OPTIONS:
                self.p.add(
                    ("issues", k, "numeric"),
                    f"the range has {int(count) + 1:,} grid points, over {MAX_NUMERIC_OPTIONS:,}",
                    "use a larger step",
                )
                return Issue(spec.id, label, (), spec.description or "", n.unit, True, True)
            steps = round(count)
            if abs(count - steps) > 1e-9 * max(1.0, count):
                self.p.add(
                    ("issues", k, "numeric"),
                    f"max - min ({n.max - n.min:g}) is not a multiple of step ({n.step:g})",
                    f"use max: {n.min + math.floor(count) * n.step:g} "
                    f"or {n.min + math.ceil(count) * n.step:g}",
                )
            grid = [n.min + j * n.step for j in range(steps + 1)]
            grid = [round(x, 12) for x in grid]
            opts = tuple(
                Option(
                    format_number(x),
                    f"{format_number(x)}{' ' + n.unit if n.unit else ''}",
                    float(x),
                )
                for x in grid
            )
            return Issue(spec.id, label, opts, spec.description or "", n.unit, True, True)
        raw = [o if isinstance(o, OptionSpec) else OptionSpec(id=o) for o in spec.options or []]
        self._unique([o.id for o in raw], ("issues", k, "options"), "option")
        opts = tuple(Option(o.id, o.label or o.id) for o in raw)
        return Issue(spec.id, label, opts, spec.description or "", None, False, bool(spec.ordered))

    # -- expressions
    def _rule(
        self, text: str, domains: Sequence[IssueDomain], path: tuple[str | int, ...]
    ) -> Rule | None:
        try:
            return Rule(text, resolve(parse(text), domains))
        except ExprError as exc:
            col = exc.column
            msg = str(exc)
            if col and "column" not in msg:
                msg += f" (column {col})"
            short = text if len(text) <= 120 else text[:117] + "..."
            self.p.add(path, f"{msg}" if "`" in msg else f"{msg} in `{short}`", exc.hint)
            self.p.items[-1].column = None  # the column refers to the expression, said in the text
            if col and len(text) <= 200:
                self.p.items[-1].message += f"\n    {text}\n    {' ' * (col - 1)}^"
            return None

    # -- parties
    def _party(
        self, k: int, ps: PartySpec, issues: tuple[Issue, ...], domains: Sequence[IssueDomain]
    ) -> Party:
        path: tuple[str | int, ...] = ("parties", k)
        prefs = None
        if ps.preferences is None:
            if ps.role == "party" and self.require_preferences:
                self.p.add(
                    (*path, "preferences"),
                    f"missing required key `preferences` for party `{ps.id}`",
                    "a party with role `party` needs weights, values and a reservation",
                )
        else:
            prefs = self._preferences(ps, path, issues, domains)
        return Party(ps.id, ps.label or ps.id, ps.role, float(ps.power), prefs)

    def _preferences(
        self,
        ps: PartySpec,
        path: tuple[str | int, ...],
        issues: tuple[Issue, ...],
        domains: Sequence[IssueDomain],
    ) -> Preferences:
        pr = ps.preferences
        assert pr is not None
        pp = (*path, "preferences")
        ids = [i.id for i in issues]
        weights: dict[str, float] = {}
        for iid, w in pr.weights.items():
            if iid not in ids:
                self.p.add(
                    (*pp, "weights", iid),
                    f"weight for unknown issue `{iid}`",
                    "known issues: " + ", ".join(ids),
                )
            elif not math.isfinite(w) or w < 0:
                self.p.add(
                    (*pp, "weights", iid),
                    f"weight {w} is negative or not finite",
                    "weights are saliences >= 0",
                )
            else:
                weights[iid] = float(w)
        total = sum(weights.values())
        if pr.weights and total <= 0 and len(weights) == len(pr.weights):
            self.p.add(
                (*pp, "weights"),
                "all weights are zero",
                "give at least one issue a positive weight",
            )
        if not pr.weights and not pr.hyperrectangles:
            self.p.add(
                (*pp, "weights"),
                "no weights given",
                "give each issue this party cares about a weight",
            )
        if abs(total - 1.0) <= 1e-12:
            total = 1.0  # already normalised: keep the weights bit for bit (exact round trips)
        norm = {i: (weights.get(i, 0.0) / total if total > 0 else 0.0) for i in ids}
        values: dict[str, tuple[float, ...]] = {}
        for iid in pr.values:
            if iid not in ids:
                self.p.add(
                    (*pp, "values", iid),
                    f"values for unknown issue `{iid}`",
                    "known issues: " + ", ".join(ids),
                )
        for iss in issues:
            values[iss.id] = self._values(
                iss, pr.values.get(iss.id), norm[iss.id] > 0, (*pp, "values", iss.id)
            )
        res = pr.reservation
        if not (math.isfinite(res) and 0.0 <= res <= 1.0):
            self.p.add(
                (*pp, "reservation"),
                f"reservation {res} is outside [0, 1]",
                "the reservation is a utility: 0 = accept anything, 1 = accept only the best",
            )
        red = tuple(
            r
            for j, text in enumerate(pr.red_lines)
            if (r := self._rule(text, domains, (*pp, "red_lines", j))) is not None
        )
        rects = []
        for j, hr in enumerate(pr.hyperrectangles):
            rule = self._rule(hr.when, domains, (*pp, "hyperrectangles", j, "when"))
            if not math.isfinite(hr.utility):
                self.p.add(
                    (*pp, "hyperrectangles", j, "utility"),
                    f"utility {hr.utility} is not finite",
                    "write a plain number",
                )
            elif rule is not None:
                rects.append((rule, float(hr.utility)))
        unc = None
        if pr.uncertainty is not None:
            raw = {i: weights.get(i, 0.0) for i in ids}
            unc = self._uncertainty(pr.uncertainty, (*pp, "uncertainty"), issues, raw, pr, ps.id)
        return Preferences(
            FrozenMap(norm), FrozenMap(values), float(res), red, tuple(rects), pr.discount, unc
        )

    def _uncertainty(
        self,
        u: UncertaintySpec,
        path: tuple[str | int, ...],
        issues: tuple[Issue, ...],
        raw: dict[str, float],
        pr: Any,
        party: str,
    ) -> Uncertainty:
        ids = [i.id for i in issues]
        res = None
        if u.reservation is not None:
            res = self._range(u.reservation, (*path, "reservation"), 0.0, 1.0, "a reservation")
        weights: dict[str, tuple[float, float]] = {}
        for iid, rng in u.weights.items():
            wp = (*path, "weights", iid)
            if iid not in ids:
                self.p.add(wp, f"weight range for unknown issue `{iid}`", _did_you_mean(iid, ids))
                continue
            r = self._range(rng, wp, 0.0, math.inf, "a raw weight")
            if r is None:
                continue
            weights[iid] = r
            given = pr.values.get(iid)
            iss = issues[ids.index(iid)]
            if r[1] > 0 and given is None:
                self.p.add(
                    wp,
                    f"the weight of `{iid}` can be positive but party `{party}` gives no values "
                    f"for `{iid}`",
                    f"add `values: {{{iid}: ...}}` for every option of `{iid}`",
                )
            elif r[1] > 0 and given is not None and not iss.numeric:
                missing = [o for o in iss.option_ids if o not in {str(k) for k in given}]
                if missing:
                    self.p.add(
                        wp,
                        f"the weight of `{iid}` can be positive but the values miss option(s) "
                        + ", ".join(f"`{m}`" for m in missing),
                        "give every option of an issue that can weigh a value",
                    )
        low_total = sum(weights[i][0] if i in weights else raw[i] for i in ids)
        if len(weights) == len(u.weights) and low_total <= 0:
            self.p.add(
                (*path, "weights"),
                "every weight can be zero at once (the low ends and the fixed weights are all 0)",
                "raise the low end of one range above 0",
            )
        values: list[ValueRange] = []
        curves: dict[str, tuple[tuple[float, float], ...]] = {}
        for iid, per in u.values.items():
            vp = (*path, "values", iid)
            if iid not in ids:
                self.p.add(vp, f"value ranges for unknown issue `{iid}`", _did_you_mean(iid, ids))
                continue
            iss = issues[ids.index(iid)]
            given = pr.values.get(iid) or {}
            if not given:
                self.p.add(
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
                r = self._range(rng, kp, 0.0, 1.0, "a value")
                if iss.numeric:
                    x = _as_number(key)
                    xs = [a for a, _ in curves[iid]]
                    match = [a for a in xs if x is not None and math.isclose(a, x, abs_tol=1e-12)]
                    if not match:
                        self.p.add(
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
                        self.p.add(
                            kp,
                            f"value range for unknown option `{key}` of issue `{iid}`",
                            _did_you_mean(str(key), iss.option_ids),
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
                self.p.add(rp, f"`{text}` is not a red line of party `{party}`", hint)
                continue
            if not 0.0 <= prob <= 1.0:
                self.p.add(
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
        self,
        rng: Sequence[float],
        path: tuple[str | int, ...],
        lo: float,
        hi: float,
        what: str,
    ) -> tuple[float, float] | None:
        a, b = float(rng[0]), float(rng[1])
        if a > b:
            self.p.add(path, f"low {a:g} is above high {b:g}", f"write [{b:g}, {a:g}]")
            return None
        if a < lo or b > hi:
            inside = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f">= {lo:g}"
            self.p.add(
                path,
                f"range [{a:g}, {b:g}] of {what} is not inside {inside}",
                f"{what} lies in {inside}",
            )
            return None
        return a, b

    def _values(
        self,
        iss: Issue,
        given: Mapping[Any, float] | None,
        needed: bool,
        path: tuple[str | int, ...],
    ) -> tuple[float, ...]:
        n = len(iss.options)
        if given is None:
            if needed:
                self.p.add(
                    path,
                    f"missing values for issue `{iss.id}`, which has a positive weight",
                    f"give a value in [0, 1] for each option of `{iss.id}`",
                )
            return (0.0,) * n
        ok = True
        for key, v in given.items():
            if not (isinstance(v, int | float) and math.isfinite(v) and 0.0 <= v <= 1.0):
                self.p.add(
                    (*path, str(key)),
                    f"value {v} is outside [0, 1]",
                    "values are utilities between 0 (worst) and 1 (best)",
                )
                ok = False
        if iss.numeric:
            return self._curve(iss, given, path) if ok else (0.0,) * n
        out = []
        for key in given:
            if str(key) not in iss.option_ids:
                self.p.add(
                    (*path, str(key)),
                    f"value for unknown option `{key}` of issue `{iss.id}`",
                    "options: " + ", ".join(iss.option_ids),
                )
                ok = False
        missing = [o for o in iss.option_ids if o not in {str(k) for k in given}]
        if missing and needed:
            self.p.add(
                path,
                "missing values for option(s) " + ", ".join(f"`{m}`" for m in missing),
                "give every option of a weighted issue a value",
            )
        lookup = {str(k): float(v) for k, v in given.items()}
        out = [lookup.get(o, 0.0) for o in iss.option_ids]
        return tuple(out) if ok else (0.0,) * n

    def _curve(
        self, iss: Issue, given: Mapping[Any, float], path: tuple[str | int, ...]
    ) -> tuple[float, ...]:
        pts: list[tuple[float, float]] = []
        for key, v in given.items():
            try:
                x = float(key)
            except (TypeError, ValueError):
                self.p.add(
                    (*path, str(key)),
                    f"`{key}` is not a number on numeric issue `{iss.id}`",
                    "key the values by numbers, e.g. 400000: 0",
                )
                return (0.0,) * len(iss.options)
            pts.append((x, float(v)))
        pts.sort()
        xs = [p[0] for p in pts]
        if len(set(xs)) != len(xs):
            self.p.add(path, "two values are given at the same point", "give each point once")
            return (0.0,) * len(iss.options)
        import numpy as np

        grid = np.array(iss.numbers or (), dtype=float)
        ys = np.interp(grid, xs, [p[1] for p in pts])  # flat beyond the given points
        return tuple(float(y) for y in ys)

    # -- drafts
    def _drafts(self, issues: tuple[Issue, ...], parties: tuple[Party, ...]) -> tuple[Draft, ...]:
        out = []
        ids = {d.id for d in self.spec.drafts}
        party_ids = {p.id for p in parties}
        for k, d in enumerate(self.spec.drafts):
            path: tuple[str | int, ...] = ("drafts", k)
            package: dict[str, str] = {}
            for iss in issues:
                if iss.id not in d.package:
                    self.p.add(
                        (*path, "package"),
                        f"draft `{d.id}` has no option for issue `{iss.id}`",
                        "a draft names one option for every issue",
                    )
                    continue
                v = d.package[iss.id]
                opt = _match_option(iss, v)
                if opt is None:
                    self.p.add(
                        (*path, "package", iss.id),
                        f"unknown option `{v}` of issue `{iss.id}`",
                        "options: " + ", ".join(iss.option_ids[:20]),
                    )
                else:
                    package[iss.id] = opt
            for key in d.package:
                if key not in {i.id for i in issues}:
                    self.p.add(
                        (*path, "package", key),
                        f"unknown issue `{key}` in draft `{d.id}`",
                        "known issues: " + ", ".join(i.id for i in issues),
                    )
            if d.revises is not None and d.revises not in ids:
                self.p.add(
                    (*path, "revises"),
                    f"draft `{d.id}` revises unknown draft `{d.revises}`",
                    "known drafts: " + ", ".join(sorted(ids)),
                )
            if d.author is not None and d.author not in party_ids:
                self.p.add(
                    (*path, "author"),
                    f"unknown author `{d.author}`",
                    "the author must be a party id: " + ", ".join(sorted(party_ids)),
                )
            out.append(
                Draft(
                    d.id, d.label or d.id, FrozenMap(package), d.author, d.revises, d.date, d.note
                )
            )
        self._cycles()
        return tuple(out)

    def _cycles(self) -> None:
        parent = {d.id: d.revises for d in self.spec.drafts}
        reported: set[str] = set()
        for k, d in enumerate(self.spec.drafts):
            seen = [d.id]
            cur = parent.get(d.id)
            while cur is not None and cur in parent:
                if cur in seen:
                    cycle = [*seen[seen.index(cur) :], cur]
                    if not reported & set(cycle):
                        self.p.add(
                            ("drafts", k, "revises"),
                            "`revises` forms a cycle: " + " -> ".join(cycle),
                            "a draft can only revise an earlier draft",
                        )
                        reported |= set(cycle)
                    break
                seen.append(cur)
                cur = parent.get(cur)

    # -- events
    def _events(self, issues: tuple[Issue, ...], parties: tuple[Party, ...]) -> tuple[Event, ...]:
        out = []
        pids = {p.id for p in parties}
        iids = {i.id for i in issues}
        for k, e in enumerate(self.spec.events):
            if e.party not in pids:
                self.p.add(
                    ("events", k, "party"),
                    f"unknown party `{e.party}`",
                    "known parties: " + ", ".join(sorted(pids)),
                )
            for iid in e.weights:
                if iid not in iids:
                    self.p.add(
                        ("events", k, "weights", iid),
                        f"unknown issue `{iid}`",
                        "known issues: " + ", ".join(sorted(iids)),
                    )
            out.append(Event(e.at, e.party, e.reservation, FrozenMap(e.weights), e.note or ""))
        return tuple(out)

    # -- evidence
    def _evidence(
        self, issues: tuple[Issue, ...], parties: tuple[Party, ...], drafts: tuple[Draft, ...]
    ) -> tuple[Evidence, ...]:
        out: list[tuple[int, Evidence]] = []
        pids = [p.id for p in parties]
        dids = [d.id for d in drafts]
        for k, e in enumerate(self.spec.evidence):
            path: tuple[str | int, ...] = ("evidence", k)
            ok = True
            if e.party not in pids:
                self.p.add(
                    (*path, "party"), f"unknown party `{e.party}`", _did_you_mean(e.party, pids)
                )
                ok = False
            elif parties[pids.index(e.party)].preferences is None:
                self.p.add(
                    (*path, "party"),
                    f"party `{e.party}` has no preferences, so no statement can condition them",
                    "give the party preferences or drop this evidence item",
                )
                ok = False
            kinds = [x for x in ("prefers", "rejects", "accepts") if getattr(e, x) is not None]
            if len(kinds) != 1:
                self.p.add(
                    path,
                    "an evidence item needs exactly one of `prefers` (with `over`), `rejects` or "
                    "`accepts`" + (f" (it has {', '.join(kinds)})" if kinds else ""),
                    "e.g. {party: russia, rejects: geneva, source: ...}",
                )
                continue
            kind = kinds[0]
            if (e.over is not None) != (kind == "prefers"):
                self.p.add(
                    (*path, "over"),
                    "`prefers` needs `over` (the draft it is preferred to)"
                    if kind == "prefers"
                    else f"`over` goes with `prefers`, not with `{kind}`",
                    "write {party: ..., prefers: A, over: B, source: ...}",
                )
                ok = False
            named = [(kind, str(getattr(e, kind)))]
            if e.over is not None:
                named.append(("over", e.over))
            for key, d in named:
                if d not in dids:
                    self.p.add(
                        (*path, key),
                        f"unknown draft `{d}`",
                        _did_you_mean(d, dids) if dids else "the scenario has no drafts",
                    )
                    ok = False
            if not ok:
                continue
            draft = str(getattr(e, kind))
            if kind == "prefers" and (
                e.over == draft
                or drafts[dids.index(draft)].package == drafts[dids.index(str(e.over))].package
            ):
                self.p.add(
                    path,
                    f"contradictory evidence: `{draft}` and `{e.over}` are the same package, so "
                    f"{e.party} cannot prefer one over the other",
                    "compare two different drafts",
                )
                continue
            out.append(
                (k, Evidence(e.party, kind, draft, e.over, e.source, e.date, e.quote, e.note))  # type: ignore[arg-type]
            )
        self._contradictions(out, issues, parties, drafts)
        return tuple(ev for _, ev in out)

    def _violates(self, package: Mapping[str, str], issues: Sequence[Issue]) -> str:
        """The first scenario constraint the package breaks ('' if none)."""
        domains = tuple(IssueDomain(i.id, i.option_ids, i.numbers) for i in issues)
        for text in self.spec.constraints:
            try:
                rule = Rule(text, resolve(parse(text), domains))
            except ExprError:
                continue  # reported at `constraints`
            if not _holds_on(rule, package, issues):
                return text
        return ""

    def _contradictions(
        self,
        items: list[tuple[int, Evidence]],
        issues: tuple[Issue, ...],
        parties: tuple[Party, ...],
        drafts: tuple[Draft, ...],
    ) -> None:
        """Evidence no sample can satisfy, found without sampling (named with its items)."""
        by_party: dict[str, list[tuple[int, Evidence]]] = {}
        for k, ev in items:
            by_party.setdefault(ev.party, []).append((k, ev))
        domains = {d.id: d for d in drafts}
        for pid, evs in by_party.items():
            party = next(p for p in parties if p.id == pid)
            stance: dict[str, tuple[str, int]] = {}
            for k, ev in evs:
                if ev.kind == "prefers":
                    continue
                if ev.draft in stance and stance[ev.draft][0] != ev.kind:
                    j = stance[ev.draft][1]
                    self.p.add(
                        ("evidence", k),
                        f"contradictory evidence: evidence[{j}] says {pid} "
                        f"{stance[ev.draft][0]} {ev.draft}, evidence[{k}] that it {ev.kind} it",
                        "remove one of the two items, or check their sources",
                    )
                stance.setdefault(ev.draft, (ev.kind, k))
                broken = self._violates(domains[ev.draft].package, issues)
                if ev.kind == "accepts" and broken:
                    self.p.add(
                        ("evidence", k),
                        f"contradictory evidence: {pid} accepts {ev.draft}, but {ev.draft} breaks "
                        f"the scenario constraint `{broken}`",
                        "no party can accept a package the constraints rule out; check the draft",
                    )
                if ev.kind == "accepts" and party.preferences is not None:
                    sure = _certain_red_lines(party.preferences)
                    pkg = domains[ev.draft].package
                    for rule in party.preferences.red_lines:
                        if rule.text in sure and not _holds_on(rule, pkg, issues):
                            self.p.add(
                                ("evidence", k),
                                f"contradictory evidence: {pid} accepts {ev.draft}, but "
                                f"{ev.draft} breaks {pid}'s red line `{rule.text}`, which is "
                                "certain",
                                f"give the red line a probability below 1 in {pid}'s "
                                "`uncertainty.red_lines`, or check the source",
                            )
            # a cycle of strict preferences (a over b, b over a; or longer)
            edges: dict[str, list[tuple[str, int]]] = {}
            for k, ev in evs:
                if ev.kind == "prefers" and ev.over is not None:
                    edges.setdefault(ev.draft, []).append((ev.over, k))
            cycle = _find_cycle(edges)
            if cycle:
                chain = " > ".join([*(a for a, _ in cycle), cycle[0][0]])
                where = ", ".join(f"evidence[{k}]" for _, k in cycle)
                self.p.add(
                    ("evidence", cycle[0][1]),
                    f"contradictory evidence: {pid} would prefer {chain} ({where})",
                    "strict preferences cannot go round in a circle; check the sources",
                )


def _certain_red_lines(prefs: Preferences) -> set[str]:
    probs = prefs.uncertainty.red_lines if prefs.uncertainty else FrozenMap[str, float]()
    return {r.text for r in prefs.red_lines if probs.get(r.text.strip(), 1.0) >= 1.0}


def _holds_on(rule: Rule, package: Mapping[str, str], issues: Sequence[Issue]) -> bool:
    if any(i.id not in package for i in issues):
        return True  # an incomplete draft is reported elsewhere
    return bool(holds(rule.formula, tuple(i.option_ids.index(package[i.id]) for i in issues)))


def _find_cycle(edges: Mapping[str, list[tuple[str, int]]]) -> list[tuple[str, int]] | None:
    """A cycle in the preference graph as (node, evidence index of its outgoing edge)."""
    state: dict[str, int] = {}
    stack: list[tuple[str, int]] = []

    def visit(a: str) -> list[tuple[str, int]] | None:
        state[a] = 1
        for b, k in edges.get(a, []):
            stack.append((a, k))
            if state.get(b) == 1:
                start = next(i for i, (x, _) in enumerate(stack) if x == b)
                return stack[start:]
            if state.get(b) is None:
                found = visit(b)
                if found:
                    return found
            stack.pop()
        state[a] = 2
        return None

    for a in list(edges):
        if a not in state:
            found = visit(a)
            if found:
                return found
    return None


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    head = f"did you mean `{close[0]}`? " if close else ""
    return head + "known: " + ", ".join(known)


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


def _match_option(iss: Issue, v: Any) -> str | None:
    s = str(v)
    if s in iss.option_ids:
        return s
    if iss.numeric:
        try:
            x = float(v)
        except (TypeError, ValueError):
            return None
        for o in iss.options:
            if o.number is not None and math.isclose(o.number, x, rel_tol=1e-12, abs_tol=1e-12):
                return o.id
    return None
