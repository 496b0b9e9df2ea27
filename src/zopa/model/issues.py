"""The builder's issues section: discrete options, and numeric ranges as a grid of options."""

from __future__ import annotations

import math

from zopa.model.checks import Checks
from zopa.model.scenario import Issue, Option, format_number
from zopa.model.specdata import RESERVED, IssueSpec, OptionSpec

__all__ = ["MAX_NUMERIC_OPTIONS", "build_issues"]

GRID_DIGITS = 12
"""A numeric issue's grid points are rounded to 12 decimals, so ``min + j * step`` reads back as
the number written (0.1 * 3 is 0.3); the writers round the same way."""

MAX_NUMERIC_OPTIONS = 100_000
"""A numeric range compiles to at most this many options."""


def build_issues(ck: Checks) -> tuple[Issue, ...]:
    """The issues, numeric ranges compiled to their grid of options."""
    return tuple(_issue(ck, k, spec) for k, spec in enumerate(ck.spec.issues))


def _issue(ck: Checks, k: int, spec: IssueSpec) -> Issue:
    label = spec.label or spec.id
    if spec.numeric is not None:
        n = spec.numeric
        count = (n.max - n.min) / n.step
        if count + 1 > MAX_NUMERIC_OPTIONS:
            ck.p.add(
                ("issues", k, "numeric"),
                f"the range has {int(count) + 1:,} grid points, over {MAX_NUMERIC_OPTIONS:,}",
                "use a larger step",
            )
            return Issue(spec.id, label, (), spec.description or "", n.unit, True, True)
        steps = round(count)
        if abs(count - steps) > 1e-9 * max(1.0, count):
            ck.p.add(
                ("issues", k, "numeric"),
                f"max - min ({n.max - n.min:g}) is not a multiple of step ({n.step:g})",
                f"use max: {n.min + math.floor(count) * n.step:g} "
                f"or {n.min + math.ceil(count) * n.step:g}",
            )
        grid = [n.min + j * n.step for j in range(steps + 1)]
        grid = [round(x, GRID_DIGITS) for x in grid]
        opts = tuple(
            Option(
                format_number(x),
                f"{format_number(x)}{' ' + n.unit if n.unit else ''}",
                float(x),
            )
            for x in grid
        )
        return Issue(spec.id, label, opts, spec.description or "", n.unit, True, True)
    raw = [o if isinstance(o, OptionSpec) else OptionSpec(id=o) for o in spec.options or []]
    for j, o in enumerate(raw):
        if o.id in RESERVED:  # a bare option id passes the schema's pattern only
            ck.p.add(
                ("issues", k, "options", j),
                f"`{o.id}` is a keyword of the constraint language",
                "choose another id",
            )
    ck.unique([o.id for o in raw], ("issues", k, "options"), "option")
    opts = tuple(Option(o.id, o.label or o.id) for o in raw)
    return Issue(spec.id, label, opts, spec.description or "", None, False, bool(spec.ordered))
