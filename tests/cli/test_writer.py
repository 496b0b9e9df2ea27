"""The one scenario writer (zopa.io.writer): zopa -> zopa round trips are exact."""

from __future__ import annotations

import copy
import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from zopa.io import dump_scenario, load_any, parse_scenario, scenario_text, write_scenario
from zopa.model import build_scenario
from zopa.model.spec import ScenarioSpec

TEXT = st.one_of(
    st.sampled_from(["yes", "no", "null", "1e3", "0x10", "- a", "a: b", "#x", " lead", "ü € 中"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.text("ab \n:'\"#\t", max_size=8),
)
UNIT = st.floats(0, 1, allow_nan=False, width=64)


@st.composite
def full_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Random scenario files that use every key of the schema."""
    issues: list[dict[str, Any]] = []
    domains: list[tuple[str, list[Any], bool]] = []
    for i in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            lo = draw(st.sampled_from([0, -5, 2.5, 1000, 0.1]))
            step = draw(st.sampled_from([1, 0.25, 0.1, 10, 1e-3, 7]))
            n = draw(st.integers(2, 6))
            num: dict[str, Any] = {"min": lo, "max": lo + step * (n - 1), "step": step}
            if draw(st.booleans()):
                num["unit"] = draw(TEXT)
            issue: dict[str, Any] = {"id": f"n{i}", "numeric": num}
            grid = [round(lo + k * step, 12) for k in range(n)]
            domains.append((f"n{i}", grid, True))
        else:
            n = draw(st.integers(1, 4))
            opts: list[Any] = [
                {"id": f"o{k}", "label": draw(TEXT)} if draw(st.booleans()) else f"o{k}"
                for k in range(n)
            ]
            issue = {"id": f"i{i}", "options": opts}
            if draw(st.booleans()):
                issue["ordered"] = True
            domains.append((f"i{i}", [f"o{k}" for k in range(n)], False))
        if draw(st.booleans()):
            issue["label"] = draw(TEXT)
        if draw(st.booleans()):
            issue["description"] = draw(TEXT)
        issues.append(issue)

    def atom(d: st.DrawFn) -> str:
        name, opts, numeric = d(st.sampled_from(domains))
        k = d(st.integers(0, len(opts) - 1))
        if numeric:
            return f"{name} {d(st.sampled_from(['<=', '>=']))} {opts[k]!r}"
        return f"{name} {d(st.sampled_from(['==', '!=']))} {opts[k]}"

    parties = []
    n_parties = draw(st.integers(1, 3))
    for p in range(n_parties):
        weights = {d[0]: draw(st.one_of(st.just(0.0), UNIT)) for d in domains}
        if sum(weights.values()) <= 0:
            weights[domains[0][0]] = 1.0
        values: dict[str, Any] = {}
        for name, opts, numeric in domains:
            if numeric:
                pts = draw(st.lists(st.sampled_from(opts), min_size=1, max_size=3, unique=True))
                values[name] = {x: draw(UNIT) for x in pts}
            else:
                values[name] = {o: draw(UNIT) for o in opts}
        prefs: dict[str, Any] = {
            "weights": weights,
            "values": values,
            "reservation": draw(UNIT),
            "red_lines": [atom(draw) for _ in range(draw(st.integers(0, 2)))],
        }
        if draw(st.booleans()):
            prefs["hyperrectangles"] = [{"when": atom(draw), "utility": draw(UNIT)}]
        if draw(st.booleans()):
            prefs["discount"] = draw(UNIT)
        if draw(st.booleans()):
            prefs["cap"] = draw(st.sampled_from([1, 0.5, 0.875, 2]))
        party: dict[str, Any] = {
            "id": f"p{p}",
            "role": "party" if p == 0 else draw(st.sampled_from(["party", "mediator"])),
            "power": draw(st.sampled_from([0.5, 1.0, 2.0, 1.25])),
            "preferences": prefs,
        }
        if draw(st.booleans()):
            party["label"] = draw(TEXT)
        parties.append(party)
    if draw(st.booleans()):
        parties.append({"id": "obs", "role": "observer"})
    drafts = []
    for k in range(draw(st.integers(0, 3))):
        draft: dict[str, Any] = {
            "id": f"d{k}",
            "package": {name: draw(st.sampled_from(opts)) for name, opts, _ in domains},
        }
        if k and draw(st.booleans()):
            draft["revises"] = f"d{k - 1}"
        for key in ("label", "date", "note"):
            if draw(st.booleans()):
                draft[key] = draw(TEXT)
        if draw(st.booleans()):
            draft["author"] = "p0"
        drafts.append(draft)
    events = [
        {
            "at": draw(st.integers(0, 50)),
            "party": "p0",
            "reservation": draw(st.floats(-0.5, 0.5, allow_nan=False)),
            "weights": {domains[0][0]: draw(UNIT)},
            **({"note": draw(TEXT)} if draw(st.booleans()) else {}),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    data: dict[str, Any] = {
        "title": draw(TEXT),
        "issues": issues,
        "parties": parties,
        "constraints": [atom(draw) for _ in range(draw(st.integers(0, 2)))],
        "drafts": drafts,
        "events": events,
    }
    if draw(st.booleans()):
        data["description"] = draw(TEXT)
    if draw(st.booleans()):
        data["sources"] = [draw(TEXT), {"url": "https://example.org", "accessed": "2025-12-01"}]
    if draw(st.booleans()):
        data["assumptions"] = draw(st.one_of(TEXT, st.lists(TEXT, max_size=2)))
    return data


def _build(data: dict[str, Any]):
    from zopa.errors import ScenarioError

    try:
        return build_scenario(data)
    except ScenarioError:
        return None  # e.g. a constraint that rules out nothing valid: not the writer's case


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(full_scenarios(), st.sampled_from(["yaml", "json"]))
def test_round_trip_is_exact(data, fmt):
    s = _build(data)
    if s is None:
        return
    text = scenario_text(s, fmt)
    back = parse_scenario(text, f"x.{fmt}", json_only=fmt == "json")
    assert back == s
    assert scenario_text(back, fmt) == text  # and the file is stable


@pytest.mark.parametrize("name", ["ukraine-2025.yaml", "logrolling.yaml", "no-overlap.yaml"])
def test_examples_round_trip(name, tmp_path):
    s = load_any(EXAMPLES / name)
    for suffix in (".yaml", ".json"):
        out = write_scenario(s, tmp_path / f"copy{suffix}")
        assert load_any(out) == s
    assert s.events or name != "ukraine-2025.yaml"  # events are written (convert dropped them)
    assert dump_scenario(s)["events"] if s.events else True


# a distribution's own keys: every kind is written back by test_every_distribution_round_trips
_UNCERTAIN = {f"parties.preferences.uncertainty.{k}" for k in ("reservation", "weights", "values")}

DISTRIBUTIONS = [
    [0.2, 0.3],
    {"distribution": "uniform", "low": 0.2, "high": 0.3},
    {"distribution": "triangular", "low": 0.2, "mode": 0.25, "high": 0.3},
    {"distribution": "beta", "alpha": 2.0, "beta": 3.0, "low": 0.2, "high": 0.3},
    {"distribution": "normal", "mean": 0.25, "sd": 0.02, "low": 0.2, "high": 0.3},
    {"distribution": "discrete", "values": [0.2, 0.3], "probabilities": [0.4, 0.6]},
]


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=lambda d: str(d)[:30])
def test_every_distribution_round_trips(dist):
    data = copy.deepcopy(EVERYTHING)
    u = data["parties"][0]["preferences"]["uncertainty"]
    u["reservation"] = dist
    u["values"]["a"]["y"] = dist
    s = build_scenario(data)
    written = dump_scenario(s)["parties"][0]["preferences"]["uncertainty"]
    want = [0.2, 0.3] if isinstance(dist, dict) and dist["distribution"] == "uniform" else dist
    assert written["reservation"] == want
    assert parse_scenario(scenario_text(s), "x.yaml") == s


def _spec_fields(model: Any, prefix: str = "") -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        out.add(prefix + name)
        for arg in [field.annotation, *_args(field.annotation)]:
            if isinstance(arg, type) and hasattr(arg, "model_fields"):
                out |= _spec_fields(arg, f"{prefix}{name}.")
    return out


def _args(a: Any) -> list[Any]:
    out = []
    for x in typing.get_args(a):
        out += [x, *_args(x)]
    return out


def _keys(data: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(k, str) and not k[:1].isdigit() and prefix.count(".") < 6:
                out.add(prefix + k)
                out |= _keys(v, f"{prefix}{k}.")
    elif isinstance(data, list):
        for v in data:
            out |= _keys(v, prefix)
    return out


EVERYTHING: dict[str, Any] = {
    "title": "every key",
    "description": "d",
    "sources": ["s"],
    "assumptions": ["a"],
    "issues": [
        {
            "id": "a",
            "label": "A",
            "description": "about a",
            "ordered": True,
            "options": [{"id": "x", "label": "X", "description": "ignored"}, "y"],
        },
        {"id": "n", "numeric": {"min": 0, "max": 10, "step": 5, "unit": "km"}},
    ],
    "parties": [
        {
            "id": "p",
            "label": "P",
            "role": "party",
            "power": 2.0,
            "preferences": {
                "weights": {"a": 1, "n": 1},
                "values": {"a": {"x": 1, "y": 0}, "n": {0: 0, 10: 1}},
                "reservation": 0.25,
                "red_lines": ["a == x"],
                "hyperrectangles": [{"when": "n >= 5", "utility": 0.5}],
                "discount": 0.9,
                "cap": 0.75,
                "uncertainty": {
                    "reservation": [0.2, 0.3],
                    "weights": {"a": [0.5, 2]},
                    "values": {"a": {"y": [0, 0.2]}, "n": {0: [0, 0.1]}},
                    "red_lines": {"a == x": 0.5},
                },
            },
        },
        {"id": "m", "role": "mediator"},
    ],
    "constraints": ["n <= 5 or a == x"],
    "drafts": [
        {"id": "d", "package": {"a": "x", "n": 5}},
        {
            "id": "e",
            "label": "E",
            "author": "p",
            "revises": "d",
            "date": "2025-12-01",
            "note": "n",
            "package": {"a": "y", "n": 0},
        },
    ],
    "events": [{"at": 3, "party": "p", "reservation": 0.1, "weights": {"a": 1}, "note": "x"}],
    "evidence": [
        {"party": "p", "prefers": "e", "over": "d", "source": "s", "date": "d", "quote": "q"},
        {"party": "p", "rejects": "d", "source": "s", "note": "n"},
        {"party": "p", "accepts": "e", "source": "s", "confidence": 0.8},
    ],
    "correlations": [{"between": ["p.reservation", "p.weights.a"], "rho": 0.3}],
}
# what the model does not keep (an option's description) and the default role, not written
NOT_KEPT = {"issues.options.description", "parties.role"}


def test_every_schema_key_is_written():
    """Derived from the schema: every key a scenario file may hold is written back, so a key
    added to the schema and the model later is covered (or this test names it)."""
    fields = {f for f in _spec_fields(ScenarioSpec) if f.rsplit(".", 1)[0] not in _UNCERTAIN}
    s = build_scenario(EVERYTHING)
    written = _keys(dump_scenario(s)) & fields
    assert _keys(EVERYTHING) & fields == fields, "EVERYTHING must use every schema key"
    assert fields - written == NOT_KEPT - written
    assert "parties.role" in _keys(dump_scenario(s))  # the mediator's role is written
    assert parse_scenario(scenario_text(s), "x.yaml") == s
