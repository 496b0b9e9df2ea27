"""The reader's shortcuts for speed give the answers of the plain rules they replace.

Each speed-up of issue 22 §5 that skips work is checked here against a plain version written
in this file (sharing no code with the reader): the tokens against a plain regular expression
and lower-casing; the noun-phrase reader, which is tried only at :func:`phrase_starts`, finds
nothing anywhere else; the one whole-text scan for hedges, verification words and event
triggers keeps every sentence whose own search finds one.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zopa.news import _patterns as P
from zopa.news._text import _END, tokens
from zopa.news.actors import _phrase, phrase_starts
from zopa.news.lexicon import EVENT_TRIGGERS, HEDGES, VERIFIED
from zopa.news.reader import _may_match, _search, read_text

PIECES = [
    "Kremlin", "adviser", "Yuri", "Ushakov", "said", "he", "He", "told", "Reuters", "the", "The",
    "plan", "28-point", "U.S.", "Mr.", "Mr", "J.", "R.", "Smith", "Dr.", "a", "senior",
    "official", "Ukraine's", "allies’", "Kyiv’s", "we", "We", "Never", "President", "Putin",
    "foreign", "minister", "of", "von", "der", "Leyen", "state", "media", "TASS", "MOSCOW",
    "NATO", "e\u0301", "\u200b", "\u05e9\u05dc\u05d5\u05dd", "...", "…", ",", ".", ":", "?", "!",
    "“", "”", '"', "'", "’", "-", "—", "\n", "\n\n", "_x", "x-", "a.b", "A.B.",
    "\t", "\xa0", "\u1680", "\u3000", "\x85", "\x1c", "\u2009", "!.”", "?’", "…»",
]  # fmt: skip
piece = st.one_of(st.sampled_from(PIECES), st.text(max_size=5))
text_st = st.lists(piece, max_size=50).map(" ".join) | st.lists(piece, max_size=50).map("".join)

# the word pattern of the reader's first release: plain (backtracking) quantifiers
_PLAIN_WORD = r"\w[\w\-]*(?:['’]\w[\w\-]*)*"
_PLAIN = re.compile(rf"{_PLAIN_WORD}(?:(?:\.{_PLAIN_WORD})+\.*)?|\.+|[^\w\s]")


def _plain_tokens(text: str) -> list[tuple[str, int, int, str, str]]:
    out = []
    for m in _PLAIN.finditer(text):
        low = m.group().lower()
        if low.endswith(("'s", "’s")):
            bare = low[:-2]
        elif low.endswith(("'", "’")):
            bare = low[:-1]
        else:
            bare = low
        out.append((m.group(), m.start(), m.end(), low, bare))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_st)
def test_tokens_are_the_plain_tokens(text: str) -> None:
    """Also inside a window (the reader tokenises each distinct run of non-space characters
    once, and steps over the spaces between runs; any Unicode space is one)."""
    assert [tuple(t) for t in tokens(text, 0, len(text))] == _plain_tokens(text)
    a, b = len(text) // 3, len(text) - len(text) // 4
    window = [(w, s + a, e + a, low, bare) for w, s, e, low, bare in _plain_tokens(text[a:b])]
    assert [tuple(t) for t in tokens(text, a, b)] == window


# the sentence end of the reader's first release: "no mark before" looked at first
_PLAIN_END = re.compile(
    r"(?<![.!?…])[.!?…]+[”’\"»)\]]*"
    r"(?=\s+[\u200b-\u200f\u2060\u2066-\u2069\ufeff]*[\"“„«‘'(\[A-Z0-9À-ÖØ-Þ\u0400-\u042f])"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_st)
def test_sentence_ends_are_the_plain_ones(text: str) -> None:
    """The full stops that may end a sentence, found with the pattern that starts with a mark
    (which the matcher skips to) are those of the plain pattern."""
    assert [m.span() for m in _END.finditer(text)] == [m.span() for m in _PLAIN_END.finditer(text)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_st)
def test_no_noun_phrase_starts_where_the_reader_does_not_look(text: str) -> None:
    toks = tokens(text, 0, len(text))
    looked = set(phrase_starts(toks))
    for g in range(len(toks)):
        if g not in looked:
            assert _phrase(text, toks, g, len(toks)) is None, (g, toks[g])


words = (
    list(HEDGES)
    + list(VERIFIED)
    + [w for ws in EVENT_TRIGGERS.values() for w in ws]
    + ["He said", "It", "was", "The", "claims", ". ", "! ", "? ", ".\n\n", "“", "”", " "]
)
claim_text = st.lists(st.sampled_from(words) | st.text(max_size=4), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_text)
def test_one_scan_keeps_every_sentence_with_a_match(text: str) -> None:
    r = read_text(text)
    low = P.folded(text)
    for pat, pat_low in (
        (P.HEDGE, P.HEDGE_LOW),
        (P.VERIFY, P.VERIFY_LOW),
        (P.ANY_EVENT, P.ANY_EVENT_LOW),
    ):
        maybe = _may_match(pat_low, r, low)
        for k, s in enumerate(r.sents):
            found = _search(pat, pat_low, text, low, s.start, s.end)
            if found is not None:
                assert maybe is None or k in maybe, (k, found)


def _plain_abbreviation_word(text: str, a: int, dot: int) -> str | None:
    """The word before the full stop at ``dot`` (word characters and dots, at most 12), or
    None when there is none or it is longer: a character-by-character walk back."""
    k = dot
    while k > a and dot - k <= 12 and (text[k - 1].isalnum() or text[k - 1] in "._"):
        k -= 1
    return None if k == dot or dot - k > 12 else text[k:dot]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_st, st.data())
def test_the_word_before_a_full_stop_is_the_plain_one(text: str, data: st.DataObject) -> None:
    from zopa.news import _text

    text = text + "."
    dot = data.draw(st.sampled_from([i for i, c in enumerate(text) if c == "."]))
    a = data.draw(st.integers(0, dot))
    plain = _plain_abbreviation_word(text, a, dot)
    run = _text._RUN.search(text, max(a, dot - 13), dot)
    fast = None if run is None or dot - run.start() > 12 else text[run.start() : dot]
    assert fast == plain
