"""Regular expressions for time, deadlines, places, hedges, events, drafts and stances."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from zopa.news.lexicon import EVENT_TRIGGERS, HEDGES, VERIFIED

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MON_ABBR = r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DATE = (
    rf"(?:(?:{_MONTHS}|{_MON_ABBR})\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{_MONTHS}|{_MON_ABBR})(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})"
)

TIME = re.compile(
    rf"\b(?:{_DATE}"
    rf"|(?:(?:on|next|this|last|late|early)\s+)?(?:{_DAYS})(?:\s+(?:night|morning|afternoon|evening))?"
    r"|(?:last|next|this|later this|earlier this|in the coming|the coming|in recent)\s+"
    r"(?:week|month|year|weekend|days|weeks|months)"
    r"|overnight|yesterday|today|tomorrow|tonight"
    rf"|in\s+(?:early\s+|late\s+|mid-)?(?:{_MONTHS})(?:\s+\d{{4}})?)\b"
)

_DEADLINE_TIME = (
    r"(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:year|month|week|[A-Z][a-z]+|\d{4})"
    r"|Thanksgiving(?:\s+Day)?|Christmas(?:\s+Day|\s+Eve)?|New\s+Year(?:['’]s)?(?:\s+Day|\s+Eve)?"
    rf"|Easter|midnight|the\s+weekend|(?:next\s+|this\s+)?(?:{_DAYS})"
    r"|(?:next|this)\s+(?:week|month|year)"
    rf"|{_DATE}|(?:{_MONTHS})(?:\s+\d{{4}})?|\d{{4}}|the\s+summit|the\s+holidays)"
)
DEADLINE = re.compile(
    rf"\b(?:(?:by|before|until|no\s+later\s+than|not\s+later\s+than|ahead\s+of)\s+{_DEADLINE_TIME}"
    r"|within\s+(?:\d+|a|one|two|three|four|six|ten|thirty|sixty|ninety|a\s+hundred|100)\s+"
    r"(?:hours|days|weeks|months|years|day|week|month|year)"
    r"|(?:a|an|the)\s+(?:[A-Z][a-z]+\s+|\w+-\w+\s+)?deadline(?:\s+of\s+[^,.;]{2,40})?)"
)

PLACE = re.compile(
    r"\b(?:(?:in|near|at|outside|over|around|across|into|on|to)\s+|(?:city|town|village|port)\s+of\s+)"
    r"((?:the\s+)?[A-Z][\w’'\-]+(?:\s+(?:of\s+)?[A-Z][\w’'\-]+)*"
    r"(?:\s+(?:region|oblast|province|area|city))?)"
)


def alternation(phrases: Iterable[str]) -> str:
    """One regular expression for any of ``phrases`` (literals, matched case-insensitively),
    factored into a trie: "said|says|saying" becomes ``sa(?:id|y(?:s|ing))``. A flat
    alternation tries every phrase at every position of the text; the trie tries one branch per
    character, so a long article is scanned in time independent of the list's length. The
    longest phrase that fits wins, as with a longest-first alternation."""
    trie: dict[str, Any] = {}
    for p in phrases:
        if not p:
            continue
        node = trie
        for ch in p.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        if len(alts) == 1 and "" not in node:
            return alts[0]
        group = "(?:" + "|".join(alts) + ")"
        return group + "?" if "" in node else group

    return build(trie)


@lru_cache(maxsize=1)  # the claims, issues and events of one article ask for it in turn
def folded(text: str) -> str | None:
    """``text`` in lower case when that keeps every offset (almost always: a few characters
    such as "İ" lower to two), for the ``*_LOW`` patterns below; else None (use the
    case-insensitive ones). A case-sensitive pattern on lower-cased text is several times
    faster than a case-insensitive one: the matcher can skip to the letters a phrase starts
    with instead of trying every position."""
    low = text.lower()
    return low if len(low) == len(text) else None


def pair(source: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A lower-case pattern compiled case-insensitively (for any text) and case-sensitively
    (for :func:`folded` text)."""
    return re.compile(source, re.I), re.compile(source)


HEDGE, HEDGE_LOW = pair(alternation(HEDGES))
VERIFY, VERIFY_LOW = pair(alternation(VERIFIED))

