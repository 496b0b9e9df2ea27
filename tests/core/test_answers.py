"""Answers in words: the issue changes into the zone, what-if edits, units, labels, notes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core import oracle
from tests.core.strategies import scenario_dicts
from zopa.analysis import analyze
from zopa.analysis.drafts import compare, evaluate
from zopa.analysis.explain import assumption_notes, concession_in_units
from zopa.analysis.reach import edit_package, nearest_zone_package
from zopa.cli import main
from zopa.errors import AnalysisError
from zopa.io import load_scenario
from zopa.model import build_scenario
from zopa.model.compiled import compile_scenario


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_dicts(max_issues=3, max_options=3), st.data())
def test_nearest_zone_package_is_the_fewest_changes(data, pick):
    """Exact on both engines: the brute-force least Hamming distance to a zone package."""
    s = build_scenario(data)
    b = oracle.brute(data)
    x = pick.draw(st.sampled_from(b.packages))
    cs = compile_scenario(s)
    by_scan = nearest_zone_package(cs, x)
    by_milp = nearest_zone_package(cs, x, enumerate_limit=0)
    if not b.zone:
        assert by_scan is None and by_milp is None
        return
    least = min(sum(a != c for a, c in zip(y, x)) for y in b.zone)
    at_least = [y for y in b.zone if sum(a != c for a, c in zip(y, x)) == least]
    for path in (by_scan, by_milp):
        assert path is not None and path.distance == least
        reached = oracle.package_of(b, path.point.package)
        assert reached in b.zone
        # the changes listed are exactly the issues where the reached package differs
        moved = {c.issue for c in path.changes}
        assert moved == {i.id for i, a, c in zip(s.issues, x, reached) if a != c}
    # the same tie-break on both engines: the largest smallest margin, then the lowest number
    assert dict(by_milp.point.package) == dict(by_scan.point.package)
    assert by_scan.engine == "enumerate" and by_scan.alternatives == len(at_least)
    assert by_milp.engine == "milp" and by_milp.alternatives is None


def test_evaluate_names_the_changes_into_the_zone(examples):
    s = load_scenario(examples / "ukraine-2025.yaml")
    e = evaluate(s, "plan-20")
    assert not e.in_zone and e.zone_path is not None
    assert e.zone_path.distance == e.zone_distance
    d = e.to_dict()["zone_path"]
    assert d["distance"] == len(d["changes"]) >= 1
    assert {"issue", "from", "to", "from_label", "to_label"} <= set(d["changes"][0])
    inside = evaluate(s, d["changes"] and _apply(s, "plan-20", d["changes"]))
    assert inside.in_zone


def _apply(s, draft, changes):
    base = dict(s.draft(draft).package)
    base.update({c["issue"]: str(c["to"]) for c in changes})
    return ",".join(f"{k}={v}" for k, v in base.items())


def test_improvements_mark_what_changed(examples):
    s = load_scenario(examples / "logrolling.yaml")
    e = evaluate(s, "split")
    assert e.dominated and e.improvements
    split = s.indices(s.draft("split").package)
    for imp, changes in zip(e.improvements, e.improvement_changes, strict=True):
        y = s.indices({k: str(v) for k, v in imp.package.items()})
        assert {c.issue for c in changes} == {i.id for i, a, b in zip(s.issues, split, y) if a != b}
    assert all("changes" in imp for imp in e.to_dict()["improvements"])


def test_what_if_edits_a_draft_without_a_file(examples):
    s = load_scenario(examples / "ukraine-2025.yaml")
    edited = evaluate(s, "plan-20", edits=["army_cap=900000"])
    pkg = dict(s.draft("plan-20").package) | {"army_cap": "900000"}
    direct = evaluate(s, ",".join(f"{k}={v}" for k, v in pkg.items()))
    assert edited.point.utilities == direct.point.utilities
    assert edited.base == "plan-20" and [c.issue for c in edited.edits] == ["army_cap"]
    assert edited.edits[0].before == 800000 and edited.edits[0].after == 900000
    assert edited.to_dict()["edits"][0]["to_label"] == "900,000 troops"


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (["army_cap=123"], "unknown option `123` of issue `army_cap`; options: 500000"),
        (["armycap=900000"], "unknown issue `armycap`"),
        (["army_cap"], "is not an edit; write issue=option"),
        (["nato=consensus", "nato=open_door"], "edited twice"),
    ],
)
def test_bad_edits_name_the_valid_choices(examples, edits, message):
    s = load_scenario(examples / "ukraine-2025.yaml")
    with pytest.raises(AnalysisError) as err:
        edit_package(s, s.indices(s.draft("plan-20").package), edits)
    assert message in str(err.value)


def test_what_if_on_the_command_line(examples, capsys):
    f = str(examples / "ukraine-2025.yaml")
    assert main(["evaluate", f, "plan-20", "army_cap=900000", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["package"]["army_cap"] == 900000 and d["base"] == "plan-20"
    assert main(["evaluate", f, "plan-20", "army_cap=9"]) == 2
    err = capsys.readouterr().err
    assert "unknown option `9` of issue `army_cap`" in err and "900000" in err
    assert main(["evaluate", f, "plan-20", "army_cap=900000"]) == 0
    out = capsys.readouterr().out
    assert "What-if: plan-20" in out and "edited; was 800,000 troops" in out


def test_concessions_in_the_issues_unit(examples):
    s = load_scenario(examples / "no-overlap.yaml")
    a = analyze(s)
    c = a.concessions
    assert c is not None and c.uniform is not None
    units = {u.party: u for u in c.uniform.in_units}
    assert units["buyer"].before == pytest.approx(300_000)
    assert units["buyer"].after == pytest.approx(310_000)
    assert units["seller"].before == pytest.approx(320_000)
    assert units["seller"].after == pytest.approx(310_000)
    assert "buyer's limit on Sale price up by EUR 10,000" in units["buyer"].text
    assert a.to_dict()["concessions"]["uniform"]["in_units"][1]["change"] == pytest.approx(-10_000)


def test_no_unit_statement_where_the_issue_cannot_carry_the_drop(examples):
    s = load_scenario(examples / "no-overlap.yaml")
    cs = compile_scenario(s)
    # a drop larger than the whole range of the issue has no limit inside the grid
    assert concession_in_units(cs, [6], {"buyer": 0.9}) == ()
    assert concession_in_units(cs, [6], {"buyer": 0.0}) == ()


def test_notes_say_events_are_not_applied(examples):
    s = load_scenario(examples / "ukraine-2025.yaml")
    notes = assumption_notes(s)
    assert len(notes) == 1 and "round 20: Russia -0.050" in notes[0]
    assert analyze(s).notes[-1] == notes[0]
    assert evaluate(s, "plan-20").notes == notes
    assert assumption_notes(load_scenario(examples / "logrolling.yaml")) == ()


def test_tables_show_labels_and_meanings(examples, capsys):
    f = str(examples / "ukraine-2025.yaml")
    assert main(["analyze", f]) == 0
    out = capsys.readouterr().out
    assert "Security guarantees" in out and "(security)" in out and "article5_like" in out
    assert "security=article5_like: US, NATO and European guarantees mirroring Article 5" in out
    assert "Kalai-Smorodinsky: gives every party the same share" in out
    assert "egalitarian (leximin): maximises the smallest gain over the reservations" in out
    assert main(["compare", f, "us-28", "europe"]) == 0
    out = capsys.readouterr().out
    assert (
        "Ukraine's red line: Donetsk, Luhansk and Crimea is not “de facto Russian, recognised by"
        in out
    )
    assert "-> Donetsk, Luhansk and Crimea (territory): recognise -> buffer_zone" in out


def test_comparison_carries_the_zone_paths(examples):
    s = load_scenario(examples / "ukraine-2025.yaml")
    c = compare(s, "us-28", "europe")
    assert c.before.zone_path is not None and c.before.zone_path.distance == 2
    assert c.to_dict()["after"]["zone_path"]["distance"] == c.after.zone_distance


def test_compare_a_what_if_revision(examples, capsys):
    s = load_scenario(examples / "ukraine-2025.yaml")
    c = compare(s, "plan-20", "plan-20", edits=["sanctions=phased_relief"])
    assert [i for i, _, _ in c.changed] == ["sanctions"]
    assert c.after.base == "plan-20" and c.after.in_zone and not c.before.in_zone
    f = str(examples / "ukraine-2025.yaml")
    assert main(["compare", f, "plan-20", "plan-20", "sanctions=phased_relief"]) == 0
    assert "20-point plan (plan-20) -> 20-point plan (plan-20) (edited)" in capsys.readouterr().out
    assert main(["compare", f, "plan-20", "plan-20", "sanctions=bogus"]) == 2
    assert "options: relief_g8, phased_relief, maintained" in capsys.readouterr().err


def test_discount_factors_are_said_not_applied():
    s = build_scenario(
        {
            "title": "discounted",
            "issues": [{"id": "x", "options": ["a", "b"]}],
            "parties": [
                {
                    "id": p,
                    "preferences": {
                        "weights": {"x": 1},
                        "values": {"x": {"a": v, "b": 1 - v}},
                        "reservation": 0.2,
                        "discount": 0.9,
                    },
                }
                for p, v in (("p", 1.0), ("q", 0.0))
            ],
        }
    )
    (note,) = assumption_notes(s)
    assert "not discounted" in note and "p 0.9, q 0.9" in note


def test_answers_in_words(examples):
    s = load_scenario(examples / "ukraine-2025.yaml")
    e = evaluate(s, "plan-20")
    assert e.summary.startswith("plan-20 is acceptable to Ukraine and European governments")
    assert "not to Russia (0.061 short of its reservation)" in e.summary
    assert "Sanctions and Russia's reintegration from 'sanctions maintained'" in e.summary
    assert e.to_dict()["summary"] == e.summary
    a = analyze(load_scenario(examples / "no-overlap.yaml"))
    assert a.summary.startswith("No package is acceptable to buyer and seller.")
    assert "which opens Sale price: EUR 310,000" in a.summary
    assert analyze(s).summary.startswith("3,187 of 77,760 packages are acceptable to Ukraine")
