"""The decide input format (Stokman's exchange-model tool, decide-exchange-model).

Rows, tab-separated, fields optionally quoted with ``'``:

- ``#A  id  name  [comment]``      an actor
- ``#P  id  name  [description]``  an issue
- ``#M  issue  value``             a scale anchor (the lowest and highest give the scale)
- ``#D  actor  issue  position  salience  power``  an actor's data on an issue
- ``#O`` (model title) and ``#/`` (comment) rows are ignored.

An actor may have no ``#D`` row on an issue (it takes no part there). Saliences are in [0, 1],
powers non-negative; an issue without ``#M`` anchors is taken to run from 0 to 100.
Every problem in the file is reported at once, each with its line, what is wrong and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zopa.errors import Problem, ScenarioError
from zopa.io.files import cell_number as number
from zopa.io.files import read_text
from zopa.io.forecast.records import ForecastCell, ForecastIssue, ForecastTable
from zopa.model.spec import MAX_LABEL

__all__ = ["is_decide", "parse_decide", "read_decide"]

_KINDS = ("#A", "#P", "#M", "#D", "#O", "#/")
_DEFAULT_SCALE = (0.0, 100.0)


def is_decide(text: str) -> bool:
    """Whether the text looks like a decide file (its first row starts with a ``#`` kind)."""
    for line in text.splitlines():
        if line.strip():
            return _fields(line)[0] in _KINDS
    return False


def read_decide(path: str | Path) -> ForecastTable:
    """Read a decide file; raises :class:`ScenarioError` listing every bad row."""
    p = Path(path)
    return parse_decide(read_text(p, what="decide file"), source=str(p))


@dataclass
class _Acc:
    actors: dict[str, int] = field(default_factory=dict)
    issues: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    anchors: dict[str, list[float]] = field(default_factory=dict)
    rows: list[tuple[int, str, str, float, float, float]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_decide(text: str, *, source: str = "") -> ForecastTable:
    """Parse decide text into a :class:`~zopa.io.forecast.records.ForecastTable`."""
    acc = _Acc()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            _row(acc, lineno, _fields(line))
    _check_rows(acc)
    if not acc.problems and not acc.rows:
        acc.problems.append(
            Problem(
                "no #D rows: no actor has data on any issue",
                hint="add rows `#D<TAB>actor<TAB>issue<TAB>position<TAB>salience<TAB>power`",
            )
        )
    if acc.problems:
        raise ScenarioError(acc.problems, file=source or None)
    return _build(acc, source)


def _fields(line: str) -> list[str]:
    out = []
    for f in line.rstrip("\r\n").split("\t"):
        f = f.strip()
        if len(f) >= 2 and f[0] == f[-1] and f[0] in "'\"":
            f = f[1:-1]
        out.append(f)
    return out


def _row(acc: _Acc, lineno: int, f: list[str]) -> None:
    kind = f[0]
    if kind in ("#O", "#/"):
        return
    need = {"#A": 2, "#P": 2, "#M": 3, "#D": 6}.get(kind)
    if need is None:
        acc.problems.append(
            Problem(
                f"unknown row kind {kind!r}",
                line=lineno,
                hint="rows start with #A (actor), #P (issue), #M (scale anchor), #D (data), "
                "#O (title) or #/ (comment), then tab-separated fields",
            )
        )
        return
    if len(f) < need or not all(f[1:need]):
        acc.problems.append(
            Problem(
                f"{kind} row has {len(f)} field(s), {need} needed",
                line=lineno,
                hint=_SHAPES[kind] + " (fields separated by tabs)",
            )
        )
        return
    names = f[1:3] if kind in ("#A", "#P", "#D") else f[1:2]
    too_long = next((x for x in names if len(x) > MAX_LABEL), None)
    if too_long is not None:
        acc.problems.append(
            Problem(
                f"a name in this {kind} row is {len(too_long):,} characters long, over the "
                f"limit of {MAX_LABEL:,}",
                line=lineno,
                hint=f"keep actor and issue names and labels to {MAX_LABEL} characters",
            )
        )
        return
    if kind == "#D" and any(x.strip() for x in f[need:]):
        acc.problems.append(
            Problem(
                f"#D row has {len(f)} fields; a data row has {need}, and the extra field "
                f"`{next(x for x in f[need:] if x.strip())[:40]}` would be ignored",
                line=lineno,
                hint=_SHAPES[kind] + " (fields separated by tabs; a tab inside a name splits it)",
            )
        )
        return
    if kind == "#A":
        _declare(acc, acc.actors, "actor", f[1], lineno)
    elif kind == "#P":
        _declare(acc, acc.issues, "issue", f[1], lineno)
        acc.labels[f[1]] = f[2] if len(f) > 2 and f[2] else f[1]
    elif kind == "#M":
        _anchor(acc, lineno, f)
    else:
        _data(acc, lineno, f)


_SHAPES = {
    "#A": "write `#A<TAB>id<TAB>name`",
    "#P": "write `#P<TAB>id<TAB>name`",
    "#M": "write `#M<TAB>issue<TAB>value`",
    "#D": "write `#D<TAB>actor<TAB>issue<TAB>position<TAB>salience<TAB>power`",
}


def _declare(acc: _Acc, table: dict[str, int], what: str, name: str, lineno: int) -> None:
    if name in table:
        acc.problems.append(
            Problem(
                f"{what} {name!r} declared twice (first on line {table[name]})",
                line=lineno,
                hint=f"remove the second #{what[0].upper()} row",
            )
        )
    else:
        table[name] = lineno


def _anchor(acc: _Acc, lineno: int, f: list[str]) -> None:
    value = number(f[2])
    if value is None:
        acc.problems.append(
            Problem(
                f"scale anchor {f[2]!r} is not a number",
                line=lineno,
                where=f"#M {f[1]}",
                hint="write a number, e.g. 0 or 100",
            )
        )
        return
    acc.anchors.setdefault(f[1], []).append(value)
    if f[1] not in acc.issues:
        acc.problems.append(
            Problem(
                f"scale anchor for undeclared issue {f[1]!r}",
                line=lineno,
                hint="declare the issue first with a #P row",
            )
        )


def _data(acc: _Acc, lineno: int, f: list[str]) -> None:
    actor, issue = f[1], f[2]
    ok = True
    for what, name, table, row in (
        ("actor", actor, acc.actors, "#A"),
        ("issue", issue, acc.issues, "#P"),
    ):
        if name not in table:
            close = _close(name, table)
            acc.problems.append(
                Problem(
                    f"unknown {what} {name!r}",
                    line=lineno,
                    where=f"#D {actor} / {issue}",
                    hint=(f"did you mean {close!r}? " if close else "")
                    + f"declare it with a {row} row or fix the spelling",
                )
            )
            ok = False
    vals = []
    for col, (what, raw) in enumerate(
        zip(("position", "salience", "power"), f[3:6], strict=True), start=4
    ):
        v = number(raw)
        if v is None:
            acc.problems.append(
                Problem(
                    f"{what} {raw!r} is not a number",
                    line=lineno,
                    column=col,
                    where=f"#D {actor} / {issue}",
                    hint=f"write the {what} as a number, e.g. 0.5",
                )
            )
            ok = False
        vals.append(v if v is not None else 0.0)
    if ok:
        acc.rows.append((lineno, actor, issue, vals[0], vals[1], vals[2]))


def _close(name: str, table: dict[str, int]) -> str | None:
    import difflib

    hits = difflib.get_close_matches(name, list(table), n=1, cutoff=0.75)
    return hits[0] if hits else None


def _check_rows(acc: _Acc) -> None:
    seen: dict[tuple[str, str], int] = {}
    for lineno, actor, issue, pos, sal, power in acc.rows:
        where = f"#D {actor} / {issue}"
        if (actor, issue) in seen:
            acc.problems.append(
                Problem(
                    f"second row for this actor and issue (first on line {seen[actor, issue]})",
                    line=lineno,
                    where=where,
                    hint="keep one #D row per actor and issue",
                )
            )
        seen.setdefault((actor, issue), lineno)
        if not 0.0 <= sal <= 1.0:
            acc.problems.append(
                Problem(
                    f"salience {sal:g} is outside [0, 1]",
                    line=lineno,
                    column=5,
                    where=where,
                    hint="saliences are shares between 0 and 1; divide percentages by 100",
                )
            )
        if power < 0:
            acc.problems.append(
                Problem(
                    f"power {power:g} is negative",
                    line=lineno,
                    column=6,
                    where=where,
                    hint="powers are 0 or more",
                )
            )
        lo, hi = _scale(acc, issue)
        if not lo <= pos <= hi:
            acc.problems.append(
                Problem(
                    f"position {pos:g} is outside the issue's scale [{lo:g}, {hi:g}]",
                    line=lineno,
                    column=4,
                    where=where,
                    hint="fix the position, or widen the scale with #M rows for the issue"
                    + ("" if issue in acc.anchors else " (without #M rows the scale is 0-100)"),
                )
            )


def _scale(acc: _Acc, issue: str) -> tuple[float, float]:
    anchors = acc.anchors.get(issue)
    return (min(anchors), max(anchors)) if anchors else _DEFAULT_SCALE


def _build(acc: _Acc, source: str) -> ForecastTable:
    issues = tuple(ForecastIssue(s, *_scale(acc, s), label=acc.labels[s]) for s in acc.issues)
    cells = tuple(ForecastCell(a, s, p, sal, c) for _, a, s, p, sal, c in acc.rows)
    return ForecastTable(source, tuple(acc.actors), issues, cells)
