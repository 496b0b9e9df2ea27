"""zopa.vocab: the words and numbers every output shares, checked against plain definitions."""

from __future__ import annotations

import ast
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zopa import vocab
from zopa.io import load_any
from zopa.vocab import SOLUTIONS, amount, interval, join, percent, plural

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "zopa"


@given(st.lists(st.text(min_size=1, max_size=5), max_size=6))
def test_join_reads_as_a_list_in_english(xs):
    out = join(xs)
    if not xs:
        assert out == "nobody"
    elif len(xs) == 1:
        assert out == xs[0]
    else:
        assert out == ", ".join(xs[:-1]) + " and " + xs[-1]


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_whole_amounts_have_thousands_separators_and_round_trip(n):
    text = amount(n, "troops")
    assert text.endswith(" troops")
    digits = text.removesuffix(" troops")
    assert int(digits.replace(",", "")) == n
    groups = digits.lstrip("-").split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_amounts_keep_the_value(x):
    text = amount(x)
    assert float(text.replace(",", "")) == pytest.approx(x, rel=1e-9, abs=1e-9)


def test_units_read_as_people_write_them():
    assert amount(800000, "troops") == "800,000 troops"
    assert amount(250000, "EUR") == "EUR 250,000"
    assert amount(45, "%") == "45%"
    assert amount(12.5, "km") == "12.5 km"
    assert amount(-10000, "EUR", signed=True) == "-EUR 10,000"
    assert amount(0.1 + 0.2) == "0.3"


@given(st.floats(min_value=0, max_value=1))
def test_percent_never_rounds_a_share_to_0_or_100(x):
    text = percent(x)
    if 0 < x < 1:
        assert text not in ("0.0%", "100.0%")
    if x in (0, 1):
        assert text == f"{100 * x:.1f}%"


def test_percent_and_interval():
    assert percent(0.875) == "87.5%"
    assert percent(0.0001) == "<0.1%"
    assert percent(0.99999) == ">99.9%"
    assert percent(0.004, 0) == "<1%"
    assert percent(None) == "n/a"
    assert interval(0.821, 0.914) == "[82.1%, 91.4%]"
    assert plural(1, "issue") == "1 issue" and plural(1200, "package") == "1,200 packages"


def test_every_solution_has_words_a_marker_and_a_colour():
    keys = [s.key for s in SOLUTIONS]
    assert len(set(keys)) == len(keys)
    for s in SOLUTIONS:
        assert s.short and s.name and s.meaning and s.citation
        assert s.colour.startswith("#") and len(s.colour) == 7
    assert len({s.marker for s in SOLUTIONS}) == len(SOLUTIONS)
    assert vocab.solution("new_rule").name == "new rule"  # a newer result is never dropped


def test_the_engines_and_the_room_policy_use_the_same_solutions():
    from zopa.analysis.solutions import SOLUTION_NAMES
    from zopa.io.policy import Suggestion

    assert tuple(SOLUTION_NAMES) == vocab.SOLUTION_KEYS
    assert typing.get_args(Suggestion) == ("none", *vocab.SOLUTION_KEYS)


def test_numeric_options_read_with_separators_and_unit():
    s = load_any(ROOT / "examples" / "ukraine-2025.yaml")
    army = s.issue("army_cap")
    assert vocab.value_label(army, 800000) == "800,000 troops"
    assert vocab.value_label(army, "800000") == "800,000 troops"
    assert [vocab.option_label(army, k) for k in range(len(army.options))][-1] == ("900,000 troops")
    nato = s.issue("nato")
    assert vocab.value_label(nato, "consensus") == "no ban in the text: left to NATO consensus"
    assert vocab.value_label(nato, "no_such_option") == "no_such_option"


def test_importing_vocab_loads_no_heavy_library():
    code = (
        "import sys, zopa.vocab; "
        "heavy = [m for m in ('numpy', 'pandas', 'matplotlib', 'lark', 'pydantic') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


# words must not be defined twice: no module outside zopa.vocab defines these helpers again
_OWNED = {"join", "_join", "_names", "option_label", "value_label", "party_label",
          "parameter_in_words", "rule_in_words", "format_amount", "_pct", "_num", "percent",
          "SOLUTION_MEANINGS", "_MARKERS", "_COLORS", "_SHORT", "_LONG", "_MOVES", "_verdict",
          "_CONCESSIONS", "_takes", "_drops"}  # fmt: skip


def test_no_output_defines_its_own_words():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "vocab" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            names = []
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            offenders += [f"{path.relative_to(SRC)}: {n}" for n in names if n in _OWNED]
    assert offenders == []
