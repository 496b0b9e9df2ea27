"""Forecast inputs as a CSV table or a zopa forecast YAML/JSON file.

- CSV with a header: ``actor, position, salience, capability`` and optional ``issue``
  (one issue, ``issue``, when absent), ``outcome``, ``low``, ``high``. Column names are matched
  case-insensitively; ``power`` is accepted for ``capability``. Saliences in [0, 1], or 0-100
  when any salience exceeds 1 (then all are divided by 100). Bueno de Mesquita's example
  tables (``Actor,Capability,Position,Salience``) are such files.
- YAML/JSON (see docs/forecasting.md), checked by :class:`ForecastSpec` through
  :func:`zopa.io.validate.validate_document`::

      issues:
        emissions: {label: Emission standards, low: 4, high: 10, outcome: 8.83}
      actors:
        Germany: {capability: 0.16, issues: {emissions: {position: 4, salience: 0.8}}}

An issue's scale runs from its ``low`` to its ``high`` when given, else over the positions.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from zopa.errors import Problem, ScenarioError
from zopa.io.files import Document, parse_document, read_csv
from zopa.io.files import cell_number as number
from zopa.io.forecast.records import (
    ForecastCell,
    ForecastIssue,
    ForecastTable,
    long_name,
    ragged_row,
)
from zopa.io.validate import validate_document
from zopa.model.spec import Label, Num, Text

__all__ = ["ForecastSpec", "parse_csv", "parse_yaml", "table_from_document"]

_ALIASES = {"power": "capability", "clout": "capability", "name": "actor"}
_REQUIRED = ("actor", "position", "salience", "capability")
_OPTIONAL = ("outcome", "low", "high")

# --------------------------------------------------------------------------- CSV


def parse_csv(text: str, *, source: str = "") -> ForecastTable:
    """A CSV table with a header row (comma, semicolon or tab separated)."""
    rows = read_csv(text, source or "<text>")
    header = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in rows[0]]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise ScenarioError(
            [
                Problem(
                    f"missing column(s) {', '.join(missing)}",
                    line=1,
                    where="header",
                    hint="the header needs actor, position, salience, capability "
                    "(and optionally issue, outcome, low, high); found: "
                    + ", ".join(h for h in header if h),
                )
            ],
            file=source or None,
        )
    col = {h: k for k, h in enumerate(header)}
    recs: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        ragged = ragged_row(row, len(rows[0]), lineno)
        if ragged is not None:
            problems.append(ragged)
            continue
        rec = _csv_record(row, col, lineno, problems)
        if rec is not None:
            recs.append(rec)
    if not recs and not problems:
        problems.append(
            Problem(
                "no data rows below the header", line=2, hint="add one row per actor (and issue)"
            )
        )
    if problems:
        raise ScenarioError(problems, file=source or None)
    return _from_records(recs, source)


def _csv_record(
    row: list[str], col: dict[str, int], lineno: int, problems: list[Problem]
) -> dict[str, Any] | None:
    def cell(name: str) -> str:
        k = col.get(name)
        return row[k].strip() if k is not None and k < len(row) else ""

    rec: dict[str, Any] = {
        "actor": cell("actor"),
        "issue": cell("issue") or "issue",
        "line": lineno,
    }
    for name in ("actor", "issue"):
        too_long = long_name(rec[name], f"the {name} name")
        if too_long is not None:
            problems.append(
                Problem(too_long, line=lineno, column=col[name] + 1 if name in col else None)
            )
            return None
    if not rec["actor"]:
        problems.append(
            Problem(
                "empty actor name",
                line=lineno,
                column=col["actor"] + 1,
                hint="give every row an actor",
            )
        )
        return None
    ok = True
    for name in ("position", "salience", "capability", *_OPTIONAL):
        raw = cell(name)
        if not raw and name not in _REQUIRED:
            continue
        v = number(raw)
        if v is None:
            problems.append(
                Problem(
                    f"{name} {raw!r} is not a number",
                    line=lineno,
                    column=col[name] + 1,
                    where=f"actor {rec['actor']}",
                    hint=f"write the {name} as a number",
                )
            )
            ok = False
        rec[name] = v
    return rec if ok else None


# --------------------------------------------------------------------------- YAML / JSON


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class ForecastIssueSpec(_Spec):
    """An issue's label, scale ends and known outcome (all optional)."""

    label: Label | None = None
    low: Num | None = None
    high: Num | None = None
    outcome: Num | None = None


class ForecastCellSpec(_Spec):
    """An actor's position and salience on one issue (capability overrides the actor's)."""

    position: Num
    salience: Num
    capability: Num | None = None


