"""The article as read: sentences, tokens, quote spans and actor mentions, with lookups.

Internal to ``zopa.news``: the reader builds a :class:`Reading`, the attribution finders, the
claim rules and the evidence rules query it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

from zopa.news._text import QuoteSpan, Token
from zopa.news.actors import ActorTable, Mention
from zopa.news.lexicon import SPEECH_VERBS
from zopa.news.result import Claim, Quote

__all__ = ["Reading", "Sentence", "token_at"]

_CUES = frozenset(SPEECH_VERBS) | {"according"}


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
    starts: list[int] = field(default_factory=list)  # token start offsets (made if not given)

    def __post_init__(self) -> None:
        self.spoken: list[tuple[int, str]] = []  # (start, speaker id) of attributed quotes
        if not self.starts:
            self.starts = list(map(itemgetter(1), self.toks))
        self._sent_starts = [s.start for s in self.sents]
        self._opens = [q.open for q in self.spans]
        self._closes = [q.close for q in self.spans]
        self.by_end = {m.j - 1: m for m in self.mentions.values()}
        # speech verbs and "according" outside quotes, in text order: the only tokens the
        # attribution loops act on, so they step through these instead of every token
        self.cues = [
            g for g, t in enumerate(self.toks) if t.low in _CUES and not self.in_quote(t.start)
        ]
        # the speech verbs among them (a set: "is token g a speech verb outside quotes")
        self.verbs = frozenset(g for g in self.cues if self.toks[g].low in SPEECH_VERBS)
        # token indices of media named outside quotes ("Russian state media"), in order
        self.channels = sorted(
            g
            for g, m in self.mentions.items()
            if m.kind == "channel" and not self.in_quote(m.start)
        )
        self.para_start: dict[int, int] = {}
        for sent in self.sents:
            self.para_start.setdefault(sent.para, sent.start)

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (or the last one starting before it)."""
        k = bisect_right(self._sent_starts, offset) - 1
        return k if k > 0 else 0

    def quotes_in(self, k: int) -> list[int]:
        """Indices of the quotes whose opening mark is in sentence ``k``."""
        lo = bisect_left(self.quote_sent, k)
        return list(range(lo, bisect_right(self.quote_sent, k)))

    def claims_in(self, k: int) -> list[int]:
        lo = bisect_left(self.claim_sent, k)
        return list(range(lo, bisect_right(self.claim_sent, k)))

    def cues_between(self, lo: int, hi: int) -> list[int]:
        """Token indices in ``[lo, hi)`` of speech verbs and "according" outside quotes."""
        return self.cues[bisect_left(self.cues, lo) : bisect_left(self.cues, hi)]

    def in_quote(self, offset: int) -> bool:
        k = bisect_right(self._opens, offset) - 1
        return k >= 0 and offset <= self._closes[k]  # (and _opens[k] <= offset, by bisect)


def token_at(starts: list[int], offset: int) -> int:
    """Index of the first token starting at or after ``offset``."""
    return bisect_left(starts, offset)
