"""Matching an article to a scenario (parties, issues, drafts) and suggesting evidence items.

Evidence suggestions follow the scenario's ``evidence`` format (issue 11):
``{party, prefers, over, source}``, ``{party, rejects, source}``, ``{party, accepts, source}``.
They are suggestions for the analyst; nothing here changes a scenario.

Confidence (a reading aid, not a probability) follows how direct the words are: a head of
state's own quoted words 0.9, a named official's 0.8, a spokesman's 0.7, an institution's 0.6,
an unnamed person's 0.5; 0.1 less for a reported (indirect) statement or a draft only referred
to ("the document"); halved when the article says the claim is unverified; at most 0.3 for a
headline. Each suggestion carries the sentence it rests on and the speaker; ``quote`` is set only
when the cue is inside the speaker's quoted words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zopa.model.evidence import CONFIDENCE_DIGITS
from zopa.model.scenario import Draft, Scenario
from zopa.news import _patterns as P
from zopa.news.actors import affiliation_of
from zopa.news.attribution import subject_before
from zopa.news.document import Reading, token_at
from zopa.news.lexicon import AFFILIATIONS, BLOCS, ISSUES, PERSONS
from zopa.news.result import Evidence
from zopa.records import frozen

__all__ = ["draft_mentions", "issue_aliases", "party_of", "suggest_evidence"]


def _words(s: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", s.lower().replace("_", " ")))


def party_of(affiliation: str | None, scenario: Scenario) -> str | None:
    """The scenario party an affiliation belongs to ("Russia" -> ``russia``; "France" ->
    ``europe`` through its bloc), or None."""
    if affiliation is None:
        return None
    for cand in (affiliation, *BLOCS.get(affiliation, ())):
        names = {cand.lower(), *AFFILIATIONS.get(cand, ())}
        for p in scenario.parties:
            ids = {p.id.lower(), p.id.replace("_", " ").lower(), p.label.lower()}
            if ids & names:
                return p.id
            if cand == affiliation and _words(p.label) & names:
                return p.id
    return None


def issue_aliases(scenario: Scenario) -> tuple[dict[str, str], dict[str, str]]:
    """Phrases that name each scenario issue (its id, label and the built-in lexicon's phrases
    for the concept it matches), and the label of each issue id."""
    extra: dict[str, str] = {}
    labels: dict[str, str] = {}
    for iss in scenario.issues:
        labels[iss.id] = iss.label
        key = _concept(iss.id, iss.label)
        phrases = {iss.id.replace("_", " ").lower(), iss.label.lower()}
        if key is not None:
            phrases |= set(ISSUES[key][1])
        for ph in phrases:
            if len(ph) >= 3 or ph in {"eu", "un"}:
                extra[ph] = iss.id
    return extra, labels


def _concept(issue_id: str, label: str) -> str | None:
    if issue_id in ISSUES:
        return issue_id
    low = f"{issue_id.replace('_', ' ')} {label}".lower()
    best: tuple[int, str] | None = None
    for key, (name, words) in ISSUES.items():
        for w in (name.lower(), *words):
            if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) and (
                best is None or len(w) > best[0]
            ):
                best = (len(w), key)
    return best[1] if best else None


# ------------------------------------------------------------------ drafts


def draft_mentions(
    sentence: str, scenario: Scenario, article_parents: frozenset[str] = frozenset()
) -> tuple[list[str], bool]:
    """Draft ids a sentence names, and whether it speaks of revisions generically.

    "European and Ukrainian revisions" are the revisions those parties wrote; when several fit,
    those of a draft named in the sentence (or else in the article) are kept."""
    found = _named(sentence, scenario)
    parents = set(found) or set(article_parents)
    for m in P.AFFIL_DRAFT.finditer(sentence):
        noun = m.group(2)
        names = re.split(r"\s*,\s*|\s+and\s+", m.group(1))
        for name in names:
            found.extend(_affil_drafts(name, noun, scenario, parents))
    generic = P.GENERIC_REVISION.search(sentence) is not None
    return list(dict.fromkeys(found)), generic


def _named(sentence: str, scenario: Scenario) -> list[str]:
    """Drafts named outright: by label or by their number of points."""
    out = [
        d.id for d in scenario.drafts if len(d.label) > 5 and d.label.lower() in sentence.lower()
    ]
    for m in P.POINTS.finditer(sentence):
        n = m.group(1)
        hits = [
            d.id for d in scenario.drafts if re.search(rf"(?<!\d){n}(?!\d)", f"{d.id} {d.label}")
        ]
        out.extend(hits[:1] if len(hits) == 1 else [])
    return out


def _person_affiliation(name: str) -> str | None:
    """ "Trump's plan", "the Witkoff plan": the affiliation of a person the lexicon knows."""
    bare = re.sub(r"['’]s?$", "", name)
    for full, (aff, _role) in PERSONS.items():
        if bare in {full, full.split()[-1]}:
            return aff
    return None


def _affil_drafts(name: str, noun: str, scenario: Scenario, parents: set[str]) -> list[str]:
    revision = P.REVISION_NOUN.match(noun) is not None
    aff = affiliation_of(name) or _person_affiliation(name)
    party = party_of(aff, scenario) if aff else None
    word = name.lower()
    out = []
    for d in scenario.drafts:
        by_author = party is not None and d.author == party
        by_label = word in _words(d.label) or word == d.id.lower()
        if not (by_author or by_label):
            continue
        if revision and d.revises is None:
            continue
        out.append(d)
    if len(out) > 1 and parents:
        narrowed = [d for d in out if d.revises in parents]
        out = narrowed or out
    if len(out) > 1 and not noun.endswith("s"):
        return []  # a singular noun that fits several drafts: do not guess
    return [d.id for d in out]


# ------------------------------------------------------------------ evidence


_CLAUSE = re.compile(r",\s+(?:but|while|whereas|although|though)\s+|;\s+|\s+but\s+|\s+while\s+")
# a cue in a question, a condition or a denial is no stance ("Asked whether Russia would
# accept ...", "if Kyiv refuses", "denied that Moscow had rejected ...")
_HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|unless|asked|asking|should|could\s+not\s+say|denied|denies|deny|denying"
    r"|no\s+decision)\b",
    re.I,
)
# rejecting a description of a plan is not rejecting the plan
_ABOUT_WORDS = re.compile(
    r"\s+(?:\w+\s+)?(?:the\s+|a\s+|any\s+|such\s+)?(?:characteri[sz]ation|description|portrayal|"
    r"suggestion|notion|idea|reports?|claims?|assertion|framing|label|accusations?|allegations?)\b",
    re.I,
)


def _clauses(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _CLAUSE.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def suggest_evidence(r: Reading, scenario: Scenario, article: str) -> list[Evidence]:
    """Evidence items the article's statements suggest about the scenario's parties: one per
    clause with a cue and a draft it is about (never from a question, a condition, a denial or
    a rejected description)."""
    out: list[Evidence] = []
    drafts = {d.id: d for d in scenario.drafts}
    recent: list[str] = []
    named_anywhere: set[str] = set()
    for s in r.sents:
        named_anywhere.update(_named(r.text[s.start : s.end], scenario))
    parents = frozenset(named_anywhere)
    headline = _headline(r)
    for k, s in enumerate(r.sents):
        sentence = r.text[s.start : s.end]
        for ca, cb in _clauses(sentence):
            text = sentence[ca:cb]
            named, generic = draft_mentions(text, scenario, frozenset(recent) or parents)
            targets, from_context = named, False
            if not targets and (generic or P.GENERIC_DRAFT.search(text)) and recent:
                targets, from_context = recent, True
            if named:
                recent = named
            if not targets:
                continue
            found = _cue(text)
            if found is None:
                continue
            rule, m = found
            cue = s.start + ca + m.start()
            who = _who(r, k, cue, scenario)
            if who is None:
                continue
            conf = who.confidence - (0.1 if from_context else 0.0)
            if _unverified(r, k):
                conf /= 2
            if k == headline:
                conf = min(conf, 0.3)  # a headline's words are the desk's, not the speaker's
            for item in _items(rule, targets, drafts, generic, recent):
                out.append(
                    Evidence(
                        party=who.party,
                        source=who.source,
                        quote=who.quote,
                        start=who.start,
                        end=who.end,
                        confidence=round(max(conf, 0.05), CONFIDENCE_DIGITS),
                        article=article,
                        rule=f"{rule}: {m.group()!r}",
                        sentence=sentence,
                        speaker=who.speaker,
                        **item,
                    )
                )
    return _dedupe(out)


def _cue(text: str) -> tuple[str, re.Match[str]] | None:
    for rule, pat in (("worse", P.WORSE), ("better", P.BETTER), ("rejects", P.REJECT),
                      ("accepts", P.ACCEPT)):  # fmt: skip
        m = pat.search(text)
        if m is None:
            continue
        if _HYPOTHETICAL.search(text, 0, m.start()):
            return None
        if rule == "rejects" and _ABOUT_WORDS.match(text, m.end()):
            return None  # "rejected the characterization of the talks as ..."
        if rule in {"better", "accepts"} and P.NEGATED.search(text[: m.start()]):
            continue
        if rule == "better" and P.WORSE.search(text):
            continue
        if rule == "accepts" and P.REJECT.search(text):
            continue
        return rule, m
    return None


def _headline(r: Reading) -> int | None:
    """The headline sentence: a first paragraph of one sentence without a final full stop."""
    if not r.sents or r.sents[0].para != 0:
        return None
    first = r.sents[0]
    if len(r.sents) > 1 and r.sents[1].para == 0:
        return None
    return 0 if not r.text[first.start : first.end].rstrip().endswith(".") else None


def _items(
    rule: str, targets: list[str], drafts: dict[str, Draft], generic: bool, recent: list[str]
) -> Iterable[dict[str, str]]:
    revisions = [t for t in targets if drafts[t].revises is not None]
    parents = {drafts[t].revises for t in revisions}
    if rule in {"worse", "better"}:
        if not revisions and generic:
            revisions = [d.id for d in drafts.values() if d.revises in targets and d.id in recent]
        for rid in revisions:
            parent = drafts[rid].revises
            assert parent is not None
            if rule == "worse":
                yield {"prefers": parent, "over": rid}
            else:
                yield {"prefers": rid, "over": parent}
        return
    concrete = [t for t in targets if t not in parents] or targets
    for t in concrete:
        yield {"rejects": t} if rule == "rejects" else {"accepts": t}


@frozen
class _Support:
    party: str
    source: str
    speaker: str | None
    confidence: float
    quote: str | None  # the speaker's own words, only for a direct quotation
    start: int
    end: int


_HEADS_OF_STATE = ("president", "prime minister", "chancellor", "premier", "king")
_SPOKESPEOPLE = ("spokesman", "spokeswoman", "spokesperson", "press secretary")


def _directness(name: str | None, role: str | None, kind: str, direct: bool) -> float:
    """How directly the words are the party's: a head of state's own words 0.9, a named
    official's 0.8, a spokesman's 0.7, an unnamed person's 0.5, an institution's 0.6; a
    reported (indirect) statement 0.1 less."""
    role = (role or "").lower()
    if kind != "person":
        base = 0.6
    elif name is None:
        base = 0.5
    elif any(h in role for h in _HEADS_OF_STATE) and "vice" not in role:
        base = 0.9
    elif any(h in role for h in _SPOKESPEOPLE):
        base = 0.7
    else:
        base = 0.8
    return base if direct else base - 0.1


def _who(r: Reading, k: int, cue: int, scenario: Scenario) -> _Support | None:
    """Whoever voiced the cue: the speaker of the quote holding it, else the subject right
    before it, else the source of the sentence's claim when its verb comes before the cue."""
    s = r.sents[k]
    sentence = r.text[s.start : s.end]
    for n in r.quotes_in(k):
        q = r.quotes[n]
        if q.start <= cue <= q.end:
            rec = r.table.get(q.speaker_id)
            party = party_of(rec.affiliation if rec else None, scenario)
            if rec is None or party is None:
                return None  # a quote whose speaker is unclear is nobody's evidence
            conf = _directness(rec.name, rec.role, rec.kind, True)
            src = _source(rec.label, rec.role, q.channel)
            return _Support(party, src, rec.label, conf, q.text, q.start, q.end)
    g = token_at(r.starts, cue)
    m = subject_before(r, min(max(g, s.i), s.j), s.i)
    if m is not None and m.actor is not None:
        rec = r.table.get(m.actor)
        party = party_of(rec.affiliation if rec else None, scenario)
        if rec is not None and party is not None:
            claim = next((r.claims[n] for n in r.claims_in(k)), None)
            via = claim.source if claim is not None and claim.source != rec.label else None
            conf = _directness(rec.name, rec.role, rec.kind, False)
            src = _source(rec.label, rec.role, via)
            return _Support(party, src, rec.label, conf, None, s.start, s.end)
    for n in r.claims_in(k):
        c = r.claims[n]
        verb_at = sentence.find(c.verb or "\x00") if c.verb else -1
        if c.source_id is None or verb_at < 0 or s.start + verb_at > cue:
            continue
        rec = r.table.get(c.source_id)
        party = party_of(rec.affiliation if rec else None, scenario)
        if rec is not None and party is not None:
            conf = _directness(rec.name, rec.role, rec.kind, False)
            src = _source(rec.label, rec.role, c.channel)
            return _Support(party, src, rec.label, conf, None, c.start, c.end)
    return None


def _unverified(r: Reading, k: int) -> bool:
    return any(r.claims[n].status == "unverified" for n in r.claims_in(k))


def _source(label: str, role: str | None, channel: str | None) -> str:
    out = label
    if role and role not in label.lower():
        out += f" ({role})"
    if channel:
        out += f", via {channel}"
    return out


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    """One suggestion per item and article: the best-supported one (highest confidence)."""
    best: dict[str, Evidence] = {}
    for e in items:
        item = e.item()
        item.pop("source")
        key = repr(sorted(item.items())) + e.article
        if key not in best or e.confidence > best[key].confidence:
            best[key] = e
    return sorted(best.values(), key=lambda e: e.start)
