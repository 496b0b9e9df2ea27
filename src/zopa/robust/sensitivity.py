"""Global sensitivity: which unknowns explain the uncertainty in an answer.

Two methods, each index with a bootstrap 95% interval:

- **Sobol indices** (independent inputs). First-order index S_i (the share of the output's
  variance that parameter i explains alone) by Saltelli et al. (2010), Table 2 (b), and total
  index ST_i (alone and in all its interactions) by Jansen (1999), from the radial design of
  Saltelli (2002): base matrices A and B (N rows each) and A with column i taken from B, so
  N (k + 2) model runs. Each parameter is drawn from its own distribution, independently: the
  evidence and any correlation are *not* applied (Sobol indices need independent inputs).
- **Shapley effects** (Owen 2014; Song, Nelson & Staum 2016), valid for dependent inputs such
  as the posterior that evidence makes: parameter i's effect is its average contribution to
  Var(E[Y | X_u]) over the orders in which the parameters can be revealed. They are estimated
  from the given kept samples with the nearest-neighbour estimator of Broto, Bachoc &
  Depecker (2020): E[Var(Y | X_u)] is the mean, over query points, of the variance of Y among
  the ``neighbours`` nearest samples in the coordinates u (on the rank scale). With up to
  :data:`EXACT_SHAPLEY` parameters every subset is used (exact Shapley weights); beyond, random
  permutations (Castro, Gomez & Tejada 2009). The effects sum to Var(Y) exactly and are
  reported as shares of it (summing to 1).

Outputs: ``zone`` (1 when an agreement zone exists), ``draft:ID`` (1 when every gating party
accepts draft ID) and ``margin`` (the best package's smallest margin, utility minus
reservation: how far the best deal is from acceptable to all; -1 where every package is
ruled out by a red line).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zopa.errors import AnalysisError
from zopa.robust.params import ESTIMATE_DIGITS, INDEX_DIGITS, Parameter

__all__ = [
    "EXACT_SHAPLEY",
    "GlobalSensitivity",
    "Index",
    "output_values",
    "parse_output",
    "shapley_effects",
    "sobol_indices",
]

FloatArray = NDArray[np.float64]
EXACT_SHAPLEY = 10  # up to this many parameters, Shapley effects use every subset
BOOTSTRAP = 500  # bootstrap resamples for the 95% intervals
Model = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class Index:
    """One parameter's indices (Sobol: first-order and total; Shapley: the effect)."""

    parameter: Parameter
    first_order: float | None = None
    first_order_ci: tuple[float, float] | None = None
    total: float | None = None
    total_ci: tuple[float, float] | None = None
    effect: float | None = None
    effect_ci: tuple[float, float] | None = None

    @property
    def share(self) -> float:
        """What the ranking uses: the effect, else the total index."""
        return float(self.effect if self.effect is not None else self.total or 0.0)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"parameter": self.parameter.name}
        if self.effect is not None:
            out["effect"] = _r(self.effect)
            out["effect_ci"] = [_r(x) for x in self.effect_ci or ()]
        else:
            out["first_order"] = _r(self.first_order or 0.0)
            out["first_order_ci"] = [_r(x) for x in self.first_order_ci or ()]
            out["total"] = _r(self.total or 0.0)
            out["total_ci"] = [_r(x) for x in self.total_ci or ()]
        return out


def _r(x: float) -> float:
    return round(float(x), INDEX_DIGITS)


@dataclass(frozen=True)
class GlobalSensitivity:
    """The indices of every parameter for one output, largest first."""

    method: str  # sobol | shapley
    output: str  # zone | draft:ID | margin
    indices: tuple[Index, ...]
    runs: int  # model runs (Sobol) or given samples (Shapley)
    variance: float  # Var(Y) the indices divide
    mean: float  # E[Y]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "output": self.output,
            "indices": [i.to_dict() for i in self.indices],
            "runs": self.runs,
            "variance": round(self.variance, ESTIMATE_DIGITS),
            "mean": round(self.mean, ESTIMATE_DIGITS),
            "notes": list(self.notes),
        }


