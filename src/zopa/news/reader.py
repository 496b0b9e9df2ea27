"""Reading one article: quotes and their speakers, claims, issues, events and deadlines.

The order of work: quotation marks first (so no sentence is split inside a quote), then
sentences, then the noun phrases naming actors (all of them, so a quote's speaker may be named
after it), then each quote's attribution, then the sentence-level records.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import Final

from zopa.news import _patterns as P
from zopa.news._text import Token, find_quotes, paragraphs, sentences, tokens
from zopa.news.actors import (
    ActorTable,
    Mention,
    lexicon_name,
    name_parts,
    phrase_starts,
    scan_mentions,
)
from zopa.news.attribution import _channel, attribute_quotes, sentence_attr
from zopa.news.document import Reading, Sentence, token_at
from zopa.news.lexicon import CLAIM_VERBS, ISSUES, NOT_NAMES, SPEECH_VERBS, WORDS
from zopa.news.result import Claim, Dateline, Deadline, Event, IssueMention

__all__ = ["Reading", "read_text"]

_LOWER_RUN: Final = re.compile(r"\b[a-z]+\b")
_COMMON: Final = frozenset(
    ["nobody", "everyone", "someone", "nothing", "drone", "drones", "peace", "war"]
)
_ISSUE_WORDS: Final = frozenset(w for _label, words in ISSUES.values() for w in words)


def read_text(text: str) -> Reading:
    spans = find_quotes(text)
    para_starts = [a for a, _b in paragraphs(text)]
    toks = tokens(text, 0, len(text))
    starts = list(map(itemgetter(1), toks))
    sents: list[Sentence] = []
    for a, b in sentences(text, spans):
        para = max(0, bisect_right(para_starts, a) - 1)
        i = token_at(starts, a)
        j = token_at(starts, b)
        sents.append(Sentence(a, b, para, i, j))
    table = ActorTable()
    sent_starts = [s.start for s in sents]
    table.sentence_of = lambda off: max(0, bisect_right(sent_starts, off) - 1)  # rare
    phrase_at = phrase_starts(toks)
    # the words the article writes in lower case (runs of a-z between non-word characters):
    # found in each distinct token once (a run of word characters never spans two tokens)
    lower = {w for word in set(map(itemgetter(0), toks)) for w in _LOWER_RUN.findall(word)}
    dl = find_dateline(text)
    skip = (dl.start, dl.end) if dl is not None else (0, 0)
    per_sentence = [
        [
            m
            for m in scan_mentions(text, toks, s.i, s.j, starts=phrase_at)
            if not (m.kind == "person" and m.i == s.i and _common(m, lower, s.i))
            and (m.kind == "channel" or not skip[0] <= m.start < skip[1])
        ]
        if not _credit(text, s)
        else []
        for s in sents
    ]
    surnames = {
        name_parts(m.name)[1] for ms in per_sentence for m in ms if m.name and " " in m.name
    }
    per_sentence = [
        _appositions(
            toks, [m for m in ms if m.kind != "person" or m.role or _plausible(m, toks, surnames)]
        )
        for ms in per_sentence
    ]  # (the first tests of _plausible, inlined: most mentions pass them)
    for ms in per_sentence:
        for m in ms:
            if m.kind == "person":  # (register_name's first test, before the call)
                table.register_name(m)
    mentions: dict[int, Mention] = {}
    for ms in per_sentence:
        for m in ms:
            mentions[m.i] = table.resolve(m)
    alias = table.name_forward(list(mentions.values()))
    if alias:
        mentions = {
            g: m._replace(actor=alias.get(m.actor or "", m.actor)) for g, m in mentions.items()
        }
    r = Reading(text, toks, sents, spans, mentions, table, starts=starts)
    attribute_quotes(r)
    _claims(r)
    return r


_LINKS: Final = frozenset({"to", "of", "for"})


def _appositions(toks: list[Token], ms: list[Mention]) -> list[Mention]:
    """A title before a name in apposition ("The aide to the Russian president, Anton Volkov,
    said"): the title is the person's role (and its affiliation, or that of the title it is
    linked to, theirs), and not a second person."""
    out: list[Mention] = []
    done = -1  # mentions up to this index are already in ``out``
    for n, t in enumerate(ms):
        if n <= done:
            continue
        if t.kind == "title" and t.definite:
            link = (
                ms[n + 1]
                if n + 2 < len(ms)
                and t.j < len(toks)
                and toks[t.j].low in _LINKS
                and ms[n + 1].i == t.j + 1
                else None
            )
            p = ms[n + 2] if link is not None else (ms[n + 1] if n + 1 < len(ms) else None)
            before = link.j if link is not None else t.j
            if (
                p is not None
                and p.kind == "person"
                and p.name
                and p.i == before + 1
                and toks[before].text == ","
                and p.j < len(toks)
                and (toks[p.j].text == "," or toks[p.j].low in SPEECH_VERBS)
            ):
                aff = p.affiliation or t.affiliation or (link.affiliation if link else None)
                role = p.role or t.role
                if link is not None:
                    out.append(link)
                out.append(p._replace(role=role, affiliation=aff))
                done = n + 2 if link is not None else n + 1
                continue
        out.append(t)
    return out


_CREDIT: Final = re.compile(
    r"\(?(?:By\s+[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3}(?:,|\s*$)"
    r"|(?:Additional\s+)?(?:Reporting|Writing|Editing|Compiled|Produced)\s+by\b"
    r"|Associated\s+Press\s+writers?\b|Follow\s+AP'?s\b)"
)


def _credit(text: str, s: Sentence) -> bool:
    """A byline ("By Maria Ferrante") or a credit line ("(Reporting by ...; Editing by ...)",
    "Associated Press writers ... contributed"): it names reporters, not actors."""
    return _CREDIT.match(text, s.start, min(s.end, s.start + 200)) is not None or (
        text.endswith(("contributed.", "contributed to this report."), s.start, s.end)
        and s.end - s.start < 300
    )


def _plausible(m: Mention, toks: list[Token], surnames: set[str]) -> bool:
    """A one-word name with no title ("Congress", "Kostiantynivka", "Guarantees" at a
    sentence start) is a person only when it is the surname of someone the article names in
    full, a person the lexicon knows, speaks ("Ushakov said", "said Ushakov") or has an
    honorific ("Mr. Trump")."""
    if m.kind != "person" or m.role or not m.name or " " in m.name:
        return True
    if m.text[:1].isupper() and m.text.split()[0].rstrip(".").lower() in _HONORIFIC_WORDS:
        return True
    if name_parts(m.name)[1] in surnames or lexicon_name(m.name) is not None:
        return True
    g = m.j
    while g < len(toks) and toks[g].low in _SKIP_WORDS:
        g += 1
    if g < len(toks) and toks[g].low in SPEECH_VERBS:
        return True
    return m.i > 0 and toks[m.i - 1].low in SPEECH_VERBS


_HONORIFIC_WORDS: Final = frozenset(
    {"mr", "mrs", "ms", "dr", "sir", "dame", "mme", "madame", "monsieur"}
)
_SKIP_WORDS: Final = WORDS["skip_before_verb"]


def _common(m: Mention, lower: set[str], first: int) -> bool:
    """A one-word "name" at a sentence start that the article also writes in lower case
    ("Sanctions relief ...") is a common word, not a person."""
    if m.kind != "person" or m.i != first or m.role:
        return False
    name = (m.name or "").lower()
    return name in lower or name in _ISSUE_WORDS or name in _COMMON


# ------------------------------------------------------------------ claims


def _claims(r: Reading) -> None:
    low = P.folded(r.text)
    hedged, verified = _may_match(P.HEDGE_LOW, r, low), _may_match(P.VERIFY_LOW, r, low)
    for k, s in enumerate(r.sents):
        hedge_m = (
            _search(P.HEDGE, P.HEDGE_LOW, r.text, low, s.start, s.end)
            if hedged is None or k in hedged
            else None
        )
        attr = sentence_attr(r, s)
        if hedge_m is None and attr is None:
            continue
        text = r.text[s.start : s.end]
        if hedge_m is not None and attr is None and _hedge_only(text, hedge_m):
            for c in _hedged(r, k):
                if r.claims[c].status == "attributed":
                    r.claims[c] = _with_status(r.claims[c], "unverified", hedge_m)
            continue
        if attr is None and hedge_m is None:
            continue
        if _quote_sentence(r, s):
            continue
        status = "attributed"
        hedge: str | None = None
        if hedge_m is not None:
            status, hedge = "unverified", hedge_m
        elif (verified is None or k in verified) and (
            v := _search(P.VERIFY, P.VERIFY_LOW, r.text, low, s.start, s.end)
        ) is not None:
            status, hedge = "verified", v
        if status == "attributed" and attr is not None and attr.verb in CLAIM_VERBS:
            status, hedge = "unverified", attr.verb  # "has claimed", "alleging"
        rec = r.table.get(attr.actor if attr else None)
        channel = (attr.channel if attr else None) or _channel(r, s)
        anon = attr.source if attr is not None else None
        r.claims.append(
            Claim(
                text=text,
                start=s.start,
                end=s.end,
                source=rec.label if rec else (anon or channel),
                source_id=rec.id if rec else None,
                channel=channel,
                verb=attr.verb if attr else None,
                status=status,  # type: ignore[arg-type]
                hedge=hedge,
            )
        )
        r.claim_sent.append(k)


def _may_match(pat_low: re.Pattern[str], r: Reading, low: str | None) -> set[int] | None:
    """Indices of the sentences that may hold a match of ``pat_low`` (see :func:`_search`):
    those overlapping a match of one scan of the whole lower-cased text; None without one.

    Exact: a sentence whose own search finds a match at ``p`` overlaps a match of the whole
    scan, which either covers ``p`` or tries ``p`` and matches there (the same characters,
    and a sentence ends before a space or the text's end, so a ``\\b`` after it reads the
    same). One C-level scan instead of one search a sentence."""
    if low is None:
        return None
    starts = r._sent_starts
    out: set[int] = set()
    for m in pat_low.finditer(low):
        k = max(0, bisect_right(starts, m.start()) - 1)
        out.update(range(k, max(k + 1, bisect_left(starts, m.end()))))
    return out


def _search(
    pat: re.Pattern[str], pat_low: re.Pattern[str], text: str, low: str | None, a: int, b: int
) -> str | None:
    """The first match of a case-insensitive pattern in ``text[a:b]`` (its text as written),
    searched in the lower-cased text when there is one (``P.folded``)."""
    m = pat.search(text, a, b) if low is None else pat_low.search(low, a, b)
    return None if m is None else text[m.start() : m.end()]


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


def _hedge_only(text: str, m: str) -> bool:
    """A sentence (with no source of its own) that only hedges earlier claims: "The claims
    have not been independently verified." (``m``: its hedge)."""
    if m.lower() in {"reportedly", "allegedly", "purportedly"}:
        return False
    return _ABOUT_CLAIMS.search(text) is not None


