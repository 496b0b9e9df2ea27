"""The guided form and the scenario format's preferences block: both ways, and its messages."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.elicit import (
    IssueForm,
    PreferenceForm,
    check_form,
    curve,
    from_block,
    share_points,
    to_block,
)
from zopa.model import build_scenario
from zopa.model.compiled import compile_scenario

ROOT = Path(__file__).resolve().parents[2]


def ukraine() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "ukraine-2025.yaml").read_text())
    return data


def _with(data: dict[str, Any], party: str, block: dict[str, Any]) -> Any:
    data = copy.deepcopy(data)
    for p in data["parties"]:
        if p["id"] == party:
            p["preferences"] = block
    return build_scenario(data, require_preferences=False)


def test_a_file_block_reads_as_the_form_and_back_with_the_same_choices() -> None:
    data = ukraine()
    sc = build_scenario(copy.deepcopy(data))
    rng = np.random.default_rng(3)
    idx = rng.integers(0, np.asarray(sc.sizes), size=(3000, len(sc.sizes)))
    before = compile_scenario(sc)
    for party in ("ukraine", "russia", "europe"):
        raw = next(p for p in data["parties"] if p["id"] == party)["preferences"]
        form = from_block(sc, party, raw)
        assert "uncertainty" in form.extra  # the analyst's block is carried, not shown
        block = to_block(sc, form)
        again = _with(data, party, block)
        after = compile_scenario(again)
        p = before.party_ids.index(party)
        # points and ratings are rounded to 0.1: utilities move by less than 0.002
        diff = np.abs(before.utilities(idx)[:, p] - after.utilities(idx)[:, p])
        assert diff.max() < 2e-3
        assert (before.red_line_ok(idx)[:, p] == after.red_line_ok(idx)[:, p]).all()
        assert after.reservation[p] == before.reservation[p]
        # and the form comes back exactly
        assert from_block(again, party, block) == form


def test_red_lines_read_as_never_options_and_numeric_bounds() -> None:
    data = ukraine()
    sc = build_scenario(copy.deepcopy(data))
    ua = from_block(sc, "ukraine")
    assert ua.issue("territory").never == {"recognise"}
    assert ua.issue("security").never == {"none"}
    assert ua.issue("army_cap").at_least == 600000 and ua.issue("army_cap").at_most is None
    assert ua.issue("army_cap").shape == "more"
    ru = from_block(sc, "russia")
    assert ru.issue("territory").never == {"line_of_contact", "restore"}
    raw = next(p for p in data["parties"] if p["id"] == "russia")["preferences"]
    kept = from_block(sc, "russia", raw)  # red lines the uncertainty block names stay as written
    assert "south_front == frozen" in kept.other_red_lines
    assert ru.issue("army_cap").shape == "less"
    eu = from_block(sc, "europe")
    assert eu.issue("army_cap").shape == "custom"  # 500k: 0, 800k: 0.9, 900k: 1
    assert [r for _, r in eu.issue("army_cap").ratings] == [0.0, 30.0, 60.0, 90.0, 100.0]
    assert abs(sum(f.points or 0 for f in ua.issues) - 100) < 1e-9


def test_shares_of_points_add_up_to_exactly_100() -> None:
    assert share_points([5, 2, 3, 1, 5, 2, 1, 2, 1, 1, 1]) == [
        20.8,
        8.3,
        12.5,
        4.2,
        20.8,
        8.3,
        4.2,
        8.3,
        4.2,
        4.2,
        4.2,
    ]
    assert share_points([1, 1, 1]) == [33.4, 33.3, 33.3]


def _small() -> dict[str, Any]:
    return {
        "title": "pay",
        "issues": [
            {"id": "rise", "label": "Pay rise", "options": ["none", "two", "five"]},
            {
                "id": "hours",
                "label": "Weekly hours",
                "numeric": {"min": 35, "max": 40, "step": 1, "unit": "hours"},
            },
        ],
        "parties": [{"id": "union"}, {"id": "board"}],
    }


def test_messages_are_in_the_forms_words_next_to_their_field() -> None:
    sc = build_scenario(_small(), require_preferences=False)
    form = PreferenceForm(
        (
            IssueForm("rise", 60, (("none", 0.0), ("two", None), ("five", None))),
            IssueForm(
                "hours",
                30,
                tuple((o, None) for o in sc.issue("hours").option_ids),
                shape=None,
                at_least=39,
                at_most=36,
            ),
        ),
        walk_away=None,
    )
    got = {p.field: p.message for p in check_form(sc, form)}
    assert got["ratings.rise"] == (
        "Pay rise: rate every option (1 of 3 rated), or give the issue 0 points"
    )
    assert got["shape.hours"] == "Weekly hours: choose the shape of your curve"
    assert (
        got["bounds.hours"] == "Weekly hours: 'at least' (39 hours) is above 'at most' (36 hours)"
    )
    fixed = PreferenceForm(
        (
            IssueForm("rise", 60, (("none", 0.0), ("two", 50.0), ("five", 100.0))),
            IssueForm("hours", 30, (), shape="less"),
        ),
        walk_away=0.4,
    )
    assert [(p.field, p.message) for p in check_form(sc, fixed)] == [
        ("points", "Importance: the points add up to 90; share exactly 100 between the issues")
    ]
    same = PreferenceForm(
        (
            IssueForm("rise", 70, (("none", 50.0), ("two", 50.0), ("five", 50.0))),
            IssueForm("hours", 30, (), shape="less", never=frozenset(sc.issue("hours").option_ids)),
        ),
        walk_away=0.4,
    )
    got = {p.field: p.message for p in check_form(sc, same)}
    assert "rate at least two options differently" in got["ratings.rise"]
    assert "ruled out every option" in got["never.hours"]


def test_curve_shapes_on_a_numeric_grid() -> None:
    sc = build_scenario(_small(), require_preferences=False)
    hours = sc.issue("hours")
    assert curve(hours, "more", None) == (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)
    assert curve(hours, "less", None)[0] == 100.0
    assert curve(hours, "peak", 37) == (0.0, 50.0, 100.0, 100 * 2 / 3, 100 / 3, 0.0)
    assert curve(hours, "threshold", 38) == (0.0, 0.0, 0.0, 100.0, 100.0, 100.0)


@st.composite
def forms(draw: st.DrawFn) -> PreferenceForm:
    sc = build_scenario(_small(), require_preferences=False)
    a = draw(st.integers(0, 100))
    ratings = draw(
        st.lists(st.integers(0, 1000), min_size=3, max_size=3, unique=True).map(
            lambda xs: tuple(x / 10 for x in xs)
        )
    )
    shape = draw(st.sampled_from(["more", "less", "peak", "threshold", "custom"]))
    hours = sc.issue("hours")
    xs = hours.numbers or ()
    at = None
    custom: tuple[tuple[str, float | None], ...] = ()
    if shape == "peak":
        at = draw(st.sampled_from(xs[1:-1]))
    if shape == "threshold":
        at = draw(st.sampled_from(xs[1:]))
    rated = (
        tuple(
            (o, r)
            for o, r in zip(
                hours.option_ids,
                draw(st.lists(st.integers(0, 1000), min_size=6, max_size=6, unique=True)),
            )
        )
        if shape == "custom"
        else ()
    )
    custom = (
        tuple((o, r / 10) for o, r in rated)
        if rated
        else tuple(
            (o, round(v, 1))
            for o, v in zip(hours.option_ids, curve(hours, shape, at))  # type: ignore[arg-type]
        )
    )
    never = frozenset(draw(st.sets(st.sampled_from(["none", "two"]))))
    lo = draw(st.sampled_from([None, 36.0, 37.0]))
    return PreferenceForm(
        (
            IssueForm("rise", float(a), tuple(zip(("none", "two", "five"), ratings)), never=never),
            IssueForm("hours", float(100 - a), custom, shape, at, at_least=lo),  # type: ignore[arg-type]
        ),
        walk_away=draw(st.integers(0, 100)) / 100,
    )


@settings(max_examples=60, deadline=None)
@given(forms())
def test_every_valid_form_survives_the_round_trip_through_the_file_format(
    form: PreferenceForm,
) -> None:
    data = _small()
    sc = build_scenario(data, require_preferences=False)
    assert check_form(sc, form) == []
    block = to_block(sc, form)
    again = _with(data, "union", block)
    back = from_block(again, "union", block)
    assert back.walk_away == form.walk_away
    for f, b in zip(form.issues, back.issues):
        assert b.points == f.points and b.never == f.never and b.at_least == f.at_least
        if f.issue == "hours" and f.shape != "custom":
            assert b.shape == f.shape or b.ratings == f.ratings  # a custom curve may be a shape
        assert [round(r or 0, 6) for _, r in b.ratings] == [round(r or 0, 6) for _, r in f.ratings]


def test_an_order_alone_gives_evenly_spaced_ratings_and_ratings_must_follow_it() -> None:
    from zopa.elicit import places_from_ratings, ratings_from_places

    assert ratings_from_places((("a", 2), ("b", 1), ("c", 3))) == (
        ("a", 50.0),
        ("b", 100.0),
        ("c", 0.0),
    )
    assert ratings_from_places((("a", 1), ("b", 1), ("c", 3))) == (
        ("a", 100.0),
        ("b", 100.0),
        ("c", 0.0),
    )
    assert ratings_from_places((("a", 1), ("b", None))) == ()
    assert places_from_ratings((("a", 20.0), ("b", 90.0), ("c", 20.0))) == (
        ("a", 2),
        ("b", 1),
        ("c", 2),
    )
    sc = build_scenario(_small(), require_preferences=False)
    none = (("none", None), ("two", None), ("five", None))
    hours = IssueForm("hours", 40, (), shape="less")

    def problems(rise: IssueForm) -> dict[str, str]:
        return {p.field: p.message for p in check_form(sc, PreferenceForm((rise, hours), 0.3))}

    ordered = IssueForm("rise", 60, none, places=(("none", 3), ("two", 2), ("five", 1)))
    assert problems(ordered) == {}
    assert to_block(sc, PreferenceForm((ordered, hours), 0.3))["values"]["rise"] == {
        "none": 0.0,
        "two": 0.5,
        "five": 1.0,
    }
    assert problems(IssueForm("rise", 60, none)) == {
        "order.rise": "Pay rise: put the options in order, 1 for the best (0 of 3 placed), or "
        "give the issue 0 points"
    }
    part = IssueForm("rise", 60, none, places=(("none", 3), ("two", None), ("five", 1)))
    assert problems(part)["order.rise"].startswith("Pay rise: give every option a place (2 of 3")
    level = IssueForm("rise", 60, none, places=(("none", 1), ("two", 1), ("five", 1)))
    assert "at least two options in different places" in problems(level)["order.rise"]
    against = IssueForm(
        "rise",
        60,
        (("none", 0.0), ("two", 80.0), ("five", 60.0)),
        places=(("none", 3), ("two", 2), ("five", 1)),
    )
    assert problems(against) == {
        "order.rise": "Pay rise: your order puts “five” above “two” but your ratings do not; "
        "change one, or clear the ratings to go by your order alone"
    }
    # a rated form reads back with the order its ratings give
    back = from_block(
        _with(_small(), "union", to_block(sc, PreferenceForm((against, hours), 0.3))), "union"
    )
    assert back.issue("rise").places == (("none", 3), ("two", 1), ("five", 2))


def test_every_analyst_only_preferences_key_is_carried_through_the_form() -> None:
    """Derived from the schema: a preferences key the form does not show (a cap, boxes, a
    discount, uncertainty) comes back unchanged, so a delegation editing its form in the room
    never drops what the analyst set."""
    from zopa.elicit.form import EXTRA_KEYS
    from zopa.model.spec import PreferencesSpec

    shown = {"weights", "values", "reservation", "red_lines"}
    assert set(PreferencesSpec.model_fields) - shown == set(EXTRA_KEYS)
    data = ukraine()
    sc = build_scenario(copy.deepcopy(data))
    raw = copy.deepcopy(next(p for p in data["parties"] if p["id"] == "ukraine")["preferences"])
    raw["cap"] = 0.9
    raw["discount"] = 0.95
    raw["hyperrectangles"] = [{"when": "nato == open_door", "utility": 0.1}]
    block = to_block(sc, from_block(sc, "ukraine", raw))
    for key in EXTRA_KEYS:
        assert block[key] == raw[key], key
    again = _with(data, "ukraine", block).party("ukraine").preferences
    assert again.cap == 0.9 and again.discount == 0.95 and len(again.hyperrectangles) == 1
