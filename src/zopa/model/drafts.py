"""The builder's drafts section: drafts (packages with author and the draft they revise) and
the scheduled events of a negotiation."""

from __future__ import annotations

from zopa.errors import KeyPath
from zopa.model.checks import Checks
from zopa.model.scenario import Draft, Event, FrozenMap, Issue, Party

__all__ = ["build_drafts", "build_events"]


def build_drafts(
    ck: Checks, issues: tuple[Issue, ...], parties: tuple[Party, ...]
) -> tuple[Draft, ...]:
    """The drafts, each option matched on its issue; unknown parents and `revises` cycles
    reported."""
    out = []
    ids = {d.id for d in ck.spec.drafts}
    party_ids = {p.id for p in parties}
    for k, d in enumerate(ck.spec.drafts):
        path: KeyPath = ("drafts", k)
        package: dict[str, str] = {}
        for iss in issues:
            if iss.id not in d.package:
                ck.p.add(
                    (*path, "package"),
                    f"draft `{d.id}` has no option for issue `{iss.id}`",
                    "a draft names one option for every issue",
                )
                continue
            v = d.package[iss.id]
            opt = iss.match(v)
            if opt is None:
                ck.p.add(
                    (*path, "package", iss.id),
                    f"unknown option `{v}` of issue `{iss.id}`",
                    "options: " + ", ".join(iss.option_ids[:20]),
                )
            else:
                package[iss.id] = opt
        for key in d.package:
            if key not in {i.id for i in issues}:
                ck.p.add(
                    (*path, "package", key),
                    f"unknown issue `{key}` in draft `{d.id}`",
                    "known issues: " + ", ".join(i.id for i in issues),
                )
        if d.revises is not None and d.revises not in ids:
            ck.p.add(
                (*path, "revises"),
                f"draft `{d.id}` revises unknown draft `{d.revises}`",
                "known drafts: " + ", ".join(sorted(ids)),
            )
        if d.author is not None and d.author not in party_ids:
            ck.p.add(
                (*path, "author"),
                f"unknown author `{d.author}`",
                "the author must be a party id: " + ", ".join(sorted(party_ids)),
            )
        out.append(
            Draft(d.id, d.label or d.id, FrozenMap(package), d.author, d.revises, d.date, d.note)
        )
    _cycles(ck)
    return tuple(out)


def _cycles(ck: Checks) -> None:
    parent = {d.id: d.revises for d in ck.spec.drafts}
    reported: set[str] = set()
    for k, d in enumerate(ck.spec.drafts):
        seen = [d.id]
        cur = parent.get(d.id)
        while cur is not None and cur in parent:
            if cur in seen:
                cycle = [*seen[seen.index(cur) :], cur]
                if not reported & set(cycle):
                    ck.p.add(
                        ("drafts", k, "revises"),
                        "`revises` forms a cycle: " + " -> ".join(cycle),
                        "a draft can only revise an earlier draft",
                    )
                    reported |= set(cycle)
                break
            seen.append(cur)
            cur = parent.get(cur)


def build_events(
    ck: Checks, issues: tuple[Issue, ...], parties: tuple[Party, ...]
) -> tuple[Event, ...]:
    """Scheduled pressure events (a party's new reservation and weights at a round)."""
    out = []
    pids = {p.id for p in parties}
    iids = {i.id for i in issues}
    for k, e in enumerate(ck.spec.events):
        if e.party not in pids:
            ck.p.add(
                ("events", k, "party"),
                f"unknown party `{e.party}`",
                "known parties: " + ", ".join(sorted(pids)),
            )
        for iid in e.weights:
            if iid not in iids:
                ck.p.add(
                    ("events", k, "weights", iid),
                    f"unknown issue `{iid}`",
                    "known issues: " + ", ".join(sorted(iids)),
                )
        out.append(Event(e.at, e.party, e.reservation, FrozenMap(e.weights), e.note or ""))
    return tuple(out)