def parse_output(output: str, drafts: Sequence[str]) -> str:
    """Check an output name: ``zone``, ``margin`` or ``draft:ID``."""
    if output in ("zone", "margin"):
        return output
    if output.startswith("draft:") and output[6:] in drafts:
        return output
    known = ", ".join(f"draft:{d}" for d in drafts) or "(the scenario has no drafts)"
    raise AnalysisError(
        f"unknown sensitivity output `{output}`: use zone, margin or draft:ID ({known})"
    )


def output_values(
    output: str,
    zone: NDArray[Any],
    draft_all: NDArray[Any],
    best: FloatArray,
    drafts: Sequence[str],
) -> FloatArray:
    """Y per sample for an output name (see the module docstring)."""
    if output == "zone":
        return zone.astype(np.float64)
    if output == "margin":
        return np.maximum(best, -1.0)
    return draft_all[:, list(drafts).index(output[6:])].astype(np.float64)


# ------------------------------------------------------------------------------ Sobol


def sobol_indices(
    params: Sequence[Parameter],
    model: Model,
    base: int,
    seed: int,
    output: str,
    notes: Sequence[str] = (),
) -> GlobalSensitivity:
    """Sobol first-order and total indices of ``model`` at ``base`` rows of A and B.

    ``model`` maps parameter values (rows x k) to Y (rows). The uniforms come from
    ``SeedSequence(seed, spawn_key=(2**32 - 1,))``, apart from the robustness stream.
    """
    k = len(params)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 1,)))
    ua, ub = rng.random((base, k)), rng.random((base, k))
    rows = [ua, ub] + [np.where(np.arange(k) == i, ub, ua) for i in range(k)]
    u = np.concatenate(rows)
    theta = np.empty_like(u)
    for j, p in enumerate(params):
        theta[:, j] = p.distribution.ppf(u[:, j])
    y = model(theta)
    model_mean = y[: 2 * base]
    # centred on the base runs' mean: the same indices, a smaller estimator variance
    y = y - float(np.mean(y[: 2 * base]))
    ya, yb = y[:base], y[base : 2 * base]
    yab = y[2 * base :].reshape(k, base).T  # (N, k)
    first, total, var = _sobol(ya[None, :], yb[None, :], yab[None, :, :])
    boot = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 2,)))
    idx = boot.integers(0, base, size=(BOOTSTRAP, base))
    bf, bt, _ = _sobol(ya[idx], yb[idx], yab[idx])
    indices = [
        Index(
            p,
            first_order=float(first[0, j]),
            first_order_ci=_ci(bf[:, j]),
            total=float(total[0, j]),
            total_ci=_ci(bt[:, j]),
        )
        for j, p in enumerate(params)
    ]
    indices.sort(key=lambda i: -(i.total or 0.0))
    extra = list(notes)
    if var[0] <= 0:
        extra.append(f"the output does not vary over {len(y):,} runs: every index is 0")
    return GlobalSensitivity(
        "sobol",
        output,
        tuple(indices),
        len(y),
        float(var[0]),
        float(np.mean(model_mean)),
        tuple(extra),
    )


