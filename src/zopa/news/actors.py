"""Who is named: people with their titles and affiliations, institutions, countries, channels.

A sentence's tokens are read left to right into noun phrases: an optional determiner, a run of
affiliation and title words ("Kremlin foreign policy adviser", "Russia's foreign minister") and
an optional capitalised name ("Yuri Ushakov"); an apposition after a name (", the Kremlin
spokesman,") adds the role. The :class:`ActorTable` resolves later mentions to earlier actors:
a surname to the full name, a definite title ("the adviser", "the Kremlin aide") to the one
earlier actor whose role and affiliation fit, and nothing when more than one fits.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from zopa.news._text import Token
from zopa.news.lexicon import (
    AFFILIATIONS,
    BLOCS,
    CHANNELS,
    INSTITUTIONS,
    NOT_NAMES,
    PERSONS,
    PLACES,
    ROLE_GROUPS,
    TITLE_HEADS,
    TITLE_WORDS,
)
from zopa.news.result import Actor

__all__ = ["ActorTable", "Mention", "affiliation_of", "scan_mentions"]

_AFF: dict[str, str] = {w: canon for canon, words in AFFILIATIONS.items() for w in words}
_ADJECTIVES = frozenset(
    [
        "russian",
        "ukrainian",
        "american",
        "european",
        "french",
        "german",
        "british",
        "turkish",
        "chinese",
        "polish",
        "belarusian",
        "qatari",
        "emirati",
        "hungarian",
    ]
)
_CAPS_OK = frozenset(
    [
        "NATO",
        "EU",
        "US",
        "UN",
        "IAEA",
        "UAE",
        "UK",
        "E3",
        "G8",
        "G7",
        "ZNPP",
        "AFP",
        "AP",
        "BBC",
        "CNN",
        "TASS",
        "RIA",
        "NBC",
        "CBS",
        "ABC",
        "DPA",
    ]
)
_INST_HEADS = frozenset(
    [
        "ministry",
        "government",
        "delegation",
        "military",
        "army",
        "forces",
        "side",
        "office",
        "administration",
        "parliament",
        "embassy",
        "commission",
        "negotiating",
        "team",
        "team",
    ]
)
_PARTICLES = frozenset({"von", "der", "de", "van", "al", "bin", "la", "le", "da"})
_PRONOUNS = frozenset({"he", "she", "him", "her"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "mme", "madame", "monsieur"})
_GROUP_HEADS = frozenset({"officials", "diplomats", "negotiators", "spokesmen", "sources"})
_ORGS = frozenset({"NATO", "European Union", "United Nations", "IAEA"})
_POSS = re.compile(r"['’]s?$")
_POSS_ENDS = ("'", "’", "'s", "’s")


def _bare(word: str) -> str:
    return _POSS.sub("", word.lower())


def affiliation_of(phrase: str) -> str | None:
    """The canonical affiliation a word or phrase names ("Kremlin" -> "Russia"), if any."""
    return _AFF.get(_bare(phrase).strip())


def related(a: str | None, b: str | None) -> bool:
    """Same affiliation, or one is a bloc the other belongs to (France and Europe)."""
    if a is None or b is None:
        return True
    return a == b or b in BLOCS.get(a, ()) or a in BLOCS.get(b, ())


class Mention(NamedTuple):
    """One noun phrase that names an actor or a channel (token indices ``[i, j)``); a named
    tuple, as tokens are: tens of thousands are made for a long article."""

    i: int
    j: int
    start: int
    end: int
    kind: str  # person | title | group | institution | country | channel | pronoun
    text: str
    name: str | None = None
    role: str | None = None
    affiliation: str | None = None
    definite: bool = True
    actor: str | None = None  # resolved actor id (None: unresolved or a channel)


_NEW = tuple.__new__  # a named tuple made from all its fields, without the Python-level __new__


def _is_name(t: Token) -> bool:
    return _is_name_word(t.text, t.bare)


@lru_cache(maxsize=65536)
def _is_name_word(w: str, bare: str) -> bool:
    """Whether a token (its text and its lower case without a possessive) may be part of a
    capitalised name (cached: a pure test, called for most capitalised tokens)."""
    if not w[:1].isupper() or not w[:1].isalpha():
        return False
    if w in NOT_NAMES or bare in TITLE_WORDS:
        return False
    if w.isupper() and len(w) > 1 and w not in _CAPS_OK:
        return False  # datelines (MOSCOW) and shouting
    return bare not in _AFF


class _Phrases:
    """A set of lower-case phrases, looked up by their first word first."""

    def __init__(self, phrases: frozenset[str] | set[str]) -> None:
        self.phrases = frozenset(phrases)
        self.first = frozenset(p.split()[0] for p in self.phrases if p.split())
        self.longest = max((len(p.split()) for p in self.phrases), default=1)
        lengths: dict[str, set[int]] = {}
        for p in self.phrases:
            if p.split():
                lengths.setdefault(p.split()[0], set()).add(len(p.split()))
        # first word -> the lengths (in words) of the phrases it starts, longest first
        self.lengths = {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()}


def _match_phrase(toks: list[Token], i: int, phrases: _Phrases, end: int) -> int:
    """Length of the longest phrase of ``phrases`` starting at token ``i`` and ending before
    token ``end`` (0 if none)."""
    if i >= end:
        return 0
    head = toks[i]
    if head.low not in phrases.first and head.bare not in phrases.first:
        return 0
    # a phrase of n > 1 words starts with the head's lower case; of one word, it is its bare
    # form: only the lengths of phrases starting with one of them can match
    ns = phrases.lengths.get(head.low, ()) + (1,) * (head.bare in phrases.phrases)
    for n in sorted(set(ns), reverse=True):
        if n > end - i:
            continue
        words = [t.low for t in toks[i : i + n - 1]]
        words.append(toks[i + n - 1].bare)
        if " ".join(words) in phrases.phrases:
            return n
    return 0


_AFF_PHRASES = _Phrases(set(_AFF))
_INST_PHRASES = _Phrases(set(INSTITUTIONS))
_CHANNELS = _Phrases(set(CHANNELS))
_AFF_FIRST = _AFF_PHRASES.first
_INST_FIRST = _INST_PHRASES.first
_CH_FIRST = _CHANNELS.first


def _maybe(t: Token, first: frozenset[str]) -> bool:
    """Whether a phrase of a list may start at ``t`` (the test :func:`_match_phrase` begins
    with, done before calling it)."""
    return t.low in first or t.bare in first


# first words of every phrase _phrase can read (besides a capitalised name)
_STARTS = (
    frozenset({"the", "a", "an"})
    | _PRONOUNS
    | _HONORIFICS
    | _AFF_PHRASES.first
    | _INST_PHRASES.first
    | _CHANNELS.first
    | TITLE_WORDS
)


def phrase_starts(toks: list[Token]) -> list[int]:
    """Indices of the tokens a noun phrase may start with (a determiner, a pronoun, an
    honorific, an affiliation, institution, medium or title word, or a word that may start a
    name): the only places :func:`scan_mentions` tries (:func:`_phrase` finds nothing at any
    other token: with none of these, its name reader stops at once). One pass over the
    article's tokens."""
    # the test depends on a token's text only: made once per distinct word, then looked up
    ok: dict[str, bool] = {}
    out: list[int] = []
    for g, t in enumerate(toks):
        yes = ok.get(t.text)
        if yes is None:
            yes = ok[t.text] = (
                t.low in _STARTS or t.bare in _STARTS or _is_name_word(t.text, t.bare)
            )
        if yes:
            out.append(g)
    return out