EVENT = {
    kind: re.compile(r"\b(?:" + alternation(words) + r")\b", re.I)
    for kind, words in EVENT_TRIGGERS.items()
}
ANY_EVENT, ANY_EVENT_LOW = pair(
    r"\b(?:" + alternation(w for words in EVENT_TRIGGERS.values() for w in words) + r")\b"
)
FUTURE = re.compile(
    r"\b(?:will|would|is due to|are due to|is set to|are set to|scheduled|planned|plans to|"
    r"expected to|to be held|next week|tomorrow|upcoming|later this week|is to|are to)\b",
    re.I,
)

# drafts
POINTS = re.compile(r"\b(\d{1,3})[- ]point\b", re.I)
_DRAFT_NOUN = (
    r"counter-?proposals?|counter-?plans?|counter-?texts?|counter-?offers?|revisions?|"
    r"efforts?\s+to\s+(?:rewrite|amend|change|revise)|alternatives?|documents?|"
    r"amendments?|changes|versions?|proposals?|plans?|drafts?|texts?|frameworks?|blueprints?"
)
AFFIL_DRAFT = re.compile(
    r"\b((?:[A-Z][\w.’']*|US|U\.S\.)(?:(?:\s*,\s*|\s+and\s+)(?:[A-Z][\w.’']*|US|U\.S\.)){0,5})"
    rf"\s+(?:peace\s+|draft\s+|\d+-point\s+)?({_DRAFT_NOUN})\b"
)
REVISION_NOUN = re.compile(
    r"^(?:counter|revision|amendment|change|version|effort|alternative)", re.I
)
GENERIC_REVISION = re.compile(
    r"\b(?:the|these|those|such|its|their)\s+(?:proposed\s+|latest\s+|new\s+)?"
    r"(?:revisions|changes|amendments|edits|counter-?proposals?|revised\s+\w+|new\s+version)\b",
    re.I,
)
GENERIC_DRAFT = re.compile(
    r"\b(?:the|this|that)\s+(?:peace\s+)?(?:document|plan|text|draft|proposal|framework)\b|\bit\b",
    re.I,
)

_NEG = r"(?:not|never|n['’]t|no\s+longer|hardly)"
WORSE = re.compile(
    rf"\b(?:{_NEG}\s+(?:\w+\s+)?improv\w*|worse|a\s+step\s+back\w*|step\s+backwards?|"
    r"watered?\s+down|undermin\w+|gutted|unhelpful)\b",
    re.I,
)
BETTER = re.compile(
    r"\b(?:improves?|improved|an\s+improvement|better|a\s+step\s+forward|progress\s+on)\b", re.I
)
REJECT = re.compile(
    rf"\b(?:reject\w*|unacceptable|non-?starter|{_NEG}\s+(?:\w+\s+)?accept\w*|refus\w+|"
    r"unconstructive|not\s+constructive|do(?:es)?\s+not\s+suit|(?:does|do|did)\s+not\s+work\s+for|"
    r"out\s+of\s+the\s+question|dismiss\w*|ruled\s+out|rules\s+out)\b",
    re.I,
)
ACCEPT = re.compile(
    r"\b(?:accept(?:s|ed)?|acceptable|agreed\s+to\s+(?:the|this|that)|endorse[sd]?|"
    r"ready\s+to\s+sign|(?:a|the)\s+(?:good\s+)?basis|backs|backed|supports?|supported)\b",
    re.I,
)
NEGATED = re.compile(rf"\b{_NEG}\s+(?:\w+\s+)?$", re.I)

# Datelines of every wire format, at the start of a paragraph: Reuters "MOSCOW, Dec 2 (Reuters) -",
# AP "KYIV, Ukraine (AP) —" and "MOSCOW (AP) —", TASS "MOSCOW, November 25. /TASS/.", a plain
# "WASHINGTON —" or "HALLANDALE BEACH, Florida —", ABC's "(LONDON and KYIV, Ukraine) —".
_CAPS = r"[A-Z][A-Z.'’\-]+(?:\s[A-Z][A-Z.'’\-]+){0,3}"
DATELINE = re.compile(
    r"\s*\(?(?P<place>" + _CAPS + r"(?:\s+and\s+" + _CAPS + r")?"
    r"(?:,\s+(?!(?:" + _MONTHS + "|" + _MON_ABBR + r")\b)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?)\)?"
    rf"(?:,\s+(?P<date>(?:{_MONTHS}|{_MON_ABBR})\s+\d{{1,2}}(?:,?\s+\d{{4}})?)\.?)?"
    r"\s*(?:\((?P<agency>[^()\n]{1,40})\)|/(?P<slash>[A-Za-z\-]{2,20})/\.?)?"
    r"\s*(?P<dash>[-—–]{1,2}|(?<=/\.))"
)
