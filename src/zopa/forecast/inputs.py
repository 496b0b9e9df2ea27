"""Forecast inputs as the models' arrays: :func:`load_forecast` reads any input through
:mod:`zopa.io.forecast` and :func:`to_input` turns the table read into a :class:`ForecastInput`.

The formats, their checks and their error messages live in :mod:`zopa.io.forecast`; the
``parse_*`` functions here are its parsers with the result as a :class:`ForecastInput`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from zopa.forecast._types import ForecastInput
from zopa.forecast.scenario import from_scenario
from zopa.io import forecast as readers
from zopa.io.forecast import ForecastTable, read_forecast

__all__ = [
    "load_forecast",
    "parse_csv",
    "parse_decide",
    "parse_deu",
    "parse_yaml",
    "read_decide",
    "to_input",
]


def to_input(table: ForecastTable) -> ForecastInput:
    """The actors x issues arrays of a table read by :mod:`zopa.io.forecast` (NaN where an
    actor takes no part in an issue)."""
    shape = (len(table.actors), len(table.issues))
    pos, sal, cap = (np.full(shape, np.nan) for _ in range(3))
    ai = {a: i for i, a in enumerate(table.actors)}
    ii = {s.id: j for j, s in enumerate(table.issues)}
    for c in table.cells:
        i, j = ai[c.actor], ii[c.issue]
        pos[i, j], sal[i, j], cap[i, j] = c.position, c.salience, c.capability
    issues = table.issues
    return ForecastInput(
        actors=table.actors,
        issues=tuple(s.id for s in issues),
        position=pos,
        salience=sal,
        capability=cap,
        low=np.array([s.low for s in issues]),
        high=np.array([s.high for s in issues]),
        outcome=np.array([np.nan if s.outcome is None else s.outcome for s in issues]),
        group=tuple(s.group for s in issues),
        labels={s.id: s.label for s in issues if s.label is not None},
        source=table.source,
    )


def load_forecast(path: str | Path, *, capability: str = "equal") -> ForecastInput:
    """Read any forecast input: decide, DEU III table, CSV, forecast YAML or a scenario
    (detected from the suffix and content; see :func:`zopa.io.forecast.read_forecast`).

    ``capability`` applies to DEU III only: ``"equal"`` or ``"gdp"`` (the table's GDP row).
    """
    read = read_forecast(path, capability=capability)
    return to_input(read) if isinstance(read, ForecastTable) else from_scenario(read)


def parse_csv(text: str, *, source: str = "") -> ForecastInput:
    """A CSV table with a header row (:func:`zopa.io.forecast.parse_csv`)."""
    return to_input(readers.parse_csv(text, source=source))


def parse_yaml(text: str, *, source: str = "") -> ForecastInput:
    """A zopa forecast YAML file (:func:`zopa.io.forecast.parse_yaml`)."""
    return to_input(readers.parse_yaml(text, source=source))


def parse_deu(text: str, *, source: str = "", capability: str = "equal") -> ForecastInput:
    """The DEU III table (:func:`zopa.io.forecast.parse_deu`)."""
    return to_input(readers.parse_deu(text, source=source, capability=capability))


def parse_decide(text: str, *, source: str = "") -> ForecastInput:
    """Decide text (:func:`zopa.io.forecast.parse_decide`)."""
    return to_input(readers.parse_decide(text, source=source))


def read_decide(path: str | Path) -> ForecastInput:
    """A decide file (:func:`zopa.io.forecast.read_decide`)."""
    return to_input(readers.read_decide(path))
