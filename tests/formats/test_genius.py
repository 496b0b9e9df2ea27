"""GENIUS XML and GeniusWeb JSON: reading the ANAC domains, round trips, malformed files."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from zopa.analysis.analyze import analyze
from zopa.cli import main
from zopa.errors import ScenarioError
from zopa.io import load_any, load_genius, load_geniusweb, write_genius, write_geniusweb
from zopa.model import compile_scenario
from zopa.model.scenario import Scenario

DOMAINS = [
    "10issues_hyperrect",
    "AMPOvsCity",
    "CameraB",
    "Dinner3p",
    "EnglandZimbabwe",
    "Grocery",
    "ItexvsCypress",
    "Party",
    "parsCat3p",
]
SIZES = {
    "10issues_hyperrect": (10, 2, 10**10),
    "AMPOvsCity": (10, 2, 1_944_000),
    "CameraB": (6, 2, 3600),
    "Dinner3p": (5, 3, 1200),
    "EnglandZimbabwe": (5, 2, 576),
    "Grocery": (5, 2, 1600),
    "ItexvsCypress": (4, 2, 180),
    "Party": (6, 17, 3072),
    "parsCat3p": (8, 3, 390_625),
}


def same(a: Scenario, b: Scenario) -> None:
    """Equal scenarios, up to the float rounding of renormalised weights (1e-12)."""
    assert a.issues == b.issues
    assert [p.id for p in a.parties] == [p.id for p in b.parties]
    for p, q in zip(a.parties, b.parties, strict=True):
        x, y = p.preferences, q.preferences
        assert x is not None and y is not None
        assert x.reservation == y.reservation and x.discount == y.discount
        assert dict(x.values) == dict(y.values)
        for k in x.weights:
            assert math.isclose(x.weights[k], y.weights[k], abs_tol=1e-12)
        assert [(r.text, u) for r, u in x.hyperrectangles] == [
            (r.text, u) for r, u in y.hyperrectangles
        ]


# One test per capability over every shared ANAC domain (one skip in a clone, not 26); the
# same capabilities are tested on tests/fixtures/genius below.


def test_reads_every_anac_domain(shared_data: Path) -> None:
    for name in DOMAINS:
        s = load_any(shared_data / "anac" / name)
        assert (len(s.issues), len(s.parties), s.outcomes) == SIZES[name], name


def test_genius_round_trip(shared_data: Path, tmp_path: Path) -> None:
    for name in DOMAINS:
        s = load_genius(shared_data / "anac" / name)
        write_genius(s, tmp_path / name / "g")
        s2 = load_genius(tmp_path / name / "g")
        same(s, s2)
        write_genius(s2, tmp_path / name / "g2")
        same(s2, load_genius(tmp_path / name / "g2"))


def test_geniusweb_round_trip(shared_data: Path, tmp_path: Path) -> None:
    for name in [d for d in DOMAINS if d != "10issues_hyperrect"]:
        s = load_genius(shared_data / "anac" / name)
        write_geniusweb(s, tmp_path / name / "w")
        s2 = load_geniusweb(tmp_path / name / "w")
        cs, cs2 = compile_scenario(s), compile_scenario(s2)
        assert cs.sizes == cs2.sizes, name
        for t, t2 in zip(cs.tables, cs2.tables, strict=True):
            assert np.allclose(t, t2, atol=1e-12), name
        write_geniusweb(s2, tmp_path / name / "w2")
        same(s2, load_geniusweb(tmp_path / name / "w2"))


def test_geniusweb_refuses_hyperrectangles(shared_data: Path, tmp_path: Path) -> None:
    s = load_genius(shared_data / "anac" / "10issues_hyperrect")
    with pytest.raises(ScenarioError, match="hyper-rectangle"):
        write_geniusweb(s, tmp_path / "w")


def test_zopa_yaml_round_trip_via_cli(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "anac" / "Grocery"
    assert main(["convert", str(src), str(tmp_path / "g.yaml")]) == 0
    assert main(["convert", str(tmp_path / "g.yaml"), str(tmp_path / "back")]) == 0
    assert main(["convert", str(tmp_path / "back"), str(tmp_path / "w"), "--to", "geniusweb"]) == 0
    assert main(["convert", str(tmp_path / "w"), str(tmp_path / "g2.json")]) == 0
    a, b = load_genius(src), load_any(tmp_path / "g2.json")
    assert [i.id for i in a.issues] == [i.id for i in b.issues]
    same(load_any(tmp_path / "g.yaml"), load_any(tmp_path / "back"))


def test_hyperrectangle_nash_matches_genius_pareto_file(shared_data: Path) -> None:
    """The 1e10 hyper-rectangle domain: the MILP's Nash point is on GENIUS's own frontier."""
    s = load_any(shared_data / "anac" / "10issues_hyperrect")
    a = analyze(s)
    assert a.engine == "milp" and not a.zone.exact
    nash = a.solutions["nash"]
    assert nash is not None
    text = (shared_data / "anac" / "10issues_hyperrect" / "pareto.xml").read_text()
    pts = [tuple(float(x) for x in line.split(",")) for line in text.split("\n") if "," in line]
    got = (nash.utilities["profile-1"], nash.utilities["profile-2"])
    assert any(abs(got[0] - p[0]) < 1e-6 and abs(got[1] - p[1]) < 1e-6 for p in pts)
    best = max(p[0] * p[1] for p in pts)
    assert math.isclose(got[0] * got[1], best, rel_tol=1e-6)


def test_enumeration_evaluates_hyperrectangles(shared_data: Path, tmp_path: Path) -> None:
    """A 1e4 slice of the hyper-rectangle domain: enumeration and MILP agree on Nash."""
    s = load_genius(shared_data / "anac" / "10issues_hyperrect")
    data_dir = tmp_path / "small"
    write_genius(s, data_dir)
    dom = data_dir / "domain.xml"
    text = dom.read_text()
    for k in range(5, 11):  # fix six issues to a single value
        text = text.replace(
            f'<issue index="{k}" name="c1-i{11 - k}" etype="integer" type="integer" '
            'vtype="integer" lowerbound="0" upperbound="9"/>',
            f'<issue index="{k}" name="c1-i{11 - k}" etype="integer" type="integer" '
            'vtype="integer" lowerbound="0" upperbound="1"/>',
        )
    dom.write_text(text)
    small = load_genius(data_dir)
    assert small.outcomes == 10**4 * 2**6
    e = analyze(small, engine="enumerate")
    m = analyze(small, engine="milp")
    assert e.solutions["nash"] is not None and m.solutions["nash"] is not None
    assert e.solutions["nash"].utilities == m.solutions["nash"].utilities


def test_analyze_cli_on_a_genius_folder(shared_data: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["analyze", str(shared_data / "anac" / "AMPOvsCity"), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"engine": "frontier"' in out
    assert main(["analyze", str(shared_data / "anac" / "CameraB" / "Camera-B-domain.xml")]) == 0


# ----------------------------------------------------------------------------- malformed


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _folder(tmp_path: Path, name: str = "trade") -> Path:
    dst = tmp_path / name
    shutil.copytree(FIXTURES / "genius" / name, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _error(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(ScenarioError) as info:
        load_any(path)
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return str(info.value)


def test_truncated_xml(tmp_path, capsys):
    d = _folder(tmp_path)
    prof = d / "trade_buyer.xml"
    prof.write_text(prof.read_text()[:700])
    msg = _error(d, capsys)
    assert "trade_buyer.xml" in msg and "invalid XML" in msg


def test_wrong_root(tmp_path, capsys):
    d = _folder(tmp_path)
    msg = _error(d / "trade_buyer.xml", capsys)  # a profile given as the domain
    assert "root element is <utility_space>" in msg


def test_a_broken_profile_is_an_error_not_a_missing_party(tmp_path, capsys):
    d = _folder(tmp_path)
    _edit(d / "trade_seller.xml", "<utility_space>", "<utility_spac>")
    _edit(d / "trade_seller.xml", "</utility_space>", "</utility_spac>")
    msg = _error(d, capsys)
    assert "trade_seller.xml" in msg and "<utility_spac>" in msg


def test_unknown_issue_in_a_profile(tmp_path, capsys):
    d = _folder(tmp_path)
    _edit(d / "trade_buyer.xml", '<issue index="2" name="Delivery"', '<issue index="7" name="Ship"')
    msg = _error(d, capsys)
    assert "trade_buyer.xml" in msg and "unknown issue `Ship` (index 7)" in msg


def _utility(s, party: str, package: dict[str, str]) -> float:
    prefs = s.party(party).preferences
    return sum(
        prefs.weights[i.id] * prefs.values[i.id][i.option_ids.index(package[i.id])]
        for i in s.issues
    )


def test_profiles_bind_to_the_domain_by_index(tmp_path, capsys):
    """The seller lists its issues in another order; utilities computed by hand."""
    s = load_any(FIXTURES / "genius" / "trade")
    assert s.warnings == ()
    assert [p.id for p in s.parties] == ["trade_buyer", "trade_seller"]
    pkg = {"Price": "High", "Delivery": "Slow", "Quantity": "1"}
    assert _utility(s, "trade_buyer", pkg) == pytest.approx(0.5 * 0.1 + 0.3 * 0.25 + 0.2 * 0.0)
    assert _utility(s, "trade_seller", pkg) == pytest.approx(0.6 * 1.0 + 0.3 * 1.0 + 0.1 * 1.0)
    pkg = {"Price": "Medium", "Delivery": "Fast", "Quantity": "4"}
    assert _utility(s, "trade_buyer", pkg) == pytest.approx(0.5 * 0.6 + 0.3 * 1.0 + 0.2 * 0.75)
    assert _utility(s, "trade_seller", pkg) == pytest.approx(0.6 * 0.5 + 0.3 / 3 + 0.1 * 0.25)
    assert s.party("trade_buyer").preferences.reservation == 0.3
    assert s.party("trade_buyer").preferences.discount == 0.9


def test_a_name_disagreeing_with_the_index_is_a_warning(tmp_path, capsys):
    d = _folder(tmp_path)
    _edit(d / "trade_seller.xml", 'name="Delivery"', 'name="Shipping"')
    s = load_any(d)
    assert len(s.warnings) == 1 and "bound by index" in s.warnings[0]
    assert _utility(s, "trade_seller", {"Price": "High", "Delivery": "Slow", "Quantity": "1"}) == (
        pytest.approx(1.0)
    )
    assert main(["analyze", str(d)]) == 0
    assert (
        "warning: trade_seller.xml: profile issue 2 is named `Shipping`" in capsys.readouterr().err
    )


def test_weights_not_summing_to_one_are_renormalised(tmp_path, capsys):
    d = _folder(tmp_path)
    for k, w in (("1", "0.5"), ("2", "0.3"), ("3", "0.2")):
        _edit(
            d / "trade_buyer.xml",
            f'<weight index="{k}" value="{w}"/>',
            f'<weight index="{k}" value="{float(w) * 4}"/>',
        )
    s = load_any(d)
    assert any("sum to 4" in w and "renormalised" in w for w in s.warnings)
    assert s.party("trade_buyer").preferences.weights["Price"] == pytest.approx(0.5)


def test_a_weight_on_the_root_objective_is_ignored_with_a_warning(tmp_path):
    d = _folder(tmp_path)
    _edit(
        d / "trade_buyer.xml",
        '<weight index="1"',
        '<weight index="0" value="0.7"/>\n  <weight index="1"',
    )
    s = load_any(d)
    assert any("root objective" in w for w in s.warnings)
    assert s.party("trade_buyer").preferences.weights["Price"] == pytest.approx(0.5)


def test_a_negative_reservation_is_clamped_with_a_warning(tmp_path):
    d = _folder(tmp_path)
    _edit(d / "trade_buyer.xml", '<reservation value="0.3"/>', '<reservation value="-0.5"/>')
    s = load_any(d)
    assert s.party("trade_buyer").preferences.reservation == 0.0
    assert any("reservation -0.5" in w for w in s.warnings)


def test_excludes_hyperrectangles(tmp_path):
    from zopa.model.expr import holds

    s = load_any(FIXTURES / "genius" / "boxes")
    b = s.party("boxes_b").preferences

    def u(x: int, y: int) -> float:
        return sum(v for rule, v in b.hyperrectangles if holds(rule.formula, (x, y)))

    # 0.5 outside the box x<=4, y>=5; 0.5 more when x<=4 (brute force over the grid)
    for x in range(10):
        for y in range(10):
            expected = (0.0 if (x <= 4 and y >= 5) else 0.5) + (0.5 if x <= 4 else 0.0)
            assert u(x, y) == pytest.approx(expected), (x, y)


def test_missing_evaluation(tmp_path, capsys):
    d = _folder(tmp_path)
    _edit(d / "trade_buyer.xml", ' evaluation="6"', "")
    msg = _error(d, capsys)
    assert "trade_buyer.xml" in msg and "missing attribute `evaluation`" in msg
    assert "item[@value=" in msg


def test_entity_bomb_is_refused(tmp_path, capsys):
    d = tmp_path / "bomb"
    d.mkdir()
    (d / "domain.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<negotiation_template>&lol2;</negotiation_template>"
    )
    msg = _error(d, capsys)
    assert "refused XML" in msg


def test_malformed_geniusweb(tmp_path, capsys):
    d = tmp_path / "gw"
    d.mkdir()
    (d / "dom.json").write_text('{"name": "d", "issuesValues": {"a": {"values": ["x", "y"]}}}')
    (d / "p1.json").write_text(
        '{"LinearAdditiveUtilitySpace": {"issueWeights": {"b": 1.0}, "issueUtilities": {}}}'
    )
    msg = _error(d, capsys)
    assert "p1" in msg and "unknown issue `b`" in msg
    (d / "p1.json").write_text(
        '{"LinearAdditiveUtilitySpace": {"issueWeights": {"a": 0.5}, "issueUtilities": '
        '{"a": {"discreteutils": {"valueUtilities": {"x": 1}}}}}}'
    )
    assert "weights sum to" in _error(d, capsys)
    (d / "p1.json").write_text('{"LinearAdditiveUtilitySpace": {"issueWeights": {"a": 1.0}, ')
    assert "invalid JSON" in _error(d, capsys)


# ----------------------------------------------------------------------------- project-written
# The same capabilities on files the project writes itself (tests/fixtures/genius), so a plain
# clone without ../shared tests them too.

OWN = {"trade": (3, 2, 30), "boxes": (2, 2, 100)}


@pytest.mark.parametrize("name", sorted(OWN))
def test_reads_own_genius_folders(name: str) -> None:
    s = load_any(FIXTURES / "genius" / name)
    assert (len(s.issues), len(s.parties), s.outcomes) == OWN[name]


@pytest.mark.parametrize("name", sorted(OWN))
def test_own_genius_round_trip(tmp_path: Path, name: str) -> None:
    s = load_genius(FIXTURES / "genius" / name)
    write_genius(s, tmp_path / "g")
    s2 = load_genius(tmp_path / "g")
    same(s, s2)
    write_genius(s2, tmp_path / "g2")
    same(s2, load_genius(tmp_path / "g2"))


def test_own_geniusweb_round_trip_and_hyperrectangle_refusal(tmp_path: Path) -> None:
    s = load_genius(FIXTURES / "genius" / "trade")
    write_geniusweb(s, tmp_path / "w")
    s2 = load_geniusweb(tmp_path / "w")
    cs, cs2 = compile_scenario(s), compile_scenario(s2)
    assert cs.sizes == cs2.sizes
    for t, t2 in zip(cs.tables, cs2.tables, strict=True):
        assert np.allclose(t, t2, atol=1e-12)
    with pytest.raises(ScenarioError, match="hyper-rectangle"):
        write_geniusweb(load_genius(FIXTURES / "genius" / "boxes"), tmp_path / "b")


def test_own_zopa_yaml_round_trip_via_cli(tmp_path: Path) -> None:
    src = FIXTURES / "genius" / "trade"
    assert main(["convert", str(src), str(tmp_path / "g.yaml")]) == 0
    assert main(["convert", str(tmp_path / "g.yaml"), str(tmp_path / "back")]) == 0
    assert main(["convert", str(tmp_path / "back"), str(tmp_path / "w"), "--to", "geniusweb"]) == 0
    assert main(["convert", str(tmp_path / "w"), str(tmp_path / "g2.json")]) == 0
    a, b = load_genius(src), load_any(tmp_path / "g2.json")
    assert [i.id for i in a.issues] == [i.id for i in b.issues]
    same(load_any(tmp_path / "g.yaml"), load_any(tmp_path / "back"))


def test_hyperrectangle_nash_against_brute_force() -> None:
    """Both engines that read hyper-rectangles find the Nash product of a brute force over
    the 100 packages (utilities summed by hand from the boxes in the fixture files)."""
    s = load_any(FIXTURES / "genius" / "boxes")

    def ua(x: int, y: int) -> float:
        return (0.4 if x <= 4 and y <= 4 else 0.0) + (0.6 if x >= 5 and y >= 5 else 0.0)

    def ub(x: int, y: int) -> float:
        return (0.0 if (x <= 4 and y >= 5) else 0.5) + (0.5 if x <= 4 else 0.0)

    ra, rb = 0.2, 0.1
    zone = [(x, y) for x in range(10) for y in range(10) if ua(x, y) >= ra and ub(x, y) >= rb]
    best = max((ua(x, y) - ra) * (ub(x, y) - rb) for x, y in zone)
    for engine in ("enumerate", "milp"):
        a = analyze(s, engine=engine)
        nash = a.solutions["nash"]
        assert nash is not None
        got = (nash.utilities["boxes_a"] - ra) * (nash.utilities["boxes_b"] - rb)
        assert math.isclose(got, best, rel_tol=1e-9), engine
    assert analyze(s, engine="enumerate").zone.size == len(zone)


def test_analyze_cli_on_own_genius_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(FIXTURES / "genius" / "trade"), "--json"]) == 0
    assert '"engine"' in capsys.readouterr().out
    assert main(["analyze", str(FIXTURES / "genius" / "trade" / "trade_domain.xml")]) == 0


def test_files_that_are_neither_domain_nor_profile_are_skipped_and_named(tmp_path, capsys):
    """GENIUS folders hold tournament set-ups beside the domain (root <Tournament>)."""
    d = _folder(tmp_path)
    (d / "tournament.xml").write_text(  # the shape of GENIUS's multilateral tournament file
        '<?xml version="1.0"?>\n<Tournament><multilateralTournamentConfiguration>'
        "<deadline><value>180</value><type>ROUND</type></deadline>"
        '<partyRepItems><party classPath="agents.Boulware"/></partyRepItems>'
        '<partyProfileItems><item url="file:trade_buyer.xml"/></partyProfileItems>'
        "</multilateralTournamentConfiguration></Tournament>\n"
    )
    (d / "agents.xml").write_text("<repository><agent/></repository>\n")
    s = load_any(d)
    assert [p.id for p in s.parties] == [p.id for p in load_any(FIXTURES / "genius/trade").parties]
    skipped = [w for w in s.warnings if "skipped" in w]
    assert len(skipped) == 2
    assert any("tournament.xml" in w and "<Tournament>" in w for w in skipped)
    assert any("agents.xml" in w and "<repository>" in w for w in skipped)
    assert main(["validate", str(d)]) == 0
    err = capsys.readouterr().err
    assert "tournament.xml: skipped" in err and "agents.xml: skipped" in err


def test_a_folder_of_only_other_xml_names_what_it_skipped(tmp_path, capsys):
    d = tmp_path / "t"
    d.mkdir()
    (d / "tournament.xml").write_text("<Tournament/>\n")
    (d / "notes.xml").write_text("<notes/>\n")
    msg = _error(d, capsys)
    assert "no GENIUS domain file" in msg and "tournament.xml <Tournament>" in msg


def test_a_declaration_after_a_comment_is_read_as_genius_does(tmp_path):
    """ANAC 2014 profiles begin with `<!-- profile 1 -->` and then `<?xml ...?>`."""
    d = _folder(tmp_path)
    for f in d.glob("*.xml"):
        text = f.read_text()
        if text.startswith("<?xml"):
            text = text.split("?>", 1)[1]
        f.write_text(f'\n<!-- {f.stem} -->\n<?xml version="1.0" encoding="utf-8" ?>\n{text}')
    assert load_any(d).parties == load_any(FIXTURES / "genius/trade").parties
    bad = d / "trade_buyer.xml"
    bad.write_text(bad.read_text() + "<oops>")
    with pytest.raises(ScenarioError) as info:
        load_any(d)
    assert info.value.problems[0].line is not None and info.value.problems[0].line > 3


# GENIUS's NonlinearUtilitySpace (read against its source): a box's utility is multiplied by
# its own `weight` attribute; only the first <ufun> of <utility> is read; a box holding both
# INCLUDES and EXCLUDES is an exclusive box of the EXCLUDES alone. zopa summed every <ufun>,
# ignored the box weight and nested <ufun>s, and read a mixed box as both: each gave utilities
# that are not GENIUS's, so a Nash point off the Pareto file GENIUS ships.


def test_a_box_weight_multiplies_its_utility(tmp_path):
    d = _folder(tmp_path, "boxes")
    _edit(
        d / "boxes_a.xml",
        '<hyperRectangle utility="6">',
        '<hyperRectangle utility="6" weight="0.5">',
    )
    s = load_any(d)
    got = sorted(u for _, u in s.party("boxes_a").preferences.hyperrectangles)
    assert got == pytest.approx([0.3, 0.4])  # 6 * 0.5 / 10 and 4 / 10
    a = analyze(s, engine="milp")
    e = analyze(s, engine="enumerate")
    assert a.solutions["nash"] is not None and e.solutions["nash"] is not None
    assert a.solutions["nash"].utilities == pytest.approx(e.solutions["nash"].utilities)


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        (
            "    </ufun>\n",
            '    </ufun>\n    <ufun aggregation="sum"/>\n',
            "GENIUS reads only the first",
        ),
        (
            '<ufun type="PlainUfun" weight="1" aggregation="sum">',
            '<ufun type="PlainUfun" weight="1" aggregation="sum"><ufun aggregation="sum"/>',
            "nested in a <ufun>",
        ),
        (
            '<INCLUDES index="2" min="0" max="4"/>',
            '<EXCLUDES index="2" min="0" max="4"/>',
            "both INCLUDES and EXCLUDES",
        ),
    ],
)
def test_utility_functions_genius_reads_otherwise_are_refused(tmp_path, capsys, old, new, what):
    d = _folder(tmp_path, "boxes")
    _edit(d / "boxes_a.xml", old, new)
    msg = _error(d, capsys)
    assert "boxes_a.xml" in msg and what in msg


def test_a_mixed_box_is_not_written_as_genius(tmp_path):
    data = {
        "title": "mixed",
        "issues": [{"id": f"i{k}", "numeric": {"min": 0, "max": 3, "step": 1}} for k in range(2)],
        "parties": [
            {
                "id": f"p{k}",
                "preferences": {
                    "weights": {},
                    "values": {},
                    "hyperrectangles": [
                        {"when": "i0 <= 1 and not (i1 >= 2 and i1 <= 3)", "utility": 1.0}
                    ],
                },
            }
            for k in range(2)
        ],
    }
    from zopa.model import build_scenario

    with pytest.raises(ScenarioError, match="EXCLUDES ranges alone"):
        write_genius(build_scenario(data), tmp_path / "out")


# GENIUS's NonlinearUtilitySpace.getUtility (read against its source) returns
# min(1, sum of the boxes / maxutility): a package inside boxes worth more than maxutility
# together is worth 1. zopa summed without the cap, so such a package counted above 1 and
# could become the Nash point, the utilitarian one, or an ideal above 1.


def test_a_box_sum_above_maxutility_is_capped_at_1_as_genius_does(tmp_path, capsys):
    d = _folder(tmp_path, "boxes")
    _edit(d / "boxes_a.xml", 'maxutility="10"', 'maxutility="5"')  # 4/5 or 6/5 -> 1
    _edit(d / "boxes_b.xml", 'maxutility="10"', 'maxutility="6"')  # 5/6 + 5/6 -> 1
    s = load_any(d)
    assert s.party("boxes_a").preferences.cap == 1.0

    def ua(x: int, y: int) -> float:  # by hand from the boxes, then GENIUS's cap
        return min(1.0, ((4 if x <= 4 and y <= 4 else 0) + (6 if x >= 5 and y >= 5 else 0)) / 5)

    def ub(x: int, y: int) -> float:
        return min(1.0, ((0 if (x <= 4 and y >= 5) else 5) + (5 if x <= 4 else 0)) / 6)

    ra, rb = 0.2, 0.1
    grid = [(x, y) for x in range(10) for y in range(10)]
    cs = compile_scenario(s)
    for x, y in grid:
        assert list(cs.utility([x, y])) == pytest.approx([ua(x, y), ub(x, y)], abs=1e-10)
    zone = [(x, y) for x, y in grid if ua(x, y) >= ra and ub(x, y) >= rb]
    best = max((ua(x, y) - ra) * (ub(x, y) - rb) for x, y in zone)
    top = max(ua(x, y) + ub(x, y) for x, y in zone)
    for engine in ("enumerate", "milp"):
        a = analyze(s, engine=engine)
        nash, util = a.solutions["nash"], a.solutions["utilitarian"]
        assert nash is not None and util is not None
        got = (nash.utilities["boxes_a"] - ra) * (nash.utilities["boxes_b"] - rb)
        assert math.isclose(got, best, rel_tol=1e-9), engine
        assert math.isclose(sum(util.utilities.values()), top, rel_tol=1e-9), engine
        assert max(u for sol in a.solutions.values() if sol for u in sol.utilities.values()) <= 1
    assert main(["analyze", str(d), "--engine", "milp", "--json"]) == 0
    assert '"boxes_a": 1.2' not in capsys.readouterr().out


def test_hyperrectangle_profile_reaches_exactly_1_on_the_anac_folder(shared_data: Path) -> None:
    """The 1e10 folder's boxes sum to 1.37 and 1.31 of maxutility at most on paper; GENIUS's
    Pareto file tops at 1.0 for each, and so does zopa's ideal."""
    from zopa.analysis.milp import ideal

    s = load_any(shared_data / "anac" / "10issues_hyperrect")
    cs = compile_scenario(s)
    assert list(cs.caps) == [1.0, 1.0]
    assert ideal(cs) == pytest.approx([1.0, 1.0])


