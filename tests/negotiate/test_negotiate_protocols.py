"""Protocols: reproducible, every agreement acceptable, pressure applied, agents' faults typed."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core import oracle
from zopa.errors import ProtocolError
from zopa.model.build import build_scenario
from zopa.negotiate import (
    PROTOCOLS,
    STRATEGIES,
    Boulware,
    Negotiator,
    Session,
    SessionConfig,
    Status,
    outcome_space,
    protocol,
    run,
    simulate,
)
from zopa.negotiate.testing import tiny_scenario


def _scenario(n_parties: int, reservations: list[float], seed: int) -> Any:
    return build_scenario(_raw(n_parties, reservations, seed))


def _raw(n_parties: int, reservations: list[float], seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    issues = [{"id": f"i{k}", "options": [f"o{j}" for j in range(3 + k % 2)]} for k in range(3)]
    parties = []
    for p in range(n_parties):
        parties.append(
            {
                "id": f"p{p}",
                "preferences": {
                    "weights": {i["id"]: float(rng.uniform(0.1, 1)) for i in issues},
                    "values": {
                        i["id"]: {o: round(float(rng.uniform()), 3) for o in i["options"]}
                        for i in issues
                    },
                    "reservation": reservations[p],
                },
            }
        )
    return {"title": "random", "issues": issues, "parties": parties}


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 3),
    res=st.lists(st.floats(0, 0.8), min_size=3, max_size=3),
    seed=st.integers(0, 1000),
    proto=st.sampled_from(sorted(PROTOCOLS)),
    names=st.lists(st.sampled_from(sorted(STRATEGIES)), min_size=3, max_size=3),
)
def test_every_agreement_is_acceptable_to_every_party(
    n: int, res: list[float], seed: int, proto: str, names: list[str]
) -> None:
    if proto == "alternating":
        n = 2
    raw = _raw(n, res, seed)
    strategies = {f"p{k}": names[k] for k in range(n)}
    result = simulate(
        build_scenario(raw),
        strategies,
        protocol=proto,
        seed=seed,
        config=SessionConfig(deadline=15),
    )
    assert result.status in (Status.AGREEMENT, Status.DEADLINE, Status.NO_AGREEMENT)
    if result.agreement:
        # judged by the brute-force oracle on the raw scenario (its own utilities and
        # reservations), not by the protocol's own acceptance test
        assert result.package is not None
        truth = oracle.brute(raw)
        assert oracle.package_of(truth, result.package) in truth.zone


@pytest.mark.parametrize("proto", sorted(PROTOCOLS))
def test_same_seed_same_transcript(proto: str) -> None:
    sc = tiny_scenario(2)
    kw: dict[str, Any] = {"protocol": proto, "config": SessionConfig(deadline=30)}
    a = simulate(sc, {"north": "random", "south": "frequency"}, seed=7, **kw).to_dict()
    b = simulate(sc, {"north": "random", "south": "frequency"}, seed=7, **kw).to_dict()
    assert a == b
    assert a["trace"][-1]["action"] == "end"


def test_boulware_pair_agrees_in_the_water_example(examples: Any) -> None:
    from zopa.io import load_scenario

    sc = load_scenario(examples / "negotiation" / "water.yaml")
    r = simulate(sc, {"upstream": "boulware", "downstream": "boulware"}, seed=1)
    assert r.agreement and r.package is not None
    assert set(r.to_dict()["utilities"]) == {"upstream", "downstream"}


def test_pressure_event_lowers_the_reservation_at_its_round() -> None:
    sc = tiny_scenario(2)  # event at round 5: south's reservation +0.2, weight on `one` +0.3
    space = outcome_space(sc)
    session = Session(space, SessionConfig(deadline=10))
    before = session.profiles[1]
    session.set_round(4)
    assert session.profiles[1] is before
    session.set_round(5)
    after = session.profiles[1]
    assert after.reservation == pytest.approx(before.reservation + 0.2)
    assert after.weights[0] > before.weights[0] and sum(after.weights) == pytest.approx(1.0)
    quiet = Session(space, SessionConfig(deadline=10, events=False))
    quiet.set_round(5)
    assert quiet.profiles[1] is before


def test_event_weights_clip_at_zero_and_renormalise() -> None:
    sc = build_scenario(
        {
            "title": "t",
            "issues": [{"id": "a", "options": ["x", "y"]}, {"id": "b", "options": ["x", "y"]}],
            "parties": [
                {
                    "id": "p",
                    "preferences": {
                        "weights": {"a": 1, "b": 1},
                        "values": {"a": {"x": 1, "y": 0}, "b": {"x": 0, "y": 1}},
                        "reservation": 0.9,
                    },
                },
                {
                    "id": "q",
                    "preferences": {"weights": {"a": 1}, "values": {"a": {"x": 0, "y": 1}}},
                },
            ],
            "events": [{"at": 0, "party": "p", "reservation": 0.5, "weights": {"b": -2}}],
        }
    )
    s = Session(outcome_space(sc))
    assert s.profiles[0].weights == (1.0, 0.0)
    assert s.profiles[0].reservation == 1.0  # 0.9 + 0.5, clipped to 1


class _Crash(Negotiator):
    name = "crash"

    def propose(self, state: Session) -> int:
        raise RuntimeError("boom")


class _Slow(Boulware):
    name = "slow"

    def propose(self, state: Session) -> int:
        time.sleep(0.02)
        return super().propose(state)


def test_a_crashing_strategy_ends_the_session_with_a_typed_result() -> None:
    sc = tiny_scenario(2)
    r = simulate(sc, {"north": _Crash(), "south": "boulware"}, seed=0)
    assert r.status is Status.AGENT_ERROR and "RuntimeError: boom" in r.error
    assert r.to_dict()["agreement"] is False


def test_a_slow_strategy_times_out() -> None:
    sc = tiny_scenario(2)
    r = simulate(
        sc,
        {"north": _Slow(), "south": "boulware"},
        seed=0,
        config=SessionConfig(call_timeout=0.005),
    )
    assert r.status is Status.TIMEOUT and "north" in r.error


def test_protocol_errors_are_clear() -> None:
    with pytest.raises(ProtocolError, match="needs 2 parties"):
        simulate(tiny_scenario(3), {}, protocol="alternating")
    with pytest.raises(ProtocolError, match="choose one of"):
        protocol("dutch-auction")
    with pytest.raises(ProtocolError, match="no negotiating party `west`"):
        simulate(tiny_scenario(2), {"west": "boulware"})
    with pytest.raises(ProtocolError, match="at least 1 round"):
        SessionConfig(deadline=0)
    space = outcome_space(tiny_scenario(2))
    with pytest.raises(ProtocolError, match="2 parties"):
        run(protocol("stacked"), Session(space), [Boulware()], np.random.default_rng(0))


def test_outcome_space_limit_is_named() -> None:
    issues = [{"id": f"i{k}", "numeric": {"min": 0, "max": 99, "step": 1}} for k in range(4)]
    sc = build_scenario(
        {
            "title": "big",
            "issues": issues,
            "parties": [
                {"id": "p", "preferences": {"weights": {"i0": 1}, "values": {"i0": {0: 0, 99: 1}}}}
            ],
        }
    )
    with pytest.raises(ProtocolError, match="1,000,000"):
        outcome_space(sc)


def test_discount_shrinks_agreement_utility() -> None:
    sc = tiny_scenario(2)
    plain = simulate(sc, {"north": "conceder", "south": "conceder"}, seed=3)
    disc = simulate(
        sc, {"north": "conceder", "south": "conceder"}, seed=3, config=SessionConfig(discount=0.5)
    )
    assert plain.agreement and disc.agreement and plain.row == disc.row
    assert all(d < p for d, p in zip(disc.utilities, plain.utilities, strict=True))
