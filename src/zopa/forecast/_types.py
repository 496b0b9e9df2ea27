"""Frozen inputs and results of the forecasting models.

A :class:`ForecastInput` is a table of actors × issues: each cell holds a position on the
issue's scale, a salience in [0, 1] and a capability (NaN where the actor takes no part).
Models return a :class:`ModelRun` per model: one forecast per issue and, for the dynamic
models, an :class:`IssueTrace` per issue with the rounds.
"""

from __future__ import annotations

import itertools
from dataclasses import field
from typing import Any

import numpy as np
import numpy.typing as npt

from zopa.records import frozen

__all__ = ["Forecast", "ForecastInput", "IssueTrace", "ModelRun"]

FloatArray = npt.NDArray[np.float64]


def _frozen(a: npt.ArrayLike) -> FloatArray:
    arr = np.array(a, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@frozen(eq=False)
class ForecastInput:
    """Actors × issues: positions, saliences (0-1) and capabilities; NaN where an actor is absent.

    ``low``/``high`` are the ends of each issue's scale (from ``#M`` anchors or the data),
    ``outcome`` a known outcome per issue (NaN when unknown; used by the backtest) and
    ``group`` the issue's group (issues of one group can be traded by the exchange model;
    by default all issues form one group). From a scenario, ``scales`` names the points of
    an ordered issue's scale (issue -> ((value, option label), ...)), ``units`` holds a
    numeric issue's unit and ``left_out`` says which issues or parties were left out, and why.
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: FloatArray
    salience: FloatArray
    capability: FloatArray
    low: FloatArray
    high: FloatArray
    outcome: FloatArray
    group: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    source: str = ""
    scales: dict[str, tuple[tuple[float, str], ...]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, m = len(self.actors), len(self.issues)
        for name in ("position", "salience", "capability"):
            arr = _frozen(getattr(self, name))
            if arr.shape != (n, m):
                raise ValueError(f"{name} has shape {arr.shape}, expected {(n, m)}")
            object.__setattr__(self, name, arr)
        for name in ("low", "high", "outcome"):
            arr = _frozen(getattr(self, name))
            if arr.shape != (m,):
                raise ValueError(f"{name} has shape {arr.shape}, expected {(m,)}")
            object.__setattr__(self, name, arr)
        if not self.group:
            object.__setattr__(self, "group", ("all",) * m)
        if len(self.group) != m:
            raise ValueError(f"group has {len(self.group)} entries, expected {m}")

    @property
    def present(self) -> npt.NDArray[np.bool_]:
        """Actor × issue mask: the actor has a position, salience and capability there."""
        return ~(np.isnan(self.position) | np.isnan(self.salience) | np.isnan(self.capability))

    def issue(self, issue_id: str) -> ForecastInput:
        """The input restricted to one issue (actors without a position there dropped)."""
        j = self.issues.index(issue_id)
        return self.subset([j])

    def subset(self, issue_idx: list[int]) -> ForecastInput:
        """The input restricted to some issues; actors absent on all of them are dropped."""
        cols = np.asarray(issue_idx, dtype=int)
        keep: npt.NDArray[np.bool_] = np.asarray(self.present[:, cols].any(axis=1))
        return ForecastInput(
            actors=tuple(a for a, k in zip(self.actors, keep.tolist(), strict=True) if k),
            issues=tuple(self.issues[j] for j in cols),
            position=self.position[np.ix_(keep, cols)],
            salience=self.salience[np.ix_(keep, cols)],
            capability=self.capability[np.ix_(keep, cols)],
            low=self.low[cols],
            high=self.high[cols],
            outcome=self.outcome[cols],
            group=tuple(self.group[j] for j in cols),
            labels={
                self.issues[j]: self.labels[self.issues[j]]
                for j in cols
                if self.issues[j] in self.labels
            },
            source=self.source,
            scales={
                self.issues[j]: self.scales[self.issues[j]]
                for j in cols
                if self.issues[j] in self.scales
            },
            units={
                self.issues[j]: self.units[self.issues[j]]
                for j in cols
                if self.issues[j] in self.units
            },
            left_out=dict(self.left_out),
        )

    def option_near(self, issue: str, value: float) -> str | None:
        """The label of the scale point nearest ``value`` on an ordered issue (else None)."""
        points = self.scales.get(issue)
        if not points or value != value:  # NaN
            return None
        return min(points, key=lambda p: abs(p[0] - value))[1]

    def to_dict(self) -> dict[str, Any]:
        """Per issue, per actor: position, salience (0-1) and capability."""
        out: dict[str, Any] = {}
        mask = self.present
        for j, iss in enumerate(self.issues):
            out[iss] = {
                a: {
                    "position": float(self.position[i, j]),
                    "salience": float(self.salience[i, j]),
                    "capability": float(self.capability[i, j]),
                }
                for i, a in enumerate(self.actors)
                if mask[i, j]
            }
        return {"actors": list(self.actors), "issues": out}


@frozen
class IssueTrace:
    """The rounds of a dynamic model on one issue: round 0 is the input."""

    median: tuple[float, ...]
    mean: tuple[float, ...]
    positions: dict[str, tuple[float, ...]]

    def settling(self, span: float, which: str = "median", tol: float = 0.01) -> str:
        """``converged``, ``oscillating`` or ``still moving`` over the last rounds.

        A series has converged when its last three steps are each under ``tol`` of the
        issue's scale ``span``; it oscillates when, among its last four steps larger than
        that, the direction flips at least twice; otherwise it is still moving.
        """
        series = self.median if which == "median" else self.mean
        steps = [b - a for a, b in itertools.pairwise(series)]
        eps = tol * (span if span > 0 else 1.0)
        if len(steps) < 2 or all(abs(d) < eps for d in steps[-3:]):
            return "converged"
        big = [d for d in steps[-4:] if abs(d) >= eps]
        flips = sum(1 for a, b in itertools.pairwise(big) if (a > 0) != (b > 0))
        return "oscillating" if flips >= 2 else "still moving"

    def to_dict(self) -> dict[str, Any]:
        return {
            "median": list(self.median),
            "mean": list(self.mean),
            "positions": {a: list(v) for a, v in self.positions.items()},
        }


@frozen
class ModelRun:
    """One model's forecast per issue and, for dynamic models, the rounds per issue."""

    model: str
    forecast: dict[str, float]
    trace: dict[str, IssueTrace] = field(default_factory=dict)
    statistic: str = ""  # what the forecast number is, in words

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "statistic": self.statistic,
            "forecast": dict(self.forecast),
        }
        if self.trace:
            out["trace"] = {k: t.to_dict() for k, t in self.trace.items()}
        return out


