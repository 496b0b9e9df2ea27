"""Import of gmcr-py save files (``.gmcr``, JSON).

Keys read: ``options`` (``name``, ``permittedDirection``), ``decisionMakers`` (``name``,
``options`` as option indices, ``preferences``, ``preferenceRanking``), ``infeasibles`` and
``useManualPreferenceRanking``; other keys (payoffs, misperceptions, coalitions) are ignored.

State numbering follows gmcr-py: options are first grouped by decision maker (gmcr-py
reorders them on load), option ``j`` is bit ``j`` (``Y`` = 1), and the feasible states,
sorted by that number, are numbered from 1. ``preferenceRanking`` lists those numbers most
preferred first, a sub-list being a tie. A condition (infeasible or preference) is a list of
``[option index, "Y"|"N"]`` pairs that must all hold, or ``{"compound": true, "members":
[...]}`` holding when any member holds. Prioritised preferences weigh condition ``r`` of
``k`` by ``2^(k-r)`` (Fang, Hipel, Kilgour & Peng 2003).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from zopa.conflict.build import MAX_OPTIONS, payoffs_from_scores
from zopa.conflict.model import Conflict, ConflictOption, DecisionMaker, Direction
from zopa.conflict.statements import KEYWORDS
from zopa.errors import ScenarioError

__all__ = ["conflict_from_gmcr"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_DIR: Mapping[str, Direction] = {
    "both": "both",
    "fwd": "forward",
    "forward": "forward",
    "back": "backward",
    "backward": "backward",
}


class _Reader:
    def __init__(self, file: str | None) -> None:
        self.file = file

    def fail(self, message: str, where: str, hint: str = "") -> ScenarioError:
        return ScenarioError(
            message, file=self.file, where=where, hint=hint or "is this a gmcr-py save file?"
        )

    def get(self, data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
        if key not in data:
            raise self.fail(f"missing key {key!r}", where or "top level")
        value = data[key]
        if not isinstance(value, kind):
            raise self.fail(f"{key!r} must be a {kind.__name__}", f"{where}.{key}".lstrip("."))
        return value


def conflict_from_gmcr(
    data: object,
    file: str | None = None,
    *,
    locate: Callable[[tuple[str | int, ...]], tuple[int | None, int | None]] | None = None,
) -> Conflict:
    """A :class:`Conflict` from a parsed gmcr-py save file."""
    from zopa.io.conflict import check_gmcr

    check_gmcr(data, file=file, locate=locate)
    rd = _Reader(file)
    if not isinstance(data, Mapping):
        raise rd.fail("a gmcr-py save file holds a JSON object", "top level")
    raw_opts = rd.get(data, "options", list, "")
    raw_dms = rd.get(data, "decisionMakers", list, "")
    _check_owners(rd, raw_dms, len(raw_opts))
    order = _gmcr_option_order(len(raw_opts), raw_dms)
    if len(order) > MAX_OPTIONS:
        raise rd.fail(f"{len(order)} options; at most {MAX_OPTIONS} are supported", "options")
    pos = {old: new for new, old in enumerate(order)}
    options = _options(rd, raw_opts, order)
    dms = _unique_dm_ids(
        tuple(
            DecisionMaker(
                str(d.get("name", f"dm{i}")),
                tuple(options[pos[int(j)]].id for j in d["options"]),
                str(d.get("name", "")),
            )
            for i, d in enumerate(raw_dms)
        )
    )
    codes = np.arange(1 << len(options), dtype=np.int64)
    for k, cond in enumerate(rd.get(data, "infeasibles", list, "")):
        codes = codes[~_condition(rd, cond, pos, codes, f"infeasibles[{k}]")]
    if codes.size == 0:
        raise rd.fail("every state is infeasible", "infeasibles")
    manual = bool(data.get("useManualPreferenceRanking", data.get("useManualPreferenceVectors")))
    payoffs = np.stack(
        [
            _dm_payoffs(rd, d, pos, codes, manual, f"decisionMakers[{i}]")
            for i, d in enumerate(raw_dms)
        ]
    )
    title = str(data.get("title", "")) or (Path(file).stem if file else "gmcr-py conflict")
    return Conflict(title, options, dms, codes, payoffs, None, file)


def _check_owners(rd: _Reader, raw_dms: Sequence[Any], n_opt: int) -> None:
    owner: dict[int, int] = {}
    for i, d in enumerate(raw_dms):
        where = f"decisionMakers[{i}]"
        if not isinstance(d, Mapping):
            raise rd.fail("expected an object", where)
        for j in rd.get(d, "options", list, where):
            if isinstance(j, bool) or not isinstance(j, int) or not 0 <= j < n_opt:
                raise rd.fail(f"option index {j!r} out of range 0..{n_opt - 1}", f"{where}.options")
            if j in owner:
                raise rd.fail(
                    f"option {j} is controlled by two decision makers", f"{where}.options"
                )
            owner[j] = i
    missing = sorted(set(range(n_opt)) - set(owner))
    if missing:
        raise rd.fail(f"option(s) {missing} are controlled by no decision maker", "options")


def _gmcr_option_order(n_opt: int, raw_dms: Sequence[Mapping[str, Any]]) -> list[int]:
    """Option indices in the order gmcr-py uses after loading (grouped by DM)."""
    order = list(range(n_opt))
    moved: list[int] = []
    for d in raw_dms:
        for j in d["options"]:
            if j not in moved:
                moved.append(j)
                order.insert(len(moved), order.pop(order.index(j)))
    return order


def _options(rd: _Reader, raw: Sequence[Any], order: list[int]) -> tuple[ConflictOption, ...]:
    taken: set[str] = set()
    result = []
    for old in order:
        item = raw[old]
        where = f"options[{old}]"
        if not isinstance(item, Mapping):
            raise rd.fail("expected an object with name and permittedDirection", where)
        name = str(item.get("name", f"option{old}"))
        direction = _DIR.get(str(item.get("permittedDirection", "both")))
        if direction is None:
            raise rd.fail(
                f"unknown permittedDirection {item.get('permittedDirection')!r}",
                f"{where}.permittedDirection",
                "use both, fwd or back",
            )
        result.append(ConflictOption(_slug(name, taken, old), name, direction))
    return tuple(result)


def _slug(name: str, taken: set[str], k: int) -> str:
    base = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower() or f"x{k}"
    if base[0].isdigit() or base in KEYWORDS:
        base = "o_" + base
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug


def _unique_dm_ids(dms: tuple[DecisionMaker, ...]) -> tuple[DecisionMaker, ...]:
    taken: set[str] = set()
    return tuple(
        DecisionMaker(_slug(d.id, taken, i), d.options, d.label) for i, d in enumerate(dms)
    )


def _condition(
    rd: _Reader, cond: object, pos: Mapping[int, int], codes: IntArray, where: str
) -> BoolArray:
    if isinstance(cond, Mapping):
        members = cond.get("members")
        if not isinstance(members, list):
            raise rd.fail("a compound condition needs a list of members", where)
        hit = np.zeros(codes.shape, dtype=bool)
        for m, member in enumerate(members):
            hit |= _condition(rd, member, pos, codes, f"{where}.members[{m}]")
        return hit
    if not isinstance(cond, list):
        raise rd.fail("expected a list of [option index, 'Y'|'N'] pairs", where)
    care = want = 0
    for pair in cond:
        ok = isinstance(pair, list | tuple) and len(pair) == 2 and pair[1] in ("Y", "N")
        if not ok or not isinstance(pair[0], int) or pair[0] not in pos:
            raise rd.fail(
                f"invalid condition item {pair!r}", where, "each item is [option index, 'Y' or 'N']"
            )
        bit = 1 << pos[pair[0]]
        care |= bit
        want |= bit if pair[1] == "Y" else 0
    return np.asarray((codes & care) == want)


def _dm_payoffs(
    rd: _Reader,
    d: Mapping[str, Any],
    pos: Mapping[int, int],
    codes: IntArray,
    manual: bool,
    where: str,
) -> IntArray:
    if manual:
        key = "preferenceRanking" if "preferenceRanking" in d else "preferenceVector"
        return _ranking_payoffs(rd, rd.get(d, key, list, where), codes.size, f"{where}.{key}")
    prefs = d.get("preferences", [])
    if not isinstance(prefs, list):
        raise rd.fail("'preferences' must be a list of conditions", f"{where}.preferences")
    scores = np.zeros(codes.shape, dtype=np.int64)
    for r, cond in enumerate(prefs):
        hit = _condition(rd, cond, pos, codes, f"{where}.preferences[{r}]")
        scores += hit.astype(np.int64) << (len(prefs) - 1 - r)
    return payoffs_from_scores(scores)


def _ranking_payoffs(rd: _Reader, ranking: list[Any], n: int, where: str) -> IntArray:
    states: list[Any] = []
    tiers: list[int] = []
    for t, tier in enumerate(ranking):
        entries = tier if isinstance(tier, list) else [tier]
        states.extend(entries)
        tiers.extend([len(ranking) - t] * len(entries))
    for state in states:  # a plain loop over Python ints; the rest is vectorised
        if isinstance(state, bool) or not isinstance(state, int) or not 1 <= state <= n:
            raise rd.fail(f"state {state!r} is not a feasible state (1..{n})", where)
    index = np.array(states, dtype=np.int64) - 1
    twice = np.flatnonzero(np.bincount(index, minlength=n) > 1)
    if twice.size:
        raise rd.fail(f"state {int(twice[0]) + 1} appears twice", where)
    payoffs = np.zeros(n, dtype=np.int64)
    payoffs[index] = np.array(tiers, dtype=np.int64)
    missing = np.flatnonzero(payoffs == 0) + 1
    if missing.size:
        raise rd.fail(
            f"state(s) {missing.tolist()[:10]} missing from the ranking",
            where,
            "rank every feasible state once",
        )
    return payoffs