def test_genius_reads_the_profile_by_its_type(tmp_path, capsys):
    """type="nonlinear": the boxes alone (weights ignored); no type: additive (boxes ignored)."""
    d = _folder(tmp_path, "boxes")
    _edit(
        d / "boxes_a.xml",
        '<utility maxutility="10">',
        '<weight index="1" value="1"/>\n<utility maxutility="10">',
    )
    s = load_any(d)
    assert any("boxes_a.xml" in w and "<weight>" in w and "ignored" in w for w in s.warnings)
    assert all(w == 0 for w in s.party("boxes_a").preferences.weights.values())
    d = _folder(tmp_path / "2", "boxes")
    _edit(d / "boxes_a.xml", '<utility_space type="nonlinear">', "<utility_space>")
    msg = _error(d, capsys)
    assert "boxes_a.xml" in msg and 'type="nonlinear"' in msg and "no weights" in msg
    d = _folder(tmp_path / "3", "boxes")
    _edit(d / "boxes_a.xml", "<utility maxutility", "<nothing maxutility")
    _edit(d / "boxes_a.xml", "</utility>", "</nothing>")
    msg = _error(d, capsys)
    assert "boxes_a.xml" in msg and "no hyper-rectangle" in msg


def test_genius_additive_profile_with_boxes_ignores_them_with_a_warning(tmp_path):
    d = _folder(tmp_path)
    _edit(
        d / "trade_buyer.xml",
        "</objective>",
        '<utility maxutility="1"><ufun aggregation="sum"><hyperRectangle utility="1">'
        "</hyperRectangle></ufun></utility></objective>",
    )
    s = load_any(d)
    assert not s.party("trade_buyer").preferences.hyperrectangles
    assert any("trade_buyer.xml" in w and "hyper-rectangles" in w for w in s.warnings)


