"""The room's pages in words: packages and amendments by label, red lines read out, the
disclosures as a timeline and the audit trail as sentences. Pure functions over the public
scenario and the answers :mod:`zopa.server.disclose` already built; nothing here reads a room.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from zopa.model.expr import ExprError, parse, resolve
from zopa.model.scenario import Scenario
from zopa.vocab import amount, join, package_cells, rule_in_words, value_label

__all__ = [
    "action_words",
    "actor_words",
    "answer_words",
    "changes_words",
    "disclosure_words",
    "option_text",
    "package_rows",
    "red_line_words",
    "utility_words",
    "when",
]


def when(at: str) -> str:
    """``2026-12-05T14:02:11.000Z`` -> ``5 Dec 14:02 UTC``."""
    try:
        d = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    return f"{d.day} {d:%b %H:%M} UTC"


def red_line_words(scenario: Scenario, text: str) -> str:
    """A red line (or room rule) as written, in the vocabulary's words. The room's public
    scenario holds no preferences, so the text is resolved here against its issues; a text
    that does not resolve is shown as written."""
    try:
        f = resolve(parse(text), scenario.domains())
    except ExprError:
        return text
    return rule_in_words(scenario, f)


def option_text(scenario: Scenario, issue_id: str, option: object) -> str:
    """An option (its id, or a number on a numeric issue) as a person reads it."""
    try:
        return value_label(scenario.issue(issue_id), option)
    except KeyError:
        return str(option)


def package_rows(scenario: Scenario, package: Mapping[str, object]) -> list[tuple[str, str]]:
    """(issue label, option in words) for every issue of the package, in the scenario's order."""
    return list(package_cells(scenario, package))


def changes_words(scenario: Scenario, changes: Mapping[str, object]) -> str:
    """An amendment's changes: ``Elections in Ukraine: “as soon as possible after signing”``."""
    parts = []
    for issue_id, option in changes.items():
        label = next((i.label for i in scenario.issues if i.id == issue_id), issue_id)
        parts.append(f"{label}: “{option_text(scenario, issue_id, option)}”")
    return "; ".join(parts)


def utility_words(u: float) -> str:
    """A utility on the page: out of 100, one decimal (``61.2 of 100``)."""
    return f"{100 * u:.1f} of 100"


def actor_words(scenario: Scenario, actor: str) -> str:
    """``delegation:ukraine`` -> ``the delegation of Ukraine``; ``mediator`` -> ``the mediator``."""
    if actor == "mediator":
        return "the mediator"
    if actor.startswith("delegation:"):
        pid = actor.split(":", 1)[1]
        label = next((p.label for p in scenario.parties if p.id == pid), pid)
        return f"the delegation of {label}"
    return actor


def _party(scenario: Scenario, pid: str) -> str:
    return next((p.label for p in scenario.parties if p.id == pid), pid)


def _draft(scenario: Scenario, drafts: Mapping[str, str], draft_id: object) -> str:
    return f"“{drafts.get(str(draft_id), str(draft_id))}”"


def answer_words(
    scenario: Scenario, kind: str, answer: Mapping[str, Any], drafts: Mapping[str, str]
) -> str:
    """The answer of a disclosure in words."""
    if kind == "overlap":
        if "exists" not in answer:
            return "not ready"
        text = "yes, an agreement zone exists" if answer["exists"] else "no agreement zone"
        if answer.get("zone_size") is not None:
            text += f" ({amount(answer['zone_size'])} packages)"
        if answer.get("suggestion"):
            pkg = "; ".join(f"{a}: “{b}”" for a, b in package_rows(scenario, answer["suggestion"]))
            text += f"; suggested text: {pkg}"
        return text
    if kind == "feedback" and "utility" in answer:
        text = (
            f"{utility_words(answer['utility'])} for you against your walk-away "
            f"{utility_words(answer['reservation'])}: "
            + ("acceptable to you" if answer.get("acceptable") else "not acceptable to you")
        )
        broken = answer.get("red_lines_broken") or []
        if broken:
            text += "; it breaks your red line " + join(
                [f"({red_line_words(scenario, r)})" for r in broken]
            )
        return text
    if kind == "acceptability":
        parties = answer.get("parties") or {}
        if not parties:
            return "nobody had consented"
        return "; ".join(
            f"{_party(scenario, p)} {'accepts' if ok else 'does not accept'} it"
            for p, ok in parties.items()
        )
    return ", ".join(f"{k}: {v}" for k, v in answer.items())


def _question(
    scenario: Scenario, kind: str, question: Mapping[str, Any], drafts: Mapping[str, str]
) -> str:
    d = question.get("draft")
    v = question.get("version")
    text = f"{_draft(scenario, drafts, d)} version {v}" if d is not None else ""
    if kind == "overlap":
        return "whether an agreement zone exists"
    if kind == "feedback":
        return f"what {text} means for you"
    if kind == "acceptability":
        return f"who accepts {text}"
    return kind.replace("_", " ") + (f" about {text}" if text else "")


def disclosure_words(
    scenario: Scenario,
    d: Mapping[str, Any],
    viewer: str,
    drafts: Mapping[str, str],
) -> dict[str, str]:
    """One entry of the disclosures timeline: when, who asked what, whose data, the answer."""
    asker = "you" if d["asker"] == viewer else actor_words(scenario, d["asker"])
    parties = [p for p in d.get("parties", [])]
    mine = viewer.split(":", 1)[1] if viewer.startswith("delegation:") else None
    if mine is not None and mine in parties:
        others = len(parties) - 1
        used = "your preferences were used" + (
            f" (with those of {others} other delegation{'s' if others != 1 else ''})"
            if others
            else ""
        )
    else:
        used = "the preferences of " + join([_party(scenario, p) for p in parties]) + " were used"
    return {
        "when": when(d["at"]),
        "asked": f"{asker} asked {_question(scenario, d['kind'], d['question'], drafts)}",
        "used": used,
        "answer": answer_words(scenario, d["kind"], d["answer"], drafts),
        "counted": "counted against the room's budget" if d.get("counted") else "not counted",
    }


def action_words(
    scenario: Scenario, action: str, data: Mapping[str, Any], drafts: Mapping[str, str]
) -> str:
    """An audit event's action in words (the event's data without private content)."""
    if action == "room.created":
        return f"created the room “{data.get('title', '')}”"
    if action == "preferences.entered":
        return f"entered its preferences (version {data.get('version', '?')}, sealed)"
    if action == "consent.changed":
        return (
            "let the mediator learn whether it accepts each draft"
            if data.get("acceptability")
            else "withdrew its consent to tell the mediator whether it accepts drafts"
        )
    if action == "draft.created":
        text = f"circulated {_draft(scenario, drafts, data.get('draft'))}"
        if data.get("revises"):
            text += f", revising {_draft(scenario, drafts, data['revises'])}"
        return text
    if action == "amendment.proposed":
        return (
            "proposed an amendment to "
            f"{_draft(scenario, drafts, data.get('draft'))} (against version "
            f"{data.get('base_version')}): {changes_words(scenario, data.get('changes', {}))}"
        )
    if action in ("amendment.merged", "amendment.rejected"):
        verb = "merged" if action.endswith("merged") else "rejected"
        return (
            f"{verb} an amendment of "
            f"{_draft(scenario, drafts, data.get('draft'))} (now version {data.get('version')})"
        )
    if action == "disclosure":
        parties = join([_party(scenario, p) for p in data.get("parties", [])])
        kind = str(data.get("kind", "an answer")).replace("_", " ")
        return f"was given an answer ({kind}) that used the data of {parties}"
    return action.replace(".", " ").replace("_", " ")
