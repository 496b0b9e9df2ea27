"""Paragraphs, quotation marks, sentences and tokens, all as character offsets into the text."""

from __future__ import annotations

import re
from bisect import bisect_left
from sys import intern
from typing import NamedTuple

from zopa.news.lexicon import ABBREVIATIONS

__all__ = ["QuoteSpan", "Token", "find_quotes", "paragraphs", "sentences", "tokens"]

# opening mark -> the marks that may close it
# (the first closer is the proper one; the others close only where they cannot open a quote)
_PAIRS: dict[str, str] = {
    "“": '”“"',  # English “…”, and “…“ or “…" as typed by some
    "„": "“”",  # German / Polish / Ukrainian „…“ and „…”
    "«": "»",
    "‹": "›",
    "‘": "’",
    "‚": "‘’",
    '"': '"”',  # a straight opening mark closed by a curly one, as real copy has it
    "'": "'",
    "「": "」",
}
_MARKS = re.compile("[" + re.escape("".join(set("".join(_PAIRS) + "".join(_PAIRS.values())))) + "]")
_SINGLE = frozenset("‘’‚'‹›")
_OPEN_BEFORE = frozenset(" \t\n([{—–-/:") | frozenset(_PAIRS)


class QuoteSpan(NamedTuple):
    """A top-level quotation: marks at ``open`` and ``close``; content ``text[start:end]``."""

    open: int
    close: int  # index of the closing mark, or the paragraph end when the quote runs on
    start: int
    end: int
    closed: bool
    nested: tuple[tuple[int, int], ...] = ()


class Token(NamedTuple):
    """A word or punctuation token (a named tuple: a million of them are made for 5 MB)."""

    text: str
    start: int
    end: int
    low: str  # lower case
    bare: str  # lower case without a possessive ("russia's" -> "russia")


def _token(text: str, start: int, end: int) -> Token:
    low = text.lower()
    bare = low
    if low.endswith(("'s", "’s")):
        bare = low[:-2]
    elif low.endswith(("'", "’")):
        bare = low[:-1]
    return Token(text, start, end, low, bare)


