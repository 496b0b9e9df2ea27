"""Preference elicitation without a file: the guided form, the walk-away by comparison, and an
additive model fitted to comparisons of whole packages.

- :mod:`zopa.elicit.form`: the form (ratings, curve shapes, 100 points of importance, "never"
  options, numeric bounds) and the scenario format's ``preferences`` block, both ways.
- :mod:`zopa.elicit.walkaway`: the delegation's own ladder of texts and the bisection that
  brackets its walk-away value ("Would you sign this text rather than walk away?").
- :mod:`zopa.elicit.compare`: UTA-style linear programme over ranked or paired packages;
  inconsistency and the answers to revisit.

Pure functions over the public :class:`~zopa.model.scenario.Scenario`; the room's pages call
them, and nothing here reads or writes a room.
"""

from zopa.elicit.compare import Fit, choices_from_ranking, fit, next_pair, open_pairs, propose
from zopa.elicit.form import (
    SHAPES,
    FieldProblem,
    IssueForm,
    PreferenceForm,
    check_form,
    curve,
    form_from_fit,
    from_block,
    places_from_ratings,
    ratings_from_places,
    share_points,
    to_block,
)
from zopa.elicit.walkaway import Bracket, Rung, bisect, ladder

__all__ = [
    "SHAPES",
    "Bracket",
    "FieldProblem",
    "Fit",
    "IssueForm",
    "PreferenceForm",
    "Rung",
    "bisect",
    "check_form",
    "choices_from_ranking",
    "curve",
    "fit",
    "form_from_fit",
    "from_block",
    "ladder",
    "next_pair",
    "open_pairs",
    "places_from_ratings",
    "propose",
    "ratings_from_places",
    "share_points",
    "to_block",
]
