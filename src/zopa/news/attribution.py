"""Who said each quote: a list of finders, tried in order until one names a speaker.

Each finder is one attribution pattern of real copy, and a new pattern is one entry in
:data:`FINDERS` (with its example in the docstring and a test in ``tests/news``):

=============  ==========================================================================
``split``      “…,” he said, “…”: the second part continues the first
``after``      “…,” Mr. Zelensky said / said the adviser / he added / according to X
``labelled``   a web portal's ``Source: X`` paragraph, then ``Quote: “…”``
``before``     X said (that) “…” / X told reporters: “…” / X was quoted as saying “…” /
               X had earlier spoken of “…” / X welcomed the “…” / according to X, “…”
``colon``      X was more blunt: “…” (the subject of a sentence ending in a colon)
``continued``  a quote still open at the end of the previous paragraph (the last speaker)
``context``    a lone quote right after an attributed one in the same paragraph
=============  ==========================================================================

Subjects are mentions (``zopa.news.actors``): a name, a title ("the Kremlin official" is the
nearest earlier person it fits), a pronoun (the salient person of the nearest sentence before:
the speaker of its last quote, else its subject), an institution, or an unnamed source ("a
source in Russian diplomatic circles told the agency": ``anonymous``). Anything else gets no
speaker, never a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

from zopa.news._text import QuoteSpan
from zopa.news.actors import Mention
from zopa.news.document import Reading, Sentence
from zopa.news.lexicon import ANONYMOUS_HEADS, SPEECH_VERBS, WORDS
from zopa.news.result import Quote

__all__ = ["FINDERS", "Attr", "attribute_quotes", "sentence_attr", "subject_before"]

_REACH: Final = 60  # tokens looked back from a quote for its speech verb (keeps reading linear)
_PAREN: Final = 30  # tokens of a parenthetical between a subject and its verb
_SKIP: Final = WORDS["skip_before_verb"]
_TIME: Final = WORDS["time_adverbs"]
_INDEFINITE: Final = WORDS["indefinite"]
_INTRO: Final = frozenset(
    {"in", "on", "at", "after", "before", "ahead", "speaking", "asked", "earlier", "later",
     "meanwhile", "separately", "for", "with", "from", "during", "despite", "commenting",
     "following", "addressing", "writing", "however", "still", "yet", "overnight"}
)  # fmt: skip
_MEDIA_NOUNS: Final = WORDS["media_nouns"]
_POSS_DET: Final = WORDS["possessive_determiners"]
_OBLIQUE: Final = frozenset({",", "to", "of", "with", "for", "by", "from", "and", "under", "like"})


class Attr(NamedTuple):
    """An attribution: the actor (None for nobody or an unnamed source), the verb, how it was
    found (the finder's name), the token after it and the medium, if any."""

    actor: str | None
    verb: str | None
    how: str
    end: int
    channel: str | None = None
    source: str | None = None  # the words naming an unnamed source


@dataclass(slots=True)
class Context:
    """What a finder may look at for one quote."""

    q: QuoteSpan
    k: int  # sentence index
    s: Sentence
    open_tok: int  # the first token at or after the opening mark (``token_at``)
    after_tok: int  # the first token after the closing mark
    stop: int  # token index where looking after the quote stops
    prev: tuple[int, Attr | None, QuoteSpan] | None  # the paragraph's previous quote
    last: tuple[int, QuoteSpan] | None  # the article's previous quote
    before: tuple[Attr | None] | None = None  # before_quote's answer, once computed


Finder = Callable[[Reading, Context], Attr | None]


# ------------------------------------------------------------------ subjects


def _speaker(r: Reading, m: Mention | None, at: int) -> str | None:
    if m is None or m.kind == "channel":
        return None
    if m.kind == "pronoun":
        return pronoun(r, at)
    return m.actor


def _verb_at(r: Reading, g: int) -> bool:
    """Whether token ``g`` is a speech verb outside quotes (an index lookup)."""
    return g in r.verbs


def _skip_back(r: Reading, g: int, lo: int) -> int:
    """Back over adverbs, auxiliaries, "was quoted as" and time phrases ("on Monday")."""
    while g >= lo:
        low = r.toks[g].low
        if low in _SKIP:
            g -= 1
        elif low in _TIME:
            g -= 2 if g - 1 >= lo and r.toks[g - 1].low in {"on", "late", "early"} else 1
        else:
            break
    return g


def subject_before(r: Reading, v: int, lo: int) -> Mention | None:
    """The subject of the verb at ``v``: the mention right before it (past adverbs, "was
    quoted as", "on Monday"), the name of an apposition (", Dmitry Peskov, said"), past one
    parenthetical (", speaking in Kyiv,") or a relative clause (", who ..."), else the first
    mention of the clause ("A U.S. official familiar with the planning said")."""
    g = _skip_back(r, v - 1, lo)
    if g >= lo and r.toks[g].low == "who" and g - 1 >= lo and r.toks[g - 1].text == ",":
        g -= 2
    if g >= lo and r.toks[g].text == ",":
        m = r.by_end.get(g - 1)
        if m is not None and m.kind == "person" and m.name and m.i >= lo:
            return m  # ", Dmitry Peskov, said"
        k = g - 1
        while k >= lo and k > g - _PAREN and r.toks[k].text not in {",", ";"}:
            k -= 1
        if k >= lo and r.toks[k].text == ",":
            g = k - 1
    m = r.by_end.get(g)
    if m is not None and m.i >= lo:
        return _head_of(r, m, lo)
    return _clause_subject(r, g, lo)


def _head_of(r: Reading, m: Mention, lo: int) -> Mention:
    """ "President Volodymyr Zelensky of Ukraine", "A senior official in the Trump
    administration": the person before "of/in/from (the)" a country or institution."""
    if m.kind not in {"country", "institution"}:
        return m
    g = m.i - 1
    if g >= lo and r.toks[g].low == "the":
        g -= 1
    if g >= lo and r.toks[g].low in {"of", "in", "from", "at", "for"}:
        p = r.by_end.get(g - 1)
        if p is not None and p.i >= lo and p.kind in {"person", "title"}:
            return p
    return m


def _clause_subject(r: Reading, g: int, lo: int) -> Mention | None:
    """The first mention of the clause ending at ``g`` when it starts the clause."""
    k = g
    while k >= lo and k > g - 12 and r.toks[k].text not in {",", ";", ":"}:
        k -= 1
    if k >= lo and r.toks[k].text in {",", ";", ":"} and k > lo + 2:
        return None  # inside a list or a subordinate clause: not a subject
    m = r.mentions.get(k + 1)
    if m is not None and m.kind in {"person", "title", "group"} and m.j <= g + 1:
        return m
    return None


def anonymous_subject(r: Reading, v: int, lo: int) -> str | None:
    """The words of an unnamed source before the verb at ``v`` ("a Russian source", "two
    European diplomats", "one participant"), or None."""
    g = _skip_back(r, v - 1, lo)
    if g >= lo and r.toks[g].text == ",":  # past a parenthetical: ", who asked not to be named,"
        k = g - 1
        while k >= lo and k > g - _PAREN and r.toks[k].text not in {",", ";"}:
            k -= 1
        if k >= lo and r.toks[k].text == ",":
            g = k - 1
    k = g
    while k >= lo and k > g - 14 and r.toks[k].text not in {",", ";", ":", '"', "“", "”"}:
        k -= 1
    words = r.toks[k + 1 : g + 1]
    if not words or words[0].low not in _INDEFINITE:
        return None
    heads = [t for t in words[:6] if t.bare in ANONYMOUS_HEADS]
    if not heads:
        return None
    return r.text[words[0].start : words[-1].end]


def sentence_subject(r: Reading, s: Sentence) -> Mention | None:
    """The subject of a sentence: its first mention, after an opening phrase such as
    "Earlier," or "Speaking after the summit," when that phrase names nobody."""
    g = s.i
    limit = min(s.j, s.i + 14)
    intro = r.toks[s.i].low in _INTRO if s.i < s.j else False
    for c in range(s.i, limit):
        if r.toks[c].text == ",":
            if intro or not any(r.mentions.get(x) for x in range(s.i, c)):
                g = c + 1
            break
    for x in range(g, min(s.j, g + 10)):
        m = r.mentions.get(x)
        if m is not None and not r.in_quote(m.start):
            return m if m.kind in {"person", "title", "pronoun", "institution", "group"} else None
        if r.toks[x].low in SPEECH_VERBS:
            break
    return None


def _salient(r: Reading, k: int) -> str | None:
    """The person a sentence is about: the speaker of its last attributed quote, else its
    subject when that is a person."""
    for n in reversed(r.quotes_in(k)):
        if n < len(r.quotes) and r.quotes[n].speaker_id is not None:
            rec = r.table.get(r.quotes[n].speaker_id)
            if rec is not None and rec.kind == "person":
                return rec.id
    s = r.sents[k]
    m = sentence_subject(r, s)
    if m is None or m.kind not in {"person", "title"} or m.actor is None:
        return None
    for g in range(m.j, s.j):  # another person as an object ("met Umerov"): ambiguous
        o = r.mentions.get(g)
        if o is None or o.kind not in {"person", "title"} or o.actor in {None, m.actor}:
            continue
        if r.in_quote(o.start):
            continue
        before = r.toks[o.i - 1].low if o.i > s.i else ""
        if before not in _OBLIQUE:
            return None
    return m.actor


def pronoun(r: Reading, offset: int) -> str | None:
    """The person "he", "she" or "him" stands for: the only person named since the previous
    paragraph began, else the salient person of the nearest sentence before (within this
    paragraph and the one before)."""
    k = r.sentence_of(offset)
    para = r.sents[k].para
    first = r.para_start.get(para - 1, r.para_start.get(para, 0))
    people = r.table.persons_between(first, offset)
    if len(people) == 1:
        return people[0]
    if not people:
        return None
    if r.sents[k].start < offset:
        own = sentence_subject(r, r.sents[k])
        if own is not None and own.start < offset and own.kind == "person" and own.actor:
            return own.actor
    for back in range(k - 1, max(-1, k - 5), -1):
        if r.sents[back].para < para - 1:
            break
        who = _salient(r, back)
        if who is not None:
            return who
    return None


# ------------------------------------------------------------------ finders


def after_quote(r: Reading, c: Context) -> Attr | None:  # noqa: C901  the after-quote shapes of the docstring, tried in order
    """``“…,” Ushakov said`` / ``“…,” said the adviser`` / ``“…,” Mr. Trump wrote`` / ``“…”
    he added`` (a comma missing) / ``“…,” according to …`` / ``“…,” one participant said``."""
    stop = c.stop
    g = c.after_tok
    while g < stop and r.toks[g].text in {",", "-", "—", "–"}:
        g += 1
    if g >= stop:
        return None
    if r.sentence_of(r.toks[g].start) != c.k:
        before = before_quote(r, c)  # a clear attribution before the quote is not overridden
        if before is not None and (before.actor is not None or before.how == "anonymous"):
            return None
    if _verb_at(r, g):
        m = r.mentions.get(g + 1)
        if m is not None and m.kind != "channel":
            return Attr(_speaker(r, m, m.start), r.toks[g].low, "after", m.j)
        return None
    if r.toks[g].low == "according" and g + 1 < stop and r.toks[g + 1].low == "to":
        m = r.mentions.get(g + 2)
        if m is not None:
            ch = m.text if m.kind == "channel" else None
            return Attr(_speaker(r, m, m.start), "according to", "after", m.j, ch)
    if r.toks[g].low in _POSS_DET and g + 1 < stop and r.mentions.get(g + 1) is not None:
        g += 1  # "…,” its negotiator said: the title after the possessive
    m = r.mentions.get(g)
    if m is not None and m.kind != "channel":
        v = g + (m.j - m.i)
        v = _past_relative(r, v, stop)  # "…,” Rustem Umerov, who leads the team, said
        while v < stop and r.toks[v].low in _SKIP:
            v += 1
        if _verb_at(r, v):
            return Attr(_speaker(r, m, m.start), r.toks[v].low, "after", v + 1)
    anon_the = (
        r.toks[g].low == "the" and g + 1 < stop and r.toks[g + 1].bare in ANONYMOUS_HEADS
    )  # "…,” the participant said: the unnamed source named before
    if m is None and (r.toks[g].low in _INDEFINITE or anon_the):
        for v in range(g, min(g + 8, stop)):
            if r.toks[v].text in {",", ".", ";", ":"} or r.mentions.get(v) is not None:
                break
            if _verb_at(r, v):
                src = r.text[r.toks[g].start : r.toks[v - 1].end] if v > g else None
                return Attr(None, r.toks[v].low, "anonymous", v + 1, source=src)
    return None


def _past_relative(r: Reading, v: int, stop: int) -> int:
    """Past a relative clause or an apposition between a name and its verb (", who is also
    the secretary of the council," / ", the Kremlin aide,"): the token after its closing comma
    (at most ``_PAREN`` tokens on), else ``v``."""
    if v + 1 >= stop or r.toks[v].text != ",":
        return v
    for k in range(v + 1, min(stop, v + _PAREN)):
        t = r.toks[k].text
        if t in {";", ".", ":", "“", "”", '"'}:
            return v
        if t == ",":
            return k + 1 if _verb_at(r, k + 1) else v
    return v


def split_quote(r: Reading, c: Context) -> Attr | None:
    """``“…,” he said, “…”``: the part after the attribution continues the quote before it."""
    prev = c.prev
    if prev is None or prev[1] is None or prev[1].how not in {"after", "split"}:
        return None
    a = prev[1]
    gap = r.text[r.toks[a.end - 1].end : c.q.open] if a.end > 0 else ""
    if gap.strip() in {",", ":", ""} and a.end <= c.open_tok:
        return Attr(a.actor, a.verb, "split", a.end, a.channel)
    return None


_LABEL: Final = re.compile(r"(?i)(quote|цитата)\s*[:\-–—]\s*$")
_SOURCE: Final = re.compile(r"(?i)\s*source\s*[:\-–—]")


def labelled_quote(r: Reading, c: Context) -> Attr | None:
    """A web portal's layout: a paragraph ``Source: Zelensky in his evening address``, then
    ``Quote: “…”``: the quote is the source's."""
    start = r.para_start.get(c.s.para, c.s.start)
    if c.q.open - start > 20:  # the label opens the paragraph (a bounded look: linear)
        return None
    if not _LABEL.search(r.text[start : c.q.open]):
        return None
    for back in range(c.k - 1, max(-1, c.k - 12), -1):
        s = r.sents[back]
        if s.para < c.s.para - 3:
            break
        if _SOURCE.match(r.text, s.start, s.end):
            for g in range(s.i, s.j):
                m = r.mentions.get(g)
                if m is not None and m.kind in {"person", "title", "institution"}:
                    return Attr(m.actor, None, "labelled", 0)
            return None
    return None


def before_quote(r: Reading, c: Context) -> Attr | None:
    """``Ushakov said that “…”``, ``X told reporters: “…”``, ``X was quoted as saying “…”``,
    ``X had earlier spoken of “…”``, ``X welcomed the “…”``, ``according to X, “…”``; the
    speaker of the outer verb when the quote is in a reported clause ("Peskov said Russia would
    respond “…”"); the main subject for a participle ("…, telling state TV that “…”")."""
    if c.before is None:
        c.before = (_before_quote(r, c),)  # asked by after_quote, then in its own turn
    return c.before[0]


def _before_quote(r: Reading, c: Context) -> Attr | None:
    s = c.s
    open_tok = c.open_tok
    for v in reversed(r.cues_between(max(s.i, open_tok - _REACH), open_tok)):
        if r.toks[v].low == "according" and v + 1 < open_tok and r.toks[v + 1].low == "to":
            m = r.mentions.get(v + 2)
            if m is not None:
                ch = m.text if m.kind == "channel" else None
                return Attr(_speaker(r, m, m.start), "according to", "before", open_tok, ch)
        if r.toks[v].low not in SPEECH_VERBS:  # a cue: a speech verb outside quotes, or this
            continue
        verb = r.toks[v].low
        if (
            verb.endswith("ing")
            and _skip_back(r, v - 1, s.i) >= s.i
            and (r.toks[_skip_back(r, v - 1, s.i)].text == ",")
        ):
            # a participle after a comma ("…, saying its leadership “…”"): the main clause's
            # subject speaks, not the nearest noun before the comma
            m = sentence_subject(r, s)
        else:
            m = subject_before(r, v, s.i)
            if m is not None:
                m = _outer(r, m, s.i)
        if m is None and verb.endswith("ing"):
            m = sentence_subject(r, s)
        if m is not None and m.kind != "channel":
            return Attr(_speaker(r, m, m.start), verb, "before", open_tok)
        if m is not None:
            return Attr(None, verb, "before", open_tok, m.text)
        anon = anonymous_subject(r, v, s.i)
        if anon is not None:
            return Attr(None, verb, "anonymous", open_tok, source=anon)
    return None


def _outer(r: Reading, m: Mention, lo: int) -> Mention:
    """For the subject of a reported clause ("said Russia would respond"), the subject of the
    speech verb that reports it, when there is one."""
    g = m.i - 1
    if g >= lo and r.toks[g].low == "that":
        g -= 1
    if g >= lo and _verb_at(r, g):
        outer = subject_before(r, g, lo)
        v = g
        while outer is None and v > lo and r.toks[v - 1].low == "and":
            # "called the plan “theft”, and said Russia would …": the subject of the first verb
            # the nearest speech verb before it, within reach (a bounded, indexed look)
            verbs = [x for x in r.cues_between(max(lo, v - _REACH), v - 1) if _verb_at(r, x)]
            if not verbs:
                break
            v = verbs[-1]
            outer = subject_before(r, v, lo)
        if outer is not None and outer.kind != "channel":
            return outer
    return m


def colon_quote(r: Reading, c: Context) -> Attr | None:
    """``German Chancellor Friedrich Merz was more blunt: “…”``: a quote after a colon belongs
    to the subject of its sentence."""
    k = c.q.open
    while k > c.s.start and r.text[k - 1].isspace():
        k -= 1
    if k <= c.s.start or r.text[k - 1] != ":":
        return None
    m = sentence_subject(r, c.s)
    if m is None or m.start >= c.q.open:
        return None
    return Attr(_speaker(r, m, m.start), None, "colon", c.open_tok)


def continued_quote(r: Reading, c: Context) -> Attr | None:
    """A quote still open at the end of the previous paragraph goes on in this one; so does a
    paragraph that is only a quote, right after a paragraph ending with the sentence of an
    attributed quote (wire copy's way of letting a speaker go on)."""
    if c.last is None:
        return None
    n, lq = c.last
    if r.sents[r.sentence_of(lq.open)].para != c.s.para - 1:
        return None
    src = r.quotes[n]
    if not lq.closed:
        return Attr(src.speaker_id, src.verb, "continued", 0, src.channel)
    if src.speaker_id is None or c.prev is not None or not _only_quote(r, c):
        return None
    k = r.sentence_of(lq.open)
    if r.sents[k + 1].para != c.s.para:
        return None  # the attributed quote's sentence did not end its paragraph
    return Attr(src.speaker_id, src.verb, "continued", 0, src.channel)


def _only_quote(r: Reading, c: Context) -> bool:
    """Whether the quote's paragraph holds nothing but the quote (bounded looks: at most a few
    characters before it and 40 after it)."""
    start = r.para_start.get(c.s.para, c.s.start)
    end = r.para_start.get(c.s.para + 1, len(r.text))
    if c.q.open - start > 8 or _WORDY.search(r.text, start, c.q.open) is not None:
        return False
    after = min(c.q.close + 1, end)
    return end - after <= 40 and _WORDY.search(r.text, after, end) is None


_WORDY: Final = re.compile(r"[^\s.,]")


def context_quote(r: Reading, c: Context) -> Attr | None:
    """A sentence that is only a quote, right after an attributed quote in the paragraph."""
    if c.prev is None:
        return None
    before = _WORDY.search(r.text, c.s.start, c.q.open)
    after = _WORDY.search(r.text, min(c.q.close + 1, c.s.end), c.s.end)
    if before is not None or after is not None:
        return None
    src = r.quotes[c.prev[0]]
    if src.speaker_id is None:
        return None
    return Attr(src.speaker_id, src.verb, "context", 0, src.channel)


FINDERS: tuple[tuple[str, Finder], ...] = (
    ("split", split_quote),
    ("after", after_quote),
    ("labelled", labelled_quote),
    ("before", before_quote),
    ("colon", colon_quote),
    ("continued", continued_quote),
    ("context", context_quote),
)


# ------------------------------------------------------------------ the loop


def _channel(r: Reading, s: Sentence) -> str | None:
    """The first medium named outside quotes in the sentence (an index lookup)."""
    k = bisect_left(r.channels, s.i)
    if k < len(r.channels) and r.channels[k] < s.j:
        return r.mentions[r.channels[k]].text
    return None


_LETTER: Final = re.compile(r"[^\W\d_]")


_DECISIVE: Final = frozenset({"anonymous", "after", "before"})


def attribute_quotes(r: Reading) -> None:
    """Attribute every quote of the article, in order (later finders see earlier answers)."""
    prev_by_para: dict[int, tuple[int, Attr | None, QuoteSpan]] = {}
    last: tuple[int, QuoteSpan] | None = None
    open_tok = 0
    for q in r.spans:
        # the quote's first token and the token after it: ``token_at`` of its marks, found by
        # stepping on from the quote before (quotes come in text order: one pass over the
        # tokens for the article, where a search of the offsets for each was a tenth of this
        # loop's time)
        open_tok = _step(r.starts, open_tok, q.open)
        after_tok = _step(r.starts, open_tok, q.close + 1)
        if _LETTER.search(r.text, q.start, min(q.end, q.start + 400)) is None:
            continue
        if _medium_name(r, q, open_tok, after_tok):
            continue  # the "Novyny" agency: a name in quotation marks, not a quotation
        k = r.sentence_of(q.open)
        s = r.sents[k]
        stop = min(s.j + (r.sents[k + 1].j - s.j if k + 1 < len(r.sents) else 0), len(r.toks))
        if k + 1 < len(r.sents) and r.sents[k + 1].para != s.para:
            stop = s.j
        ctx = Context(q, k, s, open_tok, after_tok, stop, prev_by_para.get(s.para), last)
        attr: Attr | None = None
        for _name, finder in FINDERS:
            attr = finder(r, ctx)
            if attr is not None:
                # a speaker, an unnamed source or a medium ends the search; so does a verb
                # found after or before the quote with nobody to say it (no later guess)
                if attr.actor is not None or attr.how in _DECISIVE or attr.channel is not None:
                    break
                attr = None
        rec = r.table.get(attr.actor if attr else None)
        channel = (attr.channel if attr else None) or _channel(r, s)
        continues = None
        if attr is not None and attr.how == "split" and ctx.prev is not None:
            continues = ctx.prev[0]
        if attr is not None and attr.how == "continued" and last is not None:
            continues = last[0]
        quote = Quote(  # (by position, in the order of Quote's fields: a third cheaper to make)
            r.text[q.start : q.end],  # text
            q.start,  # start
            q.end,  # end
            _kind(r, q, s),  # kind
            rec.label if rec else None,  # speaker
            rec.id if rec else None,  # speaker_id
            rec.affiliation if rec else None,  # affiliation
            attr.verb if attr else None,  # verb
            channel,  # channel
            attr.how if attr is not None else "none",  # type: ignore[arg-type]  # attribution
            continues,  # continues
            tuple([r.text[a:b] for a, b in q.nested]) if q.nested else (),  # nested
            None,  # party (with a scenario, set by zopa.news._read)
            attr.source if attr is not None else None,  # source
        )
        r.quotes.append(quote)
        r.quote_sent.append(k)
        if quote.speaker_id is not None:
            r.spoken.append((quote.start, quote.speaker_id))
        prev_by_para[s.para] = (len(r.quotes) - 1, attr if rec else None, q)
        last = (len(r.quotes) - 1, q)


def _step(starts: list[int], g: int, offset: int) -> int:
    """``token_at(starts, offset)``, stepping on from token ``g`` (which is at most that)."""
    while g < len(starts) and starts[g] < offset:
        g += 1
    return g


def _medium_name(r: Reading, q: QuoteSpan, open_tok: int, after_tok: int) -> bool:
    """A medium's name in quotation marks ("quoted by the “Novyny” agency", "the newspaper
    «Vesti»"): one to three capitalised words right before or after a medium noun."""
    if q.end - q.start > 60 or not q.closed or not r.text[q.start : q.start + 1].isupper():
        return False  # (the first word starts at q.start: it must be capitalised)
    words = r.text[q.start : q.end].split()
    if not 1 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return False
    after, before = after_tok, open_tok - 1
    return (after < len(r.toks) and r.toks[after].low in _MEDIA_NOUNS) or (
        before >= 0 and r.toks[before].low in _MEDIA_NOUNS
    )


def _kind(r: Reading, q: QuoteSpan, s: Sentence) -> Literal["full", "partial"]:
    if not r.text[q.start : q.start + 1].isupper():
        return "partial"  # (the first of the three tests below, done first: the cheapest)
    k = q.open
    while k > s.start and r.text[k - 1].isspace():
        k -= 1
    first = r.text[q.start : q.start + 1]
    starts_clause = k == s.start or r.text[k - 1] in ":,—-"
    words = r.text.count(" ", q.start, min(q.end, q.start + 200)) + 1
    return "full" if first.isupper() and starts_clause and words >= 3 else "partial"


# ------------------------------------------------------------------ claims


def sentence_attr(r: Reading, s: Sentence) -> Attr | None:
    """Who a sentence reports (outside its quotes): ``according to X``, ``X said …``, ``…,
    said X``, or an unnamed source."""
    for v in r.cues_between(s.i, s.j):
        t = r.toks[v]
        if t.low == "according" and v + 1 < s.j and r.toks[v + 1].low == "to":
            m = r.mentions.get(v + 2)
            if m is not None:
                ch = m.text if m.kind == "channel" else None
                return Attr(_speaker(r, m, m.start), "according to", "before", v, ch)
            src = r.text[r.toks[v + 2].start : r.toks[min(v + 4, s.j - 1)].end]
            return Attr(None, "according to", "anonymous", v, source=src)
        if t.low not in SPEECH_VERBS:
            continue
        m = subject_before(r, v, s.i)
        if m is not None:
            m = _outer(r, m, s.i)
        if m is None and v + 1 < s.j and v > s.i and r.toks[v - 1].text == ",":
            m2 = r.mentions.get(v + 1)  # "…, said Ushakov." (not "said the team had …")
            if m2 is not None and (m2.j >= s.j or r.toks[m2.j].text in {",", ".", ";"}):
                m = m2
        if m is None and t.low.endswith("ing"):
            m = sentence_subject(r, s)
        if m is not None:
            if m.kind == "channel":
                return Attr(None, t.low, "before", v, m.text)
            return Attr(_speaker(r, m, m.start), t.low, "before", v)
        anon = anonymous_subject(r, v, s.i)
        if anon is not None:
            return Attr(None, t.low, "anonymous", v, source=anon)
    return None
