"""The constraint language of scenarios: red lines and feasibility rules.

Grammar (parsed with lark, never ``eval``)::

    expr    := implies
    implies := or ("->" implies)?          # right-associative, lowest precedence
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | atom
    atom    := "(" expr ")" | "true" | "false"
             | ISSUE ("=="|"!="|"<"|"<="|">"|">=") VALUE
             | ISSUE "in" "{" VALUE ("," VALUE)* "}"  |  ISSUE "not" "in" "{" ... "}"

An expression is first parsed into a syntax tree (:class:`Cmp`, :class:`Not`, ...), then
*resolved* against a scenario's issues: every comparison becomes an :class:`Atom`, "issue i
takes one of the options in this set". Resolved formulas evaluate as vectorised masks over
option-index arrays and convert to clauses (CNF) that become linear constraints over binary
option variables for the MILP solver.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from zopa.records import frozen

if TYPE_CHECKING:
    from lark import Lark, Transformer

__all__ = [
    "And",
    "Atom",
    "Clause",
    "Cmp",
    "Const",
    "Expr",
    "ExprError",
    "Formula",
    "Implies",
    "IssueDomain",
    "Not",
    "Or",
    "cnf",
    "evaluate",
    "parse",
    "resolve",
]

_GRAMMAR = r"""
?start: implies
?implies: or_expr "->" implies -> implies
        | or_expr
?or_expr: and_expr ("or" and_expr)+ -> or_
        | and_expr
?and_expr: not_expr ("and" not_expr)+ -> and_
         | not_expr
?not_expr: "not" not_expr -> not_
         | atom
?atom: "(" implies ")"
     | "true" -> true
     | "false" -> false
     | NAME CMP value -> cmp
     | NAME "in" "{" value ("," value)* "}" -> in_
     | NAME "not" "in" "{" value ("," value)* "}" -> not_in