_BLANK = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank-line separated; a text without blank lines has one per line."""
    sep = _BLANK if _BLANK.search(text) else re.compile(r"\n")
    out: list[tuple[int, int]] = []
    pos = 0
    for m in sep.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(a, b) for a, b in (_strip(text, a, b) for a, b in out) if b > a]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


def _can_open(text: str, i: int, a: int) -> bool:
    before = text[i - 1] if i > a else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    return before in _OPEN_BEFORE or before.isspace()


def _can_close(text: str, i: int, opened: int) -> bool:
    if i == opened + 1:
        return False
    ch = text[i]
    if ch in _SINGLE and (_is_apostrophe(text, i) or _plural_possessive(text, i)):
        return False
    return not (ch in "\"'" and text[i - 1].isspace())


_POSSESSIVE_AFTER = re.compile(r"[’'] [a-z]\w*[^\n’']*?[,.?!]?[’']")
_LOOK = 240  # characters a local test may look at: keeps reading linear in a paragraph's length


def _plural_possessive(text: str, i: int) -> bool:
    """ "the allies’ plan" inside ‘…’: an s, the mark, then a lower-case word, and the same mark
    again soon after (within a few lines' worth of text) to close the quote."""
    if text[i - 1] != "s" or i + 2 >= len(text):
        return False
    return _POSSESSIVE_AFTER.match(text, i, min(len(text), i + _LOOK)) is not None


def find_quotes(text: str) -> list[QuoteSpan]:
    """Every top-level quotation in ``text``; nested quotes are listed inside their quote.

    Each paragraph is scanned with a stack of open marks. An apostrophe (a single mark between
    letters) neither opens nor closes. A double quote still open at the end of a paragraph runs
    to the paragraph's end (the wire-style quote that goes on in the next paragraph); open
    single marks at a paragraph end are dropped (they were apostrophes).
    """
    out: list[QuoteSpan] = []
    for a, b in paragraphs(text):
        out.extend(_scan(text, a, b))
    return out


def _scan(text: str, a: int, b: int) -> list[QuoteSpan]:
    stack: list[tuple[str, int]] = []
    nested: list[tuple[int, int]] = []
    out: list[QuoteSpan] = []
    for hit in _MARKS.finditer(text, a, b):  # only the marks: linear, and fast
        i = hit.start()
        ch = text[i]
        k = _closes(stack, text, i, a) if stack else None
        if k is not None:
            del stack[k + 1 :]  # stray single marks above it were apostrophes
            mark, j = stack.pop()
            if stack:
                nested.append((j + 1, i))
            else:
                out.append(_span(text, j, i, True, nested))
                nested = []
            continue
        if ch in _PAIRS and _can_open(text, i, a):
            if ch in _SINGLE and _is_apostrophe(text, i):
                continue
            stack.append((ch, i))
    # a double mark open at the paragraph end: the quote runs to the end of the paragraph
    for mark, j in stack:
        if mark not in _SINGLE:
            out.append(_span(text, j, b, False, [n for n in nested if n[0] > j]))
            break
    return sorted(out, key=lambda q: q.open)


_DEPTH = 16  # open marks a closing mark may look through (stray single marks are apostrophes)


def _closes(stack: list[tuple[str, int]], text: str, i: int, a: int) -> int | None:
    """Index in ``stack`` of the open mark ``text[i]`` closes (only single marks may be skipped)."""
    ch = text[i]
    for k in range(len(stack) - 1, max(-1, len(stack) - 1 - _DEPTH), -1):
        mark, j = stack[k]
        closers = _PAIRS[mark]
        proper = ch in (closers[0], mark) or not _can_open(text, i, a)
        if ch in closers and _can_close(text, i, j) and proper:
            return k
        if mark not in _SINGLE:
            return None
    return None


def _span(text: str, j: int, close: int, closed: bool, nested: list[tuple[int, int]]) -> QuoteSpan:
    s, e = j + 1, close
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    return QuoteSpan(j, close, s, e, closed, tuple(nested))


_INVISIBLE = "\u200b-\u200f\u2060\u2066-\u2069\ufeff"  # zero-width and direction marks
# (the first mark, then "no mark before it" as a look back over it: a pattern that starts with
# a character class lets the matcher skip to the marks instead of trying every position)
_END = re.compile(
    r"[.!?…](?<![.!?…]{2})[.!?…]*+[”’\"»)\]]*+"
    rf"(?=\s+[{_INVISIBLE}]*[\"“„«‘'(\[A-Z0-9À-ÖØ-Þ\u0400-\u042f])"
)


def sentences(text: str, quotes: list[QuoteSpan]) -> list[tuple[int, int]]:
    """Sentence spans: split at ., ! or ? before a capital or an opening quote, never inside
    a quotation, after an abbreviation (``Mr.``, ``Gen.``, ``U.S.``, ``Nov.``) or an initial
    (``J. D. Vance``); every paragraph ends a sentence."""
    opens = [q.open for q in quotes]  # quotes do not overlap and come in text order
    closes = [q.close for q in quotes]
    out: list[tuple[int, int]] = []
    for a, b in paragraphs(text):
        pos = a
        for m in _END.finditer(text, a, b):
            at, end = m.span()
            k = bisect_left(opens, at) - 1
            if k >= 0 and opens[k] < at and end <= closes[k]:
                continue
            if text[at] == "." and _abbreviation(text, pos, at):
                continue
            out.append(_strip(text, pos, end))
            pos = end
        out.append(_strip(text, pos, b))
    return [(s, e) for s, e in out if e > s]


_RUN = re.compile(r"[\w.]+\Z")  # (\Z: at the end position given to search)


def _abbreviation(text: str, a: int, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial. Looks back over the
    word before it only (at most 12 characters: no abbreviation is longer), so a paragraph
    of a million full stops is still read in linear time."""
    run = _RUN.search(text, max(a, dot - 13), dot)  # the word characters and dots before it
    if run is None or dot - run.start() > 12:
        return False
    word = text[run.start() : dot].lower().strip(".")
    if len(word) == 1 and word.isalpha():
        return True  # an initial
    if word in {"no", "nos"}:  # "No. 3", not "said no."
        return bool(re.match(r"\s*\d", text[dot + 1 : dot + 4]))
    return word in ABBREVIATIONS


_WORD = r"\w[\w\-]*+(?:['’]\w[\w\-]*+)*+"  # an apostrophe only between letters
# a word, a word with inner full stops and the dots after it ("U.S.", "J.D."), a run of full
# stops, or one other mark: one pass of the C matcher, no merging afterwards (possessive
# quantifiers: the matcher keeps no backtracking points, about 15% faster, same tokens)
_TOKEN = re.compile(rf"{_WORD}(?:(?:\.{_WORD})++\.*+)?+|\.++|[^\w\s]")


_POSSESSIVE = ("'s", "’s")
_MARKED = ("'s", "’s", "'", "’")
_NEW = tuple.__new__  # a named tuple made from all its fields, without the Python-level __new__


def _unmarked(w: str) -> str:
    return w[:-2] if w.endswith(_POSSESSIVE) else w[:-1]


def _chunk(chunk: str) -> list[tuple[str, int, int, str, str]]:
    """The tokens of one run of non-space characters: (text, start, end, lower case, bare),
    offsets into the run; one string object per distinct word (``sys.intern``)."""
    out = []
    for m in _TOKEN.finditer(chunk):
        w = intern(m.group())
        low = intern(w.lower())
        out.append((w, m.start(), m.end(), low, _unmarked(low) if low.endswith(_MARKED) else low))
    return out


def tokens(text: str, a: int, b: int) -> list[Token]:
    """Word and punctuation tokens of ``text[a:b]`` with absolute offsets.

    No token holds a space (``\\s``: what ``str.split`` splits at, ``str.isspace``), and a run
    of non-space characters is tokenised the same wherever it stands, so each distinct run is
    tokenised once (text is Zipfian: a 5 MB article has about a million runs and a few
    thousand distinct ones) and its tokens are placed at every occurrence, found by stepping
    over the spaces after the one before. A 5 MB article has over a million tokens."""
    out: list[Token] = []
    seen: dict[str, list[tuple[str, int, int, str, str]]] = {}
    new, token = _NEW, Token  # (locals: no look-up of the globals for each token)
    pos = a
    for run in text[a:b].split():
        while text[pos].isspace():  # (only spaces lie between two runs)
            pos += 1
        parts = seen.get(run)
        if parts is None:
            parts = seen[run] = _chunk(run)
        for w, s, e, low, bare in parts:
            out.append(new(token, (w, pos + s, pos + e, low, bare)))
        pos += len(run)
    return out
