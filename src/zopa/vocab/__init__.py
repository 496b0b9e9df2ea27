"""One vocabulary: every word and number a person reads from zopa.

The terminal tables, the plots, the briefing (HTML and PDF), the room's pages and the news
report all speak through this package, so the same thing reads the same way everywhere:

- :mod:`~zopa.vocab.solutions`: each bargaining solution (key, names, meaning, citation, plot
  marker and colour);
- :mod:`~zopa.vocab.labels`: issue, option, party, draft and parameter labels, packages and
  rules in words;
- :mod:`~zopa.vocab.numbers`: amounts in the issue's unit with thousands separators
  (``800,000 troops``, ``EUR 250,000``), utilities, percentages and intervals;
- :mod:`~zopa.vocab.words`: joins (``a, b and c``) and plurals;
- :mod:`~zopa.vocab.sentences`: the concession sentence, a limit moved in units, the criteria
  and the verdict on a revision.

Layering: ``zopa.vocab`` needs only the scenario model's types (imported lazily), so the
library may carry its sentences in its results (``Comparison.verdict``) and every renderer
above it reuses them. Importing it loads no NumPy, pandas or matplotlib.
"""

from __future__ import annotations

from zopa.vocab.labels import (
    draft_label,
    evidence_statement,
    evidence_words,
    issue_label,
    option_label,
    package_cells,
    package_words,
    parameter_in_words,
    party_label,
    red_line_words,
    rule_in_words,
    value_label,
)
from zopa.vocab.numbers import (
    amount,
    count,
    estimated_count,
    interval,
    percent,
    points,
    signed,
    utility,
)
from zopa.vocab.sentences import (
    CONCESSION_KINDS,
    concession_takes,
    criterion_words,
    limit_move,
    verdict,
)
from zopa.vocab.solutions import SOLUTION_KEYS, SOLUTIONS, Solution, solution
from zopa.vocab.words import join, plural, possessive

__all__ = [
    "CONCESSION_KINDS",
    "SOLUTIONS",
    "SOLUTION_KEYS",
    "Solution",
    "amount",
    "concession_takes",
    "count",
    "criterion_words",
    "draft_label",
    "estimated_count",
    "evidence_statement",
    "evidence_words",
    "interval",
    "issue_label",
    "join",
    "limit_move",
    "option_label",
    "package_cells",
    "package_words",
    "parameter_in_words",
    "party_label",
    "percent",
    "plural",
    "points",
    "possessive",
    "red_line_words",
    "rule_in_words",
    "signed",
    "solution",
    "utility",
    "value_label",
    "verdict",
]
