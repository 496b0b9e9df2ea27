"""Rich tables of what `zopa news` read from articles."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from zopa.news.result import ArticleReading, Evidence, NewsReading, Quote

__all__ = ["render_news"]


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
    t = Table(title=title, title_justify="left")
    for c in cols:
        t.add_column(c, overflow="fold")
    return t


def _article(a: ArticleReading, scenario: bool) -> list[RenderableType]:
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
    for x in a.actors:
        row = [x.label, x.kind, _or(x.affiliation), _or(x.role)]
        row += [_or(x.party)] if scenario else []
        actors.add_row(*row, str(len(x.mentions)))
    quotes = _table("Quotes", "#", "quote", "speaker", "how it is attributed", "channel")
    for n, q in enumerate(a.quotes, 1):
        who = q.speaker or (f"unnamed: {q.source}" if q.source else "[italic]unclear[/]")
        if q.affiliation and q.speaker:
            who += f" ({q.affiliation})"
        quotes.add_row(str(n), f"“{_flat(q.text)}”", who, _how(q), _or(q.channel))
    claims = _table("Claims", "claim", "source", "status")
    for c in a.claims:
        status = {"unverified": "[red]unverified[/]", "verified": "[green]verified[/]"}.get(
            c.status, c.status
        )
        claims.add_row(
            _flat(c.text),
            _or(c.source) + (f", via {c.channel}" if c.channel and c.channel != c.source else ""),
            status,
        )
    issues = _table(
        "Issues", "issue", *(["scenario issue"] if scenario else []), "mentions", "terms"
    )
    for i in a.issues:
        issues.add_row(
            i.label,
            *([_or(i.scenario_issue)] if scenario else []),
            str(len(i.mentions)),
            ", ".join(i.terms),
        )
    events = _table("Events and deadlines", "what", "status", "place", "time", "sentence")
    for e in a.events:
        events.add_row(
            f"{e.kind} ({e.trigger})", e.status, _or(e.place), _or(e.time), _flat(e.text)
        )
    for d in a.deadlines:
        events.add_row("deadline", "-", "-", d.text, _flat(d.sentence))
    ents = _table("Named entities (spaCy)", "label", "entity", "count")
    counts: dict[tuple[str, str], int] = {}
    for e in a.entities or ():
        counts[(e.label, e.text)] = counts.get((e.label, e.text), 0) + 1
    for (label, name), k in sorted(counts.items()):
        ents.add_row(label, name, str(k))
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


def _evidence(items: tuple[Evidence, ...]) -> Table:
    t = _table(
        "Evidence suggestions (review before adding to the scenario's `evidence`)",
        "party", "statement", "source", "confidence", "rests on",
    )  # fmt: skip
    for e in items:
        if e.prefers is not None:
            what = f"prefers {e.prefers} over {e.over}"
        elif e.rejects is not None:
            what = f"rejects {e.rejects}"
        else:
            what = f"accepts {e.accepts}"
        rests = f"“{_flat(e.quote)}” in: {_flat(e.sentence)}" if e.quote else _flat(e.sentence)
        t.add_row(e.party, what, e.source, f"{e.confidence:.2f}", rests)
    return t


def render_news(reading: NewsReading) -> Group:
    """Every article's tables, then the evidence suggestions (with a scenario)."""
    parts: list[RenderableType] = []
    scenario = reading.scenario is not None
    for a in reading.articles:
        parts.extend(_article(a, scenario))
    if scenario:
        if reading.evidence:
            parts.append(_evidence(reading.evidence))
        else:
            parts.append(
                Text("no evidence suggestions: no statement compares, rejects or accepts a draft")
            )
    return Group(*parts)
