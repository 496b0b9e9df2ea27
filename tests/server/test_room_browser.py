"""The whole room in headless Chromium (Debian's, driven by Playwright): delegations sign in
from their invite links and enter preferences through the form (a mistake is reported with
its line, as a file's would be), the mediator asks about the overlap and circulates a draft,
a delegation sees its utility and red-line warnings and proposes an amendment, the mediator
merges it and reads the audit trail. Screenshots go to out/test-artifacts/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, CHROMIUM_ARGS, need
from tests.server.conftest import ukraine_data
from tests.server.serving import Server

ART = ARTIFACTS


def _yaml(block: Any) -> str:
    import yaml

    return yaml.safe_dump(json.loads(json.dumps(block)), sort_keys=False)


def test_room_end_to_end_in_chromium(tmp_path: Path, room_key: str, key: Any) -> None:
    chromium = need("ZOPA_TEST_CHROMIUM", "the browser test")
    from playwright.sync_api import expect, sync_playwright

    from zopa.server import Policy, create_room, open_db

    ART.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{tmp_path / 'room.db'}"
    db = open_db(url)
    policy = Policy.model_validate({"mediator": {"zone_size": True, "suggestion": "nash"}})
    made = create_room(db, key, ukraine_data(), policy=policy)
    db.dispose()
    server = Server(url, {"ZOPA_ROOM_KEY": room_key}, tmp_path / "serve.log")
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

            def signed_in(token: str) -> Any:
                ctx = browser.new_context(viewport={"width": 1200, "height": 900})
                page = ctx.new_page()
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.goto(f"{server.url}/login#{made.room}:{token}")
                assert "#" not in page.url  # the token left the address bar
                page.click("button[type=submit]")
                expect(page.locator("#who")).to_be_visible()
                return ctx, page

            # a wrong token is refused
            ctx0 = browser.new_context()
            p0 = ctx0.new_page()
            p0.goto(f"{server.url}/login")
            p0.fill("#token", "not-a-token")
            p0.click("button[type=submit]")
            expect(p0.locator("#login-error")).to_contain_text("not valid")
            ctx0.close()

            parties = {p["id"]: p["preferences"] for p in ukraine_data()["parties"]}
            pages = {}
            for party in ("ukraine", "russia", "europe"):
                ctx, page = signed_in(made.delegations[party])
                pages[party] = (ctx, page)
                expect(page.locator("#entered")).to_contain_text("Not entered")
                page.click("text=Enter them")
                if party == "ukraine":
                    bad = _yaml(parties[party]).replace("reservation: 0.45", "reservation: 1.45")
                    page.fill("#text", bad)
                    page.click("text=Check and save")
                    expect(page.locator("#problems")).to_contain_text("preferences.reservation")
                    line = bad.splitlines().index("reservation: 1.45") + 1
                    expect(page.locator("#problems")).to_contain_text(f"line {line}")
                    page.screenshot(path=str(ART / "room-preferences-error.png"), full_page=True)
                page.fill("#text", _yaml(parties[party]))
                page.click("text=Check and save")
                expect(page.locator("#saved")).to_be_visible()
            cookies = pages["ukraine"][0].cookies()
            session = next(c for c in cookies if c["name"] == "zopa_session")
            assert session["httpOnly"] is True and session["sameSite"] == "Strict"

            # a form post without the CSRF token is refused
            ua_ctx, ua = pages["ukraine"]
            forged = ua_ctx.request.post(
                f"{server.url}/rooms/{made.room}/consent", form={"acceptability": "yes"}
            )
            assert forged.status == 403

            _, med = signed_in(made.mediator)
            expect(med.locator("#readiness")).to_contain_text("waiting")  # united_states
            med.click("#ask-overlap")
            expect(med.locator("#overlap-exists")).to_contain_text("An agreement zone exists")
            expect(med.locator("#overlap-answer")).to_contain_text("nash rule")
            # the suggested package reads in labels, with the ids beside them
            expect(med.locator("#overlap-answer")).to_contain_text("Kherson and Zaporizhzhia front")
            expect(med.locator("#overlap-answer")).to_contain_text("south_front=")
            med.screenshot(path=str(ART / "room-mediator-overview.png"), full_page=True)
            med.fill("#new-draft input[name=label]", "Miami text")
            med.select_option("#new-draft select[name=revises]", "geneva")
            med.select_option("#new-draft select[name='issue.nato']", "consensus")
            med.click("#new-draft button[type=submit]")
            expect(med.locator("h1")).to_contain_text("Miami text")

            # the delegation sees what the drafts mean for it, and only for it
            ua.goto(f"{server.url}/rooms/{made.room}")
            expect(ua.locator("#fb-us-28")).to_contain_text("breaks your red line")
            expect(ua.locator("#fb-miami-text")).to_contain_text("your utility")
            ua.screenshot(path=str(ART / "room-delegation-drafts.png"), full_page=True)
            assert "russia" not in ua.locator("#drafts").inner_text().lower()
            ua.click("text=Miami text")
            expect(ua.locator("#feedback")).to_contain_text("acceptable")
            ua.select_option("select[name='issue.amnesty']", "none")
            ua.select_option("select[name='issue.elections']", "asap_after_signing")
            ua.click("#amend button[type=submit]")
            expect(ua.locator("#amendments")).to_contain_text("elections → asap_after_signing")

            # russia amends from a stale text version in its own tab: refused with 409
            # (ukraine's proposal made no new version: russia cannot tell it was made)
            ru = pages["russia"][1]
            ru.goto(f"{server.url}/rooms/{made.room}/drafts/miami-text")
            expect(ru.locator("h1")).to_contain_text("v1")
            ru.evaluate("document.querySelector('input[name=base_version]').value = '0'")
            ru.select_option("select[name='issue.amnesty']", "full")
            ru.click("#amend button[type=submit]")
            expect(ru.locator("#error")).to_contain_text("is at version 1, not 0")

            # europe consents; the mediator asks who accepts the draft
            eu = pages["europe"][1]
            eu.goto(f"{server.url}/rooms/{made.room}")
            eu.click("#consent button")
            med.reload()
            med.click("#ask-acceptability")
            expect(med.locator("#acceptability-answer")).to_contain_text("europe")
            expect(med.locator("#acceptability-answer")).to_contain_text("accepts")
            expect(med.locator("#acceptability-answer")).to_contain_text("not told")
            med.click("button.merge")
            expect(med.locator("#amendments .status")).to_contain_text("merged")
            med.screenshot(path=str(ART / "room-mediator-merge.png"), full_page=True)
            med.click("text=audit")
            expect(med.locator("#chain")).to_contain_text("Chain intact")
            expect(med.locator("table.audit")).to_contain_text("amendment.merged")
            med.screenshot(path=str(ART / "room-mediator-audit.png"), full_page=True)

            ua.goto(f"{server.url}/rooms/{made.room}/disclosures")
            expect(ua.locator("#disclosures")).to_contain_text("mediator")
            expect(ua.locator("#disclosures")).to_contain_text("overlap")
            ua.screenshot(path=str(ART / "room-delegation-disclosures.png"), full_page=True)
            browser.close()
    finally:
        server.stop()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    for name in ("overview", "merge", "audit"):
        assert (ART / f"room-mediator-{name}.png").stat().st_size > 10_000


pytestmark = pytest.mark.slow
