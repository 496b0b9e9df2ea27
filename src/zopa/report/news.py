"""Rich tables of what `zopa news` read from articles."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from zopa.news.result import ArticleReading, Evidence, NewsReading

__all__ = ["render_news"]


def _clip(s: str, n: int = 90) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


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
        head += f" ({dl.place.title()}, {dl.date}" + (f", {dl.agency})" if dl.agency else ")")
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
    quotes = _table("Quotes", "#", "quote", "speaker", "verb", "channel", "at")
    for n, q in enumerate(a.quotes, 1):
        who = q.speaker or "[italic]unclear[/]"
        if q.affiliation and q.speaker:
            who += f" ({q.affiliation})"
        via = q.attribution + (f", continues #{q.continues + 1}" if q.continues is not None else "")
        quotes.add_row(
            str(n),
            _clip(q.text),
            who,
            f"{_or(q.verb)} [dim]{via}[/]",
            _or(q.channel),
            f"{q.start}-{q.end}",
        )
    claims = _table("Claims", "claim", "source", "status")
    for c in a.claims:
        status = {"unverified": "[red]unverified[/]", "verified": "[green]verified[/]"}.get(
            c.status, c.status
        )
        claims.add_row(
            _clip(c.text, 100),
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
            f"{e.kind} ({e.trigger})", e.status, _or(e.place), _or(e.time), _clip(e.text, 70)
        )
    for d in a.deadlines:
        events.add_row("deadline", "-", "-", d.text, _clip(d.sentence, 70))
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
        t.add_row(e.party, what, e.source, f"{e.confidence:.2f}", f"“{_clip(e.quote, 60)}”")
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
