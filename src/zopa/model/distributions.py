"""The distributions an uncertain parameter can have, each one class.

A distribution is a frozen, validated pydantic model (it is both the scenario-file syntax and
the value the engines use) with the :class:`Distribution` protocol: its support ``low``..
``high``, ``ppf(u)`` (the inverse distribution function, so one stream of uniform numbers, or a
Gaussian copula's, drives every kind), and ``describe()`` in words. In a scenario file::

    reservation: [0.4, 0.7]                                               # uniform
    reservation: {distribution: triangular, low: 0.4, mode: 0.45, high: 0.7}
    reservation: {distribution: beta, alpha: 2, beta: 5, low: 0.4, high: 0.7}
    reservation: {distribution: normal, mean: 0.5, sd: 0.05, low: 0.4, high: 0.7}  # truncated
    reservation: {distribution: discrete, values: [0.4, 0.5, 0.6], probabilities: [0.2, 0.5, 0.3]}

A new distribution is one class here, added to :data:`DistributionSpec` (docs/architecture.md,
"where to add things").
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

__all__ = [
    "Beta",
    "Discrete",
    "Distribution",
    "DistributionSpec",
    "Present",
    "Triangular",
    "TruncatedNormal",
    "Uniform",
]

FloatArray = NDArray[np.float64]
_MAGNITUDE = 1e15  # as zopa.model.spec.MAX_MAGNITUDE (a test keeps them equal)


@runtime_checkable
class Distribution(Protocol):
    """What every distribution offers the samplers and the reports."""

    @property
    def low(self) -> float: ...

    @property
    def high(self) -> float: ...

    def ppf(self, u: FloatArray) -> FloatArray:
        """The inverse distribution function at ``u`` in [0, 1) (vectorised)."""
        ...

    def describe(self) -> str:
        """The distribution in words, e.g. ``triangular on [0.4, 0.7], most likely 0.45``."""
        ...

    def to_spec(self) -> Any:
        """The scenario-file form (what the one scenario writer writes)."""
        ...


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _sizes(self) -> _Dist:
        for name, x in self:
            xs = x if isinstance(x, tuple) else (x,)
            for v in xs:
                if isinstance(v, float) and abs(v) > _MAGNITUDE:
                    raise ValueError(
                        f"`{name}` {v:g} is larger than 1e15 in size||rescale the unit"
                    )
        return self

    def to_spec(self) -> Any:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.model_dump().items()}


def _ordered(low: float, high: float) -> None:
    if not low < high:
        raise ValueError(
            f"low {low:g} is not below high {high:g}"
            "||write low < high (a fixed number needs no distribution)"
        )


class Uniform(_Dist):
    """Every value of ``[low, high]`` equally likely (a ``[low, high]`` pair in the file)."""

    distribution: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}||write low <= high")
        return self

    def ppf(self, u: FloatArray) -> FloatArray:
        out: FloatArray = self.low + u * (self.high - self.low)
        return out

    def describe(self) -> str:
        return f"uniform on [{self.low:g}, {self.high:g}]"

    def to_spec(self) -> Any:
        return [self.low, self.high]


class Triangular(_Dist):
    """Low, most likely (``mode``) and high value; the density is a triangle."""

    distribution: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        _ordered(self.low, self.high)
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"mode {self.mode:g} is outside [{self.low:g}, {self.high:g}]"
                "||the most likely value lies between low and high"
            )
        return self

    def ppf(self, u: FloatArray) -> FloatArray:
        a, c, b = self.low, self.mode, self.high
        cut = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        out: FloatArray = np.where(u < cut, left, right)
        return out

    def describe(self) -> str:
        return f"triangular on [{self.low:g}, {self.high:g}], most likely {self.mode:g}"


class Beta(_Dist):
    """A beta(``alpha``, ``beta``) distribution stretched onto ``[low, high]``."""

    distribution: Literal["beta"]
    alpha: float = Field(gt=0)
    beta: float = Field(gt=0)
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Beta:
        _ordered(self.low, self.high)
        return self

    def ppf(self, u: FloatArray) -> FloatArray:
        from scipy.special import betaincinv

        out: FloatArray = self.low + (self.high - self.low) * betaincinv(self.alpha, self.beta, u)
        return out

    def describe(self) -> str:
        mean = self.low + (self.high - self.low) * self.alpha / (self.alpha + self.beta)
        return (
            f"beta({self.alpha:g}, {self.beta:g}) on [{self.low:g}, {self.high:g}], mean {mean:.3g}"
        )


class TruncatedNormal(_Dist):
    """A normal distribution (``mean``, ``sd``) cut to ``[low, high]``."""

    distribution: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> TruncatedNormal:
        _ordered(self.low, self.high)
        z = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        if z[0] > 8 or z[1] < -8:
            raise ValueError(
                f"the mean {self.mean:g} lies more than 8 standard deviations outside "
                f"[{self.low:g}, {self.high:g}]||move the mean into the range or widen sd"
            )
        return self

    def ppf(self, u: FloatArray) -> FloatArray:
        from scipy.special import ndtr, ndtri

        a = ndtr((self.low - self.mean) / self.sd)
        b = ndtr((self.high - self.mean) / self.sd)
        x = self.mean + self.sd * ndtri(a + u * (b - a))
        out: FloatArray = np.clip(x, self.low, self.high)
        return out

    def describe(self) -> str:
        return f"normal (mean {self.mean:g}, sd {self.sd:g}) cut to [{self.low:g}, {self.high:g}]"


class Discrete(_Dist):
    """A list of ``values`` with their ``probabilities`` (summing to 1)."""

    distribution: Literal["discrete"]
    values: tuple[float, ...] = Field(min_length=2, max_length=1000)
    probabilities: tuple[float, ...] = Field(min_length=2, max_length=1000)

    @field_validator("values", "probabilities", mode="before")
    @classmethod
    def _as_tuple(cls, v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    @model_validator(mode="after")
    def _check(self) -> Discrete:
        if len(self.values) != len(self.probabilities):
            raise ValueError(
                f"{len(self.values)} values but {len(self.probabilities)} probabilities"
                "||give one probability per value"
            )
        if len(set(self.values)) != len(self.values):
            raise ValueError("a value is listed twice||list each value once")
        if any(p < 0 for p in self.probabilities):
            raise ValueError("a probability is negative||probabilities lie in [0, 1]")
        total = math.fsum(self.probabilities)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"the probabilities sum to {total:.12g}, not 1||make them add up to 1")
        return self

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def ppf(self, u: FloatArray) -> FloatArray:
        order = np.argsort(self.values, kind="stable")
        xs = np.asarray(self.values)[order]
        cum = np.cumsum(np.asarray(self.probabilities)[order])
        k = np.minimum(np.searchsorted(cum, u, side="right"), len(xs) - 1)
        out: FloatArray = xs[k]
        return out

    def describe(self) -> str:
        pairs = ", ".join(
            f"{v:g} ({100 * p:g}%)" for v, p in zip(self.values, self.probabilities, strict=True)
        )
        return f"one of {pairs}"


class Present(_Dist):
    """A red line's presence: 1 (real) with ``probability``, else 0."""

    distribution: Literal["present"] = "present"
    probability: float = Field(ge=0, le=1)

    @property
    def low(self) -> float:
        return 0.0

    @property
    def high(self) -> float:
        return 1.0

    def ppf(self, u: FloatArray) -> FloatArray:
        out: FloatArray = (u < self.probability).astype(np.float64)
        return out

    def describe(self) -> str:
        return f"real with probability {self.probability:g}"

    def to_spec(self) -> Any:
        return self.probability


