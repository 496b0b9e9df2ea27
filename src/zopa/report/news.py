"""Rich tables of what `zopa news` read from articles."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from zopa.news.result import ArticleReading, Evidence, NewsReading, Quote

__all__ = ["ROWS", "render_news"]

ROWS = 200
"""Rows a table shows by default (`zopa news --rows`); the caption says how many there are and
``--json`` lists every one. A table of tens of thousands of rows is no reading for a person,
and Rich lays one out at about 15 µs a cell: 80 s for the 76,502 quotes of a 5 MB article."""


def _flat(s: str) -> str:
    """One line of text, whole: tables wrap long cells at word boundaries, never cut them."""
    return " ".join(s.split())


_HOW = {
    "anonymous": "unnamed source",
    "labelled": "Source/Quote layout",
    "colon": "introduced with a colon",
    "context": "same speaker as the quote before",
}


def _or(v: object, dash: str = "-") -> str:
    return dash if v is None or v == "" else str(v)


def _table(title: str, *cols: str) -> Table:
    t = Table(title=title, title_justify="left", caption_justify="left")
    for c in cols:
        t.add_column(c, overflow="fold")
    return t


def _fill(t: Table, rows: list[list[str]], what: str, limit: int | None) -> Table:
    """``t`` with ``rows``, the first ``limit`` of them when there are more (None: all), and a
    caption that says so."""
    shown = rows if limit is None or len(rows) <= limit else rows[:limit]
    for r in shown:
        t.add_row(*r)
    if len(shown) < len(rows):
        t.caption = (
            f"the first {len(shown):,} of {len(rows):,} {what}; `--rows 0` shows every one, "
            "`--json` lists them all"
        )
    return t


def _article(a: ArticleReading, scenario: bool, limit: int | None) -> list[RenderableType]:
    head = a.file + (f" — {a.title}" if a.title else "")
    if a.dateline is not None:
        dl = a.dateline
        where = ", ".join(x for x in (dl.place.title(), dl.date, dl.agency) if x)
        head += f" ({where})"
    out: list[RenderableType] = [Text(head, "bold")]
    actors = _table(
        "Actors",
        "actor",
        "kind",
        "affiliation",
        "role",
        *(["party"] if scenario else []),
        "mentions",
    )
    rows = []
    for x in a.actors:
        row = [x.label, x.kind, _or(x.affiliation), _or(x.role)]
        row += [_or(x.party)] if scenario else []
        rows.append([*row, str(len(x.mentions))])
    _fill(actors, rows, "actors", limit)
    quotes = _table("Quotes", "#", "quote", "speaker", "how it is attributed", "channel")
    rows = []
    for n, q in enumerate(a.quotes, 1):
        who = q.speaker or (f"unnamed: {q.source}" if q.source else "[italic]unclear[/]")
        if q.affiliation and q.speaker:
            who += f" ({q.affiliation})"
        rows.append([str(n), f"“{_flat(q.text)}”", who, _how(q), _or(q.channel)])
    _fill(quotes, rows, "quotes", limit)
    claims = _table("Claims", "claim", "source", "status")
    rows = []
    for c in a.claims:
        status = {"unverified": "[red]unverified[/]", "verified": "[green]verified[/]"}.get(
            c.status, c.status
        )
        rows.append(
            [
                _flat(c.text),
                _or(c.source)
                + (f", via {c.channel}" if c.channel and c.channel != c.source else ""),
                status,
            ]
        )
    _fill(claims, rows, "claims", limit)
    issues = _table(
        "Issues", "issue", *(["scenario issue"] if scenario else []), "mentions", "terms"
    )
    rows = [
        [
            i.label,
            *([_or(i.scenario_issue)] if scenario else []),
            str(len(i.mentions)),
            ", ".join(i.terms),
        ]
        for i in a.issues
    ]
    _fill(issues, rows, "issues", limit)
    events = _table("Events and deadlines", "what", "status", "place", "time", "sentence")
    rows = [
        [f"{e.kind} ({e.trigger})", e.status, _or(e.place), _or(e.time), _flat(e.text)]
        for e in a.events
    ]
    rows += [["deadline", "-", "-", d.text, _flat(d.sentence)] for d in a.deadlines]
    _fill(events, rows, "events and deadlines", limit)
    ents = _table("Named entities (spaCy)", "label", "entity", "count")
    counts: dict[tuple[str, str], int] = {}
    for e in a.entities or ():
        counts[(e.label, e.text)] = counts.get((e.label, e.text), 0) + 1
    rows = [[label, name, str(k)] for (label, name), k in sorted(counts.items())]
    _fill(ents, rows, "entities", limit)
    for t in (actors, quotes, claims, issues, events, ents):
        if t.row_count:
            out.append(t)
    return out


def _how(q: Quote) -> str:
    """How the quote's speaker was found, in words (never the finder's internal name)."""
    said = q.verb or ""
    if q.attribution in {"split", "continued"} and q.continues is not None:
        where = "" if q.attribution == "split" else ", from the paragraph before"
        return f"continues quote #{q.continues + 1}{where}"
    note = _HOW.get(q.attribution)
    if note and said:
        return f"{said} ({note})"
    return note or said or "-"


def _evidence(items: tuple[Evidence, ...], limit: int | None) -> Table:
    t = _table(
        "Evidence suggestions (review before adding to the scenario's `evidence`)",
        "party", "statement", "source", "confidence", "rests on",
    )  # fmt: skip
    rows = []
    for e in items:
        if e.prefers is not None:
            what = f"prefers {e.prefers} over {e.over}"
        elif e.rejects is not None:
            what = f"rejects {e.rejects}"
        else:
            what = f"accepts {e.accepts}"
        rests = f"“{_flat(e.quote)}” in: {_flat(e.sentence)}" if e.quote else _flat(e.sentence)
        rows.append([e.party, what, e.source, f"{e.confidence:.2f}", rests])
    return _fill(t, rows, "suggestions", limit)


def render_news(reading: NewsReading, rows: int | None = ROWS) -> Group:
    """Every article's tables, then the evidence suggestions (with a scenario); each table
    shows its first ``rows`` rows (None: all) and says when it has more."""
    parts: list[RenderableType] = []
    scenario = reading.scenario is not None
    for a in reading.articles:
        parts.extend(_article(a, scenario, rows))
    if scenario:
        if reading.evidence:
            parts.append(_evidence(reading.evidence, rows))
        else:
            parts.append(
                Text("no evidence suggestions: no statement compares, rejects or accepts a draft")
            )
    return Group(*parts)
