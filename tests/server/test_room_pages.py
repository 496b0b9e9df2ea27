"""The room's pages over HTTP (no browser): the guided form saves what the API would store,
errors are pages with the API's status, answers read in words, charts carry no inline style."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import ukraine_data
from tests.server.pageclient import csrf_of, sign_in


@pytest.fixture
def room(tmp_path: Path, key: Any) -> Iterator[tuple[Any, Any]]:
    from zopa.server import Policy, create_app, create_room, open_db
    from zopa.server.auth import LoginLimiter

    db = open_db(f"sqlite:///{tmp_path / 'room.db'}")
    policy = Policy.model_validate({"mediator": {"zone_size": True, "suggestion": "nash"}})
    made = create_room(db, key, ukraine_data(), policy=policy)
    yield create_app(db, key, limiter=LoginLimiter(limit=10_000)), made
    db.dispose()


def _fields(party: str) -> dict[str, str]:
    """The example's preferences of ``party`` as the form's inputs would send them."""
    from zopa.elicit import from_block
    from zopa.model import build_scenario
    from zopa.server.preference_pages import form_fields

    full = build_scenario(copy.deepcopy(ukraine_data()))
    fields = form_fields(from_block(full, party))
    fields["walk_away"] = ""  # found by comparison, not typed
    fields["version"] = "0"  # the version the page was opened on: none saved yet
    return fields


def _stored(app: Any, made: Any, party: str) -> dict[str, Any]:
    from zopa.server import disclose
    from zopa.server.rooms import Caller

    ra = app.state.room_app
    with ra.db.read() as s:
        from sqlalchemy import select

        from zopa.server.db import Member

        mid = s.scalar(
            select(Member.id).where(Member.room_id == made.room, Member.party_id == party)
        )
    own = disclose.own_preferences(ra.db, ra.key, Caller(mid, made.room, "delegation", party))
    assert own.preferences is not None
    return own.preferences


def test_the_form_saves_the_block_a_file_would_hold_and_reads_it_back(room: Any) -> None:
    app, made = room
    c, csrf = sign_in(app, made.delegations["ukraine"], made.room)
    got = c.post(f"/rooms/{made.room}/preferences/form", data={**_fields("ukraine"), "csrf": csrf})
    assert got.status_code == 303 and got.headers["location"].endswith("/preferences/walkaway")
    block = _stored(app, made, "ukraine")
    assert "territory != recognise" in block["red_lines"]
    assert "army_cap >= 600000" in block["red_lines"]
    assert block["values"]["army_cap"] == {"500000": 0.0, "900000": 1.0}
    page = c.get(f"/rooms/{made.room}/preferences").text
    assert 'name="points.territory" value="20.8"' in page
    assert re.search(r'name="never.territory.recognise"\s+checked', page)
    # the advanced tab shows the same block, labelled; saving it there shows in the form
    yml = c.get(f"/rooms/{made.room}/preferences/advanced").text
    assert "territory: 20.8  # Donetsk, Luhansk and Crimea" in yml
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", yml, re.S).group(1)  # type: ignore[union-attr]
    import html

    text = html.unescape(text).replace("amnesty: 4.2", "amnesty: 10.4")
    version = re.search(r'name="version" value="(\d+)"', yml).group(1)  # type: ignore[union-attr]
    assert version == "1"
    saved = c.post(
        f"/rooms/{made.room}/preferences", data={"text": text, "csrf": csrf, "version": version}
    )
    assert saved.status_code == 303
    assert 'name="points.amnesty" value="9.8"' in c.get(f"/rooms/{made.room}/preferences").text


def test_form_mistakes_come_back_in_words_next_to_their_fields_with_what_was_typed(
    room: Any,
) -> None:
    app, made = room
    c, csrf = sign_in(app, made.delegations["russia"], made.room)
    fields = _fields("russia")
    fields["rate.nato.consensus"] = ""
    fields["points.territory"] = "50"
    fields["shape.army_cap"] = ""
    got = c.post(f"/rooms/{made.room}/preferences/form", data={**fields, "csrf": csrf})
    assert got.status_code == 422
    assert 'id="f-err-ratings-nato"' in got.text
    assert "NATO membership: rate every option (2 of 3 rated)" in got.text
    assert "Cap on Ukraine&#39;s armed forces in peacetime: choose the shape" in got.text
    assert 'name="points.territory" value="50"' in got.text  # kept as typed
    assert c.get(f"/rooms/{made.room}/preferences/advanced").text.count("weights:") == 1


def test_the_preview_shows_own_standing_on_each_draft_and_nothing_of_others(room: Any) -> None:
    app, made = room
    c, csrf = sign_in(app, made.delegations["ukraine"], made.room)
    got = c.post(
        f"/rooms/{made.room}/preferences/preview", data={**_fields("ukraine"), "csrf": csrf}
    )
    assert got.status_code == 200
    assert "US 28-point draft" in got.text and "of 100" in got.text
    assert "Donetsk, Luhansk and Crimea is not “de facto Russian" in got.text
    assert "Russia" not in got.text.replace("Russian", "")
    # nothing was stored or disclosed by previewing
    assert "None yet" in c.get(f"/rooms/{made.room}/disclosures").text


def test_the_walk_away_is_bracketed_by_yes_no_answers_and_saved(room: Any) -> None:
    from zopa.elicit import ladder
    from zopa.server import rooms as room_ops

    app, made = room
    c, csrf = sign_in(app, made.delegations["europe"], made.room)
    c.post(f"/rooms/{made.room}/preferences/form", data={**_fields("europe"), "csrf": csrf})
    block = _stored(app, made, "europe")
    with app.state.room_app.db.read() as s:
        info = room_ops.load_room(s, made.room)
    rungs = ladder(room_ops.validate_preferences(info.public, "europe", block), "europe")
    truth = 0.5
    answers: dict[str, str] = {}
    page = c.get(f"/rooms/{made.room}/preferences/walkaway").text
    for _ in range(10):
        m = re.search(r'name="ask" value="(\d+)"', page)
        if m is None:
            break
        k = int(m.group(1))
        yes = rungs[k].utility >= truth
        page = c.post(
            f"/rooms/{made.room}/preferences/walkaway",
            data={
                **answers,
                "ask": str(k),
                "answer": "yes" if yes else "no",
                "csrf": csrf,
                "version": "1",
            },
        ).text
        answers[f"a.{k}"] = "yes" if yes else "no"
    assert "lies between" in page
    done = c.post(
        f"/rooms/{made.room}/preferences/walkaway",
        data={**answers, "save": "1", "csrf": csrf, "version": "1"},
    )
    assert done.status_code == 303
    r = _stored(app, made, "europe")["reservation"]
    assert all((x.utility >= r) == (x.utility >= truth) for x in rungs)


def test_an_order_alone_is_enough_and_ratings_beside_it_must_follow_it(room: Any) -> None:
    app, made = room
    c, csrf = sign_in(app, made.delegations["ukraine"], made.room)
    fields = _fields("ukraine")
    page = c.get(f"/rooms/{made.room}/preferences").text
    # every categorical option has a place select with a label, 1 the best
    assert 'id="f-place-nato-consensus"' in page and 'for="f-place-nato-consensus"' in page
    for o in ("constitutional_ban", "consensus", "open_door"):
        fields[f"rate.nato.{o}"] = ""  # no ratings: the order alone
    fields |= {
        "place.nato.open_door": "1",
        "place.nato.consensus": "2",
        "place.nato.constitutional_ban": "2",
    }
    got = c.post(f"/rooms/{made.room}/preferences/form", data={**fields, "csrf": csrf})
    assert got.status_code == 303, got.text
    nato = _stored(app, made, "ukraine")["values"]["nato"]
    assert nato == {"open_door": 1.0, "consensus": 0.0, "constitutional_ban": 0.0}
    again = c.get(f"/rooms/{made.room}/preferences").text
    assert re.search(r'name="place.nato.consensus"[^>]*>.*?<option value="2" selected>', again)
    assert 'name="rate.nato.consensus" value=""' in again  # an order shows as an order
    # ratings that contradict the order: the message names both options, next to the field
    fields |= {"version": "1", "rate.nato.open_door": "10", "rate.nato.consensus": "50"}
    fields["rate.nato.constitutional_ban"] = "50"
    bad = c.post(f"/rooms/{made.room}/preferences/form", data={**fields, "csrf": csrf})
    assert bad.status_code == 422
    assert 'id="f-err-order-nato"' in bad.text
    assert (
        "NATO membership: your order puts “an explicit path to membership” above “constitutional "
        "ban; no NATO troops in Ukraine” but your ratings do not"
    ) in bad.text
    assert 'name="rate.nato.open_door" value="10"' in bad.text  # kept as typed
    half = {
        **fields,
        "rate.nato.open_door": "",
        "rate.nato.consensus": "",
        "rate.nato.constitutional_ban": "",
    }
    half["place.nato.constitutional_ban"] = ""
    got = c.post(f"/rooms/{made.room}/preferences/form", data={**half, "csrf": csrf})
    assert got.status_code == 422
    assert "NATO membership: give every option a place (2 of 3 placed)" in got.text


def test_a_save_from_a_stale_page_is_refused_with_what_was_typed_kept(room: Any) -> None:
    app, made = room
    c, csrf = sign_in(app, made.delegations["russia"], made.room)
    first = c.post(f"/rooms/{made.room}/preferences/form", data={**_fields("russia"), "csrf": csrf})
    assert first.status_code == 303
    # two tabs opened on version 1; the second saves first
    fields = {**_fields("russia"), "version": "1", "walk_away": "0.4"}
    assert (
        c.post(f"/rooms/{made.room}/preferences/form", data={**fields, "csrf": csrf}).status_code
        == 303
    )
    moved = round(float(fields["points.territory"]) + 1, 1)
    fields["points.territory"] = str(moved)
    fields["points.nato"] = str(round(float(fields["points.nato"]) - 1, 1))
    stale = c.post(f"/rooms/{made.room}/preferences/form", data={**fields, "csrf": csrf})
    assert stale.status_code == 409
    assert "another save of your delegation&#39;s preferences happened" in stale.text
    assert f'name="points.territory" value="{moved}"' in stale.text  # kept as typed
    assert 'name="version" value="2"' in stale.text  # saving again replaces version 2
    assert _stored(app, made, "russia")["weights"]["territory"] != moved
    import html

    page = c.get(f"/rooms/{made.room}/preferences/advanced").text
    text = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1))  # type: ignore[union-attr]
    yml = c.post(
        f"/rooms/{made.room}/preferences",
        data={"text": text + "# mine\n", "csrf": csrf, "version": "1"},
    )
    assert yml.status_code == 409 and "# mine" in yml.text
    walk = c.post(
        f"/rooms/{made.room}/preferences/walkaway",
        data={"ask": "0", "answer": "yes", "csrf": csrf, "version": "1"},
    )
    assert walk.status_code == 409 and "start again" in walk.text
    nover = c.post(f"/rooms/{made.room}/preferences/form", data={"csrf": csrf})
    assert nover.status_code == 422 and "reload the page" in nover.text


def test_a_ranking_no_additive_model_explains_names_the_texts_to_revisit(room: Any) -> None:
    app, made = room
    c, csrf = sign_in(app, made.delegations["ukraine"], made.room)
    page = c.get(f"/rooms/{made.room}/preferences/compare")
    assert page.status_code == 200 and "Text H" in page.text
    one = c.post(f"/rooms/{made.room}/preferences/compare", data={"rank.0": "1", "csrf": csrf})
    assert one.status_code == 422 and "at least two of them different places" in one.text
    ranks = {f"rank.{k}": str(k + 1) for k in range(8)}
    got = c.post(f"/rooms/{made.room}/preferences/compare", data={**ranks, "csrf": csrf})
    assert got.status_code in (200, 422)
    if got.status_code == 200:
        assert "fits your ranking" in got.text
    else:
        assert "Look again at Text" in got.text


def test_pages_refuse_with_the_apis_status_as_pages(room: Any) -> None:
    app, made = room
    c, _ = sign_in(app, made.delegations["ukraine"], made.room)
    audit = c.get(f"/rooms/{made.room}/audit")
    assert audit.status_code == 403 and "text/html" in audit.headers["content-type"]
    assert "This page is for the mediator" in audit.text and '"detail"' not in audit.text
    missing = c.get(f"/rooms/{made.room}/drafts/nosuch")
    assert missing.status_code == 404 and "Not found" in missing.text
    early = c.get(f"/rooms/{made.room}/drafts/geneva/feedback", headers={"HX-Request": "true"})
    assert early.status_code == 409 and "enter your preferences first" in early.text
    assert "<html" not in early.text  # an htmx request gets the fragment
    overlap = c.get(f"/rooms/{made.room}/overlap")
    assert overlap.status_code == 403  # the policy does not let delegations ask
    m, _ = sign_in(app, made.mediator, made.room)
    assert m.get(f"/rooms/{made.room}/preferences").status_code == 403
    api = m.get(f"/api/rooms/{made.room}/drafts/nosuch")
    assert api.status_code == 401 or api.headers["content-type"].startswith("application/json")


def test_the_circulate_form_starts_from_the_revised_text_and_keeps_what_was_typed(
    room: Any,
) -> None:
    app, made = room
    m, csrf = sign_in(app, made.mediator, made.room)
    page = m.get(f"/rooms/{made.room}?revises=geneva").text
    geneva = next(d for d in ukraine_data()["drafts"] if d["id"] == "geneva")["package"]
    assert re.search(rf'<option value="{geneva["territory"]}" selected>', page), (
        "the territory option of Geneva is pre-selected"
    )
    data = {"csrf": csrf, "label": "", "revises": "", "issue.nato": "consensus"}
    bad = m.post(f"/rooms/{made.room}/drafts", data=data)
    assert bad.status_code == 422 and "Give the new text a title" in bad.text
    assert '<option value="consensus" selected>' in bad.text
    data["label"] = "Fresh text"
    bad = m.post(f"/rooms/{made.room}/drafts", data=data)
    assert bad.status_code == 422
    assert "Donetsk, Luhansk and Crimea: choose an option" in bad.text
    assert 'value="Fresh text"' in bad.text


def test_answers_read_in_words_and_charts_need_no_inline_style(room: Any) -> None:
    app, made = room
    for party in ("ukraine", "russia", "europe"):
        c, csrf = sign_in(app, made.delegations[party], made.room)
        fields = {**_fields(party), "walk_away": "0.45", "csrf": csrf}
        assert c.post(f"/rooms/{made.room}/preferences/form", data=fields).status_code == 303
    m, _ = sign_in(app, made.mediator, made.room)
    ans = m.get(f"/rooms/{made.room}/overlap")
    assert ans.status_code == 200 and "agreement zone" in ans.text
    assert 'id="budget" hx-swap-oob="true">Disclosure budget: 1 of 50' in ans.text
    home = m.get(f"/rooms/{made.room}").text
    assert "Disclosure budget: 1 of 50 answers used." in home
    assert "<svg" in home and ' style="' not in home.split('id="drafts-timeline"')[1]
    audit = m.get(f"/rooms/{made.room}/audit").text
    assert "Chain intact" in audit and "the delegation of Ukraine" in audit
    assert "entered its preferences (version 1, sealed)" in audit
    ua, _ = sign_in(app, made.delegations["ukraine"], made.room)
    own = ua.get(f"/rooms/{made.room}").text
    assert 'id="own-utility"' in own and ' style="' not in own.split('id="own-utility"')[1]
    assert "Breaks your red line: Donetsk, Luhansk and Crimea is not “de facto Russian" in own
    disc = ua.get(f"/rooms/{made.room}/disclosures").text
    assert (
        "the mediator asked whether an agreement zone exists; your preferences were used "
        "(with those of 2 other delegations); the answer: yes, an agreement zone exists"
    ) in disc
    assert csrf_of(disc)


def test_pairs_are_asked_until_settled_and_the_fit_is_shown_back(room: Any) -> None:
    from zopa.elicit import propose
    from zopa.model import build_scenario
    from zopa.model.compiled import compile_scenario
    from zopa.server.preference_pages import COMPARE_PACKAGES, _seed

    app, made = room
    c, csrf = sign_in(app, made.delegations["ukraine"], made.room)
    full = build_scenario(copy.deepcopy(ukraine_data()))
    public = build_scenario(copy.deepcopy(ukraine_data()), require_preferences=False)
    texts = propose(public, COMPARE_PACKAGES, _seed(made.room, "ukraine"))
    cs = compile_scenario(full)
    p = cs.party_ids.index("ukraine")
    us = [float(cs.utility(full.indices(t))[p]) for t in texts]
    page = c.get(f"/rooms/{made.room}/preferences/pairs").text
    answers: dict[str, str] = {}
    for _ in range(28):
        m = re.search(r'name="pick" value="(\d+)-(\d+)" id="pick-first"', page)
        if m is None:
            break
        a, b = int(m.group(1)), int(m.group(2))
        better = f"{a}-{b}" if us[a] > us[b] else f"{b}-{a}"
        got = c.post(
            f"/rooms/{made.room}/preferences/pairs", data={**answers, "pick": better, "csrf": csrf}
        )
        assert got.status_code == 200
        answers[f"p.{len(answers)}"] = better
        page = got.text
    assert 'id="settled"' in page and len(answers) < 28  # additivity settles some unasked
    fitted = c.post(
        f"/rooms/{made.room}/preferences/pairs", data={**answers, "fit": "1", "csrf": csrf}
    )
    assert fitted.status_code == 200 and "choices between pairs of texts" in fitted.text
    # answers no additive model gives: the page names a pair to look at again
    flipped = {k: "-".join(reversed(v.split("-"))) if k == "p.0" else v for k, v in answers.items()}
    bad = c.post(
        f"/rooms/{made.room}/preferences/pairs", data={**flipped, "fit": "1", "csrf": csrf}
    )
    if bad.status_code == 422:
        assert "Look again at Text" in bad.text and "(look again)" in bad.text
    else:  # the first answer alone may be free of the others
        assert bad.status_code == 200
    cyc = {"p.0": "0-1", "p.1": "1-2", "p.2": "2-0", "fit": "1", "csrf": csrf}
    got = c.post(f"/rooms/{made.room}/preferences/pairs", data=cyc)
    assert got.status_code == 422 and "Look again at Text" in got.text


def test_a_text_circulates_is_amended_merged_and_its_acceptance_asked_through_the_pages(
    room: Any,
) -> None:
    """The mediator's and delegations' pages without a browser (the Chromium test walks the same
    road with clicks): circulate, amend, merge, consent, ask, audit, disclosures."""
    app, made = room
    r = made.room
    for party in ("ukraine", "russia", "europe"):
        c, csrf = sign_in(app, made.delegations[party], made.room)
        fields = {**_fields(party), "walk_away": "0.45", "csrf": csrf}
        assert c.post(f"/rooms/{r}/preferences/form", data=fields).status_code == 303
    m, mcsrf = sign_in(app, made.mediator, made.room)
    geneva = next(d for d in ukraine_data()["drafts"] if d["id"] == "geneva")["package"]
    typed = {f"issue.{k}": v for k, v in geneva.items()}
    made_draft = m.post(
        f"/rooms/{r}/drafts",
        data={**typed, "issue.nato": "consensus", "label": "Miami text", "csrf": mcsrf},
    )
    assert made_draft.status_code == 303
    where = made_draft.headers["location"]
    assert where == f"/rooms/{r}/drafts/miami-text"
    page = m.get(where).text
    assert "<h1>Miami text <span" in page and "version 1" in page
    assert 'id="ask-acceptability"' in page and "Amendments" in page and "None." in page
    # a forged post (no CSRF token) changes nothing
    forged = m.post(f"/rooms/{r}/drafts", data={**typed, "label": "Forged"})
    assert forged.status_code == 403
    assert "forged" not in m.get(f"/rooms/{r}").text.lower()

    ua, ucsrf = sign_in(app, made.delegations["ukraine"], made.room)
    draft = ua.get(where).text
    assert 'id="amend"' in draft and "Loading what this text means for you" in draft
    fb = ua.get(f"{where}/feedback", headers={"HX-Request": "true"})
    assert fb.status_code == 200 and "<html" not in fb.text and "for you" in fb.text
    unchanged = ua.post(
        f"{where}/amend",
        data={**typed, "issue.nato": "consensus", "base_version": "1", "csrf": ucsrf},
    )
    assert unchanged.status_code == 422
    assert "Change at least one issue before proposing an amendment." in unchanged.text
    amended = {**typed, "issue.nato": "consensus", "issue.elections": "asap_after_signing"}
    stale = ua.post(f"{where}/amend", data={**amended, "base_version": "7", "csrf": ucsrf})
    assert stale.status_code == 409 and "The text moved on while you were editing" in stale.text
    ok = ua.post(f"{where}/amend", data={**amended, "base_version": "1", "csrf": ucsrf})
    assert ok.status_code == 303
    mine = ua.get(where).text
    assert "Elections in Ukraine: “as soon as possible after signing”" in mine
    assert '<span class="status">proposed' in mine

    med = m.get(where).text
    ref = re.search(r"/amendments/([^/]+)/merge", med)
    assert ref is not None and 'class="merge"' in med
    wrong = m.post(f"{where}/amendments/{ref.group(1)}/approve", data={"csrf": mcsrf})
    assert wrong.status_code == 404 and "merged or rejected" in wrong.text
    merged = m.post(
        f"{where}/amendments/{ref.group(1)}/merge", data={"base_version": "1", "csrf": mcsrf}
    )
    assert merged.status_code == 303
    after = m.get(where).text
    assert "version 2" in after and '<span class="status">merged (version 2)' in after
    again = m.post(
        f"{where}/amendments/{ref.group(1)}/reject", data={"base_version": "2", "csrf": mcsrf}
    )
    assert again.status_code in (409, 422) and 'id="error"' in again.text

    eu, eucsrf = sign_in(app, made.delegations["europe"], made.room)
    assert "The mediator may not learn whether you accept a draft." in eu.get(f"/rooms/{r}").text
    given = eu.post(f"/rooms/{r}/consent", data={"acceptability": "yes", "csrf": eucsrf})
    assert given.status_code == 303
    assert "You let the mediator learn whether you accept each draft." in eu.get(f"/rooms/{r}").text
    asked = m.get(f"{where}/acceptability", headers={"HX-Request": "true"})
    assert asked.status_code == 200 and "Who accepts version 2" in asked.text
    row = re.search(r"European governments</th><td[^>]*>([^<]+)<", asked.text)
    assert row is not None and row.group(1) in ("accepts", "does not accept")
    not_told = re.search(r"Ukraine</th><td[^>]*>([^<]+)<", asked.text)
    assert not_told is not None and not_told.group(1).startswith("not told")
    home = m.get(f"/rooms/{r}").text
    assert 'class="acc"' in home and "European governments" in home
    audit = m.get(f"/rooms/{r}/audit").text
    assert "Chain intact" in audit and "merged an amendment of “Miami text”" in audit
    told = eu.get(f"/rooms/{r}/disclosures").text
    assert "the mediator asked" in told and "Miami text" in told
    out = m.post("/logout", data={"csrf": mcsrf})
    assert out.status_code == 303
    assert m.get(f"/rooms/{r}").status_code in (401, 303)