_ABOUT_CLAIMS: Final = re.compile(
    r"\b(?:claims?|reports?|assertions?|figures?|accounts?|details|information|data"
    r"|numbers|it|this|that)\b",
    re.I,
)


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
    pat = re.compile(r"(?<!\w)(?:" + P.alternation(table) + r")(?!\w)", re.I)
    return pat, table


def find_issues(
    text: str, extra: dict[str, str] | None = None, labels: dict[str, str] | None = None
) -> list[IssueMention]:
    pat, table = issue_phrases(extra)
    low = P.folded(text)
    hits = pat.finditer(text) if low is None else re.compile(pat.pattern).finditer(low)
    found: dict[str, tuple[list[str], list[tuple[int, int]]]] = {}
    for m in hits:
        term = m.group().lower()
        key = table[term]
        terms, spans = found.setdefault(key, ([], []))
        if term not in terms:
            terms.append(term)
        spans.append((m.start(), m.end()))
    out = []
    for key, (terms, spans) in found.items():
        label = (labels or {}).get(key) or (ISSUES[key][0] if key in ISSUES else key)
        out.append(IssueMention(key, label, tuple(terms), tuple(spans)))
    return sorted(out, key=lambda i: (-len(i.mentions), i.mentions[0][0]))


_NOT_PLACE: Final = frozenset(NOT_NAMES) | {"Reuters", "Telegram"}


