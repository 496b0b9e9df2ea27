"""Reading news reports of the talks into quotes, claims, issues, events and evidence.

>>> from zopa.news import read_text_article
>>> a = read_text_article('“We are ready,” Kremlin spokesman Dmitry Peskov said.')
>>> a.quotes[0].speaker, a.quotes[0].affiliation
('Dmitry Peskov', 'Russia')

A deterministic rule-based reader (no model download): see ``docs/news.md`` for what the
rules catch and what they miss. Evidence suggestions need a scenario (``scenario=``); they are
never written into it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from zopa.io.articles import Article, read_article
from zopa.model.scenario import Scenario
from zopa.news import _native  # noqa: F401  (first: compiled or source modules, see there)
from zopa.news.evidence import issue_aliases, party_of, suggest_evidence
from zopa.news.reader import (
    Reading,
    find_dateline,
    find_deadlines,
    find_events,
    find_issues,
    read_text,
)
from zopa.news.result import (
    Actor,
    ArticleReading,
    Claim,
    Dateline,
    Deadline,
    Event,
    Evidence,
    IssueMention,
    NewsReading,
    Quote,
)

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
    "read_article_file",
    "read_news",
    "read_text_article",
]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while an article is read. Reading makes about a
    million small tuples for 5 MB and no reference cycles; with the collector on, each batch
    of new objects triggers a collection that walks the young (and now and then every) tracked
    object, which was a third of the CPU time on a hostile 5 MB article. Memory is bounded by
    the article's size (8 MiB at most, ``zopa.io.articles``); the collector is restored after,
    also on an error."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _reading(
    article: Article, scenario: Scenario | None, *, evidence: bool = False
) -> tuple[ArticleReading, list[Evidence]]:
    """The reading of one article (and, with ``evidence`` and a scenario, the evidence it
    suggests). The working state (over a million tokens for 5 MB) is dropped before the
    collector is back on: its first collection then walks only the answer, not the tokens
    (that walk was a tenth of the time on a 5 MB article)."""
    with _no_cycle_collection():
        reading, r = _read(article, scenario)
        found = (
            suggest_evidence(r, scenario, article.file) if evidence and scenario is not None else []
        )
        del r
        return reading, found


def _read(article: Article, scenario: Scenario | None) -> tuple[ArticleReading, Reading]:
    r = read_text(article.text)
    extra, labels = issue_aliases(scenario) if scenario is not None else ({}, {})
    issues = find_issues(article.text, extra, labels)
    parties: dict[str, str | None] = {}
    quotes, claims = list(r.quotes), list(r.claims)
    if scenario is not None:
        from dataclasses import replace

        parties = {rec.id: party_of(rec.affiliation, scenario) for rec in r.table.records()}
        known = {i.id for i in scenario.issues}
        issues = [replace(i, scenario_issue=i.key if i.key in known else None) for i in issues]
        quotes = [replace(q, party=parties.get(q.speaker_id or "")) for q in quotes]
        claims = [replace(c, party=parties.get(c.source_id or "")) for c in claims]
    reading = ArticleReading(
        file=article.file,
        title=article.title,
        text=article.text,
        actors=r.table.freeze(parties),
        quotes=tuple(quotes),
        claims=tuple(claims),
        issues=tuple(issues),
        events=tuple(find_events(r)),
        deadlines=tuple(find_deadlines(r)),
        dateline=find_dateline(article.text),
    )
    return reading, r


def read_text_article(
    text: str, *, file: str = "<text>", title: str = "", scenario: Scenario | None = None
) -> ArticleReading:
    """Read one article given as plain text (offsets are into ``text``)."""
    return _reading(Article(file=file, text=text, title=title), scenario)[0]


def read_article_file(path: str | Path, scenario: Scenario | None = None) -> ArticleReading:
    """Read one plain-text or HTML article file through :func:`zopa.io.articles.read_article`."""
    return _reading(read_article(path), scenario)[0]


def read_news(
    articles: Sequence[str | Path | Article],
    scenario: Scenario | None = None,
    *,
    nlp: str | None = None,
) -> NewsReading:
    """Read several articles (in the order given, a timeline); with a scenario, match issues and
    parties to it and suggest evidence items in its ``evidence`` format.

    ``nlp`` (``"rules"`` or an installed spaCy model) adds named entities from the optional
    ``zopa[nlp]`` extra beside the answers; it changes none of them."""
    readings: list[ArticleReading] = []
    evidence: list[Evidence] = []
    for a in articles:
        art = a if isinstance(a, Article) else read_article(a)
        reading, found = _reading(art, scenario, evidence=True)
        if nlp is not None:
            from dataclasses import replace

            from zopa.news.nlp import entities

            reading = replace(reading, entities=entities(art.text, model=nlp))
        readings.append(reading)
        evidence.extend(found)
    return NewsReading(
        articles=tuple(readings),
        evidence=tuple(evidence),
        scenario=scenario.file if scenario is not None else None,
        nlp=nlp,
    )