class ForecastActorSpec(_Spec):
    capability: Num | None = None
    issues: dict[Label, ForecastCellSpec] = Field(min_length=1)


class ForecastSpec(_Spec):
    """A zopa forecast YAML/JSON file: ``issues`` (optional) and ``actors``."""

    title: Label | None = None
    description: Text | None = None
    issues: dict[Label, ForecastIssueSpec | None] = Field(default_factory=dict)
    actors: dict[Label, ForecastActorSpec] = Field(min_length=1)


_HINT = "actors: {Germany: {capability: 1, issues: {emissions: {position: 4, salience: 0.8}}}}"


def parse_yaml(text: str, *, source: str = "") -> ForecastTable:
    """A zopa forecast YAML file: ``issues`` (optional) and ``actors``."""
    name = source or "<text>"
    return table_from_document(parse_document(text.encode("utf-8"), name))


def table_from_document(doc: Document) -> ForecastTable:
    """The table of a forecast YAML/JSON document already parsed (checked by ForecastSpec)."""
    spec = validate_document(
        ForecastSpec, doc, what="forecast file", hint=_HINT, docs="docs/forecasting.md"
    )
    problems: list[Problem] = []
    recs: list[dict[str, Any]] = []
    for actor, body in spec.actors.items():
        for issue, cell in body.issues.items():
            cap = cell.capability if cell.capability is not None else body.capability
            path = ("actors", actor, "issues", issue)
            if cap is None:
                problems.append(
                    doc.problem(
                        (*path, "capability"),
                        "no capability for this actor",
                        "give the actor a `capability` (or one per issue)",
                    )
                )
                continue
            line, _ = doc.locate(path)
            rec: dict[str, Any] = {
                "actor": actor,
                "issue": issue,
                "line": line,
                "position": cell.position,
                "salience": cell.salience,
                "capability": cap,
            }
            meta = spec.issues.get(issue)
            if meta is not None:
                rec |= {k: getattr(meta, k) for k in _OPTIONAL if getattr(meta, k) is not None}
            recs.append(rec)
    if problems:
        raise ScenarioError(problems, file=doc.file)
    labels = {k: (v.label if v is not None and v.label else k) for k, v in spec.issues.items()}
    return _from_records(recs, doc.file, labels=labels)


# --------------------------------------------------------------------------- records


def _from_records(
    recs: list[dict[str, Any]], source: str, labels: dict[str, str] | None = None
) -> ForecastTable:
    """The table of checked rows: saliences over 1 anywhere mean 0-100 for all; an issue's
    outcome, low and high are the last row's that gives one; its scale defaults to its
    positions' range."""
    _check_records(recs, source)
    scale = 100.0 if max(r["salience"] for r in recs) > 1.0 else 1.0
    meta: dict[str, dict[str, float]] = {}
    positions: dict[str, list[float]] = {}
    for r in recs:
        meta.setdefault(r["issue"], {}).update({k: r[k] for k in _OPTIONAL if r.get(k) is not None})
        positions.setdefault(r["issue"], []).append(r["position"])
    issues = tuple(
        ForecastIssue(
            issue,
            low=float(m.get("low", min(positions[issue]))),
            high=float(m.get("high", max(positions[issue]))),
            label=(labels or {}).get(issue, issue),
            outcome=float(m["outcome"]) if "outcome" in m else None,
        )
        for issue, m in meta.items()
    )
    cells = tuple(
        ForecastCell(r["actor"], r["issue"], r["position"], r["salience"] / scale, r["capability"])
        for r in recs
    )
    return ForecastTable(source, tuple(dict.fromkeys(r["actor"] for r in recs)), issues, cells)


def _check_records(recs: list[dict[str, Any]], source: str) -> None:
    problems, seen = [], set()
    big = any(r["salience"] > 1.0 for r in recs)
    for r in recs:
        where = f"actor {r['actor']}, issue {r['issue']}"
        if (r["actor"], r["issue"]) in seen:
            problems.append(
                Problem(
                    "the same actor appears twice on this issue",
                    line=r["line"],
                    where=where,
                    hint="keep one row",
                )
            )
        seen.add((r["actor"], r["issue"]))
        if not 0.0 <= r["salience"] <= (100.0 if big else 1.0):
            problems.append(
                Problem(
                    f"salience {r['salience']:g} is outside [0, 1] (or 0-100)",
                    line=r["line"],
                    where=where,
                    hint="saliences are 0-1, or 0-100 for the whole file",
                )
            )
        if r["capability"] < 0:
            problems.append(
                Problem(
                    f"capability {r['capability']:g} is negative",
                    line=r["line"],
                    where=where,
                    hint="use 0 or more",
                )
            )
    if problems:
        raise ScenarioError(problems, file=source or None)