def find_events(r: Reading) -> list[Event]:
    out: list[Event] = []
    people = {rec.name for rec in r.table.records() if rec.name}
    low = P.folded(r.text)
    maybe = _may_match(P.ANY_EVENT_LOW, r, low)
    for k, s in enumerate(r.sents):
        if maybe is not None and k not in maybe:
            continue
        if _search(P.ANY_EVENT, P.ANY_EVENT_LOW, r.text, low, s.start, s.end) is None:
            continue  # one scan of the sentence for every kind's trigger words
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
    """The dateline at the start of one of the first five paragraphs, if any: its place, its
    date when the format gives one, and the agency ("(Reuters)", "(AP)", "/TASS/")."""
    for a, _b in paragraphs(text)[:5]:
        m = P.DATELINE.match(text, a)
        if m is None:
            continue
        place = m.group("place").strip()
        if len(place.replace(".", "")) < 2 or place.split(",")[0].strip() in _NOT_DATELINE:
            continue
        agency = m.group("agency") or m.group("slash")
        if m.group("date") is None and agency is None and not m.group("dash"):
            continue
        return Dateline(place, m.group("date"), agency, m.start("place"), m.end())
    return None


_NOT_DATELINE: Final = frozenset(
    {"I", "A", "US", "EU", "UN", "NATO", "UPDATE", "BREAKING", "EXCLUSIVE"}
)
