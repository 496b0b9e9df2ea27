"""Negotiation utilities include hyper-rectangle (non-additive) terms, as the analysis does."""

from __future__ import annotations

import numpy as np

from zopa.io import parse_scenario
from zopa.model import compile_scenario
from zopa.negotiate.space import outcome_space

SCENARIO = """
title: hr
issues:
  - {id: a, options: [x, y]}
  - {id: b, options: [x, y]}
parties:
  - id: p
    preferences:
      weights: {a: 1}
      values: {a: {x: 0, y: 0.2}}
      hyperrectangles: [{when: "a == y and b == y", utility: 0.8}]
  - id: q
    preferences:
      weights: {a: 1, b: 1}
      values: {a: {x: 1, y: 0.5}, b: {x: 1, y: 0.5}}
"""


def test_profiles_equal_compiled_utilities():
    s = parse_scenario(SCENARIO)
    space = outcome_space(s)
    u = compile_scenario(s).utilities(space.packages)
    for k, profile in enumerate(space.profiles):
        assert np.allclose(profile.u, u[:, space.columns[k]])
    assert profile is not None and space.profiles[0].best == 1.0