def test_genius_writer_refuses_utilities_genius_would_compute_otherwise(tmp_path):
    from zopa.model import build_scenario

    def scenario(prefs: dict[str, object]) -> Scenario:
        return build_scenario(
            {
                "title": "w",
                "issues": [{"id": "i0", "numeric": {"min": 0, "max": 3, "step": 1}}],
                "parties": [{"id": "p", "preferences": prefs}],
            }
        )

    boxes = [{"when": "i0 <= 2", "utility": 0.7}, {"when": "i0 >= 1", "utility": 0.7}]
    write_genius(scenario({"weights": {}, "hyperrectangles": boxes, "cap": 1}), tmp_path / "ok")
    back = load_any(tmp_path / "ok")
    assert compile_scenario(back).utility([1])[0] == 1.0
    with pytest.raises(ScenarioError, match="caps a hyper-rectangle profile's utility at 1"):
        write_genius(scenario({"weights": {}, "hyperrectangles": boxes}), tmp_path / "a")
    with pytest.raises(ScenarioError, match="caps a hyper-rectangle"):
        write_genius(
            scenario({"weights": {}, "hyperrectangles": boxes, "cap": 0.9}), tmp_path / "b"
        )
    with pytest.raises(ScenarioError, match="additive profiles have no cap"):
        write_genius(
            scenario({"weights": {"i0": 1}, "values": {"i0": {3: 1}}, "cap": 0.5}),
            tmp_path / "c",
        )
    with pytest.raises(ScenarioError, match="by its hyper-rectangles alone"):
        write_genius(
            scenario(
                {"weights": {"i0": 1}, "values": {"i0": {3: 1}}, "hyperrectangles": boxes[:1]}
            ),
            tmp_path / "d",
        )


