"""Running several models side by side, and the backtest against known outcomes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from zopa.errors import AnalysisError
from zopa.forecast._types import Forecast, ForecastInput, ModelRun
from zopa.forecast.eum import DEFAULT_PRESET, expected_utility
from zopa.forecast.exchange import exchange
from zopa.forecast.static import compromise, weighted_median
from zopa.records import frozen

__all__ = ["MODELS", "STATISTICS", "BacktestResult", "ModelScore", "backtest", "run_models"]

MODELS: tuple[str, ...] = ("compromise", "median", "eum", "exchange")
"""The model names, in the order they are reported."""

STATISTICS: dict[str, str] = {
    "compromise": "mean of the positions weighted by capability x salience",
    "median": "median of the positions weighted by capability x salience",
    "eum": "weighted median of the positions after the last round of the expected-utility model",
    "exchange": "weighted mean of the positions after the last round of exchanges",
}
"""What each model's forecast number is."""


MAX_ACTORS = 300
"""At most 300 actors for the expected-utility model: it weighs every pair of actors by every
voter (n^3 steps per issue and round; 300 actors take about 10 s, 2,000 would take an hour).
The compromise and median models take any number."""
MAX_EXCHANGE_CELLS = 200_000_000
"""The exchange model looks at every pair of actors on every pair of issues of a group:
at most 2e8 such combinations (a few hundred MB)."""


def check_size(data: ForecastInput, models: Sequence[str] = MODELS) -> None:
    """Refuse up front an input the ``models`` cannot run in bounded time and memory."""
    n = len(data.actors)
    where = f"{data.source}: " if data.source else ""
    if "eum" in models and n > MAX_ACTORS:
        raise AnalysisError(
            f"{where}{n:,} actors, over the limit of {MAX_ACTORS:,}: the expected-utility "
            "model compares every pair of actors for every voter (n^3 work per issue and "
            "round); merge small actors into blocs, or use --model compromise / median"
        )
    if "exchange" not in models:
        return
    groups: dict[str, int] = {}
    for g in data.group:
        groups[g] = groups.get(g, 0) + 1
    cells = n * n * sum(k * (k - 1) // 2 for k in groups.values())
    if cells > MAX_EXCHANGE_CELLS:
        raise AnalysisError(
            f"{where}{n:,} actors on {len(data.issues):,} issues give {cells:.1e} actor-pair x "
            f"issue-pair combinations for the exchange model, over {MAX_EXCHANGE_CELLS:.0e}; "
            "forecast fewer issues at a time or group them"
        )


def run_models(
    data: ForecastInput,
    models: Sequence[str] = MODELS,
    *,
    rounds: int | None = None,
    preset: str = DEFAULT_PRESET,
) -> Forecast:
    """Run the named models (``"all"`` for every one) on every issue, side by side.

    Raises :class:`AnalysisError` up front for inputs over :data:`MAX_ACTORS` actors or
    :data:`MAX_EXCHANGE_CELLS` (see :func:`check_size`)."""
    names = _model_names(models)
    check_size(data, names)
    runners: dict[str, Callable[[], ModelRun]] = {
        "compromise": lambda: compromise(data),
        "median": lambda: weighted_median(data),
        "eum": lambda: expected_utility(data, preset=preset, rounds=rounds),
        "exchange": lambda: exchange(data, rounds=10 if rounds is None else rounds),
    }
    runs = {m: replace(runners[m](), statistic=STATISTICS[m]) for m in names}
    return Forecast(issues=data.issues, runs=runs, data=data)


def _model_names(models: Sequence[str]) -> list[str]:
    out: list[str] = []
    for m in models:
        if m == "all":
            out.extend(MODELS)
        elif m in MODELS:
            out.append(m)
        else:
            raise AnalysisError(f"unknown model {m!r}; use one of: {', '.join(MODELS)}, all")
    return list(dict.fromkeys(out))


@frozen
class ModelScore:
    """Absolute errors of one model on a 0-100 scale."""

    mae: float
    median_ae: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"mae": self.mae, "median_ae": self.median_ae, "n": self.n}


@frozen
class BacktestResult:
    """Per model, the mean and median absolute error against the known outcomes."""

    scores: dict[str, ModelScore]
    forecast: Forecast

    def to_dict(self) -> dict[str, Any]:
        return {"models": {m: s.to_dict() for m, s in self.scores.items()}}


def backtest(
    data: ForecastInput,
    models: Sequence[str] = MODELS,
    *,
    rounds: int | None = None,
    preset: str = DEFAULT_PRESET,
) -> BacktestResult:
    """Forecast every issue with a known outcome and score each model.

    Errors are rescaled to 0-100 by each issue's scale (``low``-``high``), so DEU III
    (already 0-100) is scored as given. Issues without an outcome are skipped.
    """
    known = np.flatnonzero(~np.isnan(data.outcome))
    if known.size == 0:
        raise AnalysisError(
            "no issue has a known outcome to test against; give an `outcome` per issue"
        )
    sub = data.subset(known.tolist())
    fc = run_models(sub, models, rounds=rounds, preset=preset)
    span = np.where(sub.high > sub.low, sub.high - sub.low, 1.0)
    scores = {}
    for m, run in fc.runs.items():
        pred = np.array([run.forecast[i] for i in sub.issues])
        err = np.abs(pred - sub.outcome) / span * 100.0
        err = err[~np.isnan(err)]
        scores[m] = ModelScore(
            float(err.mean()) if err.size else float("nan"),
            float(np.median(err)) if err.size else float("nan"),
            int(err.size),
        )
    return BacktestResult(scores, fc)
