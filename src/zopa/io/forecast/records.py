"""What every forecast reader returns: a :class:`ForecastTable` of plain, frozen records.

The readers (:mod:`~zopa.io.forecast.table` for CSV and YAML/JSON, :mod:`~zopa.io.forecast.deu`
for the DEU III table, :mod:`~zopa.io.forecast.decide` for decide files) check the file and
resolve its conventions (0-100 saliences, a missing DEU salience, scale ends from anchors or
from the data), so a table holds finished numbers; :func:`zopa.forecast.to_input` makes the
models' arrays from it. The helpers here are the checks the table readers share.
"""

from __future__ import annotations

from zopa.errors import Problem
from zopa.model.spec import MAX_LABEL
from zopa.records import frozen

__all__ = ["ForecastCell", "ForecastIssue", "ForecastTable", "long_name", "ragged_row"]


@frozen(slots=True)
class ForecastIssue:
    """An issue: its id, label (None: the reader has none), the ends of its scale, its known
    outcome (None: unknown) and its group (issues of one group can be traded)."""

    id: str
    low: float
    high: float
    label: str | None = None
    outcome: float | None = None
    group: str = "all"


@frozen(slots=True)
class ForecastCell:
    """One actor's part in one issue: position on the issue's scale, salience in [0, 1] and
    capability (NaN when the file gives none, e.g. a DEU III actor without a GDP figure)."""

    actor: str
    issue: str
    position: float
    salience: float
    capability: float


@frozen
class ForecastTable:
    """A forecast input as read: actors and issues in the file's order (an actor or issue may
    have no cell), one cell per actor and issue it takes part in, and the file it came from."""

    source: str
    actors: tuple[str, ...]
    issues: tuple[ForecastIssue, ...]
    cells: tuple[ForecastCell, ...]


def long_name(text: str, what: str) -> str | None:
    """The refusal of a name (actor, issue, column) longer than a scenario label may be, else
    None: names are drawn in tables and plots, and a 100 KB one made them take gigabytes.

    >>> long_name("Germany", "the actor name") is None
    True
    >>> long_name("x" * 201, "the actor name")
    'the actor name is 201 characters long, over the limit of 200'
    """
    if len(text) <= MAX_LABEL:
        return None
    return f"{what} is {len(text):,} characters long, over the limit of {MAX_LABEL:,}"


def ragged_row(row: list[str], width: int, lineno: int) -> Problem | None:
    """The refusal of a row with more cells than the header (beyond empty trailing ones) or
    fewer, else None: its cells cannot be matched to the columns, so it is refused rather
    than cut or padded silently."""
    extra = [k for k in range(width, len(row)) if row[k].strip()]
    if not extra and len(row) >= width:
        return None
    if extra:
        msg = (
            f"the row has {len(row)} cells but the header has {width}: cell "
            f"{extra[0] + 1} (`{row[extra[0]].strip()[:40]}`) and any after it belong to no column"
        )
        column = extra[0] + 1
    else:
        msg = f"the row has {len(row)} cell(s) but the header has {width}"
        column = None
    return Problem(
        msg,
        line=lineno,
        column=column,
        hint="give every row one cell per header column (an empty cell for a missing value); "
        "a comma inside a name needs quotes",
    )
