"""The talks over time: replay a reviewed, dated evidence log and record how the odds move.

An *evidence log* is a YAML (or JSON) list of reviewed items, each an evidence item of the
scenario format plus ``date`` (YYYY-MM-DD) and ``status`` (``accepted`` or ``rejected``; only
accepted items count)::

    - {date: 2025-12-02, status: accepted, party: russia, rejects: europe,
       source: "Kremlin (Peskov), as reported", confidence: 0.8}

In date order, after each date the accepted evidence known so far (the scenario's own
``evidence`` counts from the start) conditions the model, and :func:`track` records P(zone) and
P(each draft accepted by every gating party) with intervals. Every step draws the same samples
(one seed): the odds move only because the evidence changed. Reports (articles) add dates to
the timeline and are marked on the chart; :func:`suggestions_to_review` lists what ``zopa
news`` suggests for them, which reaches the log only when the analyst accepts it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Protocol

from pydantic import Field, field_validator

from zopa.errors import AnalysisError, Problem, ScenarioError
from zopa.model.evidence import CONFIDENCE_DIGITS
from zopa.model.scenario import Evidence, Scenario
from zopa.model.spec import EvidenceSpec
from zopa.records import frozen
from zopa.robust.analysis import Odds, robustness
from zopa.robust.params import ESS_DIGITS, ESTIMATE_DIGITS

__all__ = [
    "LogItem",
    "Report",
    "Step",
    "SuggestedEvidence",
    "Track",
    "parse_dateline_date",
    "read_log",
    "track",
]

MAX_LOG_ITEMS = 1_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class LogItemSpec(EvidenceSpec):
    """One reviewed evidence item: the scenario's evidence keys plus ``date`` and ``status``."""

    date: str = Field(description="YYYY-MM-DD: when the statement was reported")
    status: Literal["accepted", "rejected"] = Field(
        description="the analyst's review: only accepted items condition the model"
    )

    @field_validator("date", mode="before")
    @classmethod
    def _unquoted(cls, v: Any) -> Any:
        return v.isoformat() if isinstance(v, dt.date) else v  # YAML reads 2025-12-02 as a date

    @field_validator("date")
    @classmethod
    def _iso(cls, v: str) -> str:
        if not _DATE.match(v):
            raise ValueError(f"date {v!r} is not YYYY-MM-DD||write e.g. 2025-12-02")
        try:
            dt.date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"{v} is not a calendar date||check the day and month") from None
        return v


@frozen
class LogItem:
    """A reviewed item of the log, in the log's order (``index``)."""

    index: int
    date: str
    status: str
    item: Mapping[str, Any]  # the scenario evidence item (without date and status)

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


@frozen
class Report:
    """An article on the timeline: its file, title and date."""

    file: str
    title: str
    date: str


@frozen
class Step:
    """The odds after the evidence known on ``date``."""

    date: str
    source: tuple[str, ...]  # reports of this date, or the sources of its evidence
    evidence: tuple[str, ...]  # evidence that arrived on this date, by ids (``--json``)
    zone: Odds
    drafts: Mapping[str, Odds]
    kept: int
    effective: float | None
    evidence_words: tuple[str, ...] = ()  # the same evidence in words, with labels

    def to_dict(self) -> dict[str, Any]:
        p = self.zone.probability
        return {
            "date": self.date,
            "source": "; ".join(self.source),
            "evidence": list(self.evidence),
            "p_zone": None if p is None else round(p, ESTIMATE_DIGITS),
            "p_zone_ci": [round(x, ESTIMATE_DIGITS) for x in self.zone.ci95],
            "drafts": {
                k: None if o.probability is None else round(o.probability, ESTIMATE_DIGITS)
                for k, o in self.drafts.items()
            },
            "kept": self.kept,
            "effective_samples": (
                None if self.effective is None else round(self.effective, ESS_DIGITS)
            ),
        }


