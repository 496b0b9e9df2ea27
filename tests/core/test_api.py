"""The public API: the top-level entry points work and every export exists."""

from __future__ import annotations

import importlib

import pytest

import zopa


@pytest.mark.parametrize(
    "module",
    [
        "zopa",
        "zopa.model",
        "zopa.io",
        "zopa.analysis",
        "zopa.negotiate",
        "zopa.forecast",
        "zopa.conflict",
    ],
)
def test_every_export_exists(module):
    m = importlib.import_module(module)
    for name in m.__all__:
        assert hasattr(m, name), f"{module}.{name}"


def test_top_level_tour(examples):
    s = zopa.load_scenario(examples / "logrolling.yaml")
    a = zopa.analyze(s)
    assert a.zone.exists and a.solutions["nash"] is not None
    assert zopa.evaluate(s, "split").dominated
    assert "improves" in zopa.compare(s, "split", "logroll").verdict
    with pytest.raises(zopa.ScenarioError):
        zopa.build_scenario({"title": "x"})