def scan_mentions(
    text: str,
    toks: list[Token],
    lo: int = 0,
    hi: int | None = None,
    starts: list[int] | None = None,
) -> list[Mention]:
    """Every actor-like noun phrase of the sentence ``toks[lo:hi]``, left to right (unresolved;
    token indices are into ``toks``). ``starts``: :func:`phrase_starts` of ``toks``, when the
    caller scans many sentences of one article."""
    hi = len(toks) if hi is None else hi
    if starts is None:
        cands = [g + lo for g in phrase_starts(toks[lo:hi])]
    else:
        cands = starts[bisect_left(starts, lo) : bisect_left(starts, hi)]
    out: list[Mention] = []
    nxt = lo  # the first token not yet inside a phrase
    for g in cands:
        if g < nxt:
            continue
        m = _phrase(text, toks, g, hi)
        if m is None:
            continue
        out.append(m)
        nxt = m.j
    return out


def _mention(
    toks: list[Token],
    i: int,
    j: int,
    kind: str,
    phrase: str,
    *,
    name: str | None = None,
    role: str | None = None,
    aff: str | None = None,
) -> Mention:
    """The definite mention of tokens ``i`` to ``j`` (built without the named tuple's slow
    ``__new__``; the one indefinite kind, a title, is built where it is read)."""
    return _NEW(
        Mention, (i, j, toks[i].start, toks[j - 1].end, kind, phrase, name, role, aff, True, None)
    )


