"""Statements over options: ``escalate``, ``not sanctions``, ``sanctions -> talks``, ``a if b``,
``a iff b``, ``and``/``or``, parentheses. Precedence: ``not`` > ``and`` > ``or`` > ``->`` /
``if`` / ``iff`` (right-associative). Parsed with lark (never ``eval``) and evaluated
vectorised over arrays of state codes (bit ``j`` = option ``j``).

Used for infeasibility rules and for option prioritisation (Fang, Hipel & Kilgour 1993;
Hipel, Kilgour & Fang's preference statements as implemented in GMCR II and gmcr-py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from zopa.errors import ConstraintSyntaxError, Problem
from zopa.records import frozen

__all__ = ["KEYWORDS", "Statement", "parse_statement"]

KEYWORDS = frozenset({"not", "and", "or", "if", "iff"})
_GRAMMAR = r"""
?start: expr
?expr: or_expr
     | or_expr "->" expr   -> implies
     | or_expr "iff" expr  -> iff
     | or_expr "if" expr   -> if_
?or_expr: and_expr | or_expr "or" and_expr -> or_
?and_expr: not_expr | and_expr "and" not_expr -> and_
?not_expr: atom | "not" not_expr -> not_
?atom: NAME -> var
     | "(" expr ")"
NAME: /(?!(?:not|and|or|iff|if)\b)[A-Za-z_][A-Za-z0-9_]*/
%import common.WS
%ignore WS
"""

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", start="start")


@frozen
class Statement:
    """A parsed statement; ``evaluate(codes)`` gives a Boolean per state code."""

    text: str
    _tree: Tree[Token]

    def options(self) -> frozenset[str]:
        found: set[str] = set()
        todo: list[Tree[Token] | Token] = [self._tree]
        while todo:  # no recursion: a long '->' chain nests the tree thousands deep
            node = todo.pop()
            if isinstance(node, Token):
                found.add(str(node))
            else:
                todo.extend(node.children)
        return frozenset(found)

    def evaluate(self, codes: IntArray, bit_of: Mapping[str, int]) -> BoolArray:
        return _eval(self._tree, codes, bit_of)


def parse_statement(
    text: object, known: Mapping[str, int], *, where: str, file: str | None = None
) -> Statement:
    """Parse ``text``; unknown options and syntax errors raise ConstraintSyntaxError."""
    if not isinstance(text, str) or not text.strip():
        raise ConstraintSyntaxError(
            f"expected a statement over options, got {text!r}",
            file=file,
            where=where,
            hint="write e.g. 'not (escalate and withdraw)'",
        )
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc, where, file) from None
    stmt = Statement(text, tree)
    unknown = sorted(stmt.options() - set(known))
    if unknown:
        raise ConstraintSyntaxError(
            [
                Problem(
                    f"statement {text!r} names unknown option(s) {', '.join(unknown)}",
                    where=where,
                    hint=f"known options: {', '.join(sorted(known))}",
                )
            ],
            file=file,
        )
    return stmt


def _syntax_error(
    text: str, exc: UnexpectedInput, where: str, file: str | None
) -> ConstraintSyntaxError:
    column = getattr(exc, "column", None)
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        what, column = "ends too early", len(text) + 1
    elif isinstance(exc, UnexpectedCharacters):
        what = f"unexpected character {text[exc.pos_in_stream or 0]!r}"
    elif isinstance(exc, UnexpectedToken):
        what = f"unexpected {exc.token!s}"
    else:  # pragma: no cover - lark's other errors
        what = "does not parse"
    col = column if isinstance(column, int) and column > 0 else None
    pointer = f"\n    {text}\n    {' ' * ((col or 1) - 1)}^"
    return ConstraintSyntaxError(
        [
            Problem(
                f"statement {text!r} {what} at column {col}{pointer}",
                where=where,
                column=col,
                hint="use option ids with not, and, or, ->, if, iff and parentheses",
            )
        ],
        file=file,
    )


def _eval(tree: Tree[Token] | Token, codes: IntArray, bit_of: Mapping[str, int]) -> BoolArray:
    """Evaluate bottom up with an explicit stack: a chain of thousands of ``->`` nests the
    tree that deep, past Python's recursion limit."""
    done: list[BoolArray] = []
    todo: list[tuple[Tree[Token] | Token, bool]] = [(tree, False)]
    while todo:
        node, expanded = todo.pop()
        if isinstance(node, Token):  # pragma: no cover - NAME is always wrapped in var
            done.append(((codes >> bit_of[str(node)]) & 1).astype(bool))
        elif node.data == "var":
            done.append(((codes >> bit_of[str(node.children[0])]) & 1).astype(bool))
        elif expanded:
            k = len(node.children)
            args, done[-k:] = done[-k:], []
            done.append(_OPS[str(node.data)](args))
        else:
            todo.append((node, True))
            todo.extend((child, False) for child in reversed(node.children))
    return done[0]


_OPS: Mapping[str, Callable[[list[BoolArray]], BoolArray]] = {
    "not_": lambda a: ~a[0],
    "and_": lambda a: a[0] & a[1],
    "or_": lambda a: a[0] | a[1],
    "implies": lambda a: ~a[0] | a[1],
    "if_": lambda a: a[0] | ~a[1],
    "iff": lambda a: a[0] == a[1],
}
