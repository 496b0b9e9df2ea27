"""One negotiation from a scenario, strategy names and a seed: the facade the CLI uses."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from zopa.errors import ProtocolError
from zopa.model.scenario import Scenario
from zopa.negotiate.protocols import AUTO, NegotiationProtocol, fitting, run
from zopa.negotiate.protocols import protocol as make_protocol
from zopa.negotiate.registry import StrategySpec, parse_strategy
from zopa.negotiate.session import Session, SessionConfig, SessionResult, Trace
from zopa.negotiate.space import outcome_space
from zopa.negotiate.strategies import Negotiator

__all__ = ["DEFAULT_STRATEGY", "simulate"]

DEFAULT_STRATEGY = "boulware"


def simulate(
    scenario: Scenario,
    strategies: Mapping[str, str | StrategySpec | Negotiator],
    *,
    protocol: str | NegotiationProtocol = AUTO,
    config: SessionConfig | None = None,
    seed: int = 0,
    trace: bool = True,
) -> SessionResult:
    """Negotiate ``scenario`` with a strategy per party (``boulware`` for any not named).

    ``protocol="auto"`` picks bilateral alternating offers for two parties and the stacked
    (multilateral) alternating offers protocol for more.

    >>> from zopa.io import load_scenario
    >>> scenario = load_scenario("examples/negotiation/water.yaml")
    >>> r = simulate(scenario, {"upstream": "boulware:e=0.2", "downstream": "conceder"}, seed=1)
    >>> r.agreement, r.package
    (True, {'share': 65, 'fund': 'downstream', 'monitoring': 'international'})
    """
    space = outcome_space(scenario)
    unknown = [p for p in strategies if p not in space.parties]
    if unknown:
        raise ProtocolError(
            f"no negotiating party `{unknown[0]}`; parties: {', '.join(space.parties)}"
        )
    negotiators = [_negotiator(strategies.get(p, DEFAULT_STRATEGY)) for p in space.parties]
    session = Session(space, config)
    rng = np.random.default_rng(seed)
    proto = (
        make_protocol(fitting(protocol, len(space.parties)))
        if isinstance(protocol, str)
        else protocol
    )
    return run(proto, session, negotiators, rng, Trace() if trace else None)


def _negotiator(s: str | StrategySpec | Negotiator) -> Negotiator:
    if isinstance(s, Negotiator):
        return s
    spec = parse_strategy(s) if isinstance(s, str) else s
    return spec.build()
