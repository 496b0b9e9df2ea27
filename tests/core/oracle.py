"""Brute-force oracle: the definitions, by plain Python over every package.

It shares no code with zopa: it reads the *raw* scenario data (the dict a scenario file
holds), normalises weights itself, and evaluates red lines and constraints with its own
tokenizer and recursive-descent parser of the constraint language (below), never with
``zopa.model.expr``. Only the documented precision (10 decimals) is taken as a number.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

DECIMALS = 10  # the documented precision of utilities (docs/architecture.md)

Package = tuple[int, ...]
Test = Callable[[Package], bool]


# ------------------------------------------------------------------ the constraint language


@dataclass(frozen=True)
class RawIssue:
    id: str
    options: tuple[str, ...]  # option ids, in order
    numbers: tuple[float, ...] | None  # grid of a numeric issue


def raw_issues(data: Mapping[str, Any]) -> list[RawIssue]:
    out = []
    for spec in data["issues"]:
        if "numeric" in spec:
            n = spec["numeric"]
            k = round((n["max"] - n["min"]) / n["step"])
            nums = tuple(float(n["min"] + j * n["step"]) for j in range(k + 1))
            out.append(RawIssue(spec["id"], tuple(f"{x:g}" for x in nums), nums))
        else:
            opts = tuple(o if isinstance(o, str) else o["id"] for o in spec["options"])
            out.append(RawIssue(spec["id"], opts, None))
    return out


_TOKEN = re.compile(
    r"\s*(?:(?P<op>->|==|!=|<=|>=|<|>|[(){},])|(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*))"
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot read {text[pos:]!r}")
        out.append(m.group(m.lastgroup or "op"))
        pos = m.end()
    return out


class _Parser:
    """implies := or ('->' implies)? ; or := and ('or' and)* ; and := not ('and' not)* ;
    not := 'not' not | atom ; atom := '(' implies ')' | true | false | cmp | in | not in."""

    def __init__(self, text: str, issues: list[RawIssue]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.issues = {iss.id: (k, iss) for k, iss in enumerate(issues)}

    def peek(self, k: int = 0) -> str | None:
        return self.toks[self.i + k] if self.i + k < len(self.toks) else None

    def take(self, expect: str | None = None) -> str:
        t = self.peek()
        if t is None or (expect is not None and t != expect):
            raise ValueError(f"expected {expect!r}, got {t!r}")
        self.i += 1
        return t

    def parse(self) -> Test:
        f = self.implies()
        if self.peek() is not None:
            raise ValueError(f"trailing {self.peek()!r}")
        return f

    def implies(self) -> Test:
        left = self.or_()
        if self.peek() == "->":
            self.take()
            right = self.implies()
            return lambda x: (not left(x)) or right(x)
        return left

    def or_(self) -> Test:
        parts = [self.and_()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else (lambda x: any(p(x) for p in parts))

    def and_(self) -> Test:
        parts = [self.not_()]
        while self.peek() == "and":
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else (lambda x: all(p(x) for p in parts))

    def not_(self) -> Test:
        if self.peek() == "not":
            self.take()
            inner = self.not_()
            return lambda x: not inner(x)
        return self.atom()

    def atom(self) -> Test:
        t = self.take()
        if t == "(":
            f = self.implies()
            self.take(")")
            return f
        if t in ("true", "false"):
            v = t == "true"
            return lambda x: v
        if t in _KEYWORDS or t not in self.issues:
            raise ValueError(f"unknown issue {t!r}")
        k, iss = self.issues[t]
        op = self.take()
        if op == "not":
            self.take("in")
            op = "not in"
        if op in ("in", "not in"):
            self.take("{")
            vals = [self.take()]
            while self.peek() == ",":
                self.take()
                vals.append(self.take())
            self.take("}")
            allowed = {self._match(iss, v) for v in vals}
            if op == "in":
                return lambda x: x[k] in allowed
            return lambda x: x[k] not in allowed
        v = self.take()
        if op in ("==", "!="):
            j = self._match(iss, v)
            return (lambda x: x[k] == j) if op == "==" else (lambda x: x[k] != j)
        assert iss.numbers is not None, "order comparison on a named issue"
        nums, bound = iss.numbers, float(v)
        ops = {
            "<": lambda a: a < bound,
            "<=": lambda a: a <= bound,
            ">": lambda a: a > bound,
            ">=": lambda a: a >= bound,
        }
        cmp = ops[op]
        return lambda x: cmp(nums[x[k]])

    @staticmethod
    def _match(iss: RawIssue, v: str) -> int:
        if v in iss.options:
            return iss.options.index(v)
        assert iss.numbers is not None, f"unknown option {v!r}"
        return [abs(float(v) - y) < 1e-12 for y in iss.numbers].index(True)


def rule(text: str, issues: list[RawIssue]) -> Test:
    """A red line / constraint as a predicate on packages (tuples of option indices)."""
    return _Parser(text, issues).parse()


# ------------------------------------------------------------------ the oracle proper


@dataclass
class Brute:
    packages: list[Package]
    utilities: dict[Package, tuple[float, ...]]  # gating parties
    feasible: set[Package]
    zone: list[Package]
    reservation: tuple[float, ...]
    power: tuple[float, ...]
    parties: tuple[str, ...]  # gating party ids
    kept: dict[Package, tuple[bool, ...]]  # per gating party: every red line holds
    holds: dict[Package, tuple[tuple[bool, ...], ...]]  # per gating party, per red line
    broken: dict[Package, int]  # number of gating red lines broken
    issues: list[RawIssue]


def _utility(prefs: Mapping[str, Any], issues: list[RawIssue], pkg: Package) -> float:
    weights = {i.id: float(prefs.get("weights", {}).get(i.id, 0.0)) for i in issues}
    total = sum(weights.values())
    u = 0.0
    for iss, k in zip(issues, pkg, strict=True):
        w = weights[iss.id] / total if total > 0 else 0.0
        vals = prefs.get("values", {}).get(iss.id, {})
        if iss.numbers is None:
            v = float(vals.get(iss.options[k], 0.0))
        else:
            v = next(
                (float(y) for key, y in vals.items() if abs(float(key) - iss.numbers[k]) < 1e-9),
                0.0,
            )
        u += w * v
    return round(u, DECIMALS)


def brute(data: Mapping[str, Any]) -> Brute:
    """Every package of the raw scenario ``data`` with the definitions' quantities."""
    issues = raw_issues(data)
    gate = [p for p in data["parties"] if p.get("role", "party") == "party"]
    assert all("hyperrectangles" not in p.get("preferences", {}) for p in gate)
    pkgs = list(itertools.product(*(range(len(i.options)) for i in issues)))
    constraints = [rule(t, issues) for t in data.get("constraints", [])]
    lines = [[rule(t, issues) for t in p["preferences"].get("red_lines", [])] for p in gate]
    res = tuple(round(float(p["preferences"].get("reservation", 0.0)), DECIMALS) for p in gate)
    util, feas, zone, kept, broken, held = {}, set(), [], {}, {}, {}
    for x in pkgs:
        util[x] = tuple(_utility(p["preferences"], issues, x) for p in gate)
        holds = [tuple(f(x) for f in rules) for rules in lines]
        held[x] = tuple(holds)
        kept[x] = tuple(all(h) for h in holds)
        broken[x] = sum(not v for h in holds for v in h)
        if all(f(x) for f in constraints):
            feas.add(x)
            if all(kept[x]) and all(u >= r for u, r in zip(util[x], res, strict=True)):
                zone.append(x)
    return Brute(
        pkgs,
        util,
        feas,
        zone,
        res,
        tuple(float(p.get("power", 1.0)) for p in gate),
        tuple(p["id"] for p in gate),
        kept,
        held,
        broken,
        issues,
    )