value: NAME | NUMBER
CMP: "==" | "!=" | "<=" | ">=" | "<" | ">"
NAME: /(?!(and|or|not|in|true|false)\b)[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*/
NUMBER: /[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/
%import common.WS
%ignore WS
"""


class ExprError(ValueError):
    """A problem in one expression, with the 1-based column where it is."""

    def __init__(self, message: str, column: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.column = column
        self.hint = hint


# ---------------------------------------------------------------- syntax tree (unresolved)


@frozen(slots=True)
class Cmp:
    """``issue OP value`` or ``issue in {values}`` (``op`` is ``in`` / ``not in`` then)."""

    issue: str
    op: str
    values: tuple[str, ...]
    column: int


@frozen(slots=True)
class Const:
    value: bool


@frozen(slots=True)
class Not:
    arg: Expr


@frozen(slots=True)
class And:
    args: tuple[Expr, ...]


@frozen(slots=True)
class Or:
    args: tuple[Expr, ...]


@frozen(slots=True)
class Implies:
    left: Expr
    right: Expr


@frozen(slots=True)
class Atom:
    """True when issue number ``issue`` takes one of the option indices in ``allowed``."""

    issue: int
    allowed: frozenset[int]


Expr: TypeAlias = Cmp | Atom | Const | Not | And | Or | Implies
"""A syntax tree; after :func:`resolve` it holds :class:`Atom` s instead of :class:`Cmp` s."""
Formula: TypeAlias = Expr


def _unresolved(f: Cmp) -> TypeError:
    return TypeError(f"resolve the expression first (comparison on `{f.issue}`)")


@lru_cache(maxsize=1)
def _builder() -> Transformer[Any, Expr]:
    """The tree-to-Expr transformer (lark is imported on the first expression only: a
    scenario without constraints or red lines is read without it)."""
    from lark import Token, Transformer

    class _Build(Transformer[Token, Expr]):
        def value(self, items: list[Token]) -> Token:
            return items[0]

        def cmp(self, items: list[Token]) -> Cmp:
            name, op, val = items
            return Cmp(str(name), str(op), (str(val),), int(name.column or 0))

        def in_(self, items: list[Token]) -> Cmp:
            return Cmp(
                str(items[0]), "in", tuple(str(v) for v in items[1:]), int(items[0].column or 0)
            )

        def not_in(self, items: list[Token]) -> Cmp:
            name = items[0]
            return Cmp(str(name), "not in", tuple(str(v) for v in items[1:]), int(name.column or 0))

        def true(self, _: list[Token]) -> Const:
            return Const(True)

        def false(self, _: list[Token]) -> Const:
            return Const(False)

        def not_(self, items: list[Expr]) -> Not:
            return Not(items[0])

        def and_(self, items: list[Expr]) -> And:
            return And(tuple(items))

        def or_(self, items: list[Expr]) -> Or:
            return Or(tuple(items))

        def implies(self, items: list[Expr]) -> Implies:
            return Implies(items[0], items[1])

    return _Build()


def _parser() -> Lark:
    """The expression parser, built once per process: threads that ask for it while it is
    being built wait for that one (building it costs about 0.3 s of CPU, and a server's
    worker threads used to each build it at once)."""
    with _PARSER_LOCK:
        return _build_parser()


@lru_cache(maxsize=1)
def _build_parser() -> Lark:
    from lark import Lark

    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False, propagate_positions=True)


_PARSER_LOCK = threading.Lock()


MAX_EXPRESSION_LENGTH = 10_000
"""An expression is at most 10,000 characters (a red line is a sentence, not a document)."""
MAX_NESTING = 100
"""Operators nest at most 100 deep (``not not ... x == a``, ``a -> b -> ...``)."""


def _depth(tree: object) -> int:
    """Nesting depth of a lark tree, computed without recursion."""
    from lark import Tree

    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, Tree):
            deepest = max(deepest, d)
            if deepest > MAX_NESTING:
                break
            stack.extend((c, d + 1) for c in node.children)
    return deepest


@lru_cache(maxsize=4096)
def parse(text: str) -> Expr:
    """Parse one expression; raises :class:`ExprError` with the column of the fault."""
    if not isinstance(text, str):
        raise ExprError(f"an expression must be a string, not {type(text).__name__}")
    if not text.strip():
        raise ExprError("the expression is empty", hint="write e.g. `territory != cede`")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExprError(
            f"the expression is {len(text):,} characters long, over the limit of "
            f"{MAX_EXPRESSION_LENGTH:,}",
            hint="split it into several red lines or constraints (each must hold)",
        )
    from lark import UnexpectedInput

    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        col = getattr(exc, "column", None)
        col = col if isinstance(col, int) and col > 0 else None
        bad = text[col - 1 : col + 9] if col else ""
        where = f"at column {col} (near `{bad}`)" if bad else "at the end"
        raise ExprError(
            f"syntax error {where} in `{_short(text)}`",
            column=col,
            hint="use `issue == option`, `!=`, `in {a, b}`, `<`/`<=`/`>`/`>=` on numeric issues, "
            "combined with not / and / or / -> and parentheses",
        ) from None
    if _depth(tree) > MAX_NESTING:
        raise ExprError(
            f"the expression nests deeper than {MAX_NESTING} levels",
            hint="write it flat: `a and b and c`, `x in {p, q}`, fewer `not`/`->` in a row",
        )
    result = _builder().transform(tree)
    return result


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "..."


# ---------------------------------------------------------------- resolved formulas


@frozen(slots=True)
class IssueDomain:
    """What the resolver needs to know about one issue."""

    id: str
    options: tuple[str, ...]
    numbers: tuple[float, ...] | None  # option values for a numeric issue, else None


def resolve(expr: Expr, issues: Sequence[IssueDomain]) -> Formula:
    """Replace each comparison by the set of option indices it allows.

    Raises :class:`ExprError` (with column) for unknown issues or options, ordering comparisons
    on a non-numeric issue, or a number that is not on a numeric issue's grid.
    """
    index = {d.id: k for k, d in enumerate(issues)}
    return _resolve(expr, issues, index)


def _resolve(expr: Expr, issues: Sequence[IssueDomain], index: Mapping[str, int]) -> Formula:
    if isinstance(expr, Cmp):
        return _resolve_cmp(expr, issues, index)
    if isinstance(expr, Atom | Const):
        return expr
    if isinstance(expr, Not):
        return Not(_resolve(expr.arg, issues, index))
    if isinstance(expr, And):
        return And(tuple(_resolve(a, issues, index) for a in expr.args))
    if isinstance(expr, Or):
        return Or(tuple(_resolve(a, issues, index) for a in expr.args))
    return Implies(_resolve(expr.left, issues, index), _resolve(expr.right, issues, index))


def _resolve_cmp(c: Cmp, issues: Sequence[IssueDomain], index: Mapping[str, int]) -> Atom:
    if c.issue not in index:
        raise ExprError(
            f"unknown issue `{c.issue}`",
            column=c.column,
            hint="known issues: " + ", ".join(d.id for d in issues),
        )
    k = index[c.issue]
    dom = issues[k]
    n = len(dom.options)
    if c.op in ("<", "<=", ">", ">="):
        if dom.numbers is None:
            raise ExprError(
                f"`{c.op}` needs a numeric issue, and `{dom.id}` has named options",
                column=c.column,
                hint="use == / != / in {...} on this issue",
            )
        bound = _number(c.values[0], c)
        return Atom(k, frozenset(j for j, x in enumerate(dom.numbers) if _order(c.op, x, bound)))
    chosen = frozenset(_option_index(v, dom, c) for v in c.values)
    if c.op in ("==", "in"):
        return Atom(k, chosen)
    return Atom(k, frozenset(range(n)) - chosen)


def _order(op: str, x: float, bound: float) -> bool:
    if op == "<":
        return x < bound
    if op == "<=":
        return x <= bound
    if op == ">":
        return x > bound
    return x >= bound


def _number(text: str, c: Cmp) -> float:
    try:
        x = float(text)
    except ValueError:
        raise ExprError(
            f"`{text}` is not a number", column=c.column, hint="compare a numeric issue to a number"
        ) from None
    if not math.isfinite(x):
        raise ExprError(f"`{text}` is not a finite number", column=c.column)
    return x


def _option_index(value: str, dom: IssueDomain, c: Cmp) -> int:
    if value in dom.options:
        return dom.options.index(value)
    if dom.numbers is not None:
        try:
            x = float(value)
        except ValueError:
            x = math.nan
        for j, y in enumerate(dom.numbers):
            if math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12):
                return j
        raise ExprError(
            f"`{value}` is not on the grid of numeric issue `{dom.id}`",
            column=c.column,
            hint=f"grid: {_preview(dom.options)}; or use <, <=, >, >= for a threshold",
        )
    raise ExprError(
        f"unknown option `{value}` of issue `{dom.id}`",
        column=c.column,
        hint=f"options of `{dom.id}`: {_preview(dom.options)}",
    )


def _preview(items: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def atoms(f: Formula) -> Iterator[Atom]:
    """Every atom in a resolved formula."""
    if isinstance(f, Atom):
        yield f
    elif isinstance(f, Cmp):
        raise _unresolved(f)
    elif isinstance(f, Not):
        yield from atoms(f.arg)
    elif isinstance(f, And | Or):
        for a in f.args:
            yield from atoms(a)
    elif isinstance(f, Implies):
        yield from atoms(f.left)
        yield from atoms(f.right)


def issues_of(f: Formula) -> frozenset[int]:
    """The issue indices a formula depends on."""
    return frozenset(a.issue for a in atoms(f))


# ---------------------------------------------------------------- evaluation


def evaluate(f: Formula, idx: NDArray[np.integer], sizes: Sequence[int]) -> NDArray[np.bool_]:
    """Truth of ``f`` for every package (row) of the option-index array ``idx`` (m x issues)."""
    m = idx.shape[0]
    if isinstance(f, Atom):
        table = np.zeros(sizes[f.issue], dtype=bool)
        table[list(f.allowed)] = True
        out: NDArray[np.bool_] = table[idx[:, f.issue]]
        return out
    if isinstance(f, Cmp):
        raise _unresolved(f)
    if isinstance(f, Const):
        return np.full(m, f.value, dtype=bool)
    if isinstance(f, Not):
        return ~evaluate(f.arg, idx, sizes)
    if isinstance(f, And):
        out = np.ones(m, dtype=bool)
        for a in f.args:
            out &= evaluate(a, idx, sizes)
        return out
    if isinstance(f, Or):
        out = np.zeros(m, dtype=bool)
        for a in f.args:
            out |= evaluate(a, idx, sizes)
        return out
    return ~evaluate(f.left, idx, sizes) | evaluate(f.right, idx, sizes)


def holds(f: Formula, package: Sequence[int]) -> bool:
    """Truth of ``f`` for one package given as option indices."""
    if isinstance(f, Atom):
        return package[f.issue] in f.allowed
    if isinstance(f, Cmp):
        raise _unresolved(f)
    if isinstance(f, Const):
        return f.value
    if isinstance(f, Not):
        return not holds(f.arg, package)
    if isinstance(f, And):
        return all(holds(a, package) for a in f.args)
    if isinstance(f, Or):
        return any(holds(a, package) for a in f.args)
    return (not holds(f.left, package)) or holds(f.right, package)


# ---------------------------------------------------------------- clauses (CNF)

# A clause is a disjunction of "issue i takes an option in S" literals, stored as
# issue -> allowed set (literals on one issue merge by union). A negated atom is the atom of the
# complement set, so every literal is positive: as a linear constraint over one-hot binary
# option variables y[i, o] a clause reads  sum_{i, o in S_i} y[i, o] >= 1.
Clause: TypeAlias = Mapping[int, frozenset[int]]

MAX_CLAUSES = 20_000


def cnf(f: Formula, sizes: Sequence[int]) -> list[dict[int, frozenset[int]]]:
    """Clauses equivalent to ``f`` (tautologies dropped). An unsatisfiable formula gives ``[{}]``.

    Raises :class:`ExprError` if the conversion would exceed :data:`MAX_CLAUSES` clauses.
    """
    clauses = _cnf(_nnf(f, False, sizes), sizes)
    return _simplify(clauses, sizes)


def _nnf(f: Formula, neg: bool, sizes: Sequence[int]) -> Formula:
    """Negation normal form with negations absorbed into atoms (complement sets)."""
    if isinstance(f, Atom):
        return Atom(f.issue, frozenset(range(sizes[f.issue])) - f.allowed) if neg else f
    if isinstance(f, Cmp):
        raise _unresolved(f)
    if isinstance(f, Const):
        return Const(f.value != neg)
    if isinstance(f, Not):
        return _nnf(f.arg, not neg, sizes)
    if isinstance(f, Implies):
        return _nnf(Or((Not(f.left), f.right)), neg, sizes)
    parts = tuple(_nnf(a, neg, sizes) for a in f.args)
    is_and = isinstance(f, And) != neg
    return And(parts) if is_and else Or(parts)


def _cnf(f: Formula, sizes: Sequence[int]) -> list[dict[int, frozenset[int]]]:
    if isinstance(f, Atom):
        return [{f.issue: f.allowed}]
    if isinstance(f, Const):
        return [] if f.value else [{}]
    if isinstance(f, Cmp | Not | Implies):  # not left after _nnf
        raise TypeError("cnf expects a formula in negation normal form")
    if isinstance(f, And):
        out: list[dict[int, frozenset[int]]] = []
        for a in f.args:
            out.extend(_cnf(a, sizes))
            if len(out) > MAX_CLAUSES:
                raise ExprError(f"the expression expands to more than {MAX_CLAUSES} clauses")
        return _simplify(out, sizes)
    acc: list[dict[int, frozenset[int]]] = [{}]
    for a in f.args:
        part = _cnf(a, sizes)
        if len(acc) * len(part) > MAX_CLAUSES:
            raise ExprError(
                f"the expression expands to more than {MAX_CLAUSES} clauses",
                hint="split it into several simpler red lines or constraints",
            )
        acc = _simplify([_merge(x, y) for x in acc for y in part], sizes)
    return acc


def _merge(
    x: Mapping[int, frozenset[int]], y: Mapping[int, frozenset[int]]
) -> dict[int, frozenset[int]]:
    out = dict(x)
    for k, s in y.items():
        out[k] = out.get(k, frozenset()) | s
    return out


def _simplify(
    clauses: list[dict[int, frozenset[int]]], sizes: Sequence[int]
) -> list[dict[int, frozenset[int]]]:
    out: list[dict[int, frozenset[int]]] = []
    seen: set[frozenset[tuple[int, frozenset[int]]]] = set()
    for c in clauses:
        c = {k: s for k, s in c.items() if s}
        if any(len(s) == sizes[k] for k, s in c.items()):
            continue  # tautology
        key = frozenset(c.items())
        if key not in seen:
            seen.add(key)
            out.append(c)
    if any(not c for c in out):
        return [{}]
    return out
