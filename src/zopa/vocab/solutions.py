"""The bargaining solutions: one record each, used by every output.

A solution's key is its id in results and ``--json``; everything a person reads about it (its
names, its one-line meaning, where it comes from, how a plot marks it) is here and nowhere else.
A new solution is one entry of :data:`SOLUTIONS` plus its computation in
:mod:`zopa.analysis.solutions` (whose ``SOLUTION_NAMES`` is derived from this table).
"""

from __future__ import annotations

from zopa.records import frozen

__all__ = ["SOLUTIONS", "SOLUTION_KEYS", "Solution", "solution"]


@frozen(slots=True)
class Solution:
    """What a reader sees of one bargaining solution."""

    key: str  #: the id in results and JSON
    short: str  #: a column heading or a marker label on a plot (a dozen characters)
    name: str  #: the name in a sentence or a legend
    meaning: str  #: one line: what the package maximises, in words
    citation: str  #: where the definition comes from (author year)
    marker: str  #: matplotlib marker
    size: int  #: marker area in points^2
    colour: str  #: marker colour (hex)

    @property
    def long(self) -> str:
        """The name, then its meaning: ``Nash: maximises ...``."""
        return f"{self.name}: {self.meaning}"


SOLUTIONS: tuple[Solution, ...] = (
    Solution(
        "nash",
        "Nash",
        "Nash",
        "maximises the product of the parties' gains over their reservations",
        "Nash 1950",
        "*",
        260,
        "#fdd835",
    ),
    Solution(
        "nash_weighted",
        "Nash (power)",
        "Nash (power-weighted)",
        "the Nash product with each gain raised to the party's power",
        "Kalai 1977; Binmore, Rubinstein and Wolinsky 1986",
        "P",
        150,
        "#ab47bc",
    ),
    Solution(
        "kalai_smorodinsky",
        "Kalai-Smor.",
        "Kalai-Smorodinsky",
        "gives every party the same share of its best possible gain over its reservation",
        "Kalai and Smorodinsky 1975",
        "D",
        110,
        "#29b6f6",
    ),
    Solution(
        "egalitarian",
        "egalitarian",
        "egalitarian (leximin)",
        "maximises the smallest gain over the reservations, then the next smallest",
        "Kalai 1977; Imai 1983",
        "^",
        130,
        "#ef5350",
    ),
    Solution(
        "utilitarian",
        "utilitarian",
        "utilitarian",
        "maximises the sum of utilities (ignores who gets what)",
        "Harsanyi 1955",
        "s",
        110,
        "#8d6e63",
    ),
)

SOLUTION_KEYS: tuple[str, ...] = tuple(s.key for s in SOLUTIONS)
_BY_KEY = {s.key: s for s in SOLUTIONS}


def solution(key: str) -> Solution:
    """The record of solution ``key``; an unknown key (a result from a newer zopa) gets a
    record that names it by its key, so nothing is dropped."""
    found = _BY_KEY.get(key)
    if found is not None:
        return found
    words = key.replace("_", " ")
    return Solution(key, words, words, "", "", "o", 110, "#616161")
