"""Forecast inputs from a CSV table, a zopa forecast YAML file or the DEU III table.

- CSV with a header: ``actor, position, salience, capability`` and optional ``issue``
  (one issue, ``issue``, when absent), ``outcome``, ``low``, ``high``. Column names are matched
  case-insensitively; ``power`` is accepted for ``capability``. Saliences in [0, 1], or 0-100
  when any salience exceeds 1 (then all are divided by 100).
- YAML (see docs/forecasting.md)::

      issues:
        emissions: {label: Emission standards, low: 4, high: 10, outcome: 8.83}
      actors:
        Germany: {capability: 0.16, issues: {emissions: {position: 4, salience: 0.8}}}

- DEU III (Thomson et al. 2006; Arregui & Perarnaud 2021), tab-separated: positions in ``p*``
  columns, saliences in ``s*``, outcome ``out`` (0-100), the second row GDP figures. A missing
  salience counts as 50; an actor with no position on an issue is left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from zopa.errors import Problem, ScenarioError
from zopa.forecast._types import ForecastInput
from zopa.forecast.decide import is_decide, parse_decide
from zopa.io.files import Document, decode, parse_document, read_bytes, read_csv
from zopa.io.files import cell_number as number
from zopa.io.validate import validate_document
from zopa.model.spec import MAX_LABEL, Label, Num, Text

__all__ = ["is_deu", "load_forecast", "parse_csv", "parse_deu", "parse_yaml"]

_ALIASES = {"power": "capability", "clout": "capability", "name": "actor"}
_REQUIRED = ("actor", "position", "salience", "capability")


def load_forecast(path: str | Path, *, capability: str = "equal") -> ForecastInput:
    """Read any forecast input: decide, DEU III table, CSV or YAML (detected from the content).

    ``capability`` applies to DEU III only: ``"equal"`` or ``"gdp"`` (the table's GDP row).
    """
    p = Path(path)
    src = str(p)
    raw = read_bytes(p, what="forecast input")
    if p.suffix.lower() in (".yaml", ".yml", ".json"):
        doc = parse_document(raw, src, json_only=p.suffix.lower() == ".json")
        if isinstance(doc.data, dict) and "parties" in doc.data:
            from zopa.forecast.scenario import from_scenario
            from zopa.model.build import build_scenario

            try:
                scenario = build_scenario(doc.data, file=src, locate=doc.locate)
            except ScenarioError as exc:
                raise exc.with_file(src) from None
            return from_scenario(scenario)
        return _from_document(doc)
    text = decode(raw, src)
    if is_decide(text):
        return parse_decide(text, source=src)
    if is_deu(text):
        return parse_deu(text, source=src, capability=capability)
    return parse_csv(text, source=src)


# --------------------------------------------------------------------------- CSV


def parse_csv(text: str, *, source: str = "") -> ForecastInput:
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
        if _ragged(row, len(rows[0]), lineno, problems):
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


def long_name(text: str, what: str) -> str | None:
    """The refusal of a name (actor, issue, column) longer than a scenario label may be, else
    None: names are drawn in tables and plots, and a 100 KB one made them take gigabytes."""
    if len(text) <= MAX_LABEL:
        return None
    return f"{what} is {len(text):,} characters long, over the limit of {MAX_LABEL:,}"


def _ragged(row: list[str], width: int, lineno: int, problems: list[Problem]) -> bool:
    """A row with more cells than the header (beyond empty trailing ones) or fewer: its cells
    cannot be matched to the columns, so it is refused rather than cut or padded silently."""
    extra = [k for k in range(width, len(row)) if row[k].strip()]
    if not extra and len(row) >= width:
        return False
    if extra:
        msg = (
            f"the row has {len(row)} cells but the header has {width}: cell "
            f"{extra[0] + 1} (`{row[extra[0]].strip()[:40]}`) and any after it belong to no column"
        )
        column = extra[0] + 1
    else:
        msg = f"the row has {len(row)} cell(s) but the header has {width}"
        column = None
    problems.append(
        Problem(
            msg,
            line=lineno,
            column=column,
            hint="give every row one cell per header column (an empty cell for a missing value); "
            "a comma inside a name needs quotes",
        )
    )
    return True


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
    for name in ("position", "salience", "capability", "outcome", "low", "high"):
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


# --------------------------------------------------------------------------- YAML


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


def parse_yaml(text: str, *, source: str = "") -> ForecastInput:
    """A zopa forecast YAML file: ``issues`` (optional) and ``actors``."""
    name = source or "<text>"
    return _from_document(parse_document(text.encode("utf-8"), name))


def _from_document(doc: Document) -> ForecastInput:
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
                for key in ("outcome", "low", "high"):
                    if getattr(meta, key) is not None:
                        rec[key] = getattr(meta, key)
            recs.append(rec)
    if problems:
        raise ScenarioError(problems, file=doc.file)
    labels = {k: (v.label if v is not None and v.label else k) for k, v in spec.issues.items()}
    return _from_records(recs, doc.file, labels=labels)


# --------------------------------------------------------------------------- records


def _from_records(
    recs: list[dict[str, Any]], source: str, labels: dict[str, str] | None = None
) -> ForecastInput:
    actors = list(dict.fromkeys(r["actor"] for r in recs))
    issues = list(dict.fromkeys(r["issue"] for r in recs))
    _check_records(recs, source)
    shape = (len(actors), len(issues))
    pos, sal, cap = (np.full(shape, np.nan) for _ in range(3))
    ai = {a: i for i, a in enumerate(actors)}
    ii = {s: j for j, s in enumerate(issues)}
    scale = 100.0 if max(r["salience"] for r in recs) > 1.0 else 1.0
    meta: dict[str, dict[str, float]] = {s: {} for s in issues}
    for r in recs:
        i, j = ai[r["actor"]], ii[r["issue"]]
        pos[i, j], sal[i, j], cap[i, j] = r["position"], r["salience"] / scale, r["capability"]
        meta[r["issue"]].update(
            {k: r[k] for k in ("outcome", "low", "high") if r.get(k) is not None}
        )
    low = np.array([meta[s].get("low", np.nanmin(pos[:, j])) for j, s in enumerate(issues)])
    high = np.array([meta[s].get("high", np.nanmax(pos[:, j])) for j, s in enumerate(issues)])
    return ForecastInput(
        actors=tuple(actors),
        issues=tuple(issues),
        position=pos,
        salience=sal,
        capability=cap,
        low=low,
        high=high,
        outcome=np.array([meta[s].get("outcome", np.nan) for s in issues]),
        labels={s: (labels or {}).get(s, s) for s in issues},
        source=source,
    )


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


# --------------------------------------------------------------------------- DEU III


def is_deu(text: str) -> bool:
    """Whether the text is the DEU III table (a tab-separated header with ``out`` and ``p*``)."""
    head = [h.strip().strip('"') for h in text.split("\n", 1)[0].split("\t")]
    return "out" in head and "pcom" in head and "scom" in head


def parse_deu(text: str, *, source: str = "", capability: str = "equal") -> ForecastInput:
    """The DEU III table: issues with an outcome, actors with a position on each.

    Positions and outcomes stay on the table's 0-100 scale; saliences are divided by 100 and
    a missing salience counts as 50. ``capability="gdp"`` uses the GDP row (second row).
    Issues are grouped by proposal (``prnr``) for the exchange model.
    """
    if capability not in ("equal", "gdp"):
        raise ScenarioError(
            f"unknown capability {capability!r}", where="--capability", hint="use `equal` or `gdp`"
        )
    rows = read_csv(text, source or "<text>", delimiter="\t")
    head = rows[0] if rows else []
    missing = [c for c in ("isnr", "out") if c not in head]
    if missing or len(rows) < 3:
        raise ScenarioError(
            "not a DEU III table: "
            + (f"no column {', '.join(missing)}" if missing else "fewer than three rows"),
            file=source or None,
            line=1,
            hint="the header needs isnr, out and p<actor>/s<actor> columns; row 2 holds GDP",
        )
    ragged: list[Problem] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if any(c.strip() for c in row):
            _ragged(row, len(head), lineno, ragged)  # cut or padded silently, never
    if ragged:
        raise ScenarioError(ragged, file=source or None)
    rows = [r + [""] * (len(head) - len(r)) for r in rows]  # blank lines: empty cells
    pcols = [
        k
        for k, h in enumerate(head)
        if h.startswith("p")
        and "s" + h[1:] in head
        and h not in ("prnr", "prname", "proc", "proccde", "prnrnmc")
    ]
    actors = [head[k][1:] for k in pcols]
    for k in pcols:
        too_long = long_name(head[k], "the column name")
        if too_long is not None:
            raise ScenarioError([Problem(too_long, line=1, column=k + 1)], file=source or None)
    scols = [head.index("s" + a) for a in actors]
    k_out, k_issue = head.index("out"), head.index("isnr")
    k_group = head.index("prnr") if "prnr" in head else k_issue
    cap_row = [number(rows[1][k]) if k < len(rows[1]) else None for k in pcols]
    issues, cols, problems = [], [], []
    for lineno, row in enumerate(rows[2:], start=3):
        if len(row) <= k_out or number(row[k_out]) is None:
            continue  # issues without outcome are skipped
        issues.append((row[k_issue] or f"row{lineno}", row[k_group], number(row[k_out])))
        cols.append(row)
    if not issues:
        problems.append(
            Problem("no issue with an outcome", where="out", hint="fill the `out` column")
        )
        raise ScenarioError(problems, file=source or None)
    pos = np.array(
        [[number(r[k]) if number(r[k]) is not None else np.nan for r in cols] for k in pcols]
    )
    sal = (
        np.array(
            [[number(r[k]) if number(r[k]) is not None else 50.0 for r in cols] for k in scols]
        )
        / 100.0
    )
    if capability == "gdp":
        caps = np.array([c if c is not None else np.nan for c in cap_row])
        capv = caps / np.nanmax(caps)
    else:
        capv = np.ones(len(actors))
    cap = np.where(np.isnan(pos), np.nan, capv[:, None])
    sal = np.where(np.isnan(pos), np.nan, sal)
    return ForecastInput(
        actors=tuple(actors),
        issues=_unique([i[0] for i in issues]),
        position=pos,
        salience=sal,
        capability=cap,
        low=np.zeros(len(issues)),
        high=np.full(len(issues), 100.0),
        outcome=np.array([i[2] for i in issues]),
        group=tuple(i[1] for i in issues),
        source=source,
    )


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return tuple(out)