@frozen
class Track:
    """The timeline: one step per date, the reports, and what matters most at the end."""

    title: str
    steps: tuple[Step, ...]
    reports: tuple[Report, ...]
    samples: int
    seed: int
    matters: Mapping[str, tuple[str, float]]  # date -> (parameter id, tornado swing)
    rejected: int  # log items the analyst rejected (never counted)

    def since(self, date: str) -> tuple[Step, Step]:
        """The last step on or before ``date`` and the last step."""
        before = [s for s in self.steps if s.date <= date]
        if not before:
            raise AnalysisError(
                f"no step on or before {date}: the timeline starts on {self.steps[0].date}"
            )
        return before[-1], self.steps[-1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "steps": [s.to_dict() for s in self.steps],
            "reports": [dataclasses.asdict(r) for r in self.reports],
            "samples": self.samples,
            "seed": self.seed,
            "matters_most": {
                d: {"parameter": p, "swing": round(w, ESTIMATE_DIGITS)}
                for d, (p, w) in self.matters.items()
            },
            "rejected": self.rejected,
        }


def read_log(path: str) -> tuple[LogItem, ...]:
    """Read and check an evidence log (through the one reader, :mod:`zopa.io`)."""
    from zopa.io.files import read_document
    from zopa.io.validate import validate

    doc = read_document(path)
    data = doc.data if doc.data is not None else []
    if not isinstance(data, list):
        raise ScenarioError(
            f"an evidence log is a list of items, not a {type(data).__name__}",
            file=path,
            hint="write `- {date: 2025-12-02, status: accepted, party: ..., rejects: ..., "
            "source: ...}`",
        )
    if len(data) > MAX_LOG_ITEMS:
        raise ScenarioError(
            f"{len(data):,} items, over the limit of {MAX_LOG_ITEMS:,}",
            file=path,
            hint="split the log, or keep the accepted items",
        )
    problems: list[Problem] = []
    out: list[LogItem] = []
    for k, raw in enumerate(data):

        def locate(p: tuple[str | int, ...], k: int = k) -> tuple[int | None, int | None]:
            return doc.locate((k, *p))

        try:
            spec = validate(LogItemSpec, raw, file=path, locate=locate, what="log item")
        except ScenarioError as exc:
            for p in exc.problems:
                p.where = f"[{k}]" + (f".{p.where}" if p.where else "")
                problems.append(p)
            continue
        item = spec.model_dump(exclude_none=True, exclude={"date", "status"})
        item["date"] = spec.date
        out.append(LogItem(k, spec.date, spec.status, item))
    if problems:
        raise ScenarioError(problems, file=path)
    return tuple(out)


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}


def parse_dateline_date(text: str, year: int | None) -> str | None:
    """``Dec 2`` / ``December 2, 2025`` / ``2 Dec 2025`` as YYYY-MM-DD (None if not a date).

    A dateline without a year takes ``year``; without either, None.
    """
    words = re.findall(r"[A-Za-z]+|\d+", text)
    month = next((_MONTHS[w[:3].lower()] for w in words if w[:3].lower() in _MONTHS), None)
    nums = [int(w) for w in words if w.isdigit()]
    day = next((n for n in nums if 1 <= n <= 31), None)
    yr = next((n for n in nums if n > 1900), year)
    if month is None or day is None or yr is None:
        return None
    try:
        return dt.date(yr, month, day).isoformat()
    except ValueError:
        return None


def _with_evidence(scenario: Scenario, items: Sequence[LogItem]) -> Scenario:
    """The scenario with the accepted log items added to its own evidence, fully checked."""
    from zopa.io import dump_scenario
    from zopa.model import build_scenario

    data = dump_scenario(scenario)
    own = len(data.get("evidence", []))
    data["evidence"] = [*data.get("evidence", []), *(dict(i.item) for i in items)]
    try:
        return dataclasses.replace(build_scenario(data), file=scenario.file)
    except ScenarioError as exc:
        for p in exc.problems:
            m = re.match(r"evidence\[(\d+)\]", p.where or "")
            if m and int(m.group(1)) >= own:
                item = items[int(m.group(1)) - own]
                p.where = f"log item [{item.index}] ({item.date})" + p.where[m.end() :]
        raise ScenarioError(exc.problems, file=scenario.file) from None


