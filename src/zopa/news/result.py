"""What reading an article gives: frozen records with ``to_dict()`` (the ``--json`` shape).

Every ``start``/``end`` is a character offset into the article's text (after HTML is turned into
text by :func:`zopa.io.articles.read_article`): ``text[start:end]`` is what the record quotes.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

from zopa.records import frozen

__all__ = [
    "Actor",
    "ArticleReading",
    "Claim",
    "Dateline",
    "Deadline",
    "Event",
    "Evidence",
    "IssueMention",
    "NewsReading",
    "Quote",
]

Status = Literal["verified", "unverified", "attributed"]


@frozen
class Actor:
    """A person, institution or country the article names."""

    id: str
    name: str | None  # a person's name; None for someone named only by title
    label: str  # how tables print it: the name, or the title phrase ("Russian foreign minister")
    kind: Literal["person", "institution", "country", "group"]
    affiliation: str | None
    role: str | None
    mentions: tuple[tuple[int, int], ...]
    party: str | None = None  # the scenario party, with --scenario
    known_from: Literal["text", "lexicon"] = "text"  # where the affiliation/role came from
    aliases: tuple[str, ...] = ()  # other spellings of the name in the article

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "affiliation": self.affiliation,
            "role": self.role,
            "party": self.party,
            "known_from": self.known_from,
            "aliases": list(self.aliases),
            "mentions": [list(m) for m in self.mentions],
        }


@frozen
class Quote:
    """A direct quotation: ``text`` is exactly ``article_text[start:end]`` (marks excluded)."""

    text: str
    start: int
    end: int
    kind: Literal["full", "partial"]
    speaker: str | None  # None when the article does not make the speaker clear
    speaker_id: str | None
    affiliation: str | None
    verb: str | None
    channel: str | None
    attribution: Literal[
        "after", "before", "split", "labelled", "colon", "context", "continued", "anonymous", "none"
    ]
    continues: int | None = None  # index of the quote this one continues (split by a verb)
    nested: tuple[str, ...] = ()
    party: str | None = None
    source: str | None = None  # the words naming an unnamed source ("a Russian source")

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_id": self.speaker_id,
            "affiliation": self.affiliation,
            "party": self.party,
            "verb": self.verb,
            "channel": self.channel,
            "attribution": self.attribution,
            "source": self.source,
            "continues": self.continues,
            "nested": list(self.nested),
        }


@frozen
class Claim:
    """A reported statement (a sentence with an attribution) and how far it is verified."""

    text: str
    start: int
    end: int
    source: str | None
    source_id: str | None
    channel: str | None
    verb: str | None
    status: Status
    hedge: str | None  # the phrase that made it unverified (or verified)
    party: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "source_id": self.source_id,
            "party": self.party,
            "channel": self.channel,
            "verb": self.verb,
            "status": self.status,
            "hedge": self.hedge,
        }


@frozen
class IssueMention:
    """A negotiation issue the article mentions, with every place it is mentioned."""

    key: str
    label: str
    terms: tuple[str, ...]
    mentions: tuple[tuple[int, int], ...]
    scenario_issue: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "scenario_issue": self.scenario_issue,
            "terms": list(self.terms),
            "count": len(self.mentions),
            "mentions": [list(m) for m in self.mentions],
        }


@frozen
class Event:
    """A strike, incursion, meeting or round of talks, with its place and time if given."""

    kind: Literal["strike", "incursion", "meeting", "talks"]
    status: Literal["reported", "scheduled"]
    trigger: str
    text: str  # the sentence
    start: int
    end: int
    place: str | None
    time: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "trigger": self.trigger,
            "place": self.place,
            "time": self.time,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@frozen
class Deadline:
    """A deadline expression ("by Thanksgiving", "before the end of the year")."""

    text: str
    start: int
    end: int
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "sentence": self.sentence}


@frozen
class Dateline:
    """The wire dateline ("MOSCOW, Dec 2 (Reuters) -"): where and when the report was filed."""

    place: str
    date: str | None  # AP and plain datelines give none
    agency: str | None
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "place": self.place,
            "date": self.date,
            "agency": self.agency,
            "start": self.start,
            "end": self.end,
        }


@frozen
class Evidence:
    """A suggested evidence item in the scenario's ``evidence`` format, for the analyst to
    confirm: exactly one of ``prefers``/``over``, ``rejects`` or ``accepts`` is set."""

    party: str
    source: str
    quote: str | None  # the speaker's own words (a direct quotation), else None
    start: int
    end: int
    confidence: float
    article: str
    rule: str
    sentence: str = ""  # the sentence the suggestion rests on
    speaker: str | None = None  # who said it (the actor's label)
    prefers: str | None = None
    over: str | None = None
    rejects: str | None = None
    accepts: str | None = None

    def item(self) -> dict[str, str]:
        """The item as it would be written in the scenario's ``evidence`` list."""
        out = {"party": self.party}
        if self.prefers is not None and self.over is not None:
            out |= {"prefers": self.prefers, "over": self.over}
        elif self.rejects is not None:
            out["rejects"] = self.rejects
        elif self.accepts is not None:
            out["accepts"] = self.accepts
        out["source"] = self.source
        return out

    def to_dict(self) -> dict[str, Any]:
        return self.item() | {
            "quote": self.quote,
            "sentence": self.sentence,
            "speaker": self.speaker,
            "confidence": self.confidence,
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "rule": self.rule,
        }


@frozen
class ArticleReading:
    """Everything read from one article."""

    file: str
    title: str
    text: str = field(repr=False)
    actors: tuple[Actor, ...]
    quotes: tuple[Quote, ...]
    claims: tuple[Claim, ...]
    issues: tuple[IssueMention, ...]
    events: tuple[Event, ...]
    deadlines: tuple[Deadline, ...]
    dateline: Dateline | None = None
    entities: tuple[Any, ...] | None = None  # zopa.news.nlp.Entity, only with the nlp extra

    def to_dict(self) -> dict[str, Any]:
        extra = {} if self.entities is None else {"entities": [e.to_dict() for e in self.entities]}
        return {
            "file": self.file,
            "title": self.title,
            "chars": len(self.text),
            "dateline": self.dateline.to_dict() if self.dateline is not None else None,
            "actors": [a.to_dict() for a in self.actors],
            "quotes": [q.to_dict() for q in self.quotes],
            "claims": [c.to_dict() for c in self.claims],
            "issues": [i.to_dict() for i in self.issues],
            "events": [e.to_dict() for e in self.events],
            "deadlines": [d.to_dict() for d in self.deadlines],
        } | extra


@frozen
class NewsReading:
    """Several articles (in the order given: a timeline) and the evidence they suggest."""

    articles: tuple[ArticleReading, ...]
    evidence: tuple[Evidence, ...] = ()
    scenario: str | None = None
    nlp: str | None = None  # the statistical pipeline used for extra entities, if any

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": [a.to_dict() for a in self.articles],
            "evidence": [e.to_dict() for e in self.evidence],
            "scenario": self.scenario,
            "nlp": self.nlp,
        }