def _phrase(text: str, toks: list[Token], i: int, n: int) -> Mention | None:  # noqa: C901  a hand-written recogniser of name phrases (pronoun, honorific, title, role): its branches are the grammar
    """The noun phrase starting at token ``i`` of a sentence ending before token ``n``."""
    low = toks[i].low
    if low in _PRONOUNS:
        return _mention(toks, i, i + 1, "pronoun", toks[i].text)
    k = i
    definite = True
    if low in _HONORIFICS:  # "Mr. Zelensky", "Ms Kallas", "Sir Keir Starmer"
        k = i + 1
        if k < n and toks[k].text == "." and toks[k].start == toks[i].end:
            k += 1
        e = _name_end(toks, k, n)
        if e == k:
            return None
        hname = _name_text(text, toks, k, e)
        return _mention(toks, i, e, "person", _span(text, toks, i, e), name=hname)
    if low in {"the", "a", "an"}:
        definite = low == "the"
        k += 1
    ch = (
        _match_phrase(toks, k, _CHANNELS, n)
        if k < n and (toks[k].low in _CH_FIRST or toks[k].bare in _CH_FIRST)
        else 0
    )
    if ch and (k == i or toks[k].text[:1].isupper() or "media" in toks[k + ch - 1].low):
        j = k + ch
        return _mention(toks, i, j, "channel", _span(text, toks, i, j))
    affs: list[str] = []
    roles: list[str] = []
    inst = ""
    start = k
    while k < n:
        t = toks[k]
        lw, b = t.low, t.bare  # the tests of _match_phrase's first line, inlined (a hot loop)
        a = _match_phrase(toks, k, _AFF_PHRASES, n) if lw in _AFF_FIRST or b in _AFF_FIRST else 0
        ins = (
            _match_phrase(toks, k, _INST_PHRASES, n) if lw in _INST_FIRST or b in _INST_FIRST else 0
        )
        if ins >= a and ins:
            inst = " ".join(x.text for x in toks[k : k + ins])
            affs.append(_AFF.get(_bare(inst), "") or "")
            k += ins
            continue
        if a:
            affs.append(_bare_phrase(toks, k, a))
            k += a
            continue
        if b in TITLE_WORDS or (
            b == "of" and roles and k + 1 < n and toks[k + 1].bare in TITLE_WORDS
        ):
            roles.append(b)
            k += 1
            if lw != b and k < n and toks[k].bare in TITLE_WORDS:
                roles.clear()  # "the Kremlin leader’s aide": the aide (whose: the affiliation)
            continue
        if t.text == "-" and roles:
            k += 1
            continue
        break
    name_start = k
    k = _name_end(toks, k, n)
    if k == start:
        return None
    name = _name_text(text, toks, name_start, k) if k > name_start else None
    if name and name.endswith(_POSS_ENDS):  # (what _POSS finds: a name has no line break)
        name = _POSS.sub("", name)
        if k < n and toks[k].low in _INST_HEADS and not roles:  # "Zelensky's office"
            full = lexicon_name(name)
            known = PERSONS[full][0] if full else None
            phrase = _span(text, toks, i, k + 1)
            return _mention(toks, i, k + 1, "institution", phrase, aff=known)
    aff = next((x for x in affs if x), None) if affs else None
    role = (" ".join(roles).strip() or None) if roles else None
    head = roles[-1] if roles else ""
    j = k
    phrase = _span(text, toks, i, j)
    if name is not None:
        if name.lower() in PLACES and not role:
            return None
        if name in NOT_NAMES:
            return None
        return _mention(toks, i, j, "person", phrase, name=name, role=role, aff=aff)
    if head in _GROUP_HEADS:
        return _mention(toks, i, j, "group", phrase, role=role, aff=aff)
    if role and any(r in TITLE_HEADS for r in roles):
        return _NEW(
            Mention,
            (
                i,
                j,
                toks[i].start,
                toks[j - 1].end,
                "title",
                phrase,
                None,
                role,
                aff,
                definite,
                None,
            ),
        )
    if affs and roles and roles[-1] in _INST_HEADS:  # "Ukraine's military"
        return _mention(toks, i, j, "institution", phrase, aff=aff)
    if j + 1 < n and affs and toks[j].text.islower() and toks[j + 1].low in _INST_HEADS:
        j += 1  # "Ukraine's energy ministry"
    if j < n and affs and toks[j].low in _INST_HEADS:
        j += 1
        phrase = _span(text, toks, i, j)
        return _mention(toks, i, j, "institution", phrase, aff=aff)
    if inst:
        return _mention(toks, i, j, "institution", phrase, aff=aff)
    if affs and aff and toks[j - 1].bare not in _ADJECTIVES:
        kind = "institution" if aff in _ORGS else "country"
        return _mention(toks, i, j, kind, phrase, aff=aff)
    return None


