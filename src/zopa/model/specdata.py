"""The validated shape of a scenario file as plain frozen data, and the fast path that reads it.

:mod:`zopa.model.spec` holds the schema of scenario files as pydantic models (``zopa schema``,
every error message). Building those models costs a quarter of a second at import (pydantic,
its core and the models' validators), more than the rest of ``zopa analyze`` on a small file. So
the builder works on the plain classes here, filled by :func:`fast_spec`: a direct check of a
document against the same schema, written without pydantic, that *accepts* a document only
when every rule of the schema holds (types strictly as pydantic's strict mode takes them, id
patterns, text lengths, lone surrogates, number sizes, ranges, unknown keys). On anything else
— an error, or a part it does not read itself (the ``uncertainty`` sections, whose values are
pydantic distribution models) — it returns None and the builder validates with the pydantic
schema, which gives the error messages, or the models that :func:`from_models` turns into these
classes. So the fast path can only change how fast a valid file is read, never what is accepted
or what an error says; ``tests/core/test_fast_spec.py`` checks both on random documents.
"""

from __future__ import annotations

import math
import re
from dataclasses import field, fields
from typing import Any, Literal, cast

from zopa.records import frozen

__all__ = [
    "ID_PATTERN",
    "MAX_LABEL",
    "MAX_MAGNITUDE",
    "MAX_RULE",
    "MAX_TEXT",
    "RESERVED",
    "CorrelationSpec",
    "DraftSpec",
    "EventSpec",
    "EvidenceSpec",
    "HyperRectangleSpec",
    "IssueSpec",
    "NumericSpec",
    "OptionSpec",
    "PartySpec",
    "PreferencesSpec",
    "ScenarioSpec",
    "fast_spec",
    "from_models",
]

ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*$"
"""What an id may look like (issues, options, parties, drafts)."""
_ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")  # used with fullmatch
MAX_ID = 100
RESERVED = frozenset({"and", "or", "not", "in", "true", "false"})
"""Words of the constraint language, which cannot be ids."""
MAX_MAGNITUDE = 1e15
"""Every number in a scenario lies in [-1e15, 1e15], so no sum of them can overflow."""
MAX_LABEL = 200
"""Characters in a label, title, unit, author, date or party/draft reference."""
MAX_TEXT = 20_000
"""Characters in a description, note, quote, source or assumption."""
MAX_RULE = 10_000
"""Characters in a constraint expression (red line, constraint, hyper-rectangle)."""
SURROGATE = re.compile("[\ud800-\udfff]")
_BIG_INT = 2**63


@frozen(slots=True)
class OptionSpec:
    id: str
    label: str | None = None
    description: str | None = None


@frozen(slots=True)
class NumericSpec:
    min: float
    max: float
    step: float
    unit: str | None = None


@frozen(slots=True)
class IssueSpec:
    id: str
    label: str | None = None
    description: str | None = None
    options: list[OptionSpec | str] | None = None
    numeric: NumericSpec | None = None
    ordered: bool | None = None


@frozen(slots=True)
class HyperRectangleSpec:
    when: str
    utility: float


@frozen(slots=True)
class EvidenceSpec:
    party: str
    source: str
    prefers: str | None = None
    over: str | None = None
    rejects: str | None = None
    accepts: str | None = None
    confidence: float | None = None
    date: str | None = None
    quote: str | None = None
    note: str | None = None


@frozen(slots=True)
class CorrelationSpec:
    between: list[str]
    rho: float


@frozen(slots=True)
class PreferencesSpec:
    weights: dict[str, float]
    values: dict[str, dict[str | int | float, float]] = field(default_factory=dict)
    reservation: float = 0.0
    red_lines: list[str] = field(default_factory=list)
    hyperrectangles: list[HyperRectangleSpec] = field(default_factory=list)
    discount: float | None = None
    uncertainty: Any = None  # zopa.model.spec.UncertaintySpec, the pydantic model (module doc)
    cap: float | None = None


