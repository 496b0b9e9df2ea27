"""The builder's evidence section: what the parties said in public (prefers, rejects, accepts
a draft), hard or soft (a ``confidence``), checked against the drafts and for contradictions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zopa.errors import KeyPath
from zopa.model.checks import Checks, did_you_mean
from zopa.model.expr import ExprError, IssueDomain, holds, parse, resolve
from zopa.model.scenario import Draft, Evidence, FrozenMap, Issue, Party, Preferences, Rule

__all__ = ["MAX_EVIDENCE", "build_evidence"]

CONFIDENCE_DIGITS = 2
"""An evidence item's confidence is a judgement, written to two decimals (a suggestion's, a
reviewed log item's)."""

MAX_EVIDENCE = 1_000  # distinct evidence items a scenario may hold


def build_evidence(
    ck: Checks, issues: tuple[Issue, ...], parties: tuple[Party, ...], drafts: tuple[Draft, ...]
) -> tuple[tuple[Evidence, ...], tuple[str, ...]]:
    """Public statements as conditions, and notes on what was read differently.

    Hard evidence no sample can satisfy (a party accepting and rejecting one draft, accepting
    a draft that breaks a constraint or a certain red line, a cycle of strict preferences) is
    reported here, before any sampling; soft evidence (``confidence`` below 1) may disagree
    with itself, as two sources can. Repeated items are counted once (the notes say which).
    """
    out: list[tuple[int, Evidence]] = []
    pids = [p.id for p in parties]
    dids = [d.id for d in drafts]
    for k, e in enumerate(ck.spec.evidence):
        path: KeyPath = ("evidence", k)
        ok = True
        if e.party not in pids:
            ck.p.add((*path, "party"), f"unknown party `{e.party}`", did_you_mean(e.party, pids))
            ok = False
        elif parties[pids.index(e.party)].preferences is None:
            ck.p.add(
                (*path, "party"),
                f"party `{e.party}` has no preferences, so no statement can condition them",
                "give the party preferences or drop this evidence item",
            )
            ok = False
        kinds = [x for x in ("prefers", "rejects", "accepts") if getattr(e, x) is not None]
        if len(kinds) != 1:
            ck.p.add(
                path,
                "an evidence item needs exactly one of `prefers` (with `over`), `rejects` or "
                "`accepts`" + (f" (it has {', '.join(kinds)})" if kinds else ""),
                "e.g. {party: russia, rejects: geneva, source: ...}",
            )
            continue
        kind = kinds[0]
        if (e.over is not None) != (kind == "prefers"):
            ck.p.add(
                (*path, "over"),
                "`prefers` needs `over` (the draft it is preferred to)"
                if kind == "prefers"
                else f"`over` goes with `prefers`, not with `{kind}`",
                "write {party: ..., prefers: A, over: B, source: ...}",
            )
            ok = False
        named = [(kind, str(getattr(e, kind)))]
        if e.over is not None:
            named.append(("over", e.over))
        for key, d in named:
            if d not in dids:
                ck.p.add(
                    (*path, key),
                    f"unknown draft `{d}`",
                    did_you_mean(d, dids) if dids else "the scenario has no drafts",
                )
                ok = False
        if not ok:
            continue
        draft = str(getattr(e, kind))
        if kind == "prefers" and (
            e.over == draft
            or drafts[dids.index(draft)].package == drafts[dids.index(str(e.over))].package
        ):
            ck.p.add(
                path,
                f"contradictory evidence: `{draft}` and `{e.over}` are the same package, so "
                f"{e.party} cannot prefer one over the other",
                "compare two different drafts",
            )
            continue
        confidence = 1.0 if e.confidence is None else float(e.confidence)
        out.append(
            (
                k,
                Evidence(
                    e.party,
                    kind,  # type: ignore[arg-type]
                    draft,
                    e.over,
                    e.source,
                    e.date,
                    e.quote,
                    e.note,
                    confidence,
                ),
            )
        )
    out, notes = _dedupe(out)
    if len(out) > MAX_EVIDENCE:
        ck.p.add(
            ("evidence",),
            f"{len(out):,} distinct evidence items, over the limit of {MAX_EVIDENCE:,}",
            "keep the statements that matter; merge reports of one statement into one item",
        )
        return (), notes
    _contradictions(ck, [(k, ev) for k, ev in out if ev.hard], issues, parties, drafts)
    return tuple(ev for _, ev in out), notes


def _dedupe(
    items: list[tuple[int, Evidence]],
) -> tuple[list[tuple[int, Evidence]], tuple[str, ...]]:
    """Drop items that repeat an earlier one (same statement, source and confidence).

    A repeated report of one statement is one piece of evidence: counting it twice would
    square its likelihood. Returns the kept items and a note naming the dropped ones.
    """
    first: dict[tuple[object, ...], int] = {}
    kept: list[tuple[int, Evidence]] = []
    dropped: list[tuple[int, int]] = []
    for k, ev in items:
        key = (*ev.statement, ev.source.strip(), ev.confidence)
        if key in first:
            dropped.append((k, first[key]))
        else:
            first[key] = k
            kept.append((k, ev))
    if not dropped:
        return kept, ()
    shown = "; ".join(f"evidence[{k}] repeats evidence[{j}]" for k, j in dropped[:5])
    more = f" and {len(dropped) - 5:,} more" if len(dropped) > 5 else ""
    return kept, (
        f"{len(dropped):,} evidence item(s) repeat an earlier one (same statement, source and "
        f"confidence) and are counted once: {shown}{more}",
    )