def _name_end(toks: list[Token], k: int, n: int) -> int:
    """One past the last token (before ``n``) of the capitalised name starting at ``k``
    (particles such as "von der" and middle initials such as "V." inside it)."""
    start = k
    while k < n:
        t = toks[k]
        if _is_name_word(t.text, t.bare):
            if len(t.text) == 1 and k + 1 < n and toks[k + 1].text == ".":
                if k + 2 < n and _is_name(toks[k + 2]) and k > start:
                    k += 2  # a middle initial: "Vladimir V. Putin"
                    continue
                break
            k += 1
        elif t.low in _PARTICLES and k > start:
            k += 1
        else:
            break
    while k > start and toks[k - 1].low in _PARTICLES:
        k -= 1
    return k


def _name_text(text: str, toks: list[Token], a: int, b: int) -> str:
    return " ".join(text[toks[a].start : toks[b - 1].end].split())


def _bare_phrase(toks: list[Token], k: int, a: int) -> str:
    words = [t.low for t in toks[k : k + a - 1]] + [toks[k + a - 1].bare]
    return _AFF[" ".join(words)]


def _span(text: str, toks: list[Token], i: int, j: int) -> str:
    return text[toks[i].start : toks[j - 1].end]


@lru_cache(maxsize=4096)
def _thing_label(phrase: str) -> str:
    """ "the Kremlin's" -> "Kremlin": the label of an institution, country or group."""
    return _POSS.sub("", _DETERMINER.sub("", phrase))


_DETERMINER = re.compile(r"^(the|a|an)\s+", re.I)


