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
  the query point and its ``neighbours - 1`` nearest other samples in the coordinates u (on
  the rank scale), over ``queries`` (2,000) query points. With up to :data:`EXACT_SHAPLEY`
  parameters every subset is used (exact Shapley weights); beyond, ``permutations`` (30)
  random orders (Castro, Gomez & Tejada 2009). The effects sum to Var(Y) exactly and are
  reported as shares of it (summing to 1); the intervals resample the query points and the
  orders. The neighbour search is exact (:func:`neighbour_variances`): the subsets form a tree
  (each order's prefixes a chain), and a prefix's distances are its parent's plus one column.

Outputs: ``zone`` (1 when an agreement zone exists), ``draft:ID`` (1 when every gating party
accepts draft ID) and ``margin`` (the best package's smallest margin, utility minus
reservation: how far the best deal is from acceptable to all; -1 where every package is
ruled out by a red line).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zopa.errors import AnalysisError
from zopa.records import frozen
from zopa.robust.params import ESTIMATE_DIGITS, INDEX_DIGITS, Parameter

__all__ = [
    "EXACT_SHAPLEY",
    "GlobalSensitivity",
    "Index",
    "SubsetTree",
    "neighbour_variances",
    "output_values",
    "parse_output",
    "shapley_effects",
    "sobol_indices",
]

FloatArray = NDArray[np.float64]
EXACT_SHAPLEY = 10  # up to this many parameters, Shapley effects use every subset
BOOTSTRAP = 500  # bootstrap resamples for the 95% intervals
THREADS = min(4, os.cpu_count() or 1)  # for the Shapley effects' neighbour search
Model = Callable[[FloatArray], FloatArray]


@frozen
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


@frozen
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
    first, total, var = _sobol(ya, yb, yab, np.ones((base, 1)))
    boot = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 2,)))
    idx = boot.integers(0, base, size=(BOOTSTRAP, base))
    counts = np.bincount(
        (idx + (np.arange(BOOTSTRAP) * base)[:, None]).ravel(), minlength=BOOTSTRAP * base
    )
    bf, bt, _ = _sobol(ya, yb, yab, counts.reshape(BOOTSTRAP, base).T.astype(np.float64))
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
    ya: FloatArray, yb: FloatArray, yab: FloatArray, w: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(first, total, variance) per resample: ya, yb (N), yab (N, k); ``w`` (N, R) how often
    each row is drawn in each of R resamples (ones: the estimate itself). The estimators are
    means over rows, so a resample's is a weighted mean: two products instead of R copies."""
    n = len(ya)
    mean = (ya @ w + yb @ w) / (2 * n)
    var = (ya * ya @ w + yb * yb @ w) / (2 * n) - mean * mean
    safe = np.where(var > 0, var, 1.0)[:, None]
    first = (w.T @ (yb[:, None] * (yab - ya[:, None]))) / n / safe
    total = 0.5 * (w.T @ ((ya[:, None] - yab) ** 2)) / n / safe
    zero = (var <= 0)[:, None]
    return np.where(zero, 0.0, first), np.where(zero, 0.0, total), var


def _ci(x: FloatArray) -> tuple[float, float]:
    lo, hi = np.percentile(x, [2.5, 97.5])
    return float(lo), float(hi)


# ------------------------------------------------------------------------------ Shapley