def track(
    scenario: Scenario,
    log: Sequence[LogItem],
    reports: Sequence[Report] = (),
    *,
    samples: int = 10_000,
    seed: int = 0,
    since: str | None = None,
    workers: int | None = None,
) -> Track:
    """Replay the accepted evidence of ``log`` in date order (see the module docstring).

    The first step is the scenario with its own evidence (dated the day before the earliest
    date); then one step per date of an accepted item or a report. The parameter that matters
    most (widest one-at-a-time swing, on min(samples / 5, 500) samples per end) is recorded
    for the first and the last step, and for the step of ``since`` when given.
    """
    accepted = sorted((i for i in log if i.accepted), key=lambda i: (i.date, i.index))
    _with_evidence(scenario, accepted)  # every accepted item checked once, up front
    dates = sorted({i.date for i in accepted} | {r.date for r in reports})
    if not dates:
        raise AnalysisError(
            "nothing to track: the log has no accepted item and no report has a date; accept "
            "some items in the log, or give reports (with --date FILE=YYYY-MM-DD)"
        )
    start = (dt.date.fromisoformat(dates[0]) - dt.timedelta(days=1)).isoformat()
    steps: list[Step] = []
    marked = {start: "", dates[-1]: ""}
    if since is not None:
        marked[max([start, *(d for d in dates if d <= since)])] = ""
    matters: dict[str, tuple[str, float]] = {}
    for date in [start, *dates]:
        known = [i for i in accepted if i.date <= date]
        s = _with_evidence(scenario, known)
        want = date in marked
        r = robustness(
            s,
            samples=samples,
            seed=seed,
            sensitivity_samples=min(samples // 5, 500) if want else 0,
            workers=workers,
        )
        if want and r.sensitivity:
            top = next((x for x in r.sensitivity if x.width is not None), r.sensitivity[0])
            matters[date] = (top.parameter.name, top.width or 0.0)
        new = [i for i in accepted if i.date == date]
        dated = [rep for rep in reports if rep.date == date]
        steps.append(
            Step(
                date,
                tuple(f"{rep.title or rep.file}" for rep in dated)
                or tuple(dict.fromkeys(str(i.item.get("source", "")) for i in new))
                or (("the scenario's own evidence",) if date == start else ()),
                tuple(_describe(scenario, i)[0] for i in new),
                r.zone,
                {k: d.all for k, d in r.drafts.items()},
                r.kept,
                r.effective_samples,
                tuple(_describe(scenario, i)[1] for i in new),
            )
        )
    return Track(
        scenario.title,
        tuple(steps),
        tuple(sorted(reports, key=lambda r: (r.date, r.file))),
        samples,
        seed,
        matters,
        sum(1 for i in log if not i.accepted),
    )


def _describe(scenario: Scenario, i: LogItem) -> tuple[str, str]:
    """A log item by ids (``russia rejects europe (confidence 0.9)``, for ``--json``) and in
    words with the scenario's labels (``Russia rejects “European counter-text”: it is not
    acceptable (confidence 0.9)``, for people)."""
    from zopa.vocab import evidence_words

    it = i.item
    kind: Literal["prefers", "rejects", "accepts"] = (
        "prefers" if "prefers" in it else "rejects" if "rejects" in it else "accepts"
    )
    draft = str(it.get("prefers") or it.get("rejects") or it.get("accepts"))
    over = None if it.get("over") is None else str(it["over"])
    confidence = float(it.get("confidence", 1.0))
    soft = f" (confidence {confidence:g})" if confidence < 1.0 else ""
    party = str(it["party"])
    ids = Evidence(party, kind, draft, over, confidence=confidence).describe()
    return ids + soft, evidence_words(scenario, party, kind, draft, over, confidence)


class SuggestedEvidence(Protocol):
    """What :func:`suggestions_to_review` reads of a suggestion (``zopa.news``'s ``Evidence``)."""

    @property
    def article(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def quote(self) -> str | None: ...
    def item(self) -> dict[str, str]: ...


def suggestions_to_review(
    evidence: Iterable[SuggestedEvidence], dates: Mapping[str, str], log: Sequence[LogItem]
) -> list[dict[str, Any]]:
    """The suggestions (``zopa news``'s reading of the reports) that the log has not reviewed.

    ``dates`` maps each report's file to its date. Each suggestion is a log item without
    ``status`` (the analyst gives it): the evidence item, its confidence, its quote, and the
    report's date. The caller reads the reports (``zopa.news.read_news``), so this layer does
    not import the news reader.
    """
    seen = {_key(i.item) for i in log}
    out: list[dict[str, Any]] = []
    for e in evidence:
        item: dict[str, Any] = {"date": dates.get(e.article, "")} | e.item()
        item["confidence"] = round(float(e.confidence), CONFIDENCE_DIGITS)
        item["quote"] = e.quote
        if _key(item) not in seen:
            seen.add(_key(item))
            out.append(item)
    return out


def _key(item: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        str(item.get(k, "")) for k in ("party", "prefers", "over", "rejects", "accepts", "source")
    )
