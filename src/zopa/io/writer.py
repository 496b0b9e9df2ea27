"""The one scenario writer: a validated :class:`~zopa.model.Scenario` back to a scenario file.

:func:`dump_scenario` is derived from the file schema (:class:`~zopa.model.spec.ScenarioSpec`
and its nested models), not written key by key: for every field of a spec model it takes the
attribute of the same name from the frozen model object and converts it generically — frozen
maps to mappings, tuples to lists, rules to their text, nested dataclasses through the nested
spec model — and leaves out values equal to the schema's default. Only the few fields whose
file form differs from the model's (an issue's option list or numeric range, a party's values
per option, hyper-rectangle terms) have a converter in :data:`_SPECIAL`. A field added to both
the spec and the model later (``uncertainty``, ``evidence``, ...) is therefore written with no
code here; ``tests/cli/test_writer.py`` checks every spec field is covered.

Reading back what was written gives an equal scenario (``load(dump(s)) == s``; a hypothesis
property test checks it).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from zopa.model.issues import GRID_DIGITS
from zopa.model.scenario import Issue, Preferences, Rule, Scenario
from zopa.model.spec import (
    DraftSpec,
    EventSpec,
    EvidenceSpec,
    IssueSpec,
    PartySpec,
    PreferencesSpec,
    ScenarioSpec,
)

__all__ = ["dump_scenario", "scenario_text", "write_scenario"]

_Special = Callable[[Any, Any], Any]  # (model object, context) -> file value, or _SKIP
_SKIP = object()


def dump_scenario(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a file mapping (plain dicts, lists, strings and numbers)."""
    return _model(scenario, ScenarioSpec, scenario)


