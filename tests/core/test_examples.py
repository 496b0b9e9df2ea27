"""The bundled examples: valid, and the textbook ones give their known answers."""

from __future__ import annotations

import pytest

from zopa.analysis.analyze import analyze
from zopa.analysis.drafts import compare, evaluate
from zopa.io import load_scenario


@pytest.mark.parametrize("name", ["ukraine-2025.yaml", "logrolling.yaml", "no-overlap.yaml"])
def test_examples_are_valid(examples, name):
    s = load_scenario(examples / name)
    assert s.issues and s.parties


def test_logrolling_known_answer(examples):
    s = load_scenario(examples / "logrolling.yaml")
    a = analyze(s)
    nash = a.solutions["nash"]
    assert nash is not None
    assert dict(nash.package) == {"pay": "high", "holidays": "mid", "start": "early"}
    assert nash.utilities == pytest.approx({"union": 0.75, "management": 0.75})
    split = evaluate(s, "split")
    assert split.dominated and split.in_zone
    assert split.point.utilities == pytest.approx({"union": 0.5, "management": 0.5})
    best = split.improvements[0]
    assert dict(best.package) == {"pay": "high", "holidays": "mid", "start": "early"}
    c = compare(s, "split", "logroll")
    assert c.gains == pytest.approx({"union": 0.25, "management": 0.25})
    assert c.verdict.startswith("improves the draft for union and management")


def test_no_overlap_concessions(examples):
    s = load_scenario(examples / "no-overlap.yaml")
    a = analyze(s)
    assert not a.zone.exists and a.zone.size == 0
    assert all(v is None for v in a.solutions.values())
    c = a.concessions
    assert c is not None
    assert c.uniform is not None and c.uniform.total == pytest.approx(0.1)
    assert c.uniform.point.package["price"] == 310000
    assert c.min_sum is not None and c.min_sum.total == pytest.approx(0.2)
    assert c.min_max is not None and c.min_max.drops == pytest.approx({"buyer": 0.1, "seller": 0.1})
    assert c.red_lines is None  # reservations alone leave no package, whatever the red lines
    m = analyze(s, engine="milp").concessions
    assert m is not None and m.uniform is not None
    assert m.uniform.total == pytest.approx(0.1)
    assert m.min_sum is not None and m.min_sum.total == pytest.approx(0.2)


def test_ukraine_example_story(examples):
    s = load_scenario(examples / "ukraine-2025.yaml")
    a = analyze(s)
    assert a.parties == ("ukraine", "russia", "europe")
    assert a.zone.exists and a.zone.exact
    us28 = evaluate(s, "us-28")
    assert not us28.acceptable["ukraine"] and us28.broken["ukraine"] == ("territory != recognise",)
    c = compare(s, "us-28", "europe")
    assert c.movement == "closer" and "moves it closer to an agreement (" in c.verdict
    # geneva -> plan-20 repairs a red line but opens a reservation shortfall for russia: not
    # "closer" (the verdict said so before it was defined criterion by criterion)
    m = compare(s, "geneva", "plan-20")
    assert m.movement == "mixed"
    assert "further on Russia's reservation shortfall 0.000 → 0.061" in m.verdict
    why = {(k["criterion"], k["party"]): k for k in m.to_dict()["criteria"]}
    assert why[("shortfall", "russia")]["change"] == "further"
    assert why[("red_lines_broken", None)] == {
        "criterion": "red_lines_broken",
        "party": None,
        "before": 1.0,
        "after": 0.0,
        "change": "closer",
    }
