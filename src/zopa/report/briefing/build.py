"""Build the briefing's data from a scenario: one exact analysis, the drafts compared along
their revision chain, the concessions, and (when asked for) the robustness under uncertainty."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zopa.analysis import Analysis, Comparison, DraftEvaluation, analyze, compare, evaluate
from zopa.analysis.result import Concession, Point
from zopa.model.scenario import Draft, Party, Scenario
from zopa.report.briefing.charts import frontier_charts, tornado_chart, track_chart
from zopa.report.briefing.model import (
    Briefing,
    Chart,
    ConcessionRow,
    DraftStep,
    EvidenceRow,
    IssueRow,
    PartyRow,
    Robustness,
    SolutionRow,
    TrackStep,
    TrackSummary,
    ZoneSummary,
)
from zopa.robust import RobustAnalysis
from zopa.vocab import (
    CONCESSION_KINDS,
    concession_takes,
    draft_label,
    estimated_count,
    evidence_statement,
    join,
    option_label,
    package_cells,
    parameter_in_words,
    party_label,
    red_line_words,
    rule_in_words,
    solution,
    value_label,
)

if TYPE_CHECKING:
    from zopa.robust.track import Track

__all__ = ["build_briefing"]


def build_briefing(
    scenario: Scenario,
    *,
    analysis: Analysis | None = None,
    robustness: RobustAnalysis | None = None,
    track: Track | None = None,
    log: str = "",
    since: str | None = None,
    charts: bool = True,
) -> Briefing:
    """The briefing of ``scenario`` as data (pure: reads nothing, writes nothing).

    ``robustness`` is a :func:`zopa.robust.robustness` result for the same scenario (the
    sampling is the caller's choice of ``samples`` and ``seed``); without it the briefing says
    that no sampling was run. ``track`` is a :func:`zopa.robust.track.track` of the same
    scenario over the reviewed evidence log ``log`` (the file name shown); the section says
    what changed since ``since`` (default: the start). ``charts=False`` skips the SVG charts.
    """
    from zopa import __version__

    a = analysis if analysis is not None else analyze(scenario)
    chart_list: list[Chart] = list(frontier_charts(scenario, a)) if charts else []
    conc, conc_note = _concessions(scenario, a)
    rob = _robustness(scenario, robustness) if robustness is not None else None
    if charts and robustness is not None and robustness.sensitivity:
        chart_list.append(tornado_chart(robustness, scenario))
    if charts and track is not None:
        chart_list.append(track_chart(track, scenario))
    return Briefing(
        title=scenario.title,
        description=scenario.description,
        file=scenario.file,
        version=__version__,
        issues=tuple(
            IssueRow(
                i.id,
                i.label,
                i.description,
                i.unit,
                tuple(option_label(i, k) for k in range(len(i.options))),
            )
            for i in scenario.issues
        ),
        parties=tuple(_party(scenario, p) for p in scenario.parties),
        constraints=tuple(rule_in_words(scenario, r.formula) for r in scenario.constraints),
        sources=scenario.sources,
        assumptions=scenario.assumptions,
        zone=_zone(scenario, a),
        solutions=_solutions(scenario, a),
        drafts=_timeline(scenario),
        concessions=conc,
        concessions_note=conc_note,
        robustness=rob,
        robustness_note=_robustness_note(scenario, robustness),
        evidence=_evidence(scenario, robustness),
        charts=tuple(chart_list),
        track=None if track is None else _track(scenario, track, log, since),
    )


def _track(scenario: Scenario, t: Track, log: str, since: str | None) -> TrackSummary:
    from zopa.report.track import changes_since

    drafts = list(t.steps[0].drafts) if t.steps else []
    return TrackSummary(
        log=log,
        samples=t.samples,
        seed=t.seed,
        steps=tuple(
            TrackStep(
                s.date,
                "; ".join(s.source),
                s.evidence_words or s.evidence,
                s.zone.probability,
                s.zone.ci95,
                tuple((draft_label(scenario, d), s.drafts[d].probability) for d in drafts),
            )
            for s in t.steps
        ),
        reports=tuple((r.date, r.title or r.file) for r in t.reports),
        since=tuple(changes_since(t, since or t.steps[0].date, scenario=scenario)),
        rejected=t.rejected,
    )


def _party(scenario: Scenario, p: Party) -> PartyRow:
    role = {
        "party": "must accept an agreement",
        "mediator": "mediator (does not gate an agreement)",
        "observer": "observer (does not gate an agreement)",
    }[p.role]
    prefs = p.preferences
    if prefs is None:
        return PartyRow(p.id, p.label, role, p.power, None, (), ())
    pri = sorted(
        ((scenario.issue(i).label, w) for i, w in prefs.weights.items() if w > 0),
        key=lambda t: -t[1],
    )
    return PartyRow(
        p.id,
        p.label,
        role,
        p.power,
        prefs.reservation,
        tuple(rule_in_words(scenario, r.formula) for r in prefs.red_lines),
        tuple(pri[:4]),
    )


def _zone(scenario: Scenario, a: Analysis) -> ZoneSummary:
    z = a.zone
    size = f"{z.size:,}" if z.size is not None else "unknown"
    if not z.exact and z.interval is not None and z.size is not None:
        size = estimated_count(z.size, *z.interval)
    labels = tuple(party_label(scenario, p) for p in a.parties)
    who = join(labels)
    if z.exists:
        head = (
            f"An agreement zone exists: {size} of {a.outcomes:,} packages are acceptable to {who}."
        )
    else:
        head = f"No agreement zone: none of the {a.outcomes:,} packages is acceptable to {who}."
    return ZoneSummary(
        exists=z.exists,
        size=size,
        exact=z.exact,
        outcomes=a.outcomes,
        feasible=a.feasible,
        parties=labels,
        frontier_size=a.frontier.size,
        engine=a.engine,
        headline=head,
        notes=a.notes,
    )


def _utilities(scenario: Scenario, pt: Point) -> tuple[tuple[str, float, float], ...]:
    return tuple(
        (party_label(scenario, p), float(u), float(pt.margins.get(p, 0.0)))
        for p, u in pt.utilities.items()
    )


def _solutions(scenario: Scenario, a: Analysis) -> tuple[SolutionRow, ...]:
    rows = []
    for key, pt in a.solutions.items():
        if pt is None:
            continue
        sol = solution(key)
        meaning = f"{sol.meaning} ({sol.citation})" if sol.citation else sol.meaning
        rows.append(
            SolutionRow(
                key,
                sol.name[:1].upper() + sol.name[1:],
                meaning,
                package_cells(scenario, pt.package),
                _utilities(scenario, pt),
            )
        )
    return tuple(rows)


def _order(drafts: Sequence[Draft]) -> list[Draft]:
    """By date (undated drafts after the dated ones), then in the file's order."""
    pos = {d.id: k for k, d in enumerate(drafts)}
    return sorted(drafts, key=lambda d: (d.date is None, d.date or "", pos[d.id]))


def _timeline(scenario: Scenario) -> tuple[DraftStep, ...]:
    steps = []
    for d in _order(scenario.drafts):
        if d.revises:
            c = compare(scenario, d.revises, d.id)
            steps.append(_step(scenario, d, c.after, c))
        else:
            steps.append(_step(scenario, d, evaluate(scenario, d.id, top=1), None))
    return tuple(steps)


def _step(scenario: Scenario, d: Draft, e: DraftEvaluation, c: Comparison | None) -> DraftStep:
    parties = tuple(
        (
            party_label(scenario, p),
            float(u),
            None if c is None else float(c.gains[p]),
            bool(e.acceptable[p]),
            tuple(red_line_words(scenario, p, t) for t in e.broken.get(p, ())),
        )
        for p, u in e.point.utilities.items()
    )
    changes: tuple[tuple[str, str, str], ...] = ()
    if c is not None:
        changes = tuple(
            (
                scenario.issue(i).label,
                value_label(scenario.issue(i), x),
                value_label(scenario.issue(i), y),
            )
            for i, x, y in c.changed
        )
    if c is not None:
        verdict = c.verdict
    elif e.in_zone:
        verdict = "acceptable to every party that must accept"
    else:
        gating = {p.id for p in scenario.gating}
        out = [party_label(scenario, p) for p, ok in e.acceptable.items() if not ok and p in gating]
        verdict = "not acceptable to " + join(out) if out else "breaks the scenario's rules"
    if c is None and e.zone_distance and not e.in_zone:
        verdict += f" (the nearest package in the zone differs on {e.zone_distance} issue(s))"
    return DraftStep(
        id=d.id,
        label=d.label,
        author=party_label(scenario, d.author) if d.author else None,
        date=d.date,
        note=d.note,
        revises=scenario.draft(d.revises).label if d.revises else None,
        package=package_cells(scenario, d.package),
        changes=changes,
        parties=parties,
        in_zone=e.in_zone,
        verdict=verdict,
    )


def _concessions(scenario: Scenario, a: Analysis) -> tuple[tuple[ConcessionRow, ...], str]:
    if a.zone.exists:
        return (), "A zone exists, so no concession is needed to open one."
    c = a.concessions
    if c is None:
        return (), "The analysis could not compute the concessions for this scenario."
    rows = []
    for kind in ("uniform", "min_sum", "min_max", "red_lines"):
        k = CONCESSION_KINDS[kind]
        name, meaning = k.name[:1].upper() + k.name[1:], k.meaning
        item: Concession | None = getattr(c, kind)
        if item is None:
            takes = (
                "impossible: reservations cannot all be met even without red lines"
                if kind == "red_lines"
                else "impossible this way"
            )
            rows.append(ConcessionRow(name, meaning, takes, ()))
            continue
        rows.append(
            ConcessionRow(
                name,
                meaning,
                concession_takes(scenario, item),
                package_cells(scenario, item.point.package),
            )
        )
    return tuple(rows), "No package is acceptable to all; each line opens a zone in its own way."


def _robustness_note(scenario: Scenario, r: RobustAnalysis | None) -> str:
    if r is not None:
        return ""
    from zopa.robust import parameters

    if not parameters(scenario) and not scenario.evidence:
        return (
            "The scenario states no uncertainty and no evidence: every figure above follows from "
            "its numbers taken as facts. Add `uncertainty:` ranges to the parties (see "
            "docs/robustness.md) to see how sure these answers are."
        )
    return "No sampling was run (--samples 0): every figure above takes the numbers as facts."


def _robustness(scenario: Scenario, r: RobustAnalysis) -> Robustness:
    drafts = []
    for did, d in r.drafts.items():
        label = scenario.draft(did).label if did in {x.id for x in scenario.drafts} else did
        per = tuple((party_label(scenario, p), o.probability) for p, o in d.parties.items())
        drafts.append((label, d.all.probability, per))
    rp = r.robust_package
    return Robustness(
        samples=r.samples,
        kept=r.kept,
        seed=r.seed,
        zone_probability=r.zone.probability,
        ci95=r.zone.ci95,
        drafts=tuple(drafts),
        package=package_cells(scenario, rp.package) if rp else (),
        package_probability=rp.odds.probability if rp else None,
        package_ci95=rp.odds.ci95 if rp else None,
        exclusions=tuple(
            (party_label(scenario, p), float(e.reservation)) for p, e in rp.exclusions.items()
        )
        if rp
        else (),
        sensitivity=tuple(
            (parameter_in_words(scenario, x.parameter), x.low.probability, x.high.probability)
            for x in r.sensitivity
        ),
        parameters=len(r.parameters),
        warnings=r.warnings,
        notes=r.notes,
    )


def _evidence(scenario: Scenario, r: RobustAnalysis | None) -> tuple[EvidenceRow, ...]:
    """Each evidence item in words; with a robustness run, the share of the drawn models it
    rules out (robust lists the items in the scenario's order)."""
    holds = [h for _, _, h in r.evidence] if r is not None else []
    rows = []
    for k, e in enumerate(scenario.evidence):
        statement = evidence_statement(scenario, e.kind, e.draft, e.over)
        rows.append(
            EvidenceRow(
                party=party_label(scenario, e.party),
                statement=statement,
                source=e.source,
                date=e.date,
                quote=e.quote,
                rules_out=1.0 - holds[k] if k < len(holds) else None,
                note=e.note,
            )
        )
    return tuple(rows)
