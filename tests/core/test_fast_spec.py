"""The fast reader of scenario files (zopa.model.specdata) accepts only what the pydantic schema
accepts, and builds the same data; anything else it leaves to the schema (which words errors)."""

from __future__ import annotations

import copy
import math
from typing import Any

import pydantic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from zopa.io.files import read_document
from zopa.model import spec
from zopa.model.specdata import fast_spec, from_models


def _scenario_docs() -> list[Any]:
    docs = [read_document(p).data for p in sorted(EXAMPLES.rglob("*.yaml"))]
    return [d for d in docs if isinstance(d, dict) and "parties" in d and "issues" in d]


DOCS = _scenario_docs()
ODD = [
    None,
    True,
    False,
    "and",
    "x" * 201,
    "y" * 20_001,
    "a b",
    "\ud800",
    "",
    1e16,
    -1e16,
    math.nan,
    math.inf,
    -1,
    0,
    1,
    2.5,
    0.0,
    [],
    {},
    [1, 2],
    {"id": "q"},
    "ok",
    10**20,
]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            out += _paths(v, (*path, k))
    return out


def _pydantic(doc: Any) -> Any:
    try:
        return from_models(spec.ScenarioSpec.model_validate(doc))
    except pydantic.ValidationError:
        return None


def test_every_example_takes_the_fast_path_with_the_same_data():
    for doc in DOCS:
        slow = _pydantic(doc)
        if slow is None:
            continue  # not a scenario file (a tournament, a conflict)
        fast = fast_spec(doc)
        uncertain = any(p.preferences and p.preferences.uncertainty for p in slow.parties)
        assert fast is not None or uncertain
        if fast is not None:
            assert fast == slow


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fast_path_never_accepts_what_the_schema_rejects(data):
    doc = copy.deepcopy(data.draw(st.sampled_from(DOCS)))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)))
        if not path:
            continue
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["set", "drop", "extra"]))
        if action == "set":
            parent[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(ODD)))
        elif action == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["colour", 3, "id", "label"]))] = copy.deepcopy(
                data.draw(st.sampled_from(ODD))
            )
    fast = fast_spec(doc)
    if fast is not None:
        assert fast == _pydantic(doc), doc