@frozen
class Forecast:
    """Several models side by side: ``runs[model].forecast[issue]``."""

    issues: tuple[str, ...]
    runs: dict[str, ModelRun]
    data: ForecastInput | None = field(default=None, compare=False, repr=False)

    def value(self, model: str, issue: str) -> float:
        return self.runs[model].forecast[issue]

    @property
    def warnings(self) -> tuple[str, ...]:
        """A dynamic model that oscillates or is still moving at its last round, per issue."""
        out = []
        for m, run in self.runs.items():
            for issue, tr in run.trace.items():
                span = 1.0
                if self.data is not None and issue in self.data.issues:
                    j = self.data.issues.index(issue)
                    span = float(self.data.high[j] - self.data.low[j])
                which = "mean" if m == "exchange" else "median"
                state = tr.settling(span, which)
                if state != "converged":
                    out.append(
                        f"{m} on {issue}: the {which} is {state} at the last round "
                        f"(round {len(tr.median) - 1}); read its forecast with care"
                        + (" or run more rounds (--rounds)" if state == "still moving" else "")
                    )
        return tuple(out)

    def to_dict(self, *, trace: bool = False) -> dict[str, Any]:
        """``{"issues": {issue: {model: value}}}``, plus ``"trace"`` when asked."""
        issues = {
            iss: {m: _json_float(r.forecast.get(iss, float("nan"))) for m, r in self.runs.items()}
            for iss in self.issues
        }
        out: dict[str, Any] = {
            "issues": issues,
            "statistics": {m: r.statistic for m, r in self.runs.items()},
            "warnings": list(self.warnings),
        }
        if self.data is not None:
            out["left_out"] = dict(self.data.left_out)
            out["nearest_option"] = {
                iss: {
                    m: self.data.option_near(iss, r.forecast.get(iss, float("nan")))
                    for m, r in self.runs.items()
                }
                for iss in self.issues
                if iss in self.data.scales
            }
        if trace:
            out["trace"] = {
                m: {k: t.to_dict() for k, t in r.trace.items()}
                for m, r in self.runs.items()
                if r.trace
            }
        return out


def _json_float(x: float) -> float | None:
    return None if np.isnan(x) else float(x)
