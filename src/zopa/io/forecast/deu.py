"""The DEU III table (Thomson et al. 2006; Arregui & Perarnaud 2021), tab-separated.

Positions are in ``p*`` columns, saliences in ``s*`` (``pcom``/``scom`` for the Commission),
the outcome in ``out`` (0-100), the issue number in ``isnr``, the proposal in ``prnr``; the
second row holds GDP figures. Positions and outcomes stay on the table's 0-100 scale;
saliences are divided by 100 and a missing salience counts as 50; an actor with no position on
an issue is left out of it; issues without an outcome are skipped.
"""

from __future__ import annotations

from zopa.errors import Problem, ScenarioError
from zopa.io.files import cell_number as number
from zopa.io.files import read_csv
from zopa.io.forecast.records import (
    ForecastCell,
    ForecastIssue,
    ForecastTable,
    long_name,
    ragged_row,
)

__all__ = ["CAPABILITIES", "is_deu", "parse_deu"]

CAPABILITIES = ("equal", "gdp")
"""How a DEU III actor's capability is set: the same for all, or its GDP over the largest."""

_NOT_ACTORS = ("prnr", "prname", "proc", "proccde", "prnrnmc")
_MISSING_SALIENCE = 50.0


def is_deu(text: str) -> bool:
    """Whether the text is the DEU III table (a tab-separated header with ``out`` and ``p*``).

    >>> is_deu("isnr\\tout\\tpcom\\tscom\\n")
    True
    """
    head = [h.strip().strip('"') for h in text.split("\n", 1)[0].split("\t")]
    return "out" in head and "pcom" in head and "scom" in head


def parse_deu(text: str, *, source: str = "", capability: str = "equal") -> ForecastTable:
    """The DEU III table: issues with an outcome, actors with a position on each.

    ``capability="gdp"`` uses the GDP row (second row), each actor's figure over the largest.
    Issues are grouped by proposal (``prnr``) for the exchange model.
    """
    if capability not in CAPABILITIES:
        raise ScenarioError(
            f"unknown capability {capability!r}", where="--capability", hint="use `equal` or `gdp`"
        )
    name = source or None
    rows = _rows(text, source)
    head = rows[0]
    pcols = [
        k
        for k, h in enumerate(head)
        if h.startswith("p") and "s" + h[1:] in head and h not in _NOT_ACTORS
    ]
    for k in pcols:
        too_long = long_name(head[k], "the column name")
        if too_long is not None:
            raise ScenarioError([Problem(too_long, line=1, column=k + 1)], file=name)
    actors = tuple(head[k][1:] for k in pcols)
    scols = [head.index("s" + a) for a in actors]
    caps = _capabilities(rows[1], pcols, capability, name)
    k_out, k_issue = head.index("out"), head.index("isnr")
    k_group = head.index("prnr") if "prnr" in head else k_issue
    issues: list[ForecastIssue] = []
    cells: list[ForecastCell] = []
    ids: dict[str, int] = {}
    for lineno, row in enumerate(rows[2:], start=3):
        outcome = number(row[k_out])
        if outcome is None:
            continue  # issues without outcome are skipped
        issue = _unique(row[k_issue] or f"row{lineno}", ids)
        issues.append(ForecastIssue(issue, 0.0, 100.0, outcome=outcome, group=row[k_group]))
        for actor, kp, ks, cap in zip(actors, pcols, scols, caps, strict=True):
            position = number(row[kp])
            if position is not None:
                salience = number(row[ks])
                salience = _MISSING_SALIENCE if salience is None else salience
                cells.append(ForecastCell(actor, issue, position, salience / 100.0, cap))
    if not issues:
        raise ScenarioError(
            [Problem("no issue with an outcome", where="out", hint="fill the `out` column")],
            file=name,
        )
    return ForecastTable(source, actors, tuple(issues), tuple(cells))


def _rows(text: str, source: str) -> list[list[str]]:
    """The table's rows, each as wide as the header (a blank line is a row of empty cells);
    refused when the header lacks ``isnr`` or ``out``, or a row is ragged."""
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
    ragged = [
        p
        for lineno, row in enumerate(rows[1:], start=2)
        if any(c.strip() for c in row) and (p := ragged_row(row, len(head), lineno)) is not None
    ]
    if ragged:
        raise ScenarioError(ragged, file=source or None)
    return [r + [""] * (len(head) - len(r)) for r in rows]


def _capabilities(
    gdp_row: list[str], pcols: list[int], capability: str, name: str | None
) -> list[float]:
    """Each actor's capability: 1, or its GDP over the largest (NaN without a figure)."""
    if capability == "equal":
        return [1.0] * len(pcols)
    gdp = [number(gdp_row[k]) for k in pcols]
    problems = [
        Problem(
            f"GDP figure {g:g} is negative",
            line=2,
            column=k + 1,
            hint="the second row holds each actor's GDP, 0 or more",
        )
        for k, g in zip(pcols, gdp, strict=True)
        if g is not None and g < 0
    ]
    top = max((g for g in gdp if g is not None), default=0.0)
    if not problems and top <= 0:
        problems.append(
            Problem(
                "the GDP row holds no positive figure, so capabilities cannot be read from it",
                line=2,
                hint="fill the second row with GDP figures, or use --capability equal",
            )
        )
    if problems:
        raise ScenarioError(problems, file=name)
    return [float("nan") if g is None else g / top for g in gdp]


def _unique(issue: str, seen: dict[str, int]) -> str:
    """``issue``, or ``issue#2``, ``issue#3``, ... when the name came before."""
    seen[issue] = seen.get(issue, 0) + 1
    return issue if seen[issue] == 1 else f"{issue}#{seen[issue]}"
