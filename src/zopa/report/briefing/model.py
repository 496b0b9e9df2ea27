"""The briefing as data: frozen records holding everything the page shows, already in words.

Every string here is what a reader sees (labels, not ids, where the scenario gives labels); the
renderer only lays them out and escapes them. ``Briefing.to_dict()`` is the JSON of the page.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from zopa.records import frozen

__all__ = [
    "SECTIONS",
    "Briefing",
    "Chart",
    "ConcessionRow",
    "DraftStep",
    "EvidenceRow",
    "IssueRow",
    "PartyRow",
    "Robustness",
    "Section",
    "SolutionRow",
    "TrackStep",
    "TrackSummary",
    "ZoneSummary",
]

Cells = tuple[tuple[str, str], ...]  # (issue label, option label) of a package


@frozen
class Section:
    """A numbered section of the page: its anchor, heading and navigation word.

    The page is this list: the navigation, the numbers and cross-references ("see section 7")
    follow from it, and each section's body is ``templates/sections/<key>.html.j2``. A new
    section is one entry here and one template.
    """

    key: str
    title: str
    short: str
    number: int = 0


SECTIONS: tuple[Section, ...] = tuple(
    Section(key, title, short, k)
    for k, (key, title, short) in enumerate(
        (
            ("scenario", "The scenario", "Scenario"),
            ("zone", "The agreement zone", "Zone"),
            ("frontier", "The frontier", "Frontier"),
            ("solutions", "Bargaining solutions", "Solutions"),
            ("drafts", "The drafts, in order", "Drafts"),
            ("concessions", "What would open a zone", "Concessions"),
            ("robustness", "Robustness: what we do not know", "Robustness"),
            ("evidence", "The evidence and what it rules out", "Evidence"),
            ("track", "The talks over time", "Over time"),
        ),
        start=1,
    )
)


def section_number(key: str) -> int:
    """The number of section ``key`` (for cross-references in captions and notes)."""
    return next(s.number for s in SECTIONS if s.key == key)


@frozen
class Chart:
    """An inline SVG chart (matplotlib output with ids unique to this chart) and its caption."""

    key: str
    title: str
    caption: str
    svg: str


@frozen
class IssueRow:
    id: str
    label: str
    description: str
    unit: str | None
    options: tuple[str, ...]  # option labels in order


@frozen
class PartyRow:
    id: str
    label: str
    role: str  # "must accept", "mediator (does not gate)", ...
    power: float
    reservation: float | None
    red_lines: tuple[str, ...]  # in words
    priorities: tuple[tuple[str, float], ...]  # (issue label, normalised weight), largest first


@frozen
class ZoneSummary:
    exists: bool
    size: str  # "3,187" or "about 3,200 (95% interval ...)"
    exact: bool
    outcomes: int
    feasible: int | None
    parties: tuple[str, ...]  # labels of the gating parties
    frontier_size: int | None
    engine: str
    headline: str  # one sentence
    notes: tuple[str, ...]


@frozen
class SolutionRow:
    key: str
    name: str
    meaning: str
    package: Cells
    utilities: tuple[tuple[str, float, float], ...]  # (party label, utility, margin)


@frozen
class DraftStep:
    """One draft on the timeline: what it says, what changed from the text it revises, who
    gains, who can accept it, and the verdict."""

    id: str
    label: str
    author: str | None
    date: str | None
    note: str | None
    revises: str | None  # label of the revised draft
    package: Cells
    changes: tuple[tuple[str, str, str], ...]  # (issue label, from, to)
    parties: tuple[tuple[str, float, float | None, bool, tuple[str, ...]], ...]
    # (party label, utility, gain over the revised draft or None, acceptable, red lines broken)
    in_zone: bool
    verdict: str


@frozen
class ConcessionRow:
    name: str
    meaning: str
    takes: str  # what it takes, in words; "impossible ..." when no such concession exists
    package: Cells


@frozen
class EvidenceRow:
    party: str
    statement: str  # "prefers “US 28-point draft” over “European counter-text”"
    source: str
    date: str | None
    quote: str | None  # the speaker's words: shown in quotation marks
    rules_out: float | None  # share of the sampled models this item rules out (None: not run)
    note: str | None = None  # the analyst's note: shown as a note, never as a quotation


@frozen
class Robustness:
    """The answer of :func:`zopa.robust.robustness`, in words with labels."""

    samples: int
    kept: int
    seed: int
    zone_probability: float | None  # None when no sample was kept
    ci95: tuple[float, float]
    drafts: tuple[tuple[str, float | None, tuple[tuple[str, float | None], ...]], ...]
    # (draft label, P(all gating parties accept), ((party label, P(accepts)), ...))
    package: Cells
    package_probability: float | None
    package_ci95: tuple[float, float] | None
    exclusions: tuple[tuple[str, float], ...]  # (party label, P(its reservation excludes it))
    sensitivity: tuple[tuple[str, float | None, float | None], ...]  # (parameter, P low, P high)
    parameters: int
    warnings: tuple[str, ...]
    notes: tuple[str, ...]


@frozen
class TrackStep:
    """One date of the talks: what arrived and the odds after it."""

    date: str
    source: str  # the reports of the date, or the sources of its evidence
    evidence: tuple[str, ...]  # accepted evidence that arrived on the date, in words
    zone_probability: float | None
    ci95: tuple[float, float]
    drafts: tuple[tuple[str, float | None], ...]  # (draft label, P(all gating parties accept))


@frozen
class TrackSummary:
    """The answer of :func:`zopa.robust.track.track`, in words with labels."""

    log: str  # the evidence log's file
    samples: int
    seed: int
    steps: tuple[TrackStep, ...]
    reports: tuple[tuple[str, str], ...]  # (date, title) of each report on the timeline
    since: tuple[str, ...]  # "what changed since" lines
    rejected: int  # log items the analyst rejected (never counted)


@frozen
class Briefing:
    """Everything the analyst's briefing shows, in reading order."""

    title: str
    description: str
    file: str | None
    version: str
    issues: tuple[IssueRow, ...]
    parties: tuple[PartyRow, ...]
    constraints: tuple[str, ...]
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]
    zone: ZoneSummary
    solutions: tuple[SolutionRow, ...]
    drafts: tuple[DraftStep, ...]
    concessions: tuple[ConcessionRow, ...]
    concessions_note: str
    robustness: Robustness | None
    robustness_note: str
    evidence: tuple[EvidenceRow, ...]
    charts: tuple[Chart, ...]
    track: TrackSummary | None = None

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    @property
    def sections(self) -> tuple[Section, ...]:
        return SECTIONS

    def number(self, key: str) -> int:
        return section_number(key)

    def to_dict(self) -> dict[str, Any]:
        """The briefing's content as JSON-ready data (charts without their SVG)."""
        out = _plain(self)
        out["charts"] = [
            {"key": c.key, "title": c.title, "caption": c.caption} for c in self.charts
        ]
        return out  # type: ignore[no-any-return]


def _plain(x: Any) -> Any:
    if is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name)) for f in fields(x)}
    if isinstance(x, tuple | list):
        return [_plain(v) for v in x]
    return x
