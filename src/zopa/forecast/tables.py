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

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from zopa.errors import Problem, ScenarioError
from zopa.forecast._text import number, read_text
from zopa.forecast._types import ForecastInput
from zopa.forecast.decide import is_decide, parse_decide

__all__ = ["is_deu", "load_forecast", "parse_csv", "parse_deu", "parse_yaml"]

_ALIASES = {"power": "capability", "clout": "capability", "name": "actor"}
_REQUIRED = ("actor", "position", "salience", "capability")


def load_forecast(path: str | Path, *, capability: str = "equal") -> ForecastInput:
    """Read any forecast input: decide, DEU III table, CSV or YAML (detected from the content).

    ``capability`` applies to DEU III only: ``"equal"`` or ``"gdp"`` (the table's GDP row).
    """
    p = Path(path)
    text = read_text(p)
    src = str(p)
    if p.suffix.lower() in (".yaml", ".yml", ".json"):
        if _is_scenario(text):
            from zopa.forecast.scenario import from_scenario
            from zopa.io.scenario import load_scenario

            return from_scenario(load_scenario(p))
        return parse_yaml(text, source=src)
    if is_decide(text):
        return parse_decide(text, source=src)
    if is_deu(text):
        return parse_deu(text, source=src, capability=capability)
    return parse_csv(text, source=src)


def _is_scenario(text: str) -> bool:
    """A zopa scenario (it has ``parties``), not a forecast file (which has ``actors``)."""
    return any(
        line.startswith(("parties:", '"parties"', '  "parties"')) for line in text.splitlines()
    )


# --------------------------------------------------------------------------- CSV


def parse_csv(text: str, *, source: str = "") -> ForecastInput:
    """A CSV table with a header row (comma, semicolon or tab separated)."""
    rows = list(csv.reader(io.StringIO(text), dialect=_sniff(text)))
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


def _sniff(text: str) -> type[csv.Dialect]:
    first = text.splitlines()[0]
    delim = max("\t,;", key=first.count)

    class _D(csv.excel):
        delimiter = delim

    return _D


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


def parse_yaml(text: str, *, source: str = "") -> ForecastInput:
    """A zopa forecast YAML file: ``issues`` (optional) and ``actors``."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(
            [
                Problem(
                    f"not valid YAML: {getattr(exc, 'problem', exc)}",
                    line=mark.line + 1 if mark else None,
                    hint="check indentation and colons",
                )
            ],
            file=source or None,
        ) from None
    problems: list[Problem] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("actors"), dict):
        raise ScenarioError(
            "expected a mapping with an `actors` mapping",
            where="actors",
            file=source or None,
            hint="actors: {Germany: {capability: 1, issues: "
            "{emissions: {position: 4, salience: 0.8}}}}",
        )
    meta = doc.get("issues") or {}
    if not isinstance(meta, dict):
        problems.append(
            Problem("must map issue ids to {label, low, high, outcome}", where="issues")
        )
        meta = {}
    recs = []
    for actor, body in doc["actors"].items():
        recs.extend(_yaml_actor(str(actor), body, meta, problems))
    if problems:
        raise ScenarioError(problems, file=source or None)
    return _from_records(
        recs, source, labels={str(k): str((v or {}).get("label", k)) for k, v in meta.items()}
    )


def _yaml_actor(
    actor: str, body: Any, meta: dict[str, Any], problems: list[Problem]
) -> list[dict[str, Any]]:
    where = f"actors.{actor}"
    if not isinstance(body, dict) or not isinstance(body.get("issues"), dict):
        problems.append(
            Problem(
                "needs `capability` and an `issues` mapping",
                where=where,
                hint="{capability: 1, issues: {x: {position: 4, salience: .8}}}",
            )
        )
        return []
    recs = []
    for issue, cell in body["issues"].items():
        w = f"{where}.issues.{issue}"
        cell = cell if isinstance(cell, dict) else {}
        rec: dict[str, Any] = {"actor": actor, "issue": str(issue), "line": None}
        for name, default in (
            ("position", None),
            ("salience", None),
            ("capability", body.get("capability")),
        ):
            v = cell.get(name, default)
            num = number(str(v)) if v is not None and not isinstance(v, bool) else None
            if num is None:
                problems.append(
                    Problem(
                        f"{name} {v!r} is missing or not a number",
                        where=f"{w}.{name}",
                        hint=f"give a numeric {name}",
                    )
                )
            rec[name] = num
        imeta = meta.get(issue) or {}
        for name in ("outcome", "low", "high"):
            if isinstance(imeta, dict) and imeta.get(name) is not None:
                rec[name] = number(str(imeta[name]))
        recs.append(rec)
    return recs


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
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    head = rows[0]
    pcols = [
        k
        for k, h in enumerate(head)
        if h.startswith("p")
        and "s" + h[1:] in head
        and h not in ("prnr", "prname", "proc", "proccde", "prnrnmc")
    ]
    actors = [head[k][1:] for k in pcols]
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
