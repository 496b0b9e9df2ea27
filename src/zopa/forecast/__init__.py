"""Forecasting where each issue lands: compromise, median, expected-utility and exchange models."""

from __future__ import annotations

from zopa.forecast._types import Forecast, ForecastInput, IssueTrace, ModelRun
from zopa.forecast.decide import parse_decide, read_decide
from zopa.forecast.static import compromise, weighted_median
from zopa.forecast.tables import load_forecast, parse_csv, parse_deu, parse_yaml

__all__ = [
    "Forecast",
    "ForecastInput",
    "IssueTrace",
    "ModelRun",
    "compromise",
    "load_forecast",
    "parse_csv",
    "parse_decide",
    "parse_deu",
    "parse_yaml",
    "read_decide",
    "weighted_median",
]
