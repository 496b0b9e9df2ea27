"""Build a :class:`Conflict` from the documented conflict-file mapping (see docs/conflict.md).

Every problem is collected as a :class:`zopa.errors.Problem` naming the key path, what is
wrong and how to fix it; all of them are raised together as one ScenarioError.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from zopa.conflict.model import Conflict, ConflictOption, DecisionMaker, Direction
from zopa.conflict.statements import KEYWORDS, Statement, parse_statement
from zopa.errors import Problem, ScenarioError

__all__ = ["MAX_OPTIONS", "build_conflict", "payoffs_from_scores"]

MAX_OPTIONS = 24
"""At most 2^24 (16.8 million) states are enumerated."""
MAX_STATEMENTS = 60
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TOP_KEYS = {"title", "description", "sources", "decision_makers", "constraints", "status_quo"}
_DM_KEYS = {"id", "label", "options", "preferences"}
_OPTION_KEYS = {"id", "label", "direction"}
_DIRECTIONS: tuple[Direction, ...] = ("both", "forward", "backward")
IntArray = npt.NDArray[np.int64]


Locator = Callable[[tuple[str | int, ...]], tuple[int | None, int | None]]


def key_path(where: str) -> tuple[str | int, ...]:
    """``decision_makers[0].options`` -> ``("decision_makers", 0, "options")``."""
    out: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", where):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


class _Problems:
    def __init__(self, file: str | None, locate: Locator | None = None) -> None:
        self.file = file
        self.locate = locate
        self.items: list[Problem] = []

    def add(self, message: str, where: str, hint: str = "") -> None:
        line, col = self.locate(key_path(where)) if self.locate and where else (None, None)
        self.items.append(Problem(message, where=where, hint=hint, line=line, column=col))

    def raise_if_any(self) -> None:
        if self.items:
            raise ScenarioError(self.items, file=self.file)


def _unknown_keys(data: Mapping[str, Any], allowed: set[str], where: str, out: _Problems) -> None:
    for key in data:
        if key not in allowed:
            out.add(
                f"unknown key {key!r}",
                where or "top level",
                f"allowed keys: {', '.join(sorted(allowed))}",
            )


def build_conflict(
    data: object,
    file: str | None = None,
    *,
    locate: Locator | None = None,
) -> Conflict:
    """Validate the conflict-file mapping ``data`` and compile it (states and payoffs).

    Shapes and types are checked first by :class:`~zopa.io.conflict.ConflictSpec` (with the
    line of each problem when ``locate`` maps key paths to lines), then cross-references."""
    out = _Problems(file, locate)
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"a conflict file must hold a mapping, got {type(data).__name__}",
            file=file,
            hint="start with 'title:' and 'decision_makers:' (see docs/conflict.md)",
        )
    _unknown_keys(data, _TOP_KEYS, "", out)
    options, dms = _read_dms(data.get("decision_makers"), out)
    out.raise_if_any()
    from zopa.io.conflict import check_conflict

    check_conflict(data, file=file, locate=locate)
    bit_of = {o.id: j for j, o in enumerate(options)}
    rules = _read_statements(data.get("constraints", []), "constraints", bit_of, file)
    codes = _feasible_codes(len(options), rules, bit_of)
    if codes.size == 0:
        raise ScenarioError(
            "no state satisfies all constraints",
            file=file,
            where="constraints",
            hint="drop or relax a constraint",
        )
    conflict = Conflict(
        str(data.get("title", "")),
        options,
        dms,
        codes,
        np.zeros((len(dms), codes.size), dtype=np.int64),
        None,
        file,
    )
    raw_dms = cast(Sequence[Mapping[str, Any]], data["decision_makers"])
    payoffs = np.stack(
        [
            _payoffs(conflict, raw.get("preferences"), f"decision_makers[{i}].preferences", bit_of)
            for i, raw in enumerate(raw_dms)
        ]
    )
    status_quo = _status_quo(conflict, data.get("status_quo"))
    return Conflict(conflict.title, options, dms, codes, payoffs, status_quo, file)


def _read_dms(
    raw: object, out: _Problems
) -> tuple[tuple[ConflictOption, ...], tuple[DecisionMaker, ...]]:
    if not isinstance(raw, list) or not raw:
        out.add(
            "expected a non-empty list of decision makers",
            "decision_makers",
            "each with id, options and preferences",
        )
        return (), ()
    options: list[ConflictOption] = []
    dms: list[DecisionMaker] = []
    seen_dm: set[str] = set()
    seen_opt: set[str] = set()
    for i, item in enumerate(raw):
        where = f"decision_makers[{i}]"
        if not isinstance(item, Mapping):
            out.add("expected a mapping with id, options and preferences", where)
            continue
        _unknown_keys(item, _DM_KEYS, where, out)
        dm_id = _check_id(item.get("id"), f"{where}.id", seen_dm, out)
        own = _read_options(item.get("options"), f"{where}.options", seen_opt, out)
        if "preferences" not in item:
            out.add(
                "missing preferences", where, "give {prioritisation: [...]} or {ranking: [...]}"
            )
        options.extend(own)
        dms.append(DecisionMaker(dm_id, tuple(o.id for o in own), str(item.get("label", ""))))
    if len(options) > MAX_OPTIONS:
        out.add(
            f"{len(options)} options give 2^{len(options)} states; at most {MAX_OPTIONS} "
            "options are supported",
            "decision_makers",
            "merge or drop options",
        )
    return tuple(options), tuple(dms)


def _check_id(value: object, where: str, seen: set[str], out: _Problems) -> str:
    if isinstance(value, bool):
        out.add(
            f"the id is the boolean {str(value).lower()}: YAML reads a bare true/false, "
            "yes/no or on/off as a boolean, not as a name",
            where,
            "quote the word you wrote (e.g. 'yes', 'on') so it is read as a name, or choose "
            "another id",
        )
        return str(value)
    if not isinstance(value, str) or not _ID.match(value) or value in KEYWORDS:
        out.add(
            f"invalid id {value!r}",
            where,
            "use letters, digits and _ (not starting with a digit, not a keyword)",
        )
        return str(value)
    if value in seen:
        out.add(f"duplicate id {value!r}", where, "ids must be unique")
    seen.add(value)
    return value


def _read_options(raw: object, where: str, seen: set[str], out: _Problems) -> list[ConflictOption]:
    if not isinstance(raw, list) or not raw:
        out.add("expected a non-empty list of options", where, "e.g. [{id: escalate}]")
        return []
    result = []
    for j, item in enumerate(raw):
        here = f"{where}[{j}]"
        if isinstance(item, str | bool):
            item = {"id": item}
        if not isinstance(item, Mapping):
            out.add("expected an option id or a mapping with id, label, direction", here)
            continue
        _unknown_keys(item, _OPTION_KEYS, here, out)
        oid = _check_id(item.get("id"), f"{here}.id", seen, out)
        direction = item.get("direction", "both")
        if direction not in _DIRECTIONS:
            out.add(
                f"invalid direction {direction!r}",
                f"{here}.direction",
                "use both, forward (N→Y only) or backward (Y→N only)",
            )
            direction = "both"
        result.append(ConflictOption(oid, str(item.get("label", "")), direction))
    return result


def _read_statements(
    raw: object, where: str, bit_of: Mapping[str, int], file: str | None
) -> list[Statement]:
    if not isinstance(raw, list):
        raise ScenarioError(
            f"expected a list of statements, got {type(raw).__name__}",
            file=file,
            where=where,
            hint="e.g. ['not (escalate and withdraw)']",
        )
    return [parse_statement(t, bit_of, where=f"{where}[{k}]", file=file) for k, t in enumerate(raw)]


def _feasible_codes(n_options: int, rules: list[Statement], bit_of: Mapping[str, int]) -> IntArray:
    codes = np.arange(1 << n_options, dtype=np.int64)
    for rule in rules:
        codes = codes[rule.evaluate(codes, bit_of)]
    return codes


def payoffs_from_scores(scores: IntArray) -> IntArray:
    """Dense ordinal payoffs 1..k from scores (higher is better, equal scores tie)."""
    _, inverse = np.unique(scores, return_inverse=True)
    return inverse.astype(np.int64).reshape(scores.shape) + 1


def _payoffs(conflict: Conflict, raw: object, where: str, bit_of: Mapping[str, int]) -> IntArray:
    file = conflict.source
    if (
        not isinstance(raw, Mapping)
        or len(raw) != 1
        or not ({"prioritisation", "ranking"} & set(raw))
    ):
        raise ScenarioError(
            "expected exactly one of prioritisation or ranking",
            file=file,
            where=where,
            hint="{prioritisation: ['not war', 'talks']} or {ranking: [['YN', 'NY'], 'NN', 'YY']}",
        )
    if "ranking" in raw:
        from zopa.conflict.ranking import payoffs_from_ranking

        return payoffs_from_ranking(conflict, raw["ranking"], f"{where}.ranking")
    stmts = _read_statements(raw["prioritisation"], f"{where}.prioritisation", bit_of, file)
    if len(stmts) > MAX_STATEMENTS:
        raise ScenarioError(
            f"{len(stmts)} statements; at most {MAX_STATEMENTS}",
            file=file,
            where=f"{where}.prioritisation",
            hint="drop the least important",
        )
    return prioritisation_payoffs(conflict.codes, stmts, bit_of)


def prioritisation_payoffs(
    codes: IntArray, statements: Sequence[Statement], bit_of: Mapping[str, int]
) -> IntArray:
    """Option prioritisation (Fang, Hipel, Kilgour & Peng 2003): statement ``r`` of ``k``
    (1-based, most important first) adds ``2^(k-r)`` to every state that satisfies it."""
    k = len(statements)
    scores = np.zeros(codes.shape[0], dtype=np.int64)
    for r, stmt in enumerate(statements, start=1):
        scores += stmt.evaluate(codes, bit_of).astype(np.int64) << (k - r)
    return payoffs_from_scores(scores)


def _status_quo(conflict: Conflict, raw: object) -> int | None:
    if raw is None:
        return None
    ids = [o.id for o in conflict.options]
    if (
        not isinstance(raw, Mapping)
        or set(raw) != set(ids)
        or not all(isinstance(v, bool) for v in raw.values())
    ):
        raise ScenarioError(
            "status_quo must map every option id to true or false",
            file=conflict.source,
            where="status_quo",
            hint=f"options: {', '.join(ids)}",
        )
    code = sum(1 << j for j, oid in enumerate(ids) if raw[oid])
    index = conflict.index_of_code(code)
    if index is None:
        raise ScenarioError(
            "the status quo is an infeasible state",
            file=conflict.source,
            where="status_quo",
            hint="check it against the constraints",
        )
    return index
