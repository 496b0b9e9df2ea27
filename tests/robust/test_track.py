"""`zopa track`: a reviewed evidence log replayed date by date, on the bundled reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES
from zopa.cli import main
from zopa.io import load_any
from zopa.robust import robustness
from zopa.robust.track import parse_dateline_date, read_log, track

LOG = EXAMPLES / "robust" / "ukraine-log.yaml"
REPORTS = [
    EXAMPLES / "news" / "geneva-revision.txt",
    EXAMPLES / "news" / "kremlin-revisions.txt",
    EXAMPLES / "news" / "berlin-plan.txt",
]
SCENARIO = EXAMPLES / "ukraine-2025.yaml"


def test_the_bundled_log_replays_in_date_order_with_the_json_keys(capsys):
    args = ["track", str(SCENARIO), *map(str, REPORTS), "--log", str(LOG), "--year", "2025"]
    assert main([*args, "--samples", "1500", "--since", "2025-12-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    steps = out["steps"]
    assert [s["date"] for s in steps] == ["2025-11-23", "2025-11-24", "2025-12-02", "2025-12-24"]
    for s in steps:
        assert set(s) >= {"date", "source", "evidence", "p_zone", "p_zone_ci", "drafts"}
        lo, hi = s["p_zone_ci"]
        assert lo <= s["p_zone"] <= hi
        assert set(s["drafts"]) == {"us-28", "europe", "geneva", "plan-20"}
    assert steps[1]["evidence"] == []  # the only item of that day was rejected in review
    assert out["rejected"] == 1
    assert steps[3]["evidence"] == [
        "russia rejects plan-20 (confidence 0.7)",
        "ukraine accepts plan-20 (confidence 0.95)",
    ]
    assert "evidence that arrived" in out["since"]["in_words"][1]


def test_each_step_is_robust_with_the_evidence_known_by_then():
    """The last step equals a plain robustness run of the scenario plus every accepted item."""
    s = load_any(SCENARIO)
    log = read_log(str(LOG))
    t = track(s, log, samples=1200, seed=4)
    from zopa.robust.track import _with_evidence

    full = _with_evidence(s, [i for i in log if i.accepted])
    r = robustness(full, samples=1200, seed=4, sensitivity_samples=0)
    assert t.steps[-1].zone.probability == r.zone.probability
    assert t.steps[-1].drafts["plan-20"].probability == r.drafts["plan-20"].all.probability
    first = robustness(s, samples=1200, seed=4, sensitivity_samples=0)
    assert t.steps[0].zone.probability == first.zone.probability
    # soft "russia rejects plan-20" lowers the odds that every gating party accepts plan-20
    assert t.steps[-1].drafts["plan-20"].probability < t.steps[0].drafts["plan-20"].probability


def test_track_writes_the_chart(tmp_path, capsys):
    png = tmp_path / "odds.png"
    args = ["track", str(SCENARIO), str(REPORTS[2]), "--log", str(LOG), "--samples", "800"]
    assert main([*args, "--plot", str(png)]) == 0
    assert png.stat().st_size > 10_000
    out = capsys.readouterr().out
    assert "Timeline" in out and "What changed since" in out


def test_a_report_without_a_year_needs_one(capsys):
    assert main(["track", str(SCENARIO), str(REPORTS[1]), "--samples", "100"]) == 2
    err = capsys.readouterr().err
    assert "its dateline says 'Dec 2'" in err and "--date" in err
    assert parse_dateline_date("Dec 2", 2025) == "2025-12-02"
    assert parse_dateline_date("December 24, 2025", None) == "2025-12-24"
    assert parse_dateline_date("Feb 30", 2025) is None


@pytest.mark.parametrize(
    "item,message",
    [
        ({"date": "2025-13-01", "status": "accepted"}, "is not a calendar date"),
        ({"date": "2025-12-01", "status": "maybe"}, "status"),
        ({"date": "2025-12-01"}, "missing required key `status`"),
    ],
)
def test_a_bad_log_is_named_with_its_place(tmp_path, capsys, item, message):
    log = tmp_path / "log.yaml"
    log.write_text(yaml.safe_dump([{"party": "russia", "rejects": "europe", "source": "x"} | item]))
    assert main(["track", str(SCENARIO), "--log", str(log)]) == 2
    err = capsys.readouterr().err
    assert message in err and "[0]" in err and "Traceback" not in err


def test_a_log_item_that_does_not_fit_the_scenario_names_its_place(tmp_path, capsys):
    log = tmp_path / "log.yaml"
    item = {
        "date": "2025-12-01",
        "status": "accepted",
        "party": "russia",
        "rejects": "nope",
        "source": "x",
    }
    log.write_text(yaml.safe_dump([item]))
    assert main(["track", str(SCENARIO), "--log", str(log), "--samples", "100"]) == 2
    err = capsys.readouterr().err
    assert "log item [0] (2025-12-01)" in err and "unknown draft `nope`" in err


def test_review_writes_only_what_the_analyst_accepts(tmp_path, monkeypatch, capsys):
    log = tmp_path / "log.yaml"
    import io

    # three suggestions in the Berlin report's reading order: accept, reject, skip the rest
    monkeypatch.setattr("sys.stdin", io.StringIO("a\nr\ns\ns\ns\n"))
    args = ["track", str(SCENARIO), str(REPORTS[2]), "--log", str(log), "--review"]
    assert main([*args, "--samples", "300"]) == 0
    written = yaml.safe_load(log.read_text())
    assert [w["status"] for w in written] == ["accepted", "rejected"]
    assert all(w["date"] == "2025-12-24" for w in written)
    assert {"party", "source", "confidence"} <= set(written[0])
    # a second review asks only about what is not in the log yet
    monkeypatch.setattr("sys.stdin", io.StringIO("s\ns\ns\n"))
    assert main([*args, "--samples", "300"]) == 0
    assert yaml.safe_load(log.read_text()) == written
    assert "add" not in capsys.readouterr().err.split("reviewed item(s) added")[-1]


def test_track_needs_a_log_or_reports(capsys):
    assert main(["track", str(SCENARIO)]) == 2
    assert "give --log" in capsys.readouterr().err
    missing = Path("no-such-log.yaml")
    assert main(["track", str(SCENARIO), "--log", str(missing)]) == 2