def shapley_effects(  # noqa: PLR0913  the estimator's tuning keywords
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
    the effects are those of the weighted posterior. ``queries`` samples (drawn without
    replacement) are the query points; each has ``neighbours - 1`` nearest other samples.
    """
    if neighbours < 2:
        raise AnalysisError(f"Shapley effects need at least 2 neighbours (got {neighbours})")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 3,)))
    n, k = theta.shape
    extra = list(notes)
    if weights is not None and not np.allclose(weights, weights[0]):
        pick = rng.choice(n, size=n, p=weights / weights.sum())
        theta, y = theta[pick], y[pick]
        extra.append(
            f"the soft evidence's weights are applied by resampling the {n:,} kept samples"
        )
    x = np.column_stack([_ranks(theta[:, j]) / n for j in range(k)]) if k else theta
    q = rng.choice(n, size=min(queries, n), replace=False)
    if k <= EXACT_SHAPLEY:
        chains = [sorted(u) for u in _all_subsets(k) if 0 < len(u) < k]
        orders = None
    else:
        orders = np.array([rng.permutation(k) for _ in range(permutations)])
        chains = [o[: k - 1].tolist() for o in orders]
    tree = SubsetTree.of(chains)
    jitter = np.random.SeedSequence(seed, spawn_key=(2**32 - 5,))
    local = neighbour_variances(x, y, q, tree, neighbours, jitter, threads=THREADS)
    node = tree.node_of_set()  # one node per subset: the first that reached it
    full = len(tree.parent)  # the index of c(everything) = Var(Y) below
    if orders is None:
        mix = _exact_weights(k, node, full)
    else:
        ids = np.array(
            [
                [0] + [node[frozenset(o[: j + 1].tolist())] for j in range(k - 1)] + [full]
                for o in orders
            ]
        )
    # the estimate (column 0) and the bootstrap resamples of the query points and the orders
    boot = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 4,)))
    nq = len(q)
    wq = np.column_stack([np.ones(nq), _counts(boot, nq, BOOTSTRAP)])
    v = _weighted_var(y[q], wq)
    explained = np.vstack([v - local @ wq / nq, v])  # c(u) = Var(Y) - E[Var(Y | X_u)] per node
    explained[0] = 0.0  # c(empty set)
    if orders is None:
        sh = mix @ explained  # (k, resamples)
    else:
        wo = np.column_stack([np.ones(len(orders)), _counts(boot, len(orders), BOOTSTRAP)])
        steps = np.diff(explained[ids], axis=1)  # (orders, k, resamples): position j adds o[j]
        gain = np.take_along_axis(steps, np.argsort(orders, axis=1)[:, :, None], axis=1)
        sh = np.einsum("pir,pr->ir", gain, wo) / wo.sum(axis=0)
    share = np.where(v > 0, sh / np.where(v > 0, v, 1.0), 0.0)
    var = float(y.var(ddof=1)) if n > 1 else 0.0
    if var <= 0:
        extra.append(f"the output does not vary over the {n:,} kept samples: every effect is 0")
    method = (
        "every subset (exact Shapley weights)"
        if orders is None
        else f"{len(orders)} random orders of the parameters"
    )
    extra.append(
        f"nearest-neighbour estimate (each of {nq:,} query points of {n:,} kept samples with "
        f"its {min(neighbours - 1, n - 1)} nearest, exact search), {method}; "
        f"intervals by bootstrap ({BOOTSTRAP} resamples)"
    )
    indices = [
        Index(p, effect=float(share[j, 0]), effect_ci=_ci(share[j, 1:]))
        for j, p in enumerate(params)
    ]
    indices.sort(key=lambda i: -(i.effect or 0.0))
    return GlobalSensitivity(
        "shapley", output, tuple(indices), n, var, float(np.mean(y)), tuple(extra)
    )


@frozen
class SubsetTree:
    """Subsets of the parameters as a tree: node ``j`` is its ``parent[j]``'s subset plus the
    column ``column[j]``; node 0 is the empty set. Chains of columns sharing a start share
    their nodes, so a subset reached the same way twice is searched once."""

    parent: tuple[int, ...]
    column: tuple[int, ...]

    @classmethod
    def of(cls, chains: Sequence[Sequence[int]]) -> SubsetTree:
        parent, column = [-1], [-1]
        seen: dict[tuple[int, int], int] = {}
        for chain in chains:
            at = 0
            for c in chain:
                key = (at, int(c))
                if key not in seen:
                    seen[key] = len(parent)
                    parent.append(at)
                    column.append(int(c))
                at = seen[key]
        return cls(tuple(parent), tuple(column))

    def subsets(self) -> list[frozenset[int]]:
        out: list[frozenset[int]] = [frozenset()]
        for p, c in zip(self.parent[1:], self.column[1:], strict=True):
            out.append(out[p] | {c})
        return out

    def node_of_set(self) -> dict[frozenset[int], int]:
        first: dict[frozenset[int], int] = {}
        for j, u in enumerate(self.subsets()):
            first.setdefault(u, j)
        return first


def neighbour_variances(
    x: FloatArray,
    y: FloatArray,
    q: NDArray[np.int64],
    tree: SubsetTree,
    neighbours: int,
    seed: np.random.SeedSequence,
    threads: int = 1,
) -> FloatArray:
    """Per node of ``tree`` (rows; row 0, the empty set, is 0) and query point ``q[j]``
    (columns): the variance (ddof 1) of Y over the query point and its ``neighbours - 1``
    nearest other samples in the node's coordinates of ``x`` (Euclidean, in float32: ``x`` on
    the rank scale, values in [0, 1]). Samples at distance 0 from a query point (the same
    values in every coordinate of the node) are taken in a random order drawn per query
    point; other exact ties (rare: sums of squared differences that coincide), in sample order.
    Only distances of exactly 0 get the random tie-breaking key (below the smallest distance
    that is not 0), and only at nodes whose columns all repeat values (none can be 0 where a
    column's values are all distinct), so two distances that differ, however little, keep
    their order: a key added to every distance swapped near-equal neighbours.

    Exact brute-force search, organised for speed: query points go in blocks of a few dozen
    whose squared distances to every sample stay in cache; a node's distances are its parent's
    plus one column's squared differences (computed once per block and column), so the whole
    tree costs one addition pass and ``neighbours - 1`` argmin passes per node and block (an
    order of k parameters, k - 1 nodes) instead of a search per subset from scratch. The
    blocks are shared by ``threads`` threads (NumPy releases the GIL in these passes); each
    block draws its own tie-breaking stream, so the answer does not depend on ``threads``.
    """
    n = len(x)
    m = min(neighbours - 1, n - 1)
    xt = np.ascontiguousarray(x.T, dtype=np.float32)
    out = np.zeros((len(tree.parent), len(q)))
    kids: list[list[int]] = [[] for _ in tree.parent]
    for j, p in enumerate(tree.parent[1:], start=1):
        kids[p].append(j)
    # a tenth of the smallest squared gap between two values of a column: breaks ties only
    values = [np.unique(c) for c in xt]
    gaps = [np.diff(v) for v in values]
    gap = min((float(g.min()) for g in gaps if len(g)), default=1.0)
    tiny = np.float32(0.1 * gap * gap)
    # a node can have samples at distance 0 only if every one of its columns repeats a value
    ties = [True] * len(tree.parent)
    for j in range(1, len(tree.parent)):  # a parent comes before its children
        ties[j] = ties[tree.parent[j]] and len(values[tree.column[j]]) < n
    inf = np.float32(np.inf)
    size = max(1, min(len(q), _CACHE_FLOATS // max(n, 1)))
    used = sorted(set(tree.column[1:]))
    starts = range(0, len(q), size)
    streams = seed.spawn(len(starts))  # one per block: the same answer on any number of threads

    def block(a: int, stream: np.random.SeedSequence) -> None:
        qb = q[a : a + size]
        rows = np.arange(len(qb))
        xq = xt[:, qb][:, :, None]
        # every column's squared differences, once per block: each node then costs one pass
        sq = np.empty((len(xt), len(qb), n), dtype=np.float32)
        for c in used:
            np.subtract(xq[c], xt[c], out=sq[c])
            np.multiply(sq[c], sq[c], out=sq[c])
        keys = np.random.default_rng(stream).random((len(qb), n), dtype=np.float32) * tiny
        d0 = np.zeros((len(qb), n), dtype=np.float32)
        d0[rows, qb] = inf  # the query point is not its own neighbour
        total, squares = y[qb].copy(), y[qb] ** 2
        # depth first; the first child pushed is the last popped and takes its parent's array
        stack: list[tuple[int, NDArray[np.float32], bool]] = [
            (c, d0, i == 0) for i, c in enumerate(kids[0])
        ]
        while stack:
            node, dist, own = stack.pop()
            d = dist if own else dist.copy()
            np.add(d, sq[tree.column[node]], out=d)
            # samples at distance 0 in a random order per query point, ahead of all others
            near = np.where(d == 0, keys, d) if ties[node] else d
            s1, s2 = total.copy(), squares.copy()
            undo = []
            for _ in range(m):  # the m nearest, one argmin each (faster than a partition)
                nb = near.argmin(axis=1)
                undo.append((nb, near[rows, nb]))
                near[rows, nb] = inf
                s1 += y[nb]
                s2 += y[nb] ** 2
            for nb, was in reversed(undo):
                near[rows, nb] = was
            out[node, a : a + len(qb)] = np.maximum(s2 - s1 * s1 / (m + 1), 0.0) / m
            stack += [(c, d, i == 0) for i, c in enumerate(kids[node])]

    # NumPy releases the GIL in these passes, so threads share the blocks
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(starts)))) as pool:
        list(pool.map(block, starts, streams))
    return out


_CACHE_FLOATS = 400_000  # float32 distances per block of query points (about 1.6 MB)


def _ranks(v: FloatArray) -> FloatArray:
    """Ranks 1..n, ties given their average rank (as scipy.stats.rankdata, without importing
    scipy.stats: a second of start-up)."""
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    average: FloatArray = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]
    return average


def _counts(rng: np.random.Generator, n: int, reps: int) -> FloatArray:
    """(n, reps): how often each of n items is drawn in each bootstrap resample of size n."""
    draws = rng.integers(0, n, size=(reps, n)) + (np.arange(reps) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=reps * n).reshape(reps, n).T.astype(np.float64)


def _weighted_var(y: FloatArray, w: FloatArray) -> FloatArray:
    """Per column of counts ``w`` (n, reps): the variance (ddof 1) of y repeated w times."""
    n = len(y)
    if n < 2:
        return np.zeros(w.shape[1])
    mean = y @ w / n
    out: FloatArray = np.maximum(((y * y) @ w / n - mean * mean) * n / (n - 1), 0.0)
    return out


def _exact_weights(k: int, node: Mapping[frozenset[int], int], full: int) -> FloatArray:
    """(k, nodes + 1): Shapley effect i = sum over u without i of
    |u|! (k - |u| - 1)! / k! (c(u + i) - c(u)), as weights on the nodes' c (the last column is
    c(everything))."""
    mix = np.zeros((k, full + 1))
    everything = frozenset(range(k))
    for u in _all_subsets(k):
        if len(u) == k:
            continue
        wu = math.factorial(len(u)) * math.factorial(k - len(u) - 1) / math.factorial(k)
        for i in range(k):
            if i not in u:
                up = u | {i}
                mix[i, full if up == everything else node[up]] += wu
                mix[i, node[u]] -= wu
    return mix


def _all_subsets(k: int) -> list[frozenset[int]]:
    return [frozenset(i for i in range(k) if mask >> i & 1) for mask in range(1 << k)]


def summary(g: GlobalSensitivity) -> Mapping[str, float]:
    """Parameter id -> its share (effect or total index), for the track's "matters most"."""
    return {i.parameter.name: i.share for i in g.indices}
