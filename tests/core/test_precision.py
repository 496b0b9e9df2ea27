"""One utility computation, one precision: analysis and negotiation agree to the last digit."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.analysis.analyze import analyze, point
from zopa.analysis.drafts import evaluate
from zopa.model import PRECISION, build_scenario, compile_scenario, round_utility
from zopa.negotiate import SessionConfig, outcome_space, simulate

SRC = Path(__file__).resolve().parents[2] / "src" / "zopa"


def _scenario(seed: int) -> object:
    """Utilities with many significant digits (so a 6-digit rounding shows)."""
    rng = np.random.default_rng(seed)
    issues = [{"id": f"i{k}", "options": [f"o{j}" for j in range(3)]} for k in range(3)]
    parties = [
        {
            "id": f"p{p}",
            "preferences": {
                "weights": {i["id"]: float(rng.uniform(0.1, 1)) for i in issues},
                "values": {
                    i["id"]: {o: float(rng.uniform()) for o in i["options"]} for i in issues
                },
                "reservation": float(rng.uniform(0, 0.4)),
            },
        }
        for p in range(2)
    ]
    return build_scenario({"title": "digits", "issues": issues, "parties": parties})


def _by_hand(s, party: str, pkg, weights=None) -> float:
    prefs = s.party(party).preferences
    w = weights or [prefs.weights[i.id] for i in s.issues]
    return sum(wk * prefs.values[i.id][k] for wk, i, k in zip(w, s.issues, pkg, strict=True))


def test_round_utility_is_the_one_rounding() -> None:
    assert round_utility(0.1 + 0.2) == 0.3
    assert round_utility(-1e-13) == 0.0 and str(round_utility(-1e-13)) == "0.0"
    a = round_utility(np.array([0.1 + 0.2, 1 / 3]))
    assert a.tolist() == [0.3, round(1 / 3, PRECISION)]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_negotiation_reports_the_analysis_utilities(seed: int) -> None:
    s = _scenario(seed)
    cs = compile_scenario(s)
    r = simulate(s, {"p0": "conceder", "p1": "conceder"}, seed=seed, config=SessionConfig())
    if r.row is None:
        return
    space = outcome_space(s)
    pkg = space.packages[r.row]
    expect = cs.utility(pkg)
    assert r.utilities == tuple(float(x) for x in expect)  # no 6-digit rounding of its own
    for c, party in enumerate(cs.party_ids):
        assert abs(expect[c] - _by_hand(s, party, pkg)) < 10.0**-PRECISION


def test_reweighted_party_utilities_match_a_hand_computation() -> None:
    s = _scenario(3)
    cs = compile_scenario(s)
    idx = cs.decode(np.arange(cs.outcomes))
    w = [0.5, 0.25, 0.25]
    got = cs.party_utilities(idx, 1, w)
    want = [round(_by_hand(s, "p1", row, w), PRECISION) for row in idx.tolist()]
    assert got.tolist() == want
    assert cs.party_utilities(idx, 0).tolist() == cs.utilities(idx)[:, 0].tolist()


def test_margins_are_rounded_like_utilities() -> None:
    s = _scenario(11)
    cs = compile_scenario(s)
    a = analyze(s)
    for pt in [*a.frontier.points, *(p for p in a.solutions.values() if p)]:
        for party, m in pt.margins.items():
            u = pt.utilities[party]
            r = float(cs.reservation[cs.party_ids.index(party)])
            assert m == round(u - r, PRECISION)
    pkg = cs.decode(np.array([5]))[0]
    e = evaluate(s, ",".join(f"{i.id}={i.option_ids[k]}" for i, k in zip(s.issues, pkg)))
    assert dict(e.point.margins) == dict(point(cs, pkg).margins)


TOLERANCES = {1e-9, 1e-10, 1e-12}


def _named(tree: ast.AST) -> set[int]:
    """The nodes inside an UPPER_CASE constant's definition (``NAME = ...``)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and all(
                isinstance(t, ast.Name) and t.id.lstrip("_").isupper() for t in targets
            ):
                out.update(id(n) for n in ast.walk(node.value))
    return out


def literal_precisions(path: Path, tolerances: bool, root: Path = SRC) -> list[str]:
    """Each ``round(x, 6)`` / ``np.round(x, 6)`` with literal digits in ``path`` and, when
    ``tolerances``, each literal 1e-9, 1e-10 or 1e-12 outside a named constant."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = _named(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = (
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
            if name in {"round", "around"}:
                digits = node.args[1] if len(node.args) > 1 else None
                digits = next(
                    (k.value for k in node.keywords if k.arg in {"ndigits", "decimals"}), digits
                )
                if isinstance(digits, ast.Constant) and id(digits) not in named:
                    found.append(
                        f"{path.relative_to(root)}:{node.lineno}: round(..., {digits.value})"
                    )
        elif (
            tolerances
            and isinstance(node, ast.Constant)
            and isinstance(node.value, float)
            and node.value in TOLERANCES
            and id(node) not in named
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno}: tolerance {node.value!r}")
    return found


def test_every_rounding_in_every_package_is_a_named_precision() -> None:
    """No package rounds to a literal number of digits: each precision is a named constant
    with its reason (utilities: ``zopa.model.PRECISION``; the room's derived figures:
    ``zopa.server.questions.PRECISION``, a privacy rule; robust's sampled estimates:
    ``zopa.robust.params.ESTIMATE_DIGITS``; ...). In the exact engines (analysis, negotiate,
    the compiled model) no comparison tolerance is a literal either."""
    packages = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists())
    assert {"analysis", "negotiate", "robust", "server", "news", "report"} <= set(packages)
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        exact = rel.startswith(("analysis/", "negotiate/")) or rel == "model/compiled.py"
        offenders += literal_precisions(path, tolerances=exact)
    assert not offenders, "\n".join(offenders)


def test_the_room_rounds_to_its_privacy_precision() -> None:
    """The room's figures carry at most ``PRECISION`` (6) decimals: a 7th digit would let a
    member read a canary planted in another delegation's preferences."""
    from zopa.server import questions

    assert questions.PRECISION == 6
    src = (SRC / "server" / "questions.py").read_text(encoding="utf-8")
    assert "round(u, PRECISION)" in src and "round(u - r, PRECISION)" in src


def test_the_precision_check_finds_literals(tmp_path: Path) -> None:
    f = tmp_path / "probe.py"
    f.write_text("TOL = 1e-9\nx = round(1.23456, 3)\ny = np.round(z, decimals=2)\nw = 1e-12\n")
    got = literal_precisions(f, tolerances=True, root=tmp_path)
    assert got == [
        "probe.py:2: round(..., 3)",
        "probe.py:3: round(..., 2)",
        "probe.py:4: tolerance 1e-12",
    ]
