"""Bad `uncertainty` and `evidence` keys get one clear error naming the place and the fix."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from zopa.cli import main
from zopa.errors import ScenarioError
from zopa.io import load_scenario
from zopa.robust import robustness

BASE: dict[str, Any] = {
    "title": "t",
    "issues": [
        {"id": "territory", "options": ["cede", "freeze", "restore"]},
        {"id": "army_cap", "numeric": {"min": 400000, "max": 1000000, "step": 100000}},
    ],
    "parties": [
        {
            "id": "ukraine",
            "preferences": {
                "weights": {"territory": 3, "army_cap": 1},
                "values": {
                    "territory": {"cede": 0, "freeze": 0.5, "restore": 1},
                    "army_cap": {400000: 0, 1000000: 1},
                },
                "reservation": 0.4,
                "red_lines": ["territory != cede", "army_cap >= 600000"],
                "uncertainty": {
                    "reservation": [0.3, 0.5],
                    "weights": {"territory": [2, 4]},
                    "values": {"territory": {"freeze": [0.4, 0.6]}, "army_cap": {400000: [0, 0.2]}},
                    "red_lines": {"army_cap >= 600000": 0.5},
                },
            },
        },
        {
            "id": "russia",
            "preferences": {
                "weights": {"territory": 1},
                "values": {"territory": {"cede": 1, "freeze": 0.5, "restore": 0}},
                "reservation": 0.2,
            },
        },
    ],
    "drafts": [
        {"id": "a", "package": {"territory": "freeze", "army_cap": 600000}},
        {"id": "b", "package": {"territory": "cede", "army_cap": 500000}},
    ],
    "evidence": [
        {"party": "russia", "prefers": "b", "over": "a", "source": "a statement"},
        {"party": "ukraine", "accepts": "a", "source": "another"},
    ],
}


def _write(tmp_path: Path, data: object) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


def _unc(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = data["parties"][0]["preferences"]["uncertainty"]
    return out


def test_the_base_file_is_valid(tmp_path):
    s = load_scenario(_write(tmp_path, BASE))
    u = s.parties[0].preferences.uncertainty
    assert u is not None and (u.reservation.low, u.reservation.high) == (0.3, 0.5)
    assert u.raw_weights["territory"] == 3 and u.red_lines["army_cap >= 600000"] == 0.5
    assert [e.describe() for e in s.evidence] == ["russia prefers b over a", "ukraine accepts a"]


def _set_reservation(d, v):
    _unc(d)["reservation"] = v


CASES = [
    # (edit, expected text in the error, the key path named)
    (lambda d: _set_reservation(d, [0.6, 0.5]), "low 0.6 is above high 0.5", "reservation"),
    (lambda d: _set_reservation(d, [0.5, 1.5]), "not inside [0, 1]", "reservation"),
    (lambda d: _set_reservation(d, [-0.1, 0.5]), "not inside [0, 1]", "reservation"),
    (lambda d: _set_reservation(d, [True, 0.5]), "not a number", "reservation"),
    (lambda d: _set_reservation(d, ["0.1", 0.5]), "valid number", "reservation"),
    (lambda d: _set_reservation(d, [0.1]), "", "reservation"),
    (lambda d: _set_reservation(d, [0.1, 0.2, 0.3]), "", "reservation"),
    (lambda d: _set_reservation(d, [float("nan"), 0.5]), "finite", "reservation"),
    (lambda d: _set_reservation(d, 0.4), "", "reservation"),
    (
        lambda d: _unc(d)["weights"].update({"teritory": [1, 2]}),
        "did you mean `territory`",
        "weights.teritory",
    ),
    (
        lambda d: _unc(d)["weights"].update({"territory": [-1, 2]}),
        "not inside",
        "weights.territory",
    ),
    (lambda d: _unc(d)["weights"].update({"territory": [3, 2]}), "above high", "weights.territory"),
    (
        lambda d: (
            _unc(d)["weights"].update({"territory": [0, 2]}),
            d["parties"][0]["preferences"]["weights"].update({"army_cap": 0}),
        ),
        "every weight can be zero",
        "uncertainty.weights",
    ),
    (
        lambda d: d["parties"][1]["preferences"].update(
            {"uncertainty": {"weights": {"army_cap": [0, 1]}}}
        ),
        "gives no values for `army_cap`",
        "weights.army_cap",
    ),
    (
        lambda d: _unc(d)["values"].update({"territori": {"cede": [0, 1]}}),
        "did you mean",
        "values.territori",
    ),
    (
        lambda d: _unc(d)["values"]["territory"].update({"fraeze": [0, 1]}),
        "did you mean `freeze`",
        "fraeze",
    ),
    (
        lambda d: _unc(d)["values"]["territory"].update({"cede": [0, 1.2]}),
        "not inside [0, 1]",
        "cede",
    ),
    (
        lambda d: _unc(d)["values"]["army_cap"].update({500000: [0, 1]}),
        "not a point of the value curve",
        "500000",
    ),
    (
        lambda d: _unc(d)["red_lines"].update({"army_cap >= 700000": 0.5}),
        "did you mean `army_cap >= 600000`",
        "red_lines",
    ),
    (
        lambda d: _unc(d)["red_lines"].update({"army_cap >= 600000": 1.5}),
        "outside [0, 1]",
        "red_lines",
    ),
    (
        lambda d: _unc(d)["red_lines"].update({"army_cap >= 600000": False}),
        "not a number",
        "red_lines",
    ),
    (lambda d: _unc(d).update({"weight": {}}), "unknown key `weight`", "uncertainty.weight"),
    (
        lambda d: d["parties"][1]["preferences"].update(
            {"uncertainty": {"values": {"army_cap": {400000: [0, 1]}}}}
        ),
        "gives no values for it",
        "values.army_cap",
    ),
    (
        lambda d: d["parties"][1]["preferences"].update(
            {"uncertainty": {"red_lines": {"x == y": 0.5}}}
        ),
        "has no red lines",
        "red_lines",
    ),
    (
        lambda d: d["evidence"].append({"party": "rusia", "rejects": "a", "source": "s"}),
        "did you mean `russia`",
        "evidence[2].party",
    ),
    (
        lambda d: d["evidence"].append({"party": "russia", "rejects": "c", "source": "s"}),
        "unknown draft `c`",
        "evidence[2].rejects",
    ),
    (
        lambda d: d["evidence"].append({"party": "russia", "prefers": "a", "source": "s"}),
        "`prefers` needs `over`",
        "evidence[2].over",
    ),
    (
        lambda d: d["evidence"].append(
            {"party": "russia", "rejects": "a", "over": "b", "source": "s"}
        ),
        "`over` goes with `prefers`",
        "evidence[2].over",
    ),
    (
        lambda d: d["evidence"].append(
            {"party": "russia", "rejects": "a", "accepts": "b", "source": "s"}
        ),
        "exactly one of",
        "evidence[2]",
    ),
    (
        lambda d: d["evidence"].append({"party": "russia", "source": "s"}),
        "exactly one of",
        "evidence[2]",
    ),
    (
        lambda d: d["evidence"].append({"party": "russia", "rejects": "a"}),
        "missing required key `source`",
        "evidence[2].source",
    ),
    (
        lambda d: d["evidence"].append({"party": "russia", "rejects": "a", "source": ""}),
        "",
        "evidence[2].source",
    ),
    (
        lambda d: d["evidence"].append(
            {"party": "russia", "prefers": "a", "over": "a", "source": "s"}
        ),
        "contradictory evidence",
        "evidence[2]",
    ),
    (
        lambda d: d["evidence"].append(
            {"party": "russia", "prefers": "a", "over": "b", "source": "s"}
        ),
        "contradictory evidence: russia would prefer",
        "evidence",
    ),
    (
        lambda d: d["evidence"].append({"party": "ukraine", "rejects": "a", "source": "s"}),
        "contradictory evidence: evidence[1]",
        "evidence[2]",
    ),
    (
        lambda d: d["evidence"].append({"party": "ukraine", "accepts": "b", "source": "s"}),
        "breaks ukraine's red line `territory != cede`",
        "evidence[2]",
    ),
    (
        lambda d: d["evidence"].append(
            {"party": "ukraine", "rejects": "a", "source": "s", "said": 1}
        ),
        "unknown key `said`",
        "evidence[2].said",
    ),
    (lambda d: d.update({"evidence": {"party": "russia"}}), "valid list", "evidence"),
]


@pytest.mark.parametrize(
    ("edit", "text", "where"), CASES, ids=[f"case{k}" for k in range(len(CASES))]
)
def test_bad_input_is_named(tmp_path, edit, text, where):
    data = copy.deepcopy(BASE)
    edit(data)
    path = _write(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert str(path) in msg
    assert text in msg, msg
    assert where in msg, msg


def test_cli_exit_code_2_on_bad_uncertainty(tmp_path, capsys):
    data = copy.deepcopy(BASE)
    _set_reservation(data, [0.9, 0.1])
    assert main(["robust", str(_write(tmp_path, data))]) == 2
    assert "low 0.9 is above high 0.1" in capsys.readouterr().err


def test_evidence_that_no_sample_satisfies_is_contradictory(tmp_path):
    data = copy.deepcopy(BASE)
    # russia's utility of `a` is 0.5 and its reservation is a fixed 0.2: it cannot reject `a`
    data["evidence"].append({"party": "russia", "rejects": "a", "source": "s"})
    s = load_scenario(_write(tmp_path, data))
    with pytest.raises(ScenarioError) as info:
        robustness(s, samples=300, seed=1, sensitivity_samples=0)
    msg = str(info.value)
    assert "contradictory evidence" in msg and "evidence[2]: russia rejects a" in msg


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--samples", "0"], "samples"),
        (["--seed", "-1"], "seed"),
        (["--workers", "0"], "workers"),
        (["--plot", "out.txt"], "cannot write a plot as `.txt`"),
        (["--plot", "s.yaml"], "cannot write a plot"),
        (["--plot", "."], "no plot name was given"),
        (["--dask", "local:x"], "local:N"),
        (["--sensitivity-samples", "50", "--samples", "10"], "sensitivity-samples"),
    ],
)
def test_bad_cli_arguments_exit_2(tmp_path, capsys, monkeypatch, args, text):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, BASE)
    assert main(["robust", str(path), "--samples", "200", *args]) == 2
    captured = capsys.readouterr()
    assert text in captured.err + captured.out


def test_the_package_counts_are_analyzes_and_explained():
    """robust said "20,576 packages solved exactly" beside analyze's 77,760 / 68,040 without a
    word: the sentence starts from analyze's own counts and says where the rest went."""
    from tests.conftest import EXAMPLES
    from zopa.analysis import analyze
    from zopa.io import load_scenario
    from zopa.report.robust import packages_sentence
    from zopa.robust import robustness
    from zopa.vocab import interval, percent

    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    r = robustness(s, samples=200, sensitivity_samples=50)
    a = analyze(s)
    text = packages_sentence(r)
    assert r.outcomes == a.outcomes and r.space == a.feasible
    assert text.startswith(f"{a.outcomes:,} packages, {a.feasible:,} within")
    assert f"{r.candidates:,} packages solved exactly" in text
    assert f"{r.candidates + r.pruned:,} of them" in text and f"{r.pruned:,} of those" in text
    # a zero estimate is not shown beside an interval that starts above it ("0.0% [<0.1, 0.9]")
    assert f"{percent(0.0)} {interval(0.0, 0.009)}" == "0.0% [0.0%, 0.9%]"
