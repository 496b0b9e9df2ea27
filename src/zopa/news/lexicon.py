"""The word lists and tables the rule-based reader uses, as data: ``data/words.yaml`` (flat
lists: speech verbs, hedges, words that are never names, ...) and ``data/tables.yaml``
(affiliations, people, media, issues, event triggers, places), both read through
:mod:`zopa.io` (the one reader: size limit, duplicate keys, line numbers in errors) and checked
here. A new word is one line in a data file; docs/news.md lists what is recognised and the gaps.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict

from zopa.errors import ScenarioError

__all__ = [
    "ABBREVIATIONS",
    "AFFILIATIONS",
    "ANONYMOUS_HEADS",
    "BLOCS",
    "CHANNELS",
    "CLAIM_VERBS",
    "DRAFT_WORDS",
    "EVENT_TRIGGERS",
    "HEDGES",
    "INSTITUTIONS",
    "ISSUES",
    "NOT_NAMES",
    "PERSONS",
    "PLACES",
    "ROLE_GROUPS",
    "SPEECH_VERBS",
    "TITLE_HEADS",
    "TITLE_WORDS",
    "VERIFIED",
    "WORDS",
]


def _load_words() -> dict[str, tuple[str, ...]]:
    """The lists of ``data/words.yaml``, read through :mod:`zopa.io` (the one reader) and
    checked: every entry a list of non-empty strings."""
    from zopa.io.files import parse_document

    path = files("zopa.news") / "data" / "words.yaml"
    doc = parse_document(path.read_bytes(), str(path))
    data: Any = doc.data
    if not isinstance(data, dict):
        raise ScenarioError("the news word lists must be a mapping", file=str(path))
    out: dict[str, tuple[str, ...]] = {}
    for key, words in data.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ScenarioError(
                f"{key}: a list of words is expected", file=str(path), hint="one word a line"
            )
        out[str(key)] = tuple(words)
    return out


_WORDS = _load_words()
# every list of words.yaml, as a set (``WORDS["time_adverbs"]``)
WORDS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in _WORDS.items()}

ABBREVIATIONS = WORDS["abbreviations"]  # a full stop after these does not end a sentence
SPEECH_VERBS = WORDS["speech_verbs"]  # speech and reporting verbs, every form in wire copy
CLAIM_VERBS = WORDS["claim_verbs"]  # softer verbs: what they report is unverified
TITLE_HEADS = WORDS["title_heads"]  # a title phrase ends in one of these
TITLE_WORDS = TITLE_HEADS | WORDS["title_words"]
NOT_NAMES = WORDS["not_names"]  # capitalised words that do not start a person's name
HEDGES = _WORDS["hedges"]  # phrases that make a claim unverified
VERIFIED = _WORDS["verified"]  # phrases that verify it
ANONYMOUS_HEADS = WORDS["anonymous_heads"]  # "a source", "two diplomats": unnamed sources

# ------------------------------------------------------------------ tables (data/tables.yaml)


class _Person(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    affiliation: str
    role: str


class _Issue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    label: str
    phrases: list[str]


class _Tables(BaseModel):
    """The shape of ``data/tables.yaml`` (strict: a typo in a key is an error)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    affiliations: dict[str, list[str]]
    blocs: dict[str, list[str]]
    institutions: list[str]
    role_groups: list[list[str]]
    persons: dict[str, _Person]
    channels: list[str]
    issues: dict[str, _Issue]
    draft_words: list[str]
    event_triggers: dict[str, list[str]]
    places: list[str]


def _load_tables() -> _Tables:
    from zopa.io.files import parse_document
    from zopa.io.validate import validate_document

    path = files("zopa.news") / "data" / "tables.yaml"
    doc = parse_document(path.read_bytes(), str(path))
    return validate_document(_Tables, doc, what="news tables")


_T = _load_tables()
# canonical affiliations and the words that name them (case-insensitive; "'s" is stripped)
AFFILIATIONS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _T.affiliations.items()}
# affiliations that belong to a wider bloc (tried in turn when matching scenario parties)
BLOCS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _T.blocs.items()}
# institution words that make an affiliation mention an actor in its own right
INSTITUTIONS = frozenset(_T.institutions)
# role heads that may refer to one another ("the adviser" = "the aide")
ROLE_GROUPS: tuple[frozenset[str], ...] = tuple(frozenset(g) for g in _T.role_groups)
# people the reader knows (name -> affiliation, role); the text's own titles take precedence
PERSONS: dict[str, tuple[str, str]] = {k: (v.affiliation, v.role) for k, v in _T.persons.items()}
# media and channels ("according to Reuters", "Russian state media reported")
CHANNELS = frozenset(_T.channels)
# negotiation issues: key -> (label, phrases that mention it); the longest phrase wins
ISSUES: dict[str, tuple[str, tuple[str, ...]]] = {
    k: (v.label, tuple(v.phrases)) for k, v in _T.issues.items()
}
# words that name drafts ("the 28-point plan", "the European counter-proposal")
DRAFT_WORDS = tuple(_T.draft_words)
# event triggers: kind -> words (matched as whole words, lower case)
EVENT_TRIGGERS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _T.event_triggers.items()}
# places the reader knows (lower case); others are found after "in", "near", "at"
PLACES = frozenset(_T.places)
