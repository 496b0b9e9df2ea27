"""Numbers as a person reads them: amounts in the issue's unit with thousands separators,
utilities, percentages and intervals. Every output formats through these, so "800,000 troops"
and "EUR 250,000" read the same in the terminal, the plots, the briefing and the room.
"""

from __future__ import annotations

import math

__all__ = [
    "amount",
    "count",
    "interval",
    "percent",
    "signed",
    "utility",
]

_MINUS = "-"


def _plain(x: float) -> str:
    """A number with thousands separators: 800,000, 1,234.5, 0.25 (no float noise)."""
    if math.isfinite(x) and math.isclose(x, round(x), rel_tol=1e-9, abs_tol=1e-9):
        return f"{round(x):,}"
    return f"{x:,.10g}"


def amount(x: float, unit: str | None = None, *, signed: bool = False) -> str:
    """A value of a numeric issue with its unit: ``EUR 310,000``, ``700,000 troops``, ``45%``.

    A three-letter upper-case unit is a currency code and goes first; ``%`` follows the number
    without a space; any other unit follows after a space. ``signed`` writes ``+`` or ``-``
    (a change, not a level).

    >>> amount(800000, "troops"), amount(250000, "EUR"), amount(-10000, "EUR", signed=True)
    ('800,000 troops', 'EUR 250,000', '-EUR 10,000')
    """
    text = _plain(abs(x) if signed else x)
    sign = ("+" if x >= 0 else _MINUS) if signed else ""
    if not unit:
        return sign + text
    if len(unit) == 3 and unit.isalpha() and unit.isupper():
        return f"{sign}{unit} {text}"
    if unit == "%":
        return f"{sign}{text}%"
    return f"{sign}{text} {unit}"


def count(n: int) -> str:
    """A count with thousands separators: ``77,760``."""
    return f"{int(n):,}"


def utility(x: float) -> str:
    """A utility on the 0-1 scale, three decimals: ``0.612``."""
    return f"{float(x):.3f}"


def signed(x: float) -> str:
    """A change or margin of utility with its sign: ``+0.112``, ``-0.050``."""
    return f"{float(x):+.3f}"


def percent(x: float | None, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage; never rounds a non-zero share to 0 or a share under 1
    to 100 (``<0.1%``, ``>99.9%``); ``n/a`` for no value.

    >>> percent(0.875), percent(0.00001), percent(0.99999, 0), percent(None)
    ('87.5%', '<0.1%', '>99%', 'n/a')
    """
    if x is None:
        return "n/a"
    x = float(x)
    step = 10.0**-digits / 100  # the smallest share shown
    if 0 < x < step / 2:
        return f"<{step * 100:.{digits}f}%"
    if 1 - step / 2 < x < 1:
        return f">{100 - step * 100:.{digits}f}%"
    return f"{100 * x:.{digits}f}%"


def interval(lo: float | None, hi: float | None, digits: int = 1) -> str:
    """A 95% interval of a share: ``[82.1%, 91.4%]`` (same rounding rule as :func:`percent`)."""
    if lo is None or hi is None:
        return "n/a"
    return f"[{percent(lo, digits)}, {percent(hi, digits)}]"


def estimated_count(n: int, lo: int, hi: int) -> str:
    """A count estimated by sampling, with its 95% interval:
    ``about 3,187 (95% interval 3,100–3,300, estimated)``."""
    return f"about {count(n)} (95% interval {count(lo)}–{count(hi)}, estimated)"


def points(x: float, digits: int = 1) -> str:
    """A difference of two probabilities in percentage points: ``30.2 points``."""
    return f"{100 * float(x):.{digits}f} points"
