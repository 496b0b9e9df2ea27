"""The utility-space plot: what is drawn, not only that a file exists."""

from __future__ import annotations

import subprocess
import sys

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from zopa.analysis import analyze
from zopa.cli import main
from zopa.errors import AnalysisError
from zopa.io import load_scenario
from zopa.report.plot import plot_utility_space, utility_space_figure
from zopa.vocab import SOLUTION_KEYS, solution


def _figure(examples, name, parties=None):
    s = load_scenario(examples / name)
    fig = utility_space_figure(s, analyze(s), parties)
    FigureCanvasAgg(fig).draw()  # lay out the texts so their extents are real
    return fig, fig.axes[0]


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _legend(ax):
    return [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]


def test_coinciding_solutions_share_one_marker_and_are_named(examples):
    _, ax = _figure(examples, "logrolling.yaml")
    legend = _legend(ax)
    # the five solutions coincide on this example: one entry names them all
    names = " = ".join(solution(k).name for k in SOLUTION_KEYS)
    assert any(" ".join(x.split()).replace("- ", "-") == names for x in legend), legend
    assert f"all {len(SOLUTION_KEYS)} solutions" in _texts(ax)
    assert {"split", "logroll"} <= set(_texts(ax))
    assert "agreement zone" in legend and "frontier of the zone" in legend


def test_legend_sits_outside_the_axes(examples):
    fig, ax = _figure(examples, "ukraine-2025.yaml")
    r = fig.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(r).x0 >= ax.get_window_extent(r).x1
    # distinct solutions each have a legend entry
    assert {solution(k).name for k in SOLUTION_KEYS} <= {" ".join(x.split()) for x in _legend(ax)}


def test_draft_labels_do_not_collide(examples):
    fig, ax = _figure(examples, "ukraine-2025.yaml")
    r = fig.canvas.get_renderer()
    drafts = {"us-28", "europe", "geneva", "plan-20"}
    boxes = [t.get_window_extent(r) for t in ax.texts if t.get_text() in drafts]
    assert len(boxes) == 4
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_empty_zone_is_said_and_the_concession_marked(examples):
    fig, ax = _figure(examples, "no-overlap.yaml")
    said = [t for t in _texts(ax) if "NO AGREEMENT ZONE" in t]
    assert len(said) == 1 and "Sale price: EUR 310,000" in said[0]
    assert "package a concession opens" in _legend(ax)
    r = fig.canvas.get_renderer()
    box = next(t for t in ax.texts if "NO AGREEMENT ZONE" in t.get_text()).get_window_extent(r)
    assert box.x0 >= ax.get_window_extent(r).x1  # beside the data, not over it


def test_single_issue_axes_show_option_values(examples):
    _fig, ax = _figure(examples, "no-overlap.yaml")
    labels = [
        t.get_text()
        for child in ax.child_axes
        for t in child.get_xticklabels() + child.get_yticklabels()
    ]
    assert "EUR 250,000" in labels and "EUR 350,000" in labels
    names = [child.get_xlabel() or child.get_ylabel() for child in ax.child_axes]
    assert "Sale price (EUR), for buyer" in names and "Sale price (EUR), for seller" in names


def test_plot_file_and_party_errors(examples, tmp_path):
    s = load_scenario(examples / "ukraine-2025.yaml")
    a = analyze(s)
    out = plot_utility_space(s, a, tmp_path / "u.svg", ("ukraine", "europe"))
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    with pytest.raises(AnalysisError, match="unknown party `mars`"):
        utility_space_figure(s, a, ("ukraine", "mars"))
    with pytest.raises(AnalysisError, match="two different parties"):
        utility_space_figure(s, a, ("ukraine", "ukraine"))
    f = str(examples / "ukraine-2025.yaml")
    assert main(["analyze", f, "--plot", str(tmp_path / "v.png"), "--parties", "ukraine"]) == 2


def test_the_library_does_not_touch_pyplot_or_the_backend():
    code = (
        "import sys, matplotlib\n"
        "raw = lambda: dict.__getitem__(matplotlib.rcParams, 'backend')\n"
        "before = raw()\n"
        "from zopa.io import load_scenario\nfrom zopa.analysis import analyze\n"
        "from zopa.report.plot import utility_space_figure\n"
        "s = load_scenario('examples/logrolling.yaml')\n"
        "utility_space_figure(s, analyze(s))\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "assert raw() == before\n"
    )
    from tests.conftest import ROOT

    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_no_progress_bar_for_short_scans_or_pipes():
    from zopa.report.progress import SHOW_FROM, enumeration_progress

    assert enumeration_progress(10) == (None, None)
    assert enumeration_progress(SHOW_FROM * 10) == (None, None)  # stderr is captured, not a tty


def test_the_projected_frontier_is_a_staircase_of_undominated_zone_points(examples):
    """The 2-D frontier line once zig-zagged through the cloud (packages joined in file order):
    it is drawn as steps through exactly the zone points no other zone point beats for both."""
    import numpy as np

    s = load_scenario(examples / "ukraine-2025.yaml")
    a = analyze(s)
    for pair in (("ukraine", "russia"), ("russia", "europe")):
        fig = utility_space_figure(s, a, pair)
        ax = fig.axes[0]
        (line,) = [ln for ln in ax.lines if ln.get_label() == "frontier of the zone"]
        assert line.get_drawstyle() == "steps-pre"
        xy = np.asarray(line.get_xydata())
        assert (np.diff(xy[:, 0]) > 0).all() and (np.diff(xy[:, 1]) < 0).all(), pair
        # oracle: every scatter point of the zone layer, undominated by a sort and a scan
        (zone,) = [c for c in ax.collections if c.get_label() == "agreement zone"]
        pts = sorted({(round(x, 9), round(y, 9)) for x, y in zone.get_offsets()}, reverse=True)
        best_y, front = -np.inf, []
        for x, y in pts:  # x falling: a point is undominated when its y beats every y so far
            if y > best_y:
                front.append((x, y))
                best_y = y
        assert sorted(front) == [(round(x, 9), round(y, 9)) for x, y in xy], pair