def _violates(ck: Checks, package: Mapping[str, str], issues: Sequence[Issue]) -> str:
    """The first scenario constraint the package breaks ('' if none)."""
    domains = tuple(IssueDomain(i.id, i.option_ids, i.numbers) for i in issues)
    for text in ck.spec.constraints:
        try:
            rule = Rule(text, resolve(parse(text), domains))
        except ExprError:
            continue  # reported at `constraints`
        if not _holds_on(rule, package, issues):
            return text
    return ""


def _contradictions(
    ck: Checks,
    items: list[tuple[int, Evidence]],
    issues: tuple[Issue, ...],
    parties: tuple[Party, ...],
    drafts: tuple[Draft, ...],
) -> None:
    """Evidence no sample can satisfy, found without sampling (named with its items)."""
    by_party: dict[str, list[tuple[int, Evidence]]] = {}
    for k, ev in items:
        by_party.setdefault(ev.party, []).append((k, ev))
    domains = {d.id: d for d in drafts}
    for pid, evs in by_party.items():
        party = next(p for p in parties if p.id == pid)
        stance: dict[str, tuple[str, int]] = {}
        for k, ev in evs:
            if ev.kind == "prefers":
                continue
            if ev.draft in stance and stance[ev.draft][0] != ev.kind:
                j = stance[ev.draft][1]
                ck.p.add(
                    ("evidence", k),
                    f"contradictory evidence: evidence[{j}] says {pid} "
                    f"{stance[ev.draft][0]} {ev.draft}, evidence[{k}] that it {ev.kind} it",
                    "remove one of the two items, or check their sources",
                )
            stance.setdefault(ev.draft, (ev.kind, k))
            broken = _violates(ck, domains[ev.draft].package, issues)
            if ev.kind == "accepts" and broken:
                ck.p.add(
                    ("evidence", k),
                    f"contradictory evidence: {pid} accepts {ev.draft}, but {ev.draft} breaks "
                    f"the scenario constraint `{broken}`",
                    "no party can accept a package the constraints rule out; check the draft",
                )
            if ev.kind == "accepts" and party.preferences is not None:
                sure = _certain_red_lines(party.preferences)
                pkg = domains[ev.draft].package
                for rule in party.preferences.red_lines:
                    if rule.text in sure and not _holds_on(rule, pkg, issues):
                        ck.p.add(
                            ("evidence", k),
                            f"contradictory evidence: {pid} accepts {ev.draft}, but "
                            f"{ev.draft} breaks {pid}'s red line `{rule.text}`, which is "
                            "certain",
                            f"give the red line a probability below 1 in {pid}'s "
                            "`uncertainty.red_lines`, or check the source",
                        )
        # a cycle of strict preferences (a over b, b over a; or longer)
        edges: dict[str, list[tuple[str, int]]] = {}
        for k, ev in evs:
            if ev.kind == "prefers" and ev.over is not None:
                edges.setdefault(ev.draft, []).append((ev.over, k))
        cycle = _find_cycle(edges)
        if cycle:
            chain = " > ".join([*(a for a, _ in cycle), cycle[0][0]])
            where = ", ".join(f"evidence[{k}]" for _, k in cycle)
            ck.p.add(
                ("evidence", cycle[0][1]),
                f"contradictory evidence: {pid} would prefer {chain} ({where})",
                "strict preferences cannot go round in a circle; check the sources",
            )


def _certain_red_lines(prefs: Preferences) -> set[str]:
    probs = prefs.uncertainty.red_lines if prefs.uncertainty else FrozenMap[str, float]()
    return {r.text for r in prefs.red_lines if probs.get(r.text.strip(), 1.0) >= 1.0}


def _holds_on(rule: Rule, package: Mapping[str, str], issues: Sequence[Issue]) -> bool:
    if any(i.id not in package for i in issues):
        return True  # an incomplete draft is reported elsewhere
    return bool(holds(rule.formula, tuple(i.option_ids.index(package[i.id]) for i in issues)))


def _find_cycle(edges: Mapping[str, list[tuple[str, int]]]) -> list[tuple[str, int]] | None:
    """A cycle in the preference graph as (node, evidence index of its outgoing edge)."""
    state: dict[str, int] = {}
    stack: list[tuple[str, int]] = []

    def visit(a: str) -> list[tuple[str, int]] | None:
        state[a] = 1
        for b, k in edges.get(a, []):
            stack.append((a, k))
            if state.get(b) == 1:
                start = next(i for i, (x, _) in enumerate(stack) if x == b)
                return stack[start:]
            if state.get(b) is None:
                found = visit(b)
                if found:
                    return found
            stack.pop()
        state[a] = 2
        return None

    for a in list(edges):
        if a not in state:
            found = visit(a)
            if found:
                return found
    return None
