"""Strategies by name, with parameters written ``NAME:k=v,...`` (``boulware:e=0.2``)."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from zopa.errors import ProtocolError
from zopa.negotiate.strategies import (
    Boulware,
    Conceder,
    Frequency,
    Hardliner,
    Linear,
    Negotiator,
    RandomNegotiator,
    TitForTat,
)
from zopa.records import frozen

__all__ = ["STRATEGIES", "StrategySpec", "make_strategy", "parse_strategy"]

STRATEGIES: dict[str, type[Negotiator]] = {
    "boulware": Boulware,
    "linear": Linear,
    "conceder": Conceder,
    "hardliner": Hardliner,
    "tit-for-tat": TitForTat,
    "random": RandomNegotiator,
    "frequency": Frequency,
}


@frozen
class StrategySpec:
    """A strategy name and its numeric parameters; :meth:`build` makes a fresh negotiator."""

    name: str
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        args = ",".join(f"{k}={v:g}" for k, v in sorted(self.params.items()))
        return self.name + (f":{args}" if args else "")

    def build(self) -> Negotiator:
        return make_strategy(self.name, self.params)

    def __hash__(self) -> int:
        return hash(self.label)


def _valid_params(cls: type[Negotiator]) -> list[str]:
    sig = inspect.signature(cls.__init__)
    return [p for p in sig.parameters if p not in ("self", "accept")]


def make_strategy(name: str, params: Mapping[str, float] | None = None) -> Negotiator:
    """A new negotiator of strategy ``name``; ProtocolError names the valid choices."""
    cls = STRATEGIES.get(name)
    if cls is None:
        raise ProtocolError(f"unknown strategy `{name}`; choose one of: {', '.join(STRATEGIES)}")
    params = dict(params or {})
    valid = _valid_params(cls)
    for k in params:
        if k not in valid:
            raise ProtocolError(
                f"unknown parameter `{k}` of strategy `{name}`; valid: "
                + (", ".join(valid) if valid else "(none)")
            )
    try:
        return cls(**params)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"strategy `{name}`: {exc}") from None


def parse_strategy(text: str | Mapping[str, Any]) -> StrategySpec:
    """``boulware:e=0.2,k=0`` (or ``{name: boulware, params: {e: 0.2}}``) as a spec."""
    if isinstance(text, Mapping):
        name = str(text.get("name", ""))
        raw = text.get("params") or {}
        if not isinstance(raw, Mapping):
            raise ProtocolError(f"strategy `{name}`: params must be a mapping")
        params = {str(k): _number(name, str(k), v) for k, v in raw.items()}
    else:
        name, _, rest = text.strip().partition(":")
        params = {}
        for item in filter(None, (s.strip() for s in rest.split(","))):
            k, eq, v = item.partition("=")
            if not eq:
                raise ProtocolError(
                    f"strategy parameter `{item}` of `{name}` is not of the form k=v"
                )
            params[k.strip()] = _number(name, k.strip(), v.strip())
    make_strategy(name, params)  # validate now, with a clear message
    return StrategySpec(name, params)


def _number(name: str, key: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ProtocolError(
            f"parameter `{key}` of strategy `{name}` must be a number, not `{value}`"
        ) from None
