"""Negotiation sessions, protocols, strategies and tournaments.

::

    scenario ──► outcome_space() ──► Session ──► run(protocol, session, negotiators, rng)
                 (feasible packages,  (clock,      │
                  sorted utilities)    pressure)   └──► SessionResult (frozen, to_dict())

See docs/negotiation.md for the protocols, the strategies and their sources.
"""

from __future__ import annotations

from zopa.negotiate.acceptance import (
    AcceptAbove,
    AcceptAfter,
    AcceptNext,
    AllOf,
    AnyOf,
    Condition,
)
from zopa.negotiate.protocols import (
    AUTO,
    PROTOCOLS,
    AlternatingOffers,
    AnnealingMediator,
    HillClimbingMediator,
    Mediator,
    NegotiationProtocol,
    OneText,
    SingleText,
    fitting,
    protocol,
    run,
)
from zopa.negotiate.registry import STRATEGIES, StrategySpec, make_strategy, parse_strategy
from zopa.negotiate.session import (
    Action,
    FiredEvent,
    Observer,
    Session,
    SessionConfig,
    SessionResult,
    Status,
    Trace,
    TraceEntry,
)
from zopa.negotiate.simulate import simulate
from zopa.negotiate.space import MAX_OUTCOMES, OutcomeSpace, Profile, outcome_space
from zopa.negotiate.strategies import (
    Boulware,
    Conceder,
    Frequency,
    Hardliner,
    Linear,
    Negotiator,
    RandomNegotiator,
    TimeDependent,
    TitForTat,
    Traits,
)

__all__ = [
    "AUTO",
    "MAX_OUTCOMES",
    "PROTOCOLS",
    "STRATEGIES",
    "AcceptAbove",
    "AcceptAfter",
    "AcceptNext",
    "Action",
    "AllOf",
    "AlternatingOffers",
    "AnnealingMediator",
    "AnyOf",
    "Boulware",
    "Conceder",
    "Condition",
    "FiredEvent",
    "Frequency",
    "Hardliner",
    "HillClimbingMediator",
    "Linear",
    "Mediator",
    "NegotiationProtocol",
    "Negotiator",
    "Observer",
    "OneText",
    "OutcomeSpace",
    "Profile",
    "RandomNegotiator",
    "Session",
    "SessionConfig",
    "SessionResult",
    "SingleText",
    "Status",
    "StrategySpec",
    "TimeDependent",
    "TitForTat",
    "Trace",
    "TraceEntry",
    "Traits",
    "fitting",
    "make_strategy",
    "outcome_space",
    "parse_strategy",
    "protocol",
    "run",
    "simulate",
]
