"""The article as read: sentences, tokens, quote spans and actor mentions, with lookups.

Internal to ``zopa.news``: the reader builds a :class:`Reading`, the attribution finders, the
claim rules and the evidence rules query it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from zopa.news._text import QuoteSpan, Token
from zopa.news.actors import ActorTable, Mention
from zopa.news.result import Claim, Quote

__all__ = ["Reading", "Sentence", "token_at"]


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
        self.sent_channel: dict[int, str | None] = {}
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


def token_at(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo
