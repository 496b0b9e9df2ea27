"""What `zopa simulate` tells an analyst: protocol fitting the parties, who blocked, events."""

from __future__ import annotations

from pathlib import Path

import pytest

from zopa.cli import main
from zopa.io import load_scenario
from zopa.negotiate import SessionConfig, Status, simulate
from zopa.vocab import party_label, percent, possessive

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
UKRAINE = EXAMPLES / "ukraine-2025.yaml"
WATER = EXAMPLES / "negotiation" / "water.yaml"


def test_auto_protocol_fits_the_party_count() -> None:
    three = simulate(load_scenario(UKRAINE), {}, config=SessionConfig(deadline=5), seed=1)
    assert three.protocol == "stacked"
    two = simulate(load_scenario(WATER), {}, config=SessionConfig(deadline=5), seed=1)
    assert two.protocol == "alternating"


def test_default_simulate_runs_on_the_three_party_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["simulate", str(UKRAINE), "--deadline", "40"]) == 0
    out = capsys.readouterr().out
    assert "stacked alternating offers" in out


def test_fired_events_say_what_they_changed() -> None:
    s = load_scenario(UKRAINE)
    r = simulate(s, {}, protocol="stacked", config=SessionConfig(deadline=60), seed=1)
    fired = {(e.round, e.party): e for e in r.events}
    assert set(fired) == {(20, "russia"), (30, "ukraine")}
    ev = fired[(20, "russia")]
    assert ev.reservation_before == pytest.approx(0.45)
    assert ev.reservation_after == pytest.approx(0.40)
    assert "reservation 0.450 -> 0.400" in ev.describe()
    assert r.to_dict()["events"][0]["note"] == ev.note
    quiet = simulate(
        s, {}, protocol="stacked", config=SessionConfig(deadline=60, events=False), seed=1
    )
    assert quiet.events == ()


def test_final_vote_names_who_voted_no() -> None:
    s = load_scenario(UKRAINE)
    r = simulate(
        s,
        {"russia": "hardliner"},
        protocol="single-text",
        config=SessionConfig(deadline=30),
        seed=0,
    )
    assert r.status is Status.NO_AGREEMENT
    assert "russia" in r.blocked_by
    assert r.summary.startswith("no agreement: rejected by")
    assert r.last_offer is not None  # the text that was put to the vote


def test_deadline_names_who_the_last_offer_fails() -> None:
    s = load_scenario(UKRAINE)
    r = simulate(s, {}, protocol="stacked", config=SessionConfig(deadline=3), seed=1)
    assert r.status is Status.DEADLINE
    assert r.last_offer is not None
    # blocked_by is exactly the parties to whom the last offer is unacceptable
    space = r.space
    assert space is not None
    row = space.row({k: str(v) for k, v in r.last_offer.items()})
    expected = tuple(
        p for p, prof in zip(space.parties, space.profiles, strict=True) if not prof.acceptable(row)
    )
    assert r.blocked_by == expected
    assert r.summary.startswith("no agreement: the deadline passed")


def test_agreement_has_no_blockers() -> None:
    r = simulate(load_scenario(WATER), {}, config=SessionConfig(deadline=60), seed=1)
    if r.agreement:
        assert r.blocked_by == () and r.summary == f"agreement in round {r.round}"


def test_session_figure_content() -> None:
    from zopa.negotiate.tournament import Ranking
    from zopa.report.negotiate import ranking_figure, session_figure

    r = simulate(load_scenario(WATER), {}, config=SessionConfig(deadline=60), seed=1)
    fig = session_figure(r)
    ax = fig.axes[0]
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"packages", "Pareto frontier", "reservations (start)"} <= legend
    s = load_scenario(WATER)
    assert {f"{possessive(party_label(s, p))} offers" for p in r.parties} <= legend
    assert ("agreement" in legend) == r.agreement
    assert ax.get_xlabel() == f"utility of {party_label(s, r.parties[0])}"
    assert r.summary in ax.get_title()
    ranking = (Ranking("boulware", 0.7, 0.5, 4), Ranking("conceder", 0.6, 1.0, 4))
    rfig = ranking_figure(ranking)
    texts = {t.get_text() for t in rfig.axes[0].texts}
    assert texts == {f"{percent(0.5)} agree", f"{percent(1.0)} agree"}
    assert [t.get_text() for t in rfig.axes[0].get_yticklabels()] == ["conceder", "boulware"]
