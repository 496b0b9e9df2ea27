"""Reading one article: quotes and their speakers, claims, issues, events and deadlines.

The order of work: quotation marks first (so no sentence is split inside a quote), then
sentences, then the noun phrases naming actors (all of them, so a quote's speaker may be named
after it), then each quote's attribution, then the sentence-level records.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Literal

from zopa.news import _patterns as P
from zopa.news._text import QuoteSpan, Token, find_quotes, paragraphs, sentences, tokens
from zopa.news.actors import ActorTable, Mention, scan_mentions
from zopa.news.lexicon import ISSUES, NOT_NAMES, SPEECH_VERBS
from zopa.news.result import Claim, Dateline, Deadline, Event, IssueMention, Quote

__all__ = ["Reading", "read_text"]

_COMMON = frozenset(["nobody", "everyone", "someone", "nothing", "drone", "drones", "peace", "war"])
_ISSUE_WORDS = frozenset(w for _label, words in ISSUES.values() for w in words)
_SKIP = frozenset(
    [
        "also",
        "later",
        "has",
        "had",
        "have",
        "again",
        "then",
        "earlier",
        "previously",
        "repeatedly",
        "publicly",
        "separately",
        "once",
        "first",
        "reportedly",
        "allegedly",
        "himself",
        "herself",
        "would",
        "will",
        "was",
        "is",
        "has",
    ]
)


@dataclass
class Sentence:
    start: int
    end: int
    para: int
    i: int  # first global token index
    j: int  # one past the last


@dataclass
class Reading:
    """The article as read (internal; the evidence rules work on it)."""

    text: str
    toks: list[Token]
    sents: list[Sentence]
    spans: list[QuoteSpan]
    mentions: dict[int, Mention]  # by first global token index
    table: ActorTable
    quotes: list[Quote] = field(default_factory=list)
    quote_sent: list[int] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    claim_sent: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.spoken: list[tuple[int, str]] = []  # (start, speaker id) of attributed quotes
        self._sent_channel: dict[int, str | None] = {}
        self.starts = [t.start for t in self.toks]
        self._sent_starts = [s.start for s in self.sents]
        self._opens = [q.open for q in self.spans]
        self.by_end = {m.j - 1: m for m in self.mentions.values()}
        self.para_start: dict[int, int] = {}
        for sent in self.sents:
            self.para_start.setdefault(sent.para, sent.start)

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (or the last one starting before it)."""
        return max(0, bisect_right(self._sent_starts, offset) - 1)

    def quotes_in(self, k: int) -> list[int]:
        """Indices of the quotes whose opening mark is in sentence ``k``."""
        lo = bisect_left(self.quote_sent, k)
        return list(range(lo, bisect_right(self.quote_sent, k)))

    def claims_in(self, k: int) -> list[int]:
        lo = bisect_left(self.claim_sent, k)
        return list(range(lo, bisect_right(self.claim_sent, k)))

    def in_quote(self, offset: int) -> bool:
        k = bisect_right(self._opens, offset) - 1
        return k >= 0 and self.spans[k].open <= offset <= self.spans[k].close


def read_text(text: str) -> Reading:
    spans = find_quotes(text)
    para_starts = [a for a, _b in paragraphs(text)]
    toks = tokens(text, 0, len(text))
    starts = [t.start for t in toks]
    sents: list[Sentence] = []
    for a, b in sentences(text, spans):
        para = max(0, bisect_right(para_starts, a) - 1)
        i = _bisect(starts, a)
        j = _bisect(starts, b)
        sents.append(Sentence(a, b, para, i, j))
    table = ActorTable()
    lower = set(re.findall(r"\b[a-z]+\b", text))
    per_sentence = [
        [m for m in scan_mentions(text, toks, s.i, s.j) if not _common(m, lower, s.i)]
        for s in sents
    ]
    for ms in per_sentence:
        for m in ms:
            table.register_name(m)
    mentions: dict[int, Mention] = {}
    for ms in per_sentence:
        for m in ms:
            mentions[m.i] = table.resolve(m)
    r = Reading(text, toks, sents, spans, mentions, table)
    _attribute_quotes(r)
    _claims(r)
    return r


def _common(m: Mention, lower: set[str], first: int) -> bool:
    """A one-word "name" at a sentence start that the article also writes in lower case
    ("Sanctions relief ...") is a common word, not a person."""
    if m.kind != "person" or m.i != first or m.role:
        return False
    name = (m.name or "").lower()
    return name in lower or name in _ISSUE_WORDS or name in _COMMON


