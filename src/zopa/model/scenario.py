"""The validated, frozen scenario every engine works on: its types, and nothing else.

:func:`zopa.model.build_scenario` (:mod:`zopa.model.build`) makes a :class:`Scenario` from raw
data (a mapping read from a YAML/JSON file), collecting *every* problem it finds into one
:class:`~zopa.errors.ScenarioError` so a user fixes a file in one pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from zopa.model.expr import Formula, IssueDomain
from zopa.records import frozen

if TYPE_CHECKING:
    from zopa.model.distributions import Distribution

__all__ = [
    "Correlation",
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
    "format_number",
]

K = TypeVar("K")
V = TypeVar("V")


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


@frozen(slots=True)
class Option:
    id: str
    label: str
    number: float | None = None


@frozen(slots=True)
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

    def match(self, value: Any) -> str | None:
        """The id of the option ``value`` names (its id, or on a numeric issue a number equal
        to a grid point), or None.

        >>> cap = Issue("cap", "Army cap", (Option("600000", "600000 troops", 600000.0),),
        ...             numeric=True)
        >>> cap.match(600000), cap.match("6e5"), cap.match("unlimited")
        ('600000', '600000', None)
        """
        s = str(value)
        if s in self.option_ids:
            return s
        if self.numeric:
            try:
                x = float(value)
            except (TypeError, ValueError):
                return None
            for o in self.options:
                if o.number is not None and math.isclose(o.number, x, rel_tol=1e-12, abs_tol=1e-12):
                    return o.id
        return None

    def display(self, k: int) -> str | float | int:
        """Option ``k`` as printed in JSON: a number on a numeric issue, else its id."""
        o = self.options[k]
        if o.number is None:
            return o.id
        return int(o.number) if float(o.number).is_integer() else o.number


@frozen(slots=True)
class Rule:
    """A constraint expression as written, and its resolved formula."""

    text: str
    formula: Formula = field(compare=False)


@frozen(slots=True)
class ValueRange:
    """An uncertain value: option ``key`` of ``issue`` (a curve point on a numeric issue)."""

    issue: str
    key: str  # option id; on a numeric issue the point as written (a number)
    distribution: Distribution
    point: float | None = None  # the x of the curve point on a numeric issue

    @property
    def low(self) -> float:
        return self.distribution.low

    @property
    def high(self) -> float:
        return self.distribution.high


@frozen(slots=True)
class Uncertainty:
    """What the analyst does not know about a party (see ``zopa robust``).

    ``raw_weights`` are the nominal weights before normalising (every issue, 0 where absent),
    so a sample can redraw some and normalise again; ``curves`` keep the given points of the
    numeric issues with uncertain values, so a sample can interpolate again.
    """

    raw_weights: FrozenMap[str, float]
    reservation: Distribution | None = None
    weights: FrozenMap[str, Distribution] = field(default_factory=FrozenMap)
    values: tuple[ValueRange, ...] = ()
    red_lines: FrozenMap[str, float] = field(default_factory=FrozenMap)
    curves: FrozenMap[str, tuple[tuple[float, float], ...]] = field(default_factory=FrozenMap)

    @property
    def empty(self) -> bool:
        return not (self.reservation or self.weights or self.values or self.red_lines)


@frozen(slots=True)
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
    confidence: float = 1.0  # < 1: soft evidence (likelihood c where it holds, 1 - c where not)

    @property
    def hard(self) -> bool:
        return self.confidence >= 1.0

    @property
    def statement(self) -> tuple[str, str, str, str | None]:
        """What is claimed (party, kind, draft, over), whoever reported it."""
        return (self.party, self.kind, self.draft, self.over)

    def describe(self) -> str:
        if self.kind == "prefers":
            return f"{self.party} prefers {self.draft} over {self.over}"
        return f"{self.party} {self.kind} {self.draft}"


@frozen(slots=True)
class Correlation:
    """Parameters ``a`` and ``b`` drawn through a Gaussian copula with correlation ``rho``."""

    a: str
    b: str
    rho: float


@frozen(slots=True)
class Preferences:
    """Normalised weights (every issue), per-option values (every issue), BATNA, red lines."""

    weights: FrozenMap[str, float]
    values: FrozenMap[str, tuple[float, ...]]
    reservation: float
    red_lines: tuple[Rule, ...] = ()
    hyperrectangles: tuple[tuple[Rule, float], ...] = ()  # (when, utility): non-additive terms
    discount: float | None = None  # time discount factor, metadata only
    uncertainty: Uncertainty | None = None  # what the analyst does not know (zopa robust)
    cap: float | None = None  # utility = min(cap, sum of the terms) (GENIUS: 1, non-additive)

    def ceiling(self) -> float:
        """The largest sum of terms any package could reach: every issue's best value
        (weighted) plus every positive hyper-rectangle term; a cap at or above it never binds."""
        best = sum(w * max(self.values[i], default=0.0) for i, w in self.weights.items())
        return best + sum(u for _, u in self.hyperrectangles if u > 0)

    def binding_cap(self) -> float | None:
        """:attr:`cap` when some package could exceed it, else None."""
        return self.cap if self.cap is not None and self.ceiling() > self.cap else None


@frozen(slots=True)
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


@frozen(slots=True)
class Draft:
    id: str
    label: str
    package: FrozenMap[str, str]
    author: str | None = None
    revises: str | None = None
    date: str | None = None
    note: str | None = None


@frozen(slots=True)
class Event:
    at: int
    party: str
    reservation: float
    weights: FrozenMap[str, float]
    note: str = ""


@frozen
class Scenario:
    """A validated negotiation scenario (immutable, hashable)."""

    title: str
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    constraints: tuple[Rule, ...] = ()
    drafts: tuple[Draft, ...] = ()
    events: tuple[Event, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    correlations: tuple[Correlation, ...] = ()  # between uncertain parameters (zopa robust)
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
