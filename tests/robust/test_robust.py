"""`zopa robust`: exact per-sample answers, agreement with `analyze`, closed forms, determinism."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from zopa.analysis import analyze, evaluate
from zopa.cli import main
from zopa.io import load_scenario
from zopa.model import build_scenario
from zopa.robust import answers, draw, make_plan, parameters, robustness, sampled_scenario


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.pop("evidence", None)
    for p in out["parties"]:
        if p.get("preferences"):
            p["preferences"].pop("uncertainty", None)
    return out


@pytest.mark.parametrize("name", ["logrolling.yaml", "no-overlap.yaml", "ukraine-2025.yaml"])
def test_without_uncertainty_probabilities_are_0_or_1_and_agree_with_analyze(name, tmp_path):
    data = yaml.safe_load((EXAMPLES / name).read_text())
    path = tmp_path / name
    path.write_text(yaml.safe_dump(_strip(data)))
    s = load_scenario(path)
    r = robustness(s, samples=30, seed=3)
    a = analyze(s)
    assert r.kept == 30 and not r.parameters and not r.sensitivity
    assert r.zone.probability == (1.0 if a.zone.exists else 0.0)
    assert r.zone.ci95 == (r.zone.probability, r.zone.probability)  # exact, not an estimate
    for d in s.drafts:
        ev = evaluate(s, d.id)
        odds = r.drafts[d.id]
        for party, ok in ev.acceptable.items():
            assert odds.parties[party].probability == (1.0 if ok else 0.0)
        assert odds.all.probability == (1.0 if ev.in_zone else 0.0)
    if a.zone.exists:
        assert r.robust_package is not None and r.robust_package.odds.probability == 1.0
        assert evaluate(
            s, ",".join(f"{k}={v}" for k, v in r.robust_package.package.items())
        ).in_zone
    else:
        assert r.robust_package is None or r.robust_package.odds.probability == 0.0


def test_the_ukraine_example_is_conditioned_on_its_evidence():
    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    assert len(s.evidence) >= 3 and all(e.source for e in s.evidence)
    r = robustness(s, samples=1000, seed=0, sensitivity_samples=200)
    assert 0 < r.kept < r.samples  # "russia rejects europe" rules samples out
    assert 0.0 < r.zone.probability <= 1.0
    d = r.to_dict()
    assert set(d) >= {"samples", "kept", "zone", "drafts", "robust_package", "sensitivity"}
    assert set(d["zone"]) == {"probability", "ci95"} and len(d["zone"]["ci95"]) == 2
    assert set(d["drafts"]["plan-20"]) >= {"all", "parties"}
    assert d["drafts"]["plan-20"]["parties"]["ukraine"] == 1.0  # evidence: ukraine accepts it
    assert d["drafts"]["europe"]["parties"]["russia"] == 0.0  # evidence: russia rejects it
    assert set(d["robust_package"]) >= {"package", "probability"}
    widths = [x["width"] for x in d["sensitivity"]]
    assert widths == sorted(widths, reverse=True)
    for x in d["sensitivity"]:
        assert x["width"] == pytest.approx(abs(x["high"] - x["low"]), abs=1e-9)
    assert {x["parameter"] for x in d["sensitivity"]} == {p.name for p in r.parameters}
    json.dumps(d)


def test_same_seed_same_answer_in_one_process_a_pool_and_dask():
    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    kw: dict[str, Any] = {"samples": 1100, "seed": 7, "sensitivity_samples": 50, "top": 3}
    one = robustness(s, **kw).to_dict()
    pool = robustness(s, workers=2, **kw).to_dict()
    dask = robustness(s, dask="inprocess", **kw).to_dict()
    assert one == pool == dask
    other = robustness(s, **{**kw, "seed": 8}).to_dict()
    assert other["kept"] != one["kept"] or other["zone"] != one["zone"]


def test_a_shorter_run_is_a_prefix_of_a_longer_one():
    s = load_scenario(EXAMPLES / "ukraine-2025.yaml")
    assert np.array_equal(draw(s, 1500, 4)[:700], draw(s, 700, 4))


# ------------------------------------------------------------------------------ closed forms


def _price(reservation: list[float] | float, buyer_res: float = 0.4) -> dict[str, Any]:
    seller: dict[str, Any] = {
        "weights": {"price": 1},
        "values": {"price": {0: 0, 100: 1}},
        "reservation": reservation if isinstance(reservation, float) else 0.5,
    }
    if not isinstance(reservation, float):
        seller["uncertainty"] = {"reservation": reservation}
    return {
        "title": "one price",
        "issues": [{"id": "price", "numeric": {"min": 0, "max": 100, "step": 1}}],
        "parties": [
            {"id": "seller", "preferences": seller},
            {
                "id": "buyer",
                "preferences": {
                    "weights": {"price": 1},
                    "values": {"price": {0: 1, 100: 0}},
                    "reservation": buyer_res,
                },
            },
        ],
    }


def test_one_price_issue_with_a_uniform_reservation_matches_the_closed_form():
    # the buyer accepts prices <= 60, where the seller's utility is at most 0.6: a zone exists
    # iff the seller's reservation r <= 0.6; r ~ U[0.3, 0.9] gives P = 0.3 / 0.6 = 0.5
    s = build_scenario(_price([0.3, 0.9]))
    n = 6000
    r = robustness(s, samples=n, seed=11, sensitivity_samples=500)
    p = r.zone.probability
    assert p is not None and abs(p - 0.5) < 4 * math.sqrt(0.25 / n)
    lo, hi = r.zone.ci95
    assert lo < 0.5 < hi or abs(p - 0.5) < 4 * math.sqrt(0.25 / n)
    # the tornado: at the low end (0.3) the zone always exists, at the high end (0.9) never
    (sens,) = r.sensitivity
    assert sens.low.probability == 1.0 and sens.high.probability == 0.0
    # the most robust package is the buyer's highest acceptable price, 60 (acceptable iff r <= 0.6)
    assert r.robust_package is not None and r.robust_package.package == {"price": 60}
    ex = r.robust_package.exclusions
    assert abs(ex["seller"].reservation - (1 - p)) < 1e-12 and ex["buyer"].reservation == 0.0


def test_a_red_line_with_probability_q_closes_the_zone_with_probability_q():
    data = _price(0.2)
    data["parties"][0]["preferences"]["red_lines"] = ["price >= 70"]  # buyer stops at 60
    data["parties"][0]["preferences"]["uncertainty"] = {"red_lines": {"price >= 70": 0.3}}
    s = build_scenario(data)
    n = 5000
    r = robustness(s, samples=n, seed=2, sensitivity_samples=200)
    p = r.zone.probability
    assert p is not None and abs(p - 0.7) < 4 * math.sqrt(0.21 / n)
    (sens,) = r.sensitivity
    assert sens.low.probability == 1.0 and sens.high.probability == 0.0
    assert r.robust_package is not None
    assert r.robust_package.exclusions["seller"].red_lines["price >= 70"] == pytest.approx(1 - p)


# ------------------------------------------------------------------------------ the oracle


def _raw_sample(data: dict[str, Any], params, theta) -> dict[str, Any]:
    """The sampled scenario built the ordinary way: edit the raw file, drop uncertainty."""
    out = _strip(data)
    by_id = {p["id"]: p for p in out["parties"]}
    for prm, x in zip(params, theta):
        prefs = by_id[prm.party]["preferences"]
        if prm.kind == "reservation":
            prefs["reservation"] = float(x)
        elif prm.kind == "weight":
            prefs["weights"][prm.issue] = float(x)
        elif prm.kind == "value":
            vals = prefs["values"][prm.issue]
            key = next(k for k in vals if str(k) == prm.key)
            vals[key] = float(x)
        elif prm.kind == "red_line" and x < 0.5:
            prefs["red_lines"] = [t for t in prefs["red_lines"] if t != prm.key]
    return out


def _package_utility(s, pkg: tuple[int, ...], party: str) -> float:
    prefs = s.party(party).preferences
    return round(
        sum(prefs.weights[i.id] * prefs.values[i.id][k] for i, k in zip(s.issues, pkg)), 10
    )


@st.composite
def _cases(draw_: Any) -> dict[str, Any]:
    n_issues = draw_(st.integers(1, 3))
    issues = []
    for i in range(n_issues):
        k = draw_(st.integers(2, 3))
        issues.append({"id": f"i{i}", "options": [f"o{j}" for j in range(k)]})
    val = st.sampled_from([0.0, 0.2, 0.25, 0.5, 0.6, 0.75, 1.0])
    numeric = draw_(st.booleans())
    if numeric:  # a numeric issue whose value curve has uncertain points
        issues.append({"id": "n", "numeric": {"min": 0, "max": 4, "step": 1}})
    parties = []
    for p in range(draw_(st.integers(2, 3))):
        weights = {iss["id"]: draw_(st.integers(1, 4)) for iss in issues}
        values = {
            iss["id"]: {o: draw_(val) for o in iss["options"]} for iss in issues if "options" in iss
        }
        if numeric:
            values["n"] = {0: draw_(val), 2: draw_(val), 4: draw_(val)}
        res = draw_(st.sampled_from([0.2, 0.4, 0.5, 0.6]))
        unc: dict[str, Any] = {}
        if draw_(st.booleans()):
            lo = draw_(st.sampled_from([0.1, 0.3, 0.5]))
            unc["reservation"] = [lo, lo + 0.3]
        if draw_(st.booleans()):
            iss = draw_(st.sampled_from(issues))["id"]
            unc["weights"] = {iss: [0.5, 5]}
        discrete = [iss for iss in issues if "options" in iss]
        if draw_(st.booleans()):
            iss = draw_(st.sampled_from(discrete))
            unc["values"] = {iss["id"]: {iss["options"][0]: [0.0, 1.0]}}
        if numeric and draw_(st.booleans()):
            unc.setdefault("values", {})["n"] = {draw_(st.sampled_from([0, 2, 4])): [0.1, 0.9]}
        red = []
        if draw_(st.booleans()):
            iss = draw_(st.sampled_from(discrete))
            red = [f"{iss['id']} != {iss['options'][-1]}"]
            if draw_(st.booleans()):
                unc["red_lines"] = {red[0]: 0.5}
        prefs: dict[str, Any] = {"weights": weights, "values": values, "reservation": res}
        if p == 0 and draw_(st.booleans()):  # a non-additive term, kept fixed under uncertainty
            o = issues[0]["options"][0]
            prefs["hyperrectangles"] = [{"when": f"i0 == {o}", "utility": draw_(val)}]
            if draw_(st.booleans()):  # a cap (GENIUS's 1) that binds in some samples
                prefs["cap"] = draw_(st.sampled_from([0.5, 0.7, 1]))
        if red:
            prefs["red_lines"] = red
        if unc:
            prefs["uncertainty"] = unc
        role = "party" if p < 2 else draw_(st.sampled_from(["party", "mediator"]))
        parties.append({"id": f"p{p}", "role": role, "preferences": prefs})
    drafts = []
    for k in range(2):
        pkg: dict[str, Any] = {
            iss["id"]: draw_(st.sampled_from(iss["options"])) for iss in issues if "options" in iss
        }
        if numeric:
            pkg["n"] = draw_(st.integers(0, 4))
        drafts.append({"id": f"d{k}", "package": pkg})
    data: dict[str, Any] = {
        "title": "random",
        "issues": issues,
        "parties": parties,
        "drafts": drafts,
    }
    if draw_(st.booleans()):
        data["constraints"] = [
            f"i0 != {issues[0]['options'][0]} or i0 != {issues[0]['options'][0]}"
        ]
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases(), st.integers(0, 2**32 - 1))
def test_per_sample_answers_equal_the_analysis_of_each_sampled_scenario(data, seed):
    s = build_scenario(data)
    params = parameters(s)
    theta = draw(s, 6, seed)
    plan = make_plan(s, seed)
    got = answers(plan, theta)
    # the zone-only path (witnesses first, as the tornado runs) decides the same zones
    assert list(answers(plan, theta, packages=False).zone) == list(got.zone)
    for k in range(len(theta)):
        one = build_scenario(_raw_sample(data, params, theta[k]))
        assert one == sampled_scenario(s, theta[k])
        a = analyze(one, engine="enumerate")
        assert bool(got.zone[k]) == a.zone.exists
        assert int(got.package_ok[k].sum()) == a.zone.size
        for j, d in enumerate(one.drafts):
            ev = evaluate(one, d.id)
            for pi, pid in enumerate(plan.party_ids):
                assert bool(got.draft_accept[k, j, pi]) == ev.acceptable[pid]
            assert bool(got.draft_all[k, j]) == ev.in_zone


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases(), st.integers(0, 2**32 - 1), st.data())
def test_batched_blocks_equal_the_samples_solved_one_at_a_time(data, seed, pick):
    """The batched engine (samples x candidates at once, slices, witnesses, pruning) decides
    every sample as the same engine does on that sample alone."""
    from zopa.robust.engine import run_block, tasks

    s = build_scenario(data)
    plan = make_plan(s, seed)
    n = 40
    theta = draw(s, n, seed)
    one = [answers(plan, theta[k : k + 1]) for k in range(n)]
    zone = np.array([bool(a.zone[0]) for a in one])
    weight = np.array([float(a.weight[0]) for a in one])
    ok = np.array([a.package_ok[0] for a in one]).reshape(n, plan.n_candidates)
    best = np.array([float(a.best_margin[0]) for a in one])
    (task,) = tasks(n, "full")
    full = run_block(plan, task)
    kept = weight > 0
    assert full.kept == int(kept.sum())
    assert full.zone == pytest.approx(float(weight @ zone), abs=1e-12)
    assert np.allclose(full.package_ok, weight @ ok.astype(float), atol=1e-12)
    assert full.samples is not None
    assert list(full.samples.zone) == list(zone[kept])
    # margins come from float32 products (their rounding depends on the batch shape): equal
    # within the float32 error bound; every decision above is exact
    assert np.allclose(full.samples.best_margin, best[kept], atol=plan.candidates.tol32, rtol=0)
    # zone-only, with any witnesses (they change the speed, never the answer)
    k = plan.n_candidates
    wit = np.array(
        sorted(set(pick.draw(st.lists(st.integers(0, max(0, k - 1)), max_size=5)))) if k else [],
        dtype=np.int64,
    )
    (ztask,) = tasks(n, "zone")
    assert run_block(plan, ztask, wit).zone == pytest.approx(float(weight @ zone), abs=1e-12)
    assert list(answers(plan, theta, packages=False, witnesses=wit).zone) == list(zone)


def test_evidence_conditions_the_samples_by_its_definition(tmp_path):
    data = yaml.safe_load((EXAMPLES / "ukraine-2025.yaml").read_text())
    s = build_scenario(data)
    theta = draw(s, 8, 5)
    plan = make_plan(s, 5)
    got = answers(plan, theta)
    params = parameters(s)
    for k in range(len(theta)):
        one = build_scenario(_raw_sample(data, params, theta[k]))
        holds = []
        for e in s.evidence:
            if e.kind == "prefers":
                holds.append(
                    _package_utility(one, one.indices(one.draft(e.draft).package), e.party)
                    > _package_utility(one, one.indices(one.draft(e.over).package), e.party)
                )
            else:
                ok = evaluate(one, e.draft).acceptable[e.party]
                holds.append(ok if e.kind == "accepts" else not ok)
        assert list(got.evidence[k]) == holds
        assert bool(got.kept[k]) == all(holds)


def test_cli_json_and_plot(tmp_path, capsys):
    out = tmp_path / "tornado.svg"
    code = main(
        [
            "robust",
            str(EXAMPLES / "ukraine-2025.yaml"),
            "--samples",
            "1000",
            "--sensitivity-samples",
            "100",
            "--json",
            "--plot",
            str(out),
        ]
    )
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    assert d["samples"] == 1000 and d["kept"] <= 1000
    assert out.read_text().lstrip().startswith("<?xml")


def test_terminal_tables(capsys):
    args = ["--samples", "500", "--sensitivity-samples", "100"]
    assert main(["robust", str(EXAMPLES / "ukraine-2025.yaml"), *args]) == 0
    text = capsys.readouterr().out
    for part in ("P(an agreement zone exists)", "Most robust packages", "Sensitivity", "Evidence"):
        assert part in text
    # parameters in words, as the tornado chart and the briefing write them (ids in --json)
    flat = " ".join(text.replace("│", " ").split())
    assert "russia.red_lines[" not in text and "ukraine.reservation" not in text
    assert "Ukraine: reservation" in flat
    assert (
        "Russia: red line “Donetsk, Luhansk and Crimea is one of “de facto Russian, recognised by "
        "the US; Ukraine leaves Donetsk”, “Ukraine leaves its part of Donetsk: demilitarised / "
        "free economic zone”” is real"
    ) in flat


def test_few_kept_samples_are_flagged(tmp_path):
    data = _price([0.0, 1.0])
    data["drafts"] = [{"id": "low", "package": {"price": 5}}]
    # the seller accepts a price of 5 only when its reservation is <= 0.05: ~5% of samples
    data["evidence"] = [{"party": "seller", "accepts": "low", "source": "test"}]
    r = robustness(build_scenario(data), samples=600, seed=1, sensitivity_samples=0)
    assert 0 < r.kept < 100
    assert (
        r.warnings and "only" in r.warnings[0] and "samples satisfy the evidence" in r.warnings[0]
    )
    assert r.zone.probability == 1.0  # r <= 0.05 leaves a zone in every kept sample
    lo, _ = r.zone.ci95
    assert lo < 0.97  # and the interval says how little that rests on


def test_tornado_figure_has_one_bar_pair_per_parameter():
    from zopa.report.robust import tornado_figure

    s = build_scenario(_price([0.3, 0.9]))
    r = robustness(s, samples=400, seed=0, sensitivity_samples=100)
    fig = tornado_figure(r)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["seller.reservation"]
    assert len(ax.patches) == 2
    (ax,) = tornado_figure(r, scenario=s).axes  # in words, with the party's label
    assert [t.get_text() for t in ax.get_yticklabels()] == ["seller: reservation"]
    assert ax.get_xlim()[1] == 1.0


def test_big_spaces_are_refused_with_the_limit():
    from zopa.errors import AnalysisError

    data = {
        "title": "big",
        "issues": [{"id": f"i{k}", "options": [f"o{j}" for j in range(10)]} for k in range(8)],
        "parties": [
            {
                "id": "a",
                "preferences": {
                    "weights": {"i0": 1},
                    "values": {"i0": {f"o{j}": j / 9 for j in range(10)}},
                },
            }
        ],
    }
    with pytest.raises(AnalysisError, match="too many"):
        robustness(build_scenario(data), samples=10)