def package_of(b: Brute, named: Mapping[str, Any]) -> Package:
    """Option indices of a package given as issue id -> option (as results print them)."""
    out = []
    for iss in b.issues:
        v = named[iss.id]
        if iss.numbers is not None and not isinstance(v, str):
            out.append([abs(float(v) - y) < 1e-9 for y in iss.numbers].index(True))
        else:
            out.append(iss.options.index(str(v)))
    return tuple(out)


def dominated(u: tuple[float, ...], others: list[tuple[float, ...]]) -> bool:
    return any(
        all(a >= b for a, b in zip(o, u)) and any(a > b for a, b in zip(o, u)) for o in others
    )


def frontier(b: Brute) -> set[tuple[float, ...]]:
    pts = [b.utilities[x] for x in b.zone]
    return {u for u in pts if not dominated(u, pts)}


def nash_value(b: Brute, power: tuple[float, ...] | None = None) -> float:
    """max over the zone of sum_p w_p log(U_p - d_p), -inf when every product is 0."""
    w = power or (1.0,) * len(b.reservation)
    best = -math.inf
    for x in b.zone:
        g = [u - d for u, d in zip(b.utilities[x], b.reservation)]
        if min(g) > 0:
            best = max(best, sum(wi * math.log(gi) for wi, gi in zip(w, g)))
    return best


def egalitarian_gains(b: Brute) -> tuple[float, ...]:
    return max(
        tuple(round(v, 9) for v in sorted(u - d for u, d in zip(b.utilities[x], b.reservation)))
        for x in b.zone
    )


def utilitarian_value(b: Brute) -> float:
    return max(round(sum(b.utilities[x]), 9) for x in b.zone)


def ks_value(b: Brute) -> float:
    ideal = [max(b.utilities[x][k] for x in b.zone) for k in range(len(b.reservation))]
    best = -math.inf
    for x in b.zone:
        r = []
        for k, (u, d) in enumerate(zip(b.utilities[x], b.reservation)):
            span = ideal[k] - d
            r.append((u - d) / span if span > 0 else 1.0)
        best = max(best, min(r))
    return best


def min_max_drop(b: Brute) -> float | None:
    best = None
    for x in b.feasible:
        if all(b.kept[x]):
            v = max(d - u for u, d in zip(b.utilities[x], b.reservation))
            best = v if best is None else min(best, v)
    return best


def min_sum_drop(b: Brute) -> float | None:
    best = None
    for x in b.feasible:
        if all(b.kept[x]):
            v = sum(max(0.0, d - u) for u, d in zip(b.utilities[x], b.reservation))
            best = v if best is None else min(best, v)
    return best


def fewest_red_lines(b: Brute) -> int | None:
    best = None
    for x in b.feasible:
        if all(u >= d for u, d in zip(b.utilities[x], b.reservation)):
            best = b.broken[x] if best is None else min(best, b.broken[x])
    return best


def improves(b: Brute, x: Package, y: Package) -> bool:
    """y is a Pareto improvement on draft x: feasible, no gating party worse, one better, and
    it breaks no (gating party's) red line that x keeps."""
    if y not in b.feasible or y == x:
        return False
    ux, uy = b.utilities[x], b.utilities[y]
    if not (all(a >= c for a, c in zip(uy, ux)) and any(a > c for a, c in zip(uy, ux))):
        return False
    return all(
        hy for px, py in zip(b.holds[x], b.holds[y], strict=True) for hx, hy in zip(px, py) if hx
    )


def zone_distance(b: Brute, x: Package) -> int | None:
    if not b.zone:
        return None
    return min(sum(a != c for a, c in zip(y, x)) for y in b.zone)