_OFFICES = {"head of state": "president", "head of government": "premier"}


@lru_cache(maxsize=4096)
def _head(role: str | None) -> str:
    """The word a role is named by ("foreign policy adviser" -> adviser, "secretary of state"
    -> secretary); "head of state" and "head of government" are the offices they name."""
    if not role:
        return ""
    for phrase, office in _OFFICES.items():
        if role.lower().endswith(phrase):
            return office
    words = role.split()
    if "of" in words:
        words = words[: words.index("of")]
    return words[-1] if words else ""


def _same_head(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in ROLE_GROUPS)


# modifiers that tell two people of one role apart ("the deputy foreign minister" is not "the
# foreign minister"; "the defence minister" is not "the foreign minister"); other modifiers
# ("policy", "Kremlin", "top") describe, and do not contradict a role the text gave before
_RANKS = frozenset({"deputy", "vice", "former", "acting", "first", "assistant"})
_PORTFOLIOS = frozenset(
    {"foreign", "defence", "defense", "finance", "interior", "justice", "economic", "economy",
     "intelligence", "energy", "trade", "health", "military", "army", "navy"}
)  # fmt: skip


def _compatible(mods: frozenset[str] | set[str], role: str | None) -> bool:
    """Whether a title's modifiers fit a person's role: the same rank, and no other
    portfolio."""
    words = set((role or "").lower().split())
    if (mods & _RANKS) != (words & _RANKS):
        return False
    mine, theirs = mods & _PORTFOLIOS, words & _PORTFOLIOS
    return not (mine and theirs and not mine & theirs)


def _fits(title: _Rec, person: _Rec) -> bool:
    """Whether an unnamed title's role and affiliation fit a named person's."""
    head, mods = _title_words(title.role)
    return (
        _same_head(head, _head(person.role))
        and _compatible(mods, person.role)
        and related(title.affiliation, person.affiliation)
    )


@lru_cache(maxsize=4096)
def _title_words(role: str | None) -> tuple[str, frozenset[str]]:
    """A title's role head and its modifiers ("head of state": the office, not three
    modifiers); cached: a pure function of the role."""
    head = _head(role)
    words = (role or "").lower()
    for phrase in _OFFICES:
        words = words.removesuffix(phrase)
    return head, frozenset(set(words.split()) - {head, "of", "senior", "top"})


@lru_cache(maxsize=4096)
def _heads(head: str) -> frozenset[str]:
    """The role heads that may refer to ``head`` (itself and its role groups)."""
    return frozenset({head} | {h for g in ROLE_GROUPS if head in g for h in g})


