"""The tornado chart by what is drawn: whole names, n/a ends kept, baseline and legend clear."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from tests.conftest import EXAMPLES
from zopa.io import load_scenario
from zopa.report.tornado import tornado_figure
from zopa.robust import robustness
from zopa.robust.analysis import Odds
from zopa.vocab import parameter_in_words, percent


@pytest.fixture(scope="module")
def ukraine():
    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    return s, robustness(s, samples=200, seed=1, sensitivity_samples=60)


def test_names_are_wrapped_whole_and_an_na_end_is_kept(ukraine):
    s, r = ukraine
    sens = list(r.sensitivity)
    sens[0] = dataclasses.replace(sens[0], low=Odds(0, 0))  # the evidence kept no sample
    r = dataclasses.replace(r, sensitivity=tuple(sens))
    fig = tornado_figure(r, rows=len(sens), scenario=s)
    FigureCanvasAgg(fig).draw()
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()][::-1]  # widest first
    assert len(labels) == len(sens)  # nothing dropped
    for label, x in zip(labels, sens, strict=True):
        name = parameter_in_words(s, x.parameter)
        assert " ".join(label.split("\n(n/a")[0].split()) == name  # wrapped, never cut
        assert "…" not in label
    assert labels[0].endswith("(n/a at the low end: no sample kept)")
    assert any(len(x) > 60 for x in (" ".join(lab.split()) for lab in labels))


def test_the_baseline_is_labelled_and_the_legend_clears_the_bars(ukraine):
    s, r = ukraine
    fig = tornado_figure(r, rows=8, scenario=s)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    legend = fig.legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    assert f"everything drawn: {percent(r.zone.probability)}" in texts
    assert legend.get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y0