def scenario_text(scenario: Scenario, fmt: str = "yaml") -> str:
    """The scenario file as text: ``yaml`` (block style, key order as in the schema) or ``json``."""
    data = dump_scenario(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_scenario(scenario: Scenario, path: str | Path, *, force: bool = False) -> Path:
    """Write a zopa scenario file (``.yaml``/``.yml``/``.json`` by suffix) atomically.

    Goes through :func:`zopa.io.output.write_text`: an existing file is replaced only with
    ``force``; failures raise :class:`~zopa.errors.OutputError`.
    """
    from zopa.io.output import write_text

    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    return write_text(p, scenario_text(scenario, fmt), "scenario", force=force).path


# ------------------------------------------------------------------------------ generic part


def _model(obj: Any, spec: type[Any], scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in spec.model_fields.items():
        special = _SPECIAL.get((spec, name))
        if special is not None:
            value = special(obj, scenario)
        elif hasattr(obj, name):
            value = _value(getattr(obj, name), field.annotation, scenario)
        else:
            continue  # a file-only key the model folds into others (e.g. IssueSpec.numeric)
        if value is _SKIP or _is_default(value, field, obj, name):
            continue
        out[name] = value
    return out


def _is_default(value: Any, field: Any, obj: Any, name: str) -> bool:
    """True when leaving the key out reads back the same: the schema's default, or the model's
    own default for an absent key (e.g. an issue's description ``""``)."""
    if field.is_required():
        return False
    if value is None:
        return True
    if field.default_factory is not None:
        if value == field.default_factory():
            return True
    elif value == field.default:
        return True
    if field.default is None and dataclasses.is_dataclass(obj):
        own = {f.name: f.default for f in dataclasses.fields(obj)}.get(name, dataclasses.MISSING)
        return own is not dataclasses.MISSING and value == own
    return False


def _spec_of(annotation: Any) -> type[Any] | None:
    """The pydantic spec model inside an annotation (``list[PartySpec]``, ``X | None``)."""
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in typing.get_args(annotation):
        found = _spec_of(arg)
        if found is not None:
            return found
    return None


def _value(v: Any, annotation: Any, scenario: Scenario) -> Any:
    if isinstance(v, Rule):
        return v.text
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        spec = _spec_of(annotation)
        if spec is not None:
            return _model(v, spec, scenario)
        return {f.name: _value(getattr(v, f.name), None, scenario) for f in dataclasses.fields(v)}
    if isinstance(v, Mapping):
        return {_key(k): _value(x, _item(annotation, 1), scenario) for k, x in v.items()}
    if isinstance(v, tuple | list):
        return [_value(x, _item(annotation, 0), scenario) for x in v]
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 and _wants_int(annotation):
        return int(v)
    return v


def _item(annotation: Any, k: int) -> Any:
    """The item (k=0) or value (k=1 of a dict) type of a container annotation."""
    if annotation is None:
        return None
    for a in (annotation, *typing.get_args(annotation)):
        origin = typing.get_origin(a)
        if origin in (list, tuple) and typing.get_args(a):
            return typing.get_args(a)[0]
        if origin is dict and len(typing.get_args(a)) == 2:
            return typing.get_args(a)[k]
    return None


def _wants_int(annotation: Any) -> bool:
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    return annotation is int or int in args


def _key(k: Any) -> Any:
    return k if isinstance(k, str | int | float) else str(k)


# ------------------------------------------------------------------------------ special fields


def _issue_options(iss: Issue, _: Scenario) -> Any:
    if iss.numeric:
        return _SKIP
    return [o.id if o.label == o.id else {"id": o.id, "label": o.label} for o in iss.options]


def _issue_numeric(iss: Issue, _: Scenario) -> Any:
    if not iss.numeric:
        return _SKIP
    nums = iss.numbers or ()
    out: dict[str, Any] = {"min": _ynum(nums[0]), "max": _ynum(nums[-1]), "step": _step(nums)}
    if iss.unit is not None:
        out["unit"] = iss.unit
    return out


def _issue_ordered(iss: Issue, _: Scenario) -> Any:
    return True if iss.ordered and not iss.numeric else _SKIP


def _step(nums: tuple[float, ...]) -> float | int:
    """A step that makes the reader rebuild exactly this grid (as ``_Builder._issue`` does)."""
    if len(nums) < 2:
        return 1
    lo, hi = nums[0], nums[-1]
    candidates = [(hi - lo) / (len(nums) - 1), nums[1] - nums[0]]
    candidates += [round(c, GRID_DIGITS) for c in candidates]
    for step in candidates:
        if step <= 0:
            continue
        count = (hi - lo) / step
        steps = round(count)
        if steps + 1 != len(nums) or abs(count - steps) > 1e-9 * max(1.0, count):
            continue
        if all(round(lo + j * step, GRID_DIGITS) == x for j, x in enumerate(nums)):
            return _ynum(step)
    return _ynum(candidates[0])


def _ynum(x: float) -> float | int:
    return int(x) if float(x).is_integer() and abs(x) < 1e15 else float(x)


def _weights(pr: Preferences, scenario: Scenario) -> Any:
    if pr.uncertainty is not None:  # weight ranges are raw: keep the weights as written
        return {k: _ynum(w) for k, w in pr.uncertainty.raw_weights.items() if w > 0}
    return {k: w for k, w in pr.weights.items() if w > 0}


def _values(pr: Preferences, scenario: Scenario) -> Any:
    out: dict[str, Any] = {}
    for iss in scenario.issues:
        vals = pr.values[iss.id]
        if pr.weights[iss.id] <= 0 and not any(vals):
            continue
        curves = pr.uncertainty.curves if pr.uncertainty is not None else {}
        if iss.id in curves:  # the points uncertain values sit on, not the whole grid
            out[iss.id] = {_ynum(x): y for x, y in curves[iss.id]}
            continue
        keys: list[Any] = (
            [_ynum(x) for x in iss.numbers or ()] if iss.numeric else list(iss.option_ids)
        )
        out[iss.id] = dict(zip(keys, vals, strict=True))
    return out


def _uncertainty(pr: Preferences, _: Scenario) -> Any:
    u = pr.uncertainty
    if u is None:
        return _SKIP
    out: dict[str, Any] = {}
    if u.reservation is not None:
        out["reservation"] = u.reservation.to_spec()
    if u.weights:
        out["weights"] = {k: _dist(d) for k, d in u.weights.items()}
    if u.values:
        values: dict[str, dict[Any, Any]] = {}
        for v in u.values:
            key = _ynum(v.point) if v.point is not None else v.key
            values.setdefault(v.issue, {})[key] = v.distribution.to_spec()
        out["values"] = values
    if u.red_lines:
        out["red_lines"] = dict(u.red_lines)
    return out


def _dist(d: Any) -> Any:
    spec = d.to_spec()
    return [_ynum(x) for x in spec] if isinstance(spec, list) else spec


def _evidence_kind(kind: str) -> _Special:
    def get(e: Any, _: Scenario) -> Any:
        return e.draft if e.kind == kind else _SKIP

    return get


def _hyperrectangles(pr: Preferences, _: Scenario) -> Any:
    return [{"when": r.text, "utility": u} for r, u in pr.hyperrectangles]


def _party_label(p: Any, _: Scenario) -> Any:
    return p.label if p.label != p.id else _SKIP


def _event_note(e: Any, _: Scenario) -> Any:
    return e.note or _SKIP


def _draft_package(d: Any, scenario: Scenario) -> Any:
    out: dict[str, Any] = {}
    for iss in scenario.issues:
        if iss.id in d.package:
            k = iss.option_ids.index(d.package[iss.id])
            out[iss.id] = iss.display(k)
    return out


def _confidence(e: Any, _: Scenario) -> Any:
    return e.confidence if e.confidence < 1.0 else _SKIP


def _correlations(s: Scenario, _: Scenario) -> Any:
    return [{"between": [c.a, c.b], "rho": c.rho} for c in s.correlations] or _SKIP


def _assumptions(s: Scenario, _: Scenario) -> Any:
    return list(s.assumptions) if s.assumptions else _SKIP


_SPECIAL: dict[tuple[type[Any], str], _Special] = {
    (IssueSpec, "options"): _issue_options,
    (IssueSpec, "numeric"): _issue_numeric,
    (IssueSpec, "ordered"): _issue_ordered,
    (IssueSpec, "label"): _party_label,
    (PartySpec, "label"): _party_label,
    (DraftSpec, "label"): _party_label,
    (DraftSpec, "package"): _draft_package,
    (EventSpec, "note"): _event_note,
    (PreferencesSpec, "weights"): _weights,
    (PreferencesSpec, "values"): _values,
    (PreferencesSpec, "hyperrectangles"): _hyperrectangles,
    (PreferencesSpec, "uncertainty"): _uncertainty,
    (EvidenceSpec, "prefers"): _evidence_kind("prefers"),
    (EvidenceSpec, "rejects"): _evidence_kind("rejects"),
    (EvidenceSpec, "accepts"): _evidence_kind("accepts"),
    (EvidenceSpec, "confidence"): _confidence,
    (ScenarioSpec, "assumptions"): _assumptions,
    (ScenarioSpec, "correlations"): _correlations,
}
"""The fields whose file form is not the model attribute of the same name, converted."""