def _sobol(
    ya: FloatArray, yb: FloatArray, yab: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(first, total, variance) for stacked resamples: ya, yb (R, N), yab (R, N, k)."""
    var = np.concatenate([ya, yb], axis=1).var(axis=1)
    safe = np.where(var > 0, var, 1.0)[:, None]
    first = np.mean(yb[:, :, None] * (yab - ya[:, :, None]), axis=1) / safe
    total = 0.5 * np.mean((ya[:, :, None] - yab) ** 2, axis=1) / safe
    zero = (var <= 0)[:, None]
    return np.where(zero, 0.0, first), np.where(zero, 0.0, total), var


def _ci(x: FloatArray) -> tuple[float, float]:
    lo, hi = np.percentile(x, [2.5, 97.5])
    return float(lo), float(hi)


# ------------------------------------------------------------------------------ Shapley


def shapley_effects(  # noqa: C901, PLR0913  the estimator's tuning keywords; its guards for degenerate samples
    params: Sequence[Parameter],
    theta: FloatArray,
    y: FloatArray,
    seed: int,
    output: str,
    *,
    weights: FloatArray | None = None,
    neighbours: int = 3,
    permutations: int = 30,
    queries: int = 2_000,
    notes: Sequence[str] = (),
) -> GlobalSensitivity:
    """Shapley effects of the given samples ``theta`` (n x k) with outputs ``y``.

    With ``weights`` (soft evidence) the samples are first resampled in proportion to them, so
    the effects are those of the weighted posterior.
    """
    from scipy.spatial import cKDTree
    from scipy.stats import rankdata

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 3,)))
    n, k = theta.shape
    extra = list(notes)
    if weights is not None and not np.allclose(weights, weights[0]):
        pick = rng.choice(n, size=n, p=weights / weights.sum())
        theta, y = theta[pick], y[pick]
        extra.append(
            f"the soft evidence's weights are applied by resampling the {n:,} kept samples"
        )
    x = np.column_stack([rankdata(theta[:, j]) / n for j in range(k)]) if k else theta
    q = rng.choice(n, size=min(queries, n), replace=False)
    local: dict[frozenset[int], FloatArray] = {}

    def cond_var(u: frozenset[int]) -> FloatArray:
        """Per query point, the variance of Y among its nearest neighbours in coordinates u."""
        if u not in local:
            cols = sorted(u)
            tree = cKDTree(x[:, cols])
            _, nb = tree.query(x[q][:, cols], k=neighbours)
            local[u] = y[nb].var(axis=1, ddof=1)
        return local[u]

    everything = frozenset(range(k))
    if k <= EXACT_SHAPLEY:
        subsets = _all_subsets(k)
        orders = None
    else:
        orders = np.array([rng.permutation(k) for _ in range(permutations)])
        subsets = sorted(
            {frozenset(o[: j + 1].tolist()) for o in orders for j in range(k - 1)}, key=len
        )
    y_q = y[q]
    lv = {u: cond_var(u) for u in subsets if u and u != everything}

    def effects(sel: NDArray[np.int64], perm_sel: NDArray[np.int64] | None) -> FloatArray:
        v = float(y_q[sel].var(ddof=1)) if len(sel) > 1 else 0.0
        if v <= 0:
            return np.zeros(k)

        def explained(u: frozenset[int]) -> float:  # Var(E[Y | X_u]) = V - E[Var(Y | X_u)]
            if not u:
                return 0.0
            if u == everything:
                return v
            return v - float(lv[u][sel].mean())

        sh = np.zeros(k)
        if orders is None:
            for u in subsets:
                if len(u) == k:
                    continue
                wu = math.factorial(len(u)) * math.factorial(k - len(u) - 1) / math.factorial(k)
                base = explained(u)
                for i in range(k):
                    if i not in u:
                        sh[i] += wu * (explained(u | {i}) - base)
        else:
            use = orders if perm_sel is None else orders[perm_sel]
            for o in use:
                prev, before = frozenset[int](), 0.0
                for i in o:
                    cur = prev | {int(i)}
                    now = explained(cur)
                    sh[i] += now - before
                    prev, before = cur, now
            sh /= len(use)
        out: FloatArray = sh / v
        return out

    all_q = np.arange(len(q))
    est = effects(all_q, None)
    boot = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 4,)))
    reps = np.array(
        [
            effects(
                boot.integers(0, len(q), size=len(q)),
                None if orders is None else boot.integers(0, len(orders), size=len(orders)),
            )
            for _ in range(200 if orders is None else 100)
        ]
    )
    var = float(y.var(ddof=1)) if n > 1 else 0.0
    if var <= 0:
        extra.append(f"the output does not vary over the {n:,} kept samples: every effect is 0")
    method = (
        "every subset (exact Shapley weights)"
        if orders is None
        else f"{len(orders)} random orders of the parameters"
    )
    extra.append(
        f"nearest-neighbour estimate ({neighbours} neighbours, {len(q):,} query points of "
        f"{n:,} kept samples), {method}; intervals by bootstrap"
    )
    indices = [
        Index(p, effect=float(est[j]), effect_ci=_ci(reps[:, j])) for j, p in enumerate(params)
    ]
    indices.sort(key=lambda i: -(i.effect or 0.0))
    return GlobalSensitivity(
        "shapley", output, tuple(indices), n, var, float(np.mean(y)), tuple(extra)
    )


def _all_subsets(k: int) -> list[frozenset[int]]:
    return [frozenset(i for i in range(k) if mask >> i & 1) for mask in range(1 << k)]


def summary(g: GlobalSensitivity) -> Mapping[str, float]:
    """Parameter id -> its share (effect or total index), for the track's "matters most"."""
    return {i.parameter.name: i.share for i in g.indices}
