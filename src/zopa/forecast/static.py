"""The two static models: compromise (weighted mean) and weighted median.

Both weigh each actor by capability × salience and ignore actors absent on an issue.
"""

from __future__ import annotations

import numpy as np

from zopa.forecast._types import FloatArray, ForecastInput, ModelRun

__all__ = ["compromise", "weighted_mean", "weighted_median", "weighted_median_values"]


def weighted_mean(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Per column, the weight-weighted mean of positions (NaN cells ignored)."""
    w = np.where(np.isnan(position) | np.isnan(weight), 0.0, weight)
    x = np.where(w > 0, position, 0.0)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * x).sum(axis=0) / np.where(total > 0, total, 1.0), np.nan)


def weighted_median_values(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Per column, the lowest position whose cumulative weight reaches half the total.

    With linear (single-peaked, symmetric) utilities this is the position no majority of
    weighted votes can beat — Black's (1948) median voter, the Condorcet winner.
    """
    w = np.where(np.isnan(position) | np.isnan(weight), 0.0, weight)
    x = np.where(w > 0, position, np.inf)
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    cw = np.cumsum(np.take_along_axis(w, order, axis=0), axis=0)
    total = cw[-1] if len(cw) else np.zeros(position.shape[1])
    # a tiny tolerance so that exact halves pick the lower position deterministically
    k = np.argmax(cw >= total * 0.5 - 1e-12 * np.maximum(total, 1.0), axis=0)
    out = xs[k, np.arange(x.shape[1])] if len(xs) else np.full(position.shape[1], np.nan)
    return np.where(total > 0, out, np.nan)


def compromise(data: ForecastInput) -> ModelRun:
    """The compromise model: the capability·salience-weighted mean of positions per issue.

    Van den Bos (1991), Achen (2006): the Nash-bargaining-like "compromise model" that on the
    DEU data sets is hard to beat (Thomson et al. 2006).
    """
    values = weighted_mean(data.position, data.capability * data.salience)
    return ModelRun("compromise", dict(zip(data.issues, map(float, values), strict=True)))


def weighted_median(data: ForecastInput) -> ModelRun:
    """The capability·salience-weighted median position per issue (Black 1948)."""
    values = weighted_median_values(data.position, data.capability * data.salience)
    return ModelRun("median", dict(zip(data.issues, map(float, values), strict=True)))