def test_a_cap_that_is_not_positive_is_refused(tmp_path, capsys):
    f = tmp_path / "s.yaml"
    f.write_text(
        "title: t\nissues: [{id: a, options: [x, y]}]\n"
        "parties:\n- id: p\n  preferences: {weights: {a: 1}, values: {a: {x: 1, y: 0}}, cap: 0}\n"
    )
    assert main(["analyze", str(f)]) == 2
    err = capsys.readouterr().err
    assert "cap" in err and "s.yaml" in err and "Traceback" not in err


def test_the_whole_frontier_of_the_1e10_folder_is_genius_pareto_file(shared_data: Path) -> None:
    """Every point of the Pareto file GENIUS ships, and no other: the exact two-party frontier
    by MILPs (the most for one party above each step of the other), utilities capped at 1."""
    from zopa.analysis.milp import INF, PackageModel
    from zopa.model.compiled import SLACK

    folder = shared_data / "anac" / "10issues_hyperrect"
    cs = compile_scenario(load_any(folder))

    def most(p: int, q: int, floor: float) -> list[int] | None:
        m = PackageModel(cs)
        m.add_row(*m.utility_terms(q), floor, INF)
        out = m.solve(dict(zip(*m.utility_terms(p), strict=True)), maximize=True)
        return None if out is None else out[0]

    got, floor = [], -1.0
    while (a := most(1, 0, floor)) is not None:
        b = most(0, 1, float(cs.utility(a)[1]) - SLACK)
        assert b is not None
        u = cs.utility(b)
        got.append((float(u[0]), float(u[1])))
        floor = float(u[0]) + 1e-6
    text = (folder / "pareto.xml").read_text()
    want = [tuple(float(x) for x in ln.split(",")) for ln in text.split("\n") if "," in ln]
    assert len(got) == len(want) == 10
    for g, w in zip(got, sorted(want), strict=True):
        assert g == pytest.approx(w, abs=1e-6)


def test_convert_names_the_file_and_place_genius_cannot_hold(tmp_path, capsys):
    src = tmp_path / "capless.yaml"
    src.write_text(
        "title: t\nissues: [{id: i0, numeric: {min: 0, max: 3, step: 1}}]\nparties:\n"
        "- id: p\n  preferences:\n    weights: {}\n    hyperrectangles:\n"
        '    - {when: "i0 <= 2", utility: 0.7}\n    - {when: "i0 >= 1", utility: 0.7}\n'
    )
    assert main(["convert", str(src), str(tmp_path / "g"), "--to", "genius"]) == 2
    err = capsys.readouterr().err
    assert f"{src}: parties[0].preferences" in err and "caps" in err and "cap: 1" in err
    assert "Traceback" not in err and not (tmp_path / "g").exists()