@frozen(slots=True)
class PartySpec:
    id: str
    label: str | None = None
    role: Literal["party", "mediator", "observer"] = "party"
    power: float = 1.0
    preferences: PreferencesSpec | None = None


@frozen(slots=True)
class DraftSpec:
    id: str
    package: dict[str, str | int | float]
    label: str | None = None
    author: str | None = None
    revises: str | None = None
    date: str | None = None
    note: str | None = None


@frozen(slots=True)
class EventSpec:
    at: int
    party: str
    reservation: float = 0.0
    weights: dict[str, float] = field(default_factory=dict)
    note: str | None = None


@frozen(slots=True)
class ScenarioSpec:
    title: str
    issues: list[IssueSpec]
    parties: list[PartySpec]
    description: str = ""
    sources: list[str | dict[str, Any]] = field(default_factory=list)
    assumptions: str | list[str] = ""
    constraints: list[str] = field(default_factory=list)
    drafts: list[DraftSpec] = field(default_factory=list)
    events: list[EventSpec] = field(default_factory=list)
    evidence: list[EvidenceSpec] = field(default_factory=list)
    correlations: list[CorrelationSpec] = field(default_factory=list)


_CLASSES: dict[str, type] = {
    c.__name__: c
    for c in (
        OptionSpec,
        NumericSpec,
        IssueSpec,
        HyperRectangleSpec,
        EvidenceSpec,
        CorrelationSpec,
        PreferencesSpec,
        PartySpec,
        DraftSpec,
        EventSpec,
        ScenarioSpec,
    )
}


def from_models(model: Any) -> Any:
    """The plain-data copy of a pydantic spec model (``uncertainty`` kept as the model)."""
    cls = _CLASSES.get(type(model).__name__)
    if cls is not None and hasattr(type(model), "model_fields"):
        return cls(**{f.name: from_models(getattr(model, f.name)) for f in fields(cls)})
    if type(model) is list:
        return [from_models(x) for x in model]
    return model


# -- the fast path ---------------------------------------------------------------------------


class _Defer(Exception):
    """Not provably valid here: let the pydantic schema decide (and word the error)."""


def fast_spec(data: Any) -> ScenarioSpec | None:
    """``data`` as a :class:`ScenarioSpec` when it is valid against the scenario schema and
    made only of what this reader checks itself; None otherwise (validate with pydantic)."""
    try:
        return _scenario(data)
    except _Defer:
        return None


def _keys(d: Any, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Any]:
    if type(d) is not dict:
        raise _Defer
    for k in required:
        if k not in d:
            raise _Defer
    for k in d:
        if type(k) is not str or (k not in required and k not in optional):
            raise _Defer
    return d


def _text(v: Any, limit: int) -> str:
    if type(v) is not str or len(v) > limit or SURROGATE.search(v) is not None:
        raise _Defer
    return v


def _opt_text(v: Any, limit: int) -> str | None:
    return None if v is None else _text(v, limit)


def _id(v: Any, keyword_ok: bool = False) -> str:
    if type(v) is not str or len(v) > MAX_ID or _ID_RE.fullmatch(v) is None:
        raise _Defer
    if not keyword_ok and v in RESERVED:
        raise _Defer
    return v


def _number(v: Any) -> float:
    t = type(v)
    if t is int:
        if abs(v) > MAX_MAGNITUDE:
            raise _Defer
        return float(v)
    if t is not float or not math.isfinite(v) or abs(v) > MAX_MAGNITUDE:
        raise _Defer
    return v  # type: ignore[no-any-return]


def _scalar(v: Any) -> str | int | float:
    t = type(v)
    if t is str:
        return _text(v, MAX_LABEL)
    if t is int:
        if abs(v) >= _BIG_INT:
            raise _Defer
        return v  # type: ignore[no-any-return]
    if t is float and math.isfinite(v):
        return v  # type: ignore[no-any-return]
    raise _Defer


def _list(v: Any) -> list[Any]:
    if type(v) is not list:
        raise _Defer
    return v


