"""Forecasting where each issue lands: compromise, median, expected-utility and exchange models.

Inputs (:func:`load_forecast`): decide files, CSV tables, zopa forecast YAML, the DEU III
table (read by :mod:`zopa.io.forecast`, made arrays by :func:`to_input`), or a zopa scenario
(:func:`from_scenario`). Models: :func:`compromise`,
:func:`weighted_median`, :func:`expected_utility` (Bueno de Mesquita / Scholz et al. 2011) and
:func:`exchange` (Stokman & van Oosten 1994); :func:`run_models` runs them side by side and
:func:`backtest` scores them against known outcomes. See docs/forecasting.md.
"""

from __future__ import annotations

from zopa.forecast._types import Forecast, ForecastInput, IssueTrace, ModelRun
from zopa.forecast.eum import PRESETS, EumOptions, expected_utility
from zopa.forecast.exchange import exchange
from zopa.forecast.inputs import (
    load_forecast,
    parse_csv,
    parse_decide,
    parse_deu,
    parse_yaml,
    read_decide,
    to_input,
)
from zopa.forecast.run import MODELS, BacktestResult, ModelScore, backtest, run_models
from zopa.forecast.scenario import from_scenario
from zopa.forecast.static import compromise, weighted_median

__all__ = [
    "MODELS",
    "PRESETS",
    "BacktestResult",
    "EumOptions",
    "Forecast",
    "ForecastInput",
    "IssueTrace",
    "ModelRun",
    "ModelScore",
    "backtest",
    "compromise",
    "exchange",
    "expected_utility",
    "from_scenario",
    "load_forecast",
    "parse_csv",
    "parse_decide",
    "parse_deu",
    "parse_yaml",
    "read_decide",
    "run_models",
    "to_input",
    "weighted_median",
]
