"""Paragraphs, quotation marks, sentences and tokens, all as character offsets into the text."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from zopa.news.lexicon import ABBREVIATIONS

__all__ = ["QuoteSpan", "Token", "find_quotes", "paragraphs", "sentences", "tokens"]

# opening mark -> the marks that may close it
_PAIRS: dict[str, str] = {
    "“": "”“",  # English “…”, and “…“ as typed by some
    "„": "“”",  # German / Polish / Ukrainian „…“ and „…”
    "«": "»",
    "‹": "›",
    "‘": "’",
    "‚": "‘’",
    '"': '"',
    "'": "'",
    "「": "」",
}
_SINGLE = frozenset("‘’‚'‹›")
_OPEN_BEFORE = frozenset(" \t\n([{—–-/:") | frozenset(_PAIRS)


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A top-level quotation: marks at ``open`` and ``close``; content ``text[start:end]``."""

    open: int
    close: int  # index of the closing mark, or the paragraph end when the quote runs on
    start: int
    end: int
    closed: bool
    nested: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


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


def _plural_possessive(text: str, i: int) -> bool:
    """ "the allies’ plan" inside ‘…’: an s, the mark, then a lower-case word, and the same mark
    again later in the paragraph to close the quote."""
    if text[i - 1] != "s" or i + 2 >= len(text):
        return False
    end = text.find("\n", i)
    return _POSSESSIVE_AFTER.match(text, i, end if end >= 0 else len(text)) is not None


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
    for i in range(a, b):
        ch = text[i]
        k = _closes(stack, text, i)
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


def _closes(stack: list[tuple[str, int]], text: str, i: int) -> int | None:
    """Index in ``stack`` of the open mark ``text[i]`` closes (only single marks may be skipped)."""
    ch = text[i]
    for k in range(len(stack) - 1, -1, -1):
        mark, j = stack[k]
        if ch in _PAIRS[mark] and _can_close(text, i, j):
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


_END = re.compile(r"[.!?…]+[”’\"»)\]]*(?=\s+[\"“„«‘'(\[A-Z0-9À-ÖØ-Þ\u0400-\u042f])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def sentences(text: str, quotes: list[QuoteSpan]) -> list[tuple[int, int]]:
    """Sentence spans: split at ., ! or ? before a capital or an opening quote, never inside
    a quotation, after an abbreviation (``Mr.``, ``Gen.``, ``U.S.``, ``Nov.``) or an initial
    (``J. D. Vance``); every paragraph ends a sentence."""
    opens = [q.open for q in quotes]  # quotes do not overlap and come in text order
    out: list[tuple[int, int]] = []
    for a, b in paragraphs(text):
        pos = a
        for m in _END.finditer(text, a, b):
            end = m.end()
            k = bisect_left(opens, m.start()) - 1
            if k >= 0 and quotes[k].open < m.start() < quotes[k].close:
                continue
            if text[m.start()] == "." and _abbreviation(text, pos, m.start()):
                continue
            out.append(_strip(text, pos, end))
            pos = end
        out.append(_strip(text, pos, b))
    return [(s, e) for s, e in out if e > s]


def _abbreviation(text: str, a: int, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, a, dot)
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    if len(word) == 1 and word.isalpha():
        return True  # an initial
    if word in {"no", "nos"}:  # "No. 3", not "said no."
        return bool(re.match(r"\s*\d", text[dot + 1 : dot + 4]))
    return word in ABBREVIATIONS


_TOKEN = re.compile(r"\w(?:[\w\-]|['’](?=\w)|\.(?=\w\.?))*|[^\w\s]")


def tokens(text: str, a: int, b: int) -> list[Token]:
    """Word and punctuation tokens of ``text[a:b]`` with absolute offsets."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text, a, b):
        t = Token(m.group(), m.start(), m.end())
        if t.text == "." and out and "." in out[-1].text and out[-1].end == t.start:
            out[-1] = Token(out[-1].text + ".", out[-1].start, t.end)  # U.S. keeps its dot
            continue
        out.append(t)
    return out