def _num_map(v: Any) -> dict[str, float]:
    if type(v) is not dict:
        raise _Defer
    return {_text(k, MAX_LABEL): _number(x) for k, x in v.items()}


def _option(v: Any) -> OptionSpec | str:
    if type(v) is str:
        return _id(v, keyword_ok=True)  # a bare option id: the pattern only (as the schema)
    d = _keys(v, ("id",), ("label", "description"))
    return OptionSpec(
        _id(d["id"]),
        _opt_text(d.get("label"), MAX_LABEL),
        _opt_text(d.get("description"), MAX_TEXT),
    )


def _numeric(v: Any) -> NumericSpec:
    d = _keys(v, ("min", "max", "step"), ("unit",))
    lo, hi, step = _number(d["min"]), _number(d["max"]), _number(d["step"])
    if step <= 0 or lo >= hi:
        raise _Defer
    return NumericSpec(lo, hi, step, _opt_text(d.get("unit"), MAX_LABEL))


def _issue(v: Any) -> IssueSpec:
    d = _keys(v, ("id",), ("label", "description", "options", "numeric", "ordered"))
    options = d.get("options")
    numeric = d.get("numeric")
    if (options is None) == (numeric is None):
        raise _Defer
    ordered = d.get("ordered")
    if ordered is not None and type(ordered) is not bool:
        raise _Defer
    opts = None if options is None else [_option(o) for o in _list(options)]
    if opts is not None and not opts:
        raise _Defer
    return IssueSpec(
        _id(d["id"]),
        _opt_text(d.get("label"), MAX_LABEL),
        _opt_text(d.get("description"), MAX_TEXT),
        opts,
        None if numeric is None else _numeric(numeric),
        ordered,
    )


def _preferences(v: Any) -> PreferencesSpec:
    d = _keys(
        v,
        ("weights",),
        (
            "values",
            "reservation",
            "red_lines",
            "hyperrectangles",
            "discount",
            "uncertainty",
            "cap",
        ),
    )
    if d.get("uncertainty") is not None:
        raise _Defer  # distributions are pydantic models: the schema builds them
    values = d.get("values", {})
    if type(values) is not dict:
        raise _Defer
    vals: dict[str, dict[str | int | float, float]] = {}
    for k, per in values.items():
        if type(per) is not dict:
            raise _Defer
        vals[_text(k, MAX_LABEL)] = {_scalar(o): _number(x) for o, x in per.items()}
    hyper = []
    for h in _list(d.get("hyperrectangles", [])):
        hd = _keys(h, ("when", "utility"), ())
        hyper.append(HyperRectangleSpec(_text(hd["when"], MAX_RULE), _number(hd["utility"])))
    discount = d.get("discount")
    if discount is not None:
        discount = _number(discount)
        if not 0.0 <= discount <= 1.0:
            raise _Defer
    cap = d.get("cap")
    if cap is not None:
        cap = _number(cap)
    return PreferencesSpec(
        _num_map(d["weights"]),
        vals,
        _number(d.get("reservation", 0.0)),
        [_text(r, MAX_RULE) for r in _list(d.get("red_lines", []))],
        hyper,
        discount,
        None,
        cap,
    )


def _party(v: Any) -> PartySpec:
    d = _keys(v, ("id",), ("label", "role", "power", "preferences"))
    role = d.get("role", "party")
    if role not in ("party", "mediator", "observer") or type(role) is not str:
        raise _Defer
    power = _number(d.get("power", 1.0))
    if not power > 0:
        raise _Defer
    prefs = d.get("preferences")
    return PartySpec(
        _id(d["id"]),
        _opt_text(d.get("label"), MAX_LABEL),
        cast('Literal["party", "mediator", "observer"]', role),
        power,
        None if prefs is None else _preferences(prefs),
    )


