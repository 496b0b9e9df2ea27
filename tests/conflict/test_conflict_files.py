"""Conflict files: the YAML/JSON format, gmcr-py import, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zopa.conflict import analyze, build_conflict, conflict_from_gmcr, load_conflict
from zopa.errors import ConstraintSyntaxError, ScenarioError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "conflicts" / "nuclear_talks.yaml"


def _two(prefs_a: Any = None, **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "decision_makers": [
            {"id": "a", "options": ["x"], "preferences": prefs_a or {"prioritisation": ["x"]}},
            {
                "id": "b",
                "options": [{"id": "y", "direction": "forward"}],
                "preferences": {"ranking": [["NY", "YY"], "YN", "NN"]},
            },
        ]
    }
    data.update(top)
    return data


def test_example_file_loads_and_analyses() -> None:
    c = load_conflict(EXAMPLE)
    assert c.dm_ids == ("west", "iran", "eu") and len(c.options) == 5
    assert c.n_states == 24  # 32 minus the 8 with enrich and comply
    assert c.status_quo is not None and c.pattern(c.status_quo) == "YNYNN"
    assert analyze(c).equilibria("nash")


def test_prioritisation_scores() -> None:
    c = build_conflict(_two({"prioritisation": ["not x", "y", "x iff y"]}))
    # NN: 4+0+1, YN: 0, NY: 4+2+0, YY: 0+2+1 → ranks NY > NN > YY > YN
    assert [c.pattern(k) for k in np.argsort(-c.payoffs[0])] == ["NY", "NN", "YY", "YN"]


def test_ranking_tiers_and_irreversible_moves() -> None:
    c = build_conflict(_two())
    assert c.payoffs[1].tolist() == [1, 2, 3, 3]  # NN, YN, NY, YY
    r = analyze(c)
    # b may not withdraw y (forward only): NY and YY are stable for b
    assert set(r.concept("nash").per_dm["b"]) == {3, 4}


def test_gmcr_prioritised_preferences_and_infeasibles() -> None:
    data = {
        "options": [
            {"name": "a", "permittedDirection": "both"},
            {"name": "b", "permittedDirection": "fwd"},
            {"name": "c", "permittedDirection": "both"},
        ],
        "decisionMakers": [
            {"name": "One", "options": [0, 2], "preferences": [[[0, "Y"]], [[2, "N"]]]},
            {
                "name": "Two",
                "options": [1],
                "preferences": [{"compound": True, "members": [[[0, "Y"]], [[1, "Y"]]]}],
            },
        ],
        "infeasibles": [[[0, "Y"], [2, "Y"]]],
        "useManualPreferenceRanking": False,
    }
    c = conflict_from_gmcr(data)
    # gmcr-py groups options by DM: a, c, b
    assert [o.id for o in c.options] == ["a", "c", "b"]
    assert c.options[2].direction == "forward"
    assert c.n_states == 6
    assert [c.pattern(k) for k in range(c.n_states)] == ["NNN", "YNN", "NYN", "NNY", "YNY", "NYY"]
    assert c.payoffs[0].tolist() == [2, 3, 1, 2, 3, 1]  # scores 1, 3, 0, 1, 3, 0


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([1, 2], "must hold a mapping"),
        (_two(colour="red"), "unknown key 'colour'"),
        (
            {
                "decision_makers": [
                    {"id": "a", "options": ["x"], "preferences": {"prioritisation": ["x"]}},
                    {"id": "a", "options": ["x"], "preferences": {"prioritisation": ["x"]}},
                ]
            },
            "duplicate id 'a'",
        ),
        (_two({"prioritisation": ["x and z"]}), "unknown option"),
        (_two({"ranking": ["YN", "NN", "NY"]}), r"state\(s\) 4 \(YY\) not ranked"),
        (_two({"ranking": ["Y-", "YN", "N-"]}), "ranked twice"),
        (_two({"ranking": ["YNN"]}), "one of Y, N or -"),
        (_two({"both": 1}), "exactly one of prioritisation or ranking"),
        (_two(constraints=["x", "not x"]), "no state satisfies"),
        (_two(status_quo={"x": True}), "status_quo must map every option"),
    ],
)
def test_invalid_conflicts(data: Any, match: str) -> None:
    with pytest.raises(ScenarioError, match=match) as info:
        build_conflict(data, "c.yaml")
    assert "c.yaml" in str(info.value) and "hint:" in str(info.value)


def test_syntax_error_names_file_dm_statement_and_column() -> None:
    with pytest.raises(ConstraintSyntaxError) as info:
        build_conflict(_two({"prioritisation": ["x", "not (x and"]}), "c.yaml")
    text = str(info.value)
    assert "c.yaml" in text and "decision_makers[0].preferences.prioritisation[1]" in text
    assert "'not (x and'" in text and info.value.problems[0].column == 11


def test_file_level_errors(tmp_path: Path) -> None:
    cases = {
        "empty.yaml": b"  \n",
        "bad.yaml": b"a: [1,\n",
        "latin.yaml": b"title: caf\xe9\n",
        "bad.json": b"{",
        "missing.gmcr": None,
    }
    for name, content in cases.items():
        p = tmp_path / name
        if content is not None:
            p.write_bytes(content)
        with pytest.raises(ScenarioError) as info:
            load_conflict(p)
        assert name in str(info.value) and "hint:" in str(info.value)
    big = tmp_path / "huge.yaml"
    big.write_bytes(b"#" * (20 * 1024 * 1024 + 1))
    with pytest.raises(ScenarioError, match="over the limit"):
        load_conflict(big)


def test_gmcr_errors(tmp_path: Path) -> None:
    p = tmp_path / "x.gmcr"
    p.write_text(
        json.dumps(
            {
                "options": [{"name": "a", "permittedDirection": "both"}],
                "decisionMakers": [{"name": "A", "options": [3]}],
            }
        )
    )
    with pytest.raises(ScenarioError, match="out of range"):
        load_conflict(p)
    p.write_text(
        json.dumps(
            {
                "options": [{"name": "a", "permittedDirection": "both"}],
                "decisionMakers": [{"name": "A", "options": [0], "preferenceRanking": [1]}],
                "infeasibles": [],
                "useManualPreferenceRanking": True,
            }
        )
    )
    with pytest.raises(ScenarioError, match=r"missing from the ranking"):
        load_conflict(p)


def test_public_api_is_documented() -> None:
    import zopa.conflict

    doc = (Path(__file__).resolve().parents[2] / "docs" / "conflict.md").read_text("utf-8")
    missing = [name for name in zopa.conflict.__all__ if f"`{name}`" not in doc]
    assert missing == []