_KINDS: dict[str, str] = {
    "uniform": "Uniform",
    "triangular": "Triangular",
    "beta": "Beta",
    "normal": "TruncatedNormal",
    "discrete": "Discrete",
}


def _pair(v: Any) -> Any:
    """``[low, high]`` is the uniform distribution on the range."""
    if isinstance(v, list | tuple):
        if len(v) != 2:
            raise ValueError(
                f"a range has two numbers, not {len(v)}||write [low, high], or a mapping with "
                "`distribution: triangular | beta | normal | discrete | uniform`"
            )
        return {"distribution": "uniform", "low": v[0], "high": v[1]}
    if isinstance(v, dict) and v.get("distribution") not in _KINDS:
        raise ValueError(
            f"unknown distribution {v.get('distribution')!r}||use one of "
            + ", ".join(_KINDS)
            + " (or [low, high] for uniform)"
        )
    if not isinstance(v, dict | BaseModel):
        raise ValueError(
            f"{v!r:.40} is not a range||write [low, high] or a mapping with `distribution:`"
        )
    return v


def _tag(v: Any) -> str:
    kind = v.get("distribution") if isinstance(v, dict) else getattr(v, "distribution", None)
    return _KINDS.get(str(kind), "Uniform")


DistributionSpec = Annotated[
    Annotated[Triangular, Tag("Triangular")]
    | Annotated[Beta, Tag("Beta")]
    | Annotated[TruncatedNormal, Tag("TruncatedNormal")]
    | Annotated[Discrete, Tag("Discrete")]
    | Annotated[Uniform, Tag("Uniform")],
    Discriminator(_tag),
    BeforeValidator(_pair),
]
"""``[low, high]`` (uniform) or a mapping with a ``distribution`` key."""
