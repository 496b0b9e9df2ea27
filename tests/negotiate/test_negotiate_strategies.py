"""Every strategy passes the conformance kit; acceptance combinators compose safely."""

from __future__ import annotations

import pytest

from zopa.errors import AgentError, ProtocolError
from zopa.negotiate import (
    STRATEGIES,
    AcceptAbove,
    AcceptAfter,
    AnyOf,
    make_strategy,
    parse_strategy,
)
from zopa.negotiate.strategies import Negotiator, Session
from zopa.negotiate.testing import check_strategy


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_passes_the_conformance_kit(name: str) -> None:
    check_strategy(make_strategy(name), seeds=(0,))


class _Greedy(Negotiator):
    """Accepts everything: the kit must catch it."""

    name = "greedy"

    def respond(self, state: Session, offer: int) -> bool:
        return True


class _OutOfSpace(Negotiator):
    name = "out"

    def propose(self, state: Session) -> int:
        return state.space.size + 3


def test_kit_catches_accepting_below_reservation() -> None:
    with pytest.raises(AgentError, match="below its reservation"):
        check_strategy(_Greedy(), seeds=(0,))


def test_kit_catches_offers_outside_the_space() -> None:
    with pytest.raises(AgentError, match="outside the outcome space"):
        check_strategy(_OutOfSpace(), seeds=(0,))


def test_conditions_refuse_python_and() -> None:
    cond = AcceptAbove(0.5) | AcceptAfter(0.9)
    assert isinstance(cond, AnyOf)
    with pytest.raises(TypeError, match="&"):
        _ = AcceptAbove(0.5) and AcceptAfter(0.9)


def test_strategy_parameters_are_parsed_and_checked() -> None:
    spec = parse_strategy("boulware:e=0.1,k=0.05")
    assert spec.params == {"e": 0.1, "k": 0.05}
    assert spec.label == "boulware:e=0.1,k=0.05"
    with pytest.raises(ProtocolError, match="choose one of: boulware"):
        parse_strategy("bulware")
    with pytest.raises(ProtocolError, match="valid: e, k"):
        parse_strategy("boulware:z=1")
    with pytest.raises(ProtocolError, match="must be a number"):
        parse_strategy("boulware:e=soft")