def _bisect(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


# ------------------------------------------------------------------ attribution

_REACH = 60  # tokens looked back from a quote for its speech verb (keeps reading linear)


@dataclass(frozen=True)
class _Attr:
    actor: str | None
    verb: str | None
    how: str
    end: int  # global token index after the attribution (for split quotes)
    channel: str | None = None


def _speaker(r: Reading, m: Mention | None, at: int) -> str | None:
    """The actor a subject mention stands for (pronouns resolved only when unambiguous)."""
    if m is None:
        return None
    if m.kind == "pronoun":
        return _pronoun(r, at)
    if m.kind == "channel":
        return None
    return m.actor


def _pronoun(r: Reading, offset: int) -> str | None:
    k = r.sentence_of(offset)
    para = r.sents[k].para
    first = r.para_start.get(para - 1, r.para_start.get(para, 0))
    people = r.table.persons_between(first, offset)
    if len(people) == 1:
        return people[0]
    n = bisect_left(r.spoken, (offset, "")) - 1  # the last quote before with a speaker
    last = r.spoken[n][1] if n >= 0 and r.spoken[n][0] >= first else None
    if last is not None and people and last == people[-1]:
        return last
    return None


def _verb_at(r: Reading, g: int) -> bool:
    return 0 <= g < len(r.toks) and r.toks[g].low in SPEECH_VERBS


def _skip_fwd(r: Reading, g: int, stop: int) -> int:
    while g < stop and r.toks[g].low in _SKIP:
        g += 1
    return g


def _after(r: Reading, q: QuoteSpan, stop: int) -> _Attr | None:
    """``…,” SPEAKER said`` / ``…,” said SPEAKER`` / ``…,” according to SPEAKER``."""
    g = _bisect(r.starts, q.close + 1)
    while g < stop and r.toks[g].text in {",", "-", "—", "–"}:
        g += 1
    if g >= stop:
        return None
    if _verb_at(r, g):
        m = r.mentions.get(g + 1)
        if m is not None and m.kind != "channel":
            return _Attr(_speaker(r, m, m.start), r.toks[g].low, "after", m.j)
        return None
    if r.toks[g].low == "according" and g + 1 < stop and r.toks[g + 1].low == "to":
        m = r.mentions.get(g + 2)
        if m is not None:
            ch = m.text if m.kind == "channel" else None
            return _Attr(_speaker(r, m, m.start), "according to", "after", m.j, ch)
    m = r.mentions.get(g)
    if m is not None and m.kind != "channel":
        v = _skip_fwd(r, m.j, stop)
        if _verb_at(r, v):
            return _Attr(_speaker(r, m, m.start), r.toks[v].low, "after", v + 1)
    if m is None and r.toks[g].text.islower():
        # "…,” one participant said / a person familiar with the talks said: nobody named
        for v in range(g, min(g + 8, stop)):
            if r.toks[v].text in {",", ".", ";", ":"} or r.mentions.get(v) is not None:
                break
            if _verb_at(r, v):
                return _Attr(None, r.toks[v].low, "anonymous", v + 1)
    return None


def _subject_before(r: Reading, v: int, lo: int) -> Mention | None:
    """The subject mention that ends right before the verb at ``v`` (skipping adverbs and one
    parenthetical ", speaking in Kyiv,")."""
    g = v - 1
    while g >= lo and r.toks[g].low in _SKIP:
        g -= 1
    if g >= lo and r.toks[g].text == ",":
        k = g - 1
        while k >= lo and k > g - 14 and r.toks[k].text != ",":
            k -= 1
        if k >= lo and r.toks[k].text == ",":
            g = k - 1
    m = r.by_end.get(g)
    return m if m is not None and m.i >= lo else None


def _before_attr(r: Reading, q: QuoteSpan, s: Sentence) -> _Attr | None:
    """``SPEAKER said: “…”``, ``SPEAKER said the plan was “a basis”``, ``according to X, “…”``."""
    open_tok = _bisect(r.starts, q.open)
    for v in range(open_tok - 1, max(s.i, open_tok - _REACH) - 1, -1):
        if r.in_quote(r.toks[v].start):
            continue
        if r.toks[v].low == "according" and v + 1 < open_tok and r.toks[v + 1].low == "to":
            m = r.mentions.get(v + 2)
            if m is not None:
                ch = m.text if m.kind == "channel" else None
                return _Attr(_speaker(r, m, m.start), "according to", "before", open_tok, ch)
        if _verb_at(r, v):
            m = _subject_before(r, v, s.i)
            if m is not None and m.kind != "channel":
                return _Attr(_speaker(r, m, m.start), r.toks[v].low, "before", open_tok)
            if m is not None:
                return _Attr(None, r.toks[v].low, "before", open_tok, m.text)
    return None


def _channel(r: Reading, s: Sentence) -> str | None:
    """The first medium named outside quotes in the sentence (computed once per sentence)."""
    if s.i in r._sent_channel:
        return r._sent_channel[s.i]
    found = None
    for g in range(s.i, s.j):
        m = r.mentions.get(g)
        if m is not None and m.kind == "channel" and not r.in_quote(m.start):
            found = m.text
            break
    r._sent_channel[s.i] = found
    return found


def _attribute_quotes(r: Reading) -> None:
    prev_by_para: dict[int, tuple[int, _Attr | None, QuoteSpan]] = {}
    last_para_quote: tuple[int, QuoteSpan] | None = None
    for q in r.spans:
        if not any(c.isalpha() for c in r.text[q.start : q.end]):
            continue
        k = r.sentence_of(q.open)
        s = r.sents[k]
        stop = min(s.j + (r.sents[k + 1].j - s.j if k + 1 < len(r.sents) else 0), len(r.toks))
        if k + 1 < len(r.sents) and r.sents[k + 1].para != s.para:
            stop = s.j
        attr = _after(r, q, stop)
        how = "after"
        continues: int | None = None
        prev = prev_by_para.get(s.para)
        if prev is not None and prev[1] is not None and prev[1].how in {"after", "split"}:
            gap = r.text[r.toks[prev[1].end - 1].end : q.open] if prev[1].end > 0 else ""
            if gap.strip() in {",", ":", ""} and prev[1].end <= _tok(r, q.open):
                attr = _Attr(prev[1].actor, prev[1].verb, "split", prev[1].end, prev[1].channel)
                continues = prev[0]
        if attr is None:
            attr = _before_attr(r, q, s)
            how = "before"
        if attr is None and last_para_quote is not None:
            n, lq = last_para_quote
            if not lq.closed and r.sents[r.sentence_of(lq.open)].para == s.para - 1:
                src = r.quotes[n]
                attr = _Attr(src.speaker_id, src.verb, "continued", 0, src.channel)
                continues = n
        if attr is None and prev is not None and _only_quote(r, q, s):
            src = r.quotes[prev[0]]
            if src.speaker_id is not None:
                attr = _Attr(src.speaker_id, src.verb, "context", 0, src.channel)
        how = attr.how if attr is not None else "none"
        rec = r.table.get(attr.actor if attr else None)
        channel = (attr.channel if attr else None) or _channel(r, s)
        quote = Quote(
            text=r.text[q.start : q.end],
            start=q.start,
            end=q.end,
            kind=_kind(r, q, s),
            speaker=rec.label if rec else None,
            speaker_id=rec.id if rec else None,
            affiliation=rec.affiliation if rec else None,
            verb=attr.verb if attr else None,
            channel=channel,
            attribution=how,  # type: ignore[arg-type]
            continues=continues,
            nested=tuple(r.text[a:b] for a, b in q.nested),
        )
        r.quotes.append(quote)
        r.quote_sent.append(k)
        if quote.speaker_id is not None:
            r.spoken.append((quote.start, quote.speaker_id))
        prev_by_para[s.para] = (len(r.quotes) - 1, attr if rec else None, q)
        last_para_quote = (len(r.quotes) - 1, q)


def _tok(r: Reading, offset: int) -> int:
    return _bisect(r.starts, offset)


_WORDY = re.compile(r"[^\s.,]")


def _only_quote(r: Reading, q: QuoteSpan, s: Sentence) -> bool:
    """Nothing but spaces and punctuation around the quote in its sentence."""
    before = _WORDY.search(r.text, s.start, q.open)
    return before is None and _WORDY.search(r.text, min(q.close + 1, s.end), s.end) is None


def _kind(r: Reading, q: QuoteSpan, s: Sentence) -> Literal["full", "partial"]:
    k = q.open
    while k > s.start and r.text[k - 1].isspace():
        k -= 1
    first = r.text[q.start : q.start + 1]
    starts_clause = k == s.start or r.text[k - 1] in ":,—-"
    words = r.text.count(" ", q.start, min(q.end, q.start + 200)) + 1
    return "full" if first.isupper() and starts_clause and words >= 3 else "partial"


# ------------------------------------------------------------------ claims


def _claims(r: Reading) -> None:
    for k, s in enumerate(r.sents):
        text = r.text[s.start : s.end]
        if _hedge_only(r, k):
            found = P.HEDGE.search(text)
            for c in _hedged(r, k):
                if r.claims[c].status == "attributed":
                    r.claims[c] = _with_status(
                        r.claims[c], "unverified", found.group() if found else None
                    )
            continue
        attr = _sentence_attr(r, s)
        hedge_m = P.HEDGE.search(text)
        if attr is None and hedge_m is None:
            continue
        if _quote_sentence(r, s):
            continue
        status = "attributed"
        hedge: str | None = None
        if hedge_m is not None:
            status, hedge = "unverified", hedge_m.group()
        elif (v := P.VERIFY.search(text)) is not None:
            status, hedge = "verified", v.group()
        rec = r.table.get(attr.actor if attr else None)
        channel = (attr.channel if attr else None) or _channel(r, s)
        r.claims.append(
            Claim(
                text=text,
                start=s.start,
                end=s.end,
                source=rec.label if rec else channel,
                source_id=rec.id if rec else None,
                channel=channel,
                verb=attr.verb if attr else None,
                status=status,  # type: ignore[arg-type]
                hedge=hedge,
            )
        )
        r.claim_sent.append(k)


def _hedged(r: Reading, k: int) -> list[int]:
    """The claims a hedge sentence ("The claims have not been independently verified.") is
    about: those of the two sentences before it in its paragraph, else the last claim of the two
    paragraphs before that reports a strike or an advance, else their last claim."""
    para = r.sents[k].para
    lo, hi = bisect_left(r.claim_sent, k - 2), bisect_left(r.claim_sent, k)
    same = [c for c in range(lo, hi) if r.sents[r.claim_sent[c]].para == para]
    if same:
        return same
    near = [
        c for c in range(max(0, hi - 8), hi) if para - 2 <= r.sents[r.claim_sent[c]].para < para
    ]
    factual = [c for c in near if _factual(r.claims[c].text)]
    return factual[-1:] or near[-1:]


def _factual(text: str) -> bool:
    """A claim about something that happened (a strike, an advance), not a statement of view."""
    return any(P.EVENT[kind].search(text) for kind in ("strike", "incursion"))


def _with_status(c: Claim, status: str, hedge: str | None) -> Claim:
    from dataclasses import replace

    return replace(c, status=status, hedge=hedge)  # type: ignore[arg-type]


def _hedge_only(r: Reading, k: int) -> bool:
    s = r.sents[k]
    text = r.text[s.start : s.end]
    m = P.HEDGE.search(text)
    if m is None or m.group().lower() in {"reportedly", "allegedly", "purportedly"}:
        return False
    return (
        re.search(r"\b(?:claims?|reports?|assertions?|figures?|accounts?|it)\b", text, re.I)
        is not None
        and _sentence_attr(r, s) is None
    )


def _sentence_attr(r: Reading, s: Sentence) -> _Attr | None:
    for v in range(s.i, s.j):
        t = r.toks[v]
        if r.in_quote(t.start):
            continue
        if t.low == "according" and v + 1 < s.j and r.toks[v + 1].low == "to":
            m = r.mentions.get(v + 2)
            if m is not None:
                ch = m.text if m.kind == "channel" else None
                return _Attr(_speaker(r, m, m.start), "according to", "before", v, ch)
        if t.low in SPEECH_VERBS:
            m = _subject_before(r, v, s.i)
            if m is None and v + 1 < s.j:
                m2 = r.mentions.get(v + 1)  # "…, said Ushakov"
                m = m2 if m2 is not None and v > s.i and r.toks[v - 1].text == "," else None
            if m is not None:
                if m.kind == "channel":
                    return _Attr(None, t.low, "before", v, m.text)
                return _Attr(_speaker(r, m, m.start), t.low, "before", v)
    return None


def _quote_sentence(r: Reading, s: Sentence) -> bool:
    """A sentence that is a full quotation and its attribution only ("“…,” he said.")."""
    lo, hi = bisect_left(r._opens, s.start), bisect_left(r._opens, s.end)
    inside = r.spans[lo:hi]
    if not inside:
        return False
    k = r.sentence_of(s.start)
    for n in r.quotes_in(k):
        rec = r.quotes[n]
        if rec.kind == "partial" and rec.attribution != "split":
            return False
    pieces, pos = [], s.start
    for span in inside:
        pieces.append(r.text[pos : span.open])
        pos = max(pos, span.close + 1)
    pieces.append(r.text[pos : s.end])
    rest = "".join(pieces)
    return len(re.findall(r"\w+", rest)) <= 12 and " that " not in rest


# ------------------------------------------------------------------ issues, events, deadlines


def issue_phrases(extra: dict[str, str] | None = None) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern over every issue phrase (longest first) and the phrase -> key map."""
    table: dict[str, str] = {}
    for key, (_label, words) in ISSUES.items():
        for w in words:
            table.setdefault(w, key)
    for w, key in (extra or {}).items():
        table[w.lower()] = key
    alts = sorted(table, key=len, reverse=True)
    pat = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)", re.I)
    return pat, table


def find_issues(
    text: str, extra: dict[str, str] | None = None, labels: dict[str, str] | None = None
) -> list[IssueMention]:
    pat, table = issue_phrases(extra)
    found: dict[str, tuple[list[str], list[tuple[int, int]]]] = {}
    for m in pat.finditer(text):
        key = table[m.group().lower()]
        terms, spans = found.setdefault(key, ([], []))
        if m.group().lower() not in terms:
            terms.append(m.group().lower())
        spans.append((m.start(), m.end()))
    out = []
    for key, (terms, spans) in found.items():
        label = (labels or {}).get(key) or (ISSUES[key][0] if key in ISSUES else key)
        out.append(IssueMention(key, label, tuple(terms), tuple(spans)))
    return sorted(out, key=lambda i: (-len(i.mentions), i.mentions[0][0]))


_NOT_PLACE = frozenset(NOT_NAMES) | {"Reuters", "Telegram"}


def find_events(r: Reading) -> list[Event]:
    out: list[Event] = []
    people = {rec.name for rec in r.table.records() if rec.name}
    for s in r.sents:
        text = r.text[s.start : s.end]
        places: set[str | None] = set()
        for kind, pat in P.EVENT.items():
            for m in pat.finditer(text):
                if r.in_quote(s.start + m.start()):
                    continue
                place = _near(P.PLACE, text, m.start(), m.end(), people)
                if kind == "talks" and place in places:
                    break  # "met ... for talks": one event
                places.add(place)
                out.append(
                    Event(
                        kind=kind,  # type: ignore[arg-type]
                        status="scheduled" if P.FUTURE.search(text) else "reported",
                        trigger=m.group(),
                        text=text,
                        start=s.start,
                        end=s.end,
                        place=place,
                        time=_near(P.TIME, text, m.start(), m.end(), None),
                    )
                )
                break
    return out


def _near(pat: re.Pattern[str], text: str, a: int, b: int, people: set[str] | None) -> str | None:
    """The match of ``pat`` nearest the trigger at ``[a, b)``: the first within 60 characters
    after it, else the last before it."""
    after: str | None = None
    before: str | None = None
    for m in pat.finditer(text):
        cand = m.group(1) if people is not None else m.group()
        if people is not None and not _is_place(cand, people):
            continue
        at = m.start(1) if people is not None else m.start()
        if at >= b and at - b <= 60 and after is None:
            after = cand
        elif m.end() <= a:
            before = cand
    return after or before


def _is_place(cand: str, people: set[str]) -> bool:
    bare = re.sub(r"^the\s+", "", cand)
    first = bare.split()[0]
    return not (first in _NOT_PLACE or bare in people or P.TIME.fullmatch(bare))


def find_deadlines(r: Reading) -> list[Deadline]:
    out = []
    for m in P.DEADLINE.finditer(r.text):
        k = r.sentence_of(m.start())
        s = r.sents[k]
        out.append(Deadline(m.group(), m.start(), m.end(), r.text[s.start : s.end]))
    return out


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the start of one of the first three paragraphs, if any."""
    for a, _b in paragraphs(text)[:3]:
        m = P.DATELINE.match(text, a)
        if m is not None:
            return Dateline(
                m.group("place").strip(), m.group("date"), m.group("agency"), m.start(), m.end()
            )
    return None