_RECENT = 16  # people of one role head a title is matched against (the most recent)
_GENERIC = frozenset({"official", "diplomat", "representative"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """One spelling for a name's transliterations: Zelensky, Zelenskyy and Zelenskiy; Yuri and
    Yury; Dmitri and Dmitry; Sergei and Sergey; Andriy and Andrii; accents dropped."""
    import unicodedata

    w = unicodedata.normalize("NFKD", word.lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    w = w.replace("yy", "y").replace("iy", "i").replace("ii", "i").replace("ey", "ei")
    if w.endswith("y"):
        w = w[:-1] + "i"
    return w


@lru_cache(maxsize=65536)
def name_parts(name: str) -> tuple[str, str]:
    """(folded first name, folded last name) of a person's name; middle initials ignored."""
    words = [w for w in name.split() if not (len(w) <= 2 and w.endswith("."))]
    if not words:
        return "", ""
    return (fold(words[0]) if len(words) > 1 else ""), fold(words[-1])


_LEXICON_PARTS = {name_parts(p): p for p in PERSONS}
_LEXICON_LAST: dict[str, list[str]] = {}
for _p in PERSONS:
    _LEXICON_LAST.setdefault(name_parts(_p)[1], []).append(_p)


@lru_cache(maxsize=65536)
def lexicon_name(name: str) -> str | None:
    """The lexicon's entry for a name in any spelling ("Zelenskyy", "Yury Ushakov"), if one."""
    first, last = name_parts(name)
    if first:
        return _LEXICON_PARTS.get((first, last))
    hits = _LEXICON_LAST.get(last, [])
    return hits[0] if hits else None


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") or "actor"


@dataclass(eq=False)  # one record is one actor: compared by identity (ids are unique)
class _Rec:
    id: str
    name: str | None
    label: str
    kind: str
    affiliation: str | None
    role: str | None
    known_from: str = "text"
    mentions: list[tuple[int, int]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # other spellings of the name
    forward: bool = False  # a definite title nobody before fits: may be named after


class ActorTable:
    """The actors of one article, built while it is read (mutable; frozen into :class:`Actor`)."""

    def __init__(self) -> None:
        self._recs: list[_Rec] = []
        self._order: list[tuple[int, str]] = []  # (offset, actor id) of every mention
        self._by_id: dict[str, _Rec] = {}
        # indexes, so each mention is resolved in constant time (reading stays linear)
        self._rank: dict[str, int] = {}  # actor id -> creation order
        self._by_name: dict[str, list[_Rec]] = {}  # a person's full name (as first written)
        self._by_last: dict[str, list[_Rec]] = {}  # a person's last name
        self._by_label: dict[tuple[str, str], _Rec] = {}  # (kind, lower-case label)
        self._by_head: dict[str, list[_Rec]] = {}  # role head -> people with that role
        self._slugs: dict[str, int] = {}
        self._roled: list[_Rec] = []  # people with a role, most recently mentioned last
        self.sentence_of: Callable[[int], int] | None = None  # set by the reader
        self._people: list[tuple[int, str]] = []  # (offset, id) of mentions of people
        self._other: list[int] = []  # per entry of _people: index of the last other person

    # -- building
    def register_name(self, m: Mention) -> None:
        """First pass: full names with their titles, so a surname met first still resolves."""
        if m.kind == "person" and m.name and " " in m.name:
            self._person(m, record=False)

    def resolve(self, m: Mention) -> Mention:
        """The mention with its actor id (a new actor where needed; None when ambiguous)."""
        rec: _Rec | None
        if m.kind == "person":
            rec = self._person(m, record=True)
        elif m.kind == "title":
            rec = self._title(m)
        elif m.kind in {"institution", "country", "group"}:
            rec = self._named_thing(m)
        else:
            return m
        if rec is None:
            return m
        rec.mentions.append((m.start, m.end))
        self._order.append((m.start, rec.id))
        m = _NEW(Mention, (*m[:10], rec.id))  # the mention with its actor
        if rec.kind == "person":
            self._index_role(rec)
            other = len(self._people) - 1
            if other >= 0 and self._people[other][1] == rec.id:
                other = self._other[other]
            self._people.append((m.start, rec.id))
            self._other.append(other)
        return m

    def _new(self, name: str | None, label: str, kind: str, aff: str | None, role: str | None,
             known: str = "text") -> _Rec:  # fmt: skip
        base = _slug(label)
        rid, k = base, self._slugs.get(base, 2)
        while rid in self._by_id:
            rid, k = f"{base}-{k}", k + 1
        self._slugs[base] = k
        rec = _Rec(rid, name, label, kind, aff, role, known)
        self._rank[rid] = len(self._recs)
        self._recs.append(rec)
        self._by_id[rid] = rec
        if kind == "person" and name:
            self._index_name(rec)
        elif kind != "person":
            self._by_label.setdefault((kind, label.lower()), rec)
        return rec

    def _index_name(self, rec: _Rec) -> None:
        name = rec.name or ""
        self._by_name.setdefault(name, []).append(rec)
        self._by_last.setdefault(name_parts(name)[1], []).append(rec)

    def _index_role(self, rec: _Rec) -> None:
        if rec.role and rec.mentions and (not self._roled or self._roled[-1] is not rec):
            self._roled.append(rec)
        head = _head(rec.role)
        if head:
            bucket = self._by_head.setdefault(head, [])
            if rec not in bucket[-4:]:
                bucket.append(rec)

    def _person(self, m: Mention, *, record: bool) -> _Rec:
        name = m.name or ""
        rec = self._find_name(name)
        if rec is None:
            full = lexicon_name(name)
            if full is not None and " " not in name:
                rec = self._find_name(full)
                if rec is None:
                    aff, role = PERSONS[full]
                    rec = self._new(full, full, "person", aff, role, "lexicon")
        if rec is None:
            rec = self._new(name, name, "person", None, None)
        if m.affiliation and (rec.affiliation is None or rec.known_from == "lexicon"):
            rec.affiliation = m.affiliation
            rec.known_from = "text"
        if m.role and (rec.role is None or rec.known_from == "lexicon"):
            rec.role = m.role
            rec.known_from = "text"
        full = lexicon_name(rec.name or "")
        known = PERSONS.get(full) if full else None
        if known and rec.affiliation is None:
            rec.affiliation, rec.known_from = known[0], "lexicon"
        if known and rec.role is None:
            rec.role = known[1]
        if not record:
            self._index_role(rec)  # (when recording, resolve() indexes it after the mention)
        return rec

    def _find_name(self, name: str) -> _Rec | None:
        """The earliest person with this name in any spelling (Zelensky/Zelenskyy, a middle
        initial or not), known by this surname, or (for a full name) a surname-only person,
        who then gets the full name."""
        if not name:
            return None
        first, last = name_parts(name)
        cands = []
        for r in self._by_last.get(last, ()):
            if r.kind != "person" or r.name is None:
                continue
            rf, _rl = name_parts(r.name)
            same_first = not first or not rf or rf == first
            suffix = r.name.endswith(" " + name) or name.endswith(" " + r.name)
            if same_first or suffix:
                cands.append(r)
        if not cands:
            return None
        r = cands[0] if len(cands) == 1 else min(cands, key=lambda c: self._rank[c.id])
        if r.name is not None and name != r.name:
            r.aliases.append(r.name)
            if len(name.split()) > len(r.name.split()):
                r.name = r.label = name  # the fullest spelling the text gives
            else:
                r.aliases.append(name)
            self._by_name.setdefault(name, []).append(r)
        return r

    def _title(self, m: Mention) -> _Rec | None:
        """A definite title ("the adviser", "the Kremlin official", "the Ukrainian leader") is
        the nearest earlier person it fits (role head, modifiers, affiliation); a generic head
        (official, diplomat) fits anyone with a role. Unresolved when the two nearest fits
        were last named in the same sentence; an indefinite title is a new, unnamed person."""
        if not m.definite:
            return self._new(None, m.text, "person", m.affiliation, m.role)
        head, mods = _title_words(m.role)
        if head in _GENERIC:
            pool = {r.id: r for r in self._roled[-_RECENT:]}
        else:
            pool = {r.id: r for h in _heads(head) for r in self._by_head.get(h, [])[-_RECENT:]}
        fits = [
            r
            for r in pool.values()
            if r.kind == "person"
            and r.role
            and (head in _GENERIC or _same_head(head, _head(r.role)))
            and _compatible(mods, r.role)
            and related(m.affiliation, r.affiliation)
            and r.mentions
            and r.mentions[-1][0] < m.start
        ]
        # "Ukraine's president": someone known to be Ukrainian first, else (when nobody is,
        # and the title names an office, not just "official") someone whose affiliation the
        # article does not give
        known = [f for f in fits if m.affiliation is None or f.affiliation is not None]
        fits = known if known or head in _GENERIC else fits
        if head in _GENERIC:  # "the official": an official first, anyone with a role after
            same = [f for f in fits if _head(f.role) == head]
            fits = same or fits
        fits.sort(key=lambda r: -r.mentions[-1][0])
        if len(fits) > 1 and self.sentence_of is not None:
            a, b = (self.sentence_of(f.mentions[-1][0]) for f in fits[:2])
            if a == b:
                return None  # two fit equally near: do not guess
        if fits:
            return fits[0]
        label = re.sub(r"^(the|a|an)\s+", "", m.text, flags=re.I)
        rec = self._new(None, label, "person", m.affiliation, m.role)
        rec.forward = True
        return rec

    def name_forward(self, ms: list[Mention]) -> dict[str, str]:
        """A definite title nobody before it fits is the next person named with a fitting
        role within the next three sentences ("…,” its negotiator said Sunday. … “…,”
        negotiator Rustem Umerov said."): merges them and returns {title actor: person}.
        ``ms``: the article's resolved mentions in text order. Each person is compared with
        the last ``_RECENT`` such titles (bounded: linear)."""
        sent = self.sentence_of or (lambda _off: 0)
        pending: deque[tuple[_Rec, int]] = deque(maxlen=_RECENT)
        alias: dict[str, str] = {}
        for m in ms:
            rec = self._by_id.get(m.actor or "")
            if rec is None or rec.id in alias:
                continue
            if not pending and not rec.forward:
                continue  # (nothing to compare with, nothing to keep: the common case)
            k = sent(m.start)
            while pending and k - pending[0][1] > 3:
                pending.popleft()
            if rec.forward:
                if all(p is not rec for p, _k in pending):
                    pending.append((rec, k))
                continue
            if m.kind != "person" or rec.name is None or not rec.role:
                continue
            for p, pk in pending:
                if _fits(p, rec):
                    alias[p.id] = rec.id
                    pending.remove((p, pk))
                    break
        if alias:
            self._merge(alias)
        return alias

    def _merge(self, alias: dict[str, str]) -> None:
        for src, dst in alias.items():
            self._by_id[dst].mentions.extend(self._by_id[src].mentions)
            self._by_id[src].mentions = []
        self._people = [(o, alias.get(a, a)) for o, a in self._people]
        self._order = [(o, alias.get(a, a)) for o, a in self._order]

    def _named_thing(self, m: Mention) -> _Rec:
        label = _thing_label(m.text)
        if m.kind == "country" and m.affiliation:
            label = m.affiliation
        found = self._by_label.get((m.kind, label.lower()))
        return found if found is not None else self._new(None, label, m.kind, m.affiliation, None)

    # -- queries
    def get(self, actor_id: str | None) -> _Rec | None:
        return self._by_id.get(actor_id or "")

    def persons_between(self, a: int, b: int) -> list[str]:
        """The last person mentioned in ``[a, b)``, after the last other person mentioned there
        if any: ``[]``, ``[last]`` or ``[other, last]`` (constant time: enough to tell "one
        person" from "several" and to name the most recent)."""
        n = bisect_left(self._people, (b, "")) - 1
        if n < 0 or self._people[n][0] < a:
            return []
        other = self._other[n]
        if other >= 0 and self._people[other][0] >= a:
            return [self._people[other][1], self._people[n][1]]
        return [self._people[n][1]]

    def freeze(self, parties: dict[str, str | None]) -> tuple[Actor, ...]:
        return tuple(
            Actor(
                id=r.id,
                name=r.name,
                label=r.label,
                kind=r.kind,  # type: ignore[arg-type]
                affiliation=r.affiliation,
                role=r.role,
                mentions=tuple(sorted(r.mentions)),
                aliases=tuple(dict.fromkeys(a for a in r.aliases if a != r.name)),
                party=parties.get(r.id),
                known_from=r.known_from,  # type: ignore[arg-type]
            )
            for r in self._recs
            if r.mentions
        )

    def records(self) -> list[_Rec]:
        return list(self._recs)