def _draft(v: Any) -> DraftSpec:
    d = _keys(v, ("id", "package"), ("label", "author", "revises", "date", "note"))
    package = d["package"]
    if type(package) is not dict:
        raise _Defer
    return DraftSpec(
        _id(d["id"], keyword_ok=True),  # the schema checks a draft id's pattern only
        {_text(k, MAX_LABEL): _scalar(x) for k, x in package.items()},
        label=_opt_text(d.get("label"), MAX_LABEL),
        author=_opt_text(d.get("author"), MAX_LABEL),
        revises=_opt_text(d.get("revises"), MAX_LABEL),
        date=_opt_text(d.get("date"), MAX_LABEL),
        note=_opt_text(d.get("note"), MAX_TEXT),
    )


def _event(v: Any) -> EventSpec:
    d = _keys(v, ("at", "party"), ("reservation", "weights", "note"))
    at = d["at"]
    if type(at) is not int or at < 0 or at >= _BIG_INT:
        raise _Defer
    return EventSpec(
        at,
        _text(d["party"], MAX_LABEL),
        _number(d.get("reservation", 0.0)),
        _num_map(d.get("weights", {})),
        _opt_text(d.get("note"), MAX_TEXT),
    )


def _evidence(v: Any) -> EvidenceSpec:
    names = ("prefers", "over", "rejects", "accepts")
    d = _keys(v, ("party", "source"), (*names, "confidence", "date", "quote", "note"))
    confidence = d.get("confidence")
    if confidence is not None:
        confidence = _number(confidence)
        if not 0 < confidence <= 1:
            raise _Defer
    source = _text(d["source"], MAX_TEXT)
    if not source:
        raise _Defer
    return EvidenceSpec(
        _text(d["party"], MAX_LABEL),
        source,
        prefers=_opt_text(d.get("prefers"), MAX_LABEL),
        over=_opt_text(d.get("over"), MAX_LABEL),
        rejects=_opt_text(d.get("rejects"), MAX_LABEL),
        accepts=_opt_text(d.get("accepts"), MAX_LABEL),
        confidence=confidence,
        date=_opt_text(d.get("date"), MAX_LABEL),
        quote=_opt_text(d.get("quote"), MAX_TEXT),
        note=_opt_text(d.get("note"), MAX_TEXT),
    )


def _correlation(v: Any) -> CorrelationSpec:
    d = _keys(v, ("between", "rho"), ())
    between = _list(d["between"])
    if len(between) != 2 or any(type(b) is not str for b in between):
        raise _Defer
    rho = _number(d["rho"])
    if not -1 < rho < 1:
        raise _Defer
    return CorrelationSpec(list(between), rho)


def _source(v: Any) -> str | dict[str, Any]:
    if type(v) is str:
        return _text(v, MAX_TEXT)
    if type(v) is dict and all(type(k) is str for k in v):
        return dict(v)
    raise _Defer


def _scenario(data: Any) -> ScenarioSpec:
    d = _keys(
        data,
        ("title", "issues", "parties"),
        (
            "description",
            "sources",
            "assumptions",
            "constraints",
            "drafts",
            "events",
            "evidence",
            "correlations",
        ),
    )
    issues = [_issue(i) for i in _list(d["issues"])]
    parties = [_party(p) for p in _list(d["parties"])]
    correlations = [_correlation(c) for c in _list(d.get("correlations", []))]
    if not issues or not parties or len(correlations) > 10_000:
        raise _Defer
    assumptions = d.get("assumptions", "")
    return ScenarioSpec(
        _text(d["title"], MAX_LABEL),
        issues,
        parties,
        _text(d.get("description", ""), MAX_TEXT),
        [_source(s) for s in _list(d.get("sources", []))],
        _text(assumptions, MAX_TEXT)
        if type(assumptions) is str
        else [_text(a, MAX_TEXT) for a in _list(assumptions)],
        [_text(r, MAX_RULE) for r in _list(d.get("constraints", []))],
        [_draft(x) for x in _list(d.get("drafts", []))],
        [_event(x) for x in _list(d.get("events", []))],
        [_evidence(x) for x in _list(d.get("evidence", []))],
        correlations,
    )
