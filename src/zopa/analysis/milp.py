"""Mixed-integer programs over packages, solved with HiGHS (``highspy``).

Variables: one binary y[i, o] per issue and option with sum_o y[i, o] = 1, so a package is a
0/1 vector and each party's utility is linear in y. Every constraint and red line is turned
into clauses (see :func:`zopa.model.expr.cnf`); a clause is sum_{(i, o) in clause} y[i, o] >= 1.
A red line may carry a relaxation binary z (clause + z >= 1) to count red lines broken.
Results are re-checked exactly on the package found (utilities recomputed from the tables).

A party with a utility cap that can bind (:attr:`CompiledScenario.caps`, GENIUS's 1 on
hyper-rectangle profiles) has a continuous column v_p <= cap with v_p <= (its sum of terms),
and v_p stands for its utility everywhere. That is exact because every model here only asks
for utilities to be large (rows U_p >= bound, objectives that maximise increasing functions of
the U_p, tangent cuts phi_p <= a + b U_p with b > 0): an optimum can always raise v_p to
min(cap, sum), the concave piece's value.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from zopa.errors import AnalysisError
from zopa.model.compiled import PRECISION, SLACK, CompiledScenario, round_utility
from zopa.model.expr import ExprError, Formula, Not, cnf

if TYPE_CHECKING:
    import highspy

__all__ = ["PackageModel", "quiet_stdout"]

FloatArray = NDArray[np.float64]
INF = math.inf
"""HiGHS's infinity (``highspy.kHighsInf``); highspy is imported on first solve, so an
analysis that enumerates never loads it."""
_EPS = SLACK


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner to the C-level stdout on first use; keep JSON output clean."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _highs() -> highspy.Highs:
    import highspy

    with quiet_stdout():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
    for name, value in (
        ("mip_rel_gap", 0.0),
        ("mip_abs_gap", 10.0**-PRECISION),
        ("primal_feasibility_tolerance", SLACK),
        ("mip_feasibility_tolerance", SLACK),
        ("threads", 1),
    ):
        h.setOptionValue(name, value)
    return h


class _SolveError(Exception):
    """HiGHS ended without an optimum or a proof of infeasibility (retried once)."""


@dataclass
class _Row:
    idx: list[int]
    val: list[float]
    lo: float
    hi: float


class PackageModel:
    """Builder of MILPs over the packages of one compiled scenario (gating parties)."""

    def __init__(
        self,
        cs: CompiledScenario,
        *,
        relax_red_lines: bool = False,
        red_lines_of: Collection[tuple[int, int]] | None = None,
    ) -> None:
        """``red_lines_of``: the red lines that bind, as (party index among all parties, rule
        index); every gating party's red lines when None."""
        self.cs = cs
        self.offsets = np.concatenate([[0], np.cumsum(cs.sizes)]).astype(int)
        self.n_y = int(self.offsets[-1])
        self.gate = [int(g) for g in cs.gating_index]
        self.cols_lo: list[float] = [0.0] * self.n_y
        self.cols_hi: list[float] = [1.0] * self.n_y
        self.integer: list[bool] = [True] * self.n_y
        self.rows: list[_Row] = []
        self.relax: list[tuple[int, int, int]] = []  # (column, gating party, rule index)
        for i, size in enumerate(cs.sizes):
            self.add_row([int(self.offsets[i]) + o for o in range(size)], [1.0] * size, 1, 1)
        self.rect_cols: list[list[tuple[int, float]]] = [[] for _ in cs.party_ids]
        for p, terms in enumerate(cs.rects):
            for f, value in terms:
                self.rect_cols[p].append((self._indicator(f), value))
        self.cap_cols: dict[int, int] = {}
        for p, cap in enumerate(cs.caps):
            if math.isfinite(cap):
                v = self.add_col(-INF, float(cap))
                idx, val = self._sum_terms(p)
                self.add_row([*idx, v], [*val, -1.0], 0.0, INF)  # v <= the sum of the terms
                self.cap_cols[p] = v
        for f in cs.constraints:
            self._clauses(f, None)
        binding = None if red_lines_of is None else set(red_lines_of)
        for g, p in enumerate(self.gate):
            for k, f in enumerate(cs.red_lines[p]):
                if binding is not None and (p, k) not in binding:
                    continue
                z = None
                if relax_red_lines:
                    z = self.add_col(0, 1, integer=True)
                    self.relax.append((z, g, k))
                self._clauses(f, z)

    # -- building
    def add_col(self, lo: float, hi: float, *, integer: bool = False) -> int:
        self.cols_lo.append(lo)
        self.cols_hi.append(hi)
        self.integer.append(integer)
        return len(self.cols_lo) - 1

    def add_row(self, idx: Sequence[int], val: Sequence[float], lo: float, hi: float) -> None:
        self.rows.append(_Row(list(idx), list(val), lo, hi))

    def _clauses(self, f: Formula, relax: int | None) -> None:
        try:
            clauses = cnf(f, self.cs.sizes)
        except ExprError as exc:
            raise AnalysisError(f"the MILP engine cannot use a rule: {exc}") from None
        for clause in clauses:
            idx = [int(self.offsets[i]) + o for i, opts in clause.items() for o in sorted(opts)]
            val = [1.0] * len(idx)
            if relax is not None:
                idx.append(relax)
                val.append(1.0)
            self.add_row(idx, val, 1, INF)

    def _indicator(self, f: Formula) -> int:
        """A binary z with z = 1 exactly when ``f`` holds (for a hyper-rectangle term).

        z -> f: each clause C of cnf(f) gives sum_C y >= z; f -> z: each clause C of
        cnf(not f) gives sum_C y + z >= 1 (since f or z = and over C of (C or z)).
        """
        z = self.add_col(0, 1, integer=True)
        try:
            pos, neg = cnf(f, self.cs.sizes), cnf(Not(f), self.cs.sizes)
        except ExprError as exc:
            raise AnalysisError(f"the MILP engine cannot use a utility term: {exc}") from None
        for clause in pos:
            idx = [int(self.offsets[i]) + o for i, opts in clause.items() for o in sorted(opts)]
            self.add_row([*idx, z], [1.0] * len(idx) + [-1.0], 0, INF)
        for clause in neg:
            idx = [int(self.offsets[i]) + o for i, opts in clause.items() for o in sorted(opts)]
            self.add_row([*idx, z], [1.0] * (len(idx) + 1), 1, INF)
        return z

    def utility_terms(self, p: int) -> tuple[list[int], list[float]]:
        """Columns and coefficients of party ``p``'s utility (index among all parties): its
        cap column when it has one (see the module doc), else its sum of terms."""
        if p in self.cap_cols:
            return [self.cap_cols[p]], [1.0]
        return self._sum_terms(p)

    def _sum_terms(self, p: int) -> tuple[list[int], list[float]]:
        idx: list[int] = []
        val: list[float] = []
        for i, t in enumerate(self.cs.tables):
            for o in range(t.shape[0]):
                c = float(t[o, p])
                if c != 0.0:
                    idx.append(int(self.offsets[i]) + o)
                    val.append(c)
        for z, value in self.rect_cols[p]:
            idx.append(z)
            val.append(value)
        return idx, val

    def add_utility_at_least(
        self, p: int, bound: float, extra: Sequence[tuple[int, float]] = ()
    ) -> None:
        """U_p(y) + sum(extra) >= bound."""
        idx, val = self.utility_terms(p)
        for c, v in extra:
            idx.append(c)
            val.append(v)
        self.add_row(idx, val, bound + _EPS, INF)

    # -- solving
    def solve(
        self, objective: dict[int, float], *, maximize: bool
    ) -> tuple[list[int], FloatArray] | None:
        """Optimal package (option indices) and column values, or None if infeasible.

        HiGHS's presolve occasionally ends in "Solve error" on these 0/1 models (a leximin step
        over hyper-rectangle indicators, found by the property tests); the model is then solved
        again without presolve before anything is reported.
        """
        try:
            return self._solve(objective, maximize=maximize, presolve=True)
        except _SolveError:
            return self._solve(objective, maximize=maximize, presolve=False)

    def _solve(
        self, objective: dict[int, float], *, maximize: bool, presolve: bool
    ) -> tuple[list[int], FloatArray] | None:
        import highspy

        h = _highs()
        if not presolve:
            h.setOptionValue("presolve", "off")
        n = len(self.cols_lo)
        cost = np.zeros(n)
        for c, v in objective.items():
            cost[c] += v
        h.addVars(
            n,
            np.asarray(self.cols_lo, dtype=np.float64),
            np.asarray(self.cols_hi, dtype=np.float64),
        )
        h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        ints = np.flatnonzero(self.integer).astype(np.int32)
        h.changeColsIntegrality(len(ints), ints, np.full(len(ints), highspy.HighsVarType.kInteger))
        for r in self.rows:
            h.addRow(
                r.lo,
                r.hi,
                len(r.idx),
                np.asarray(r.idx, dtype=np.int32),
                np.asarray(r.val, dtype=np.float64),
            )
        h.changeObjectiveSense(
            highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        )
        with quiet_stdout():
            h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            if presolve:
                raise _SolveError(h.modelStatusToString(status))
            raise AnalysisError(f"HiGHS stopped with status {h.modelStatusToString(status)}")
        x = np.asarray(h.getSolution().col_value, dtype=np.float64)
        package = []
        for i in range(len(self.cs.sizes)):
            seg = x[self.offsets[i] : self.offsets[i + 1]]
            package.append(int(np.argmax(seg)))
        return package, x


# ----------------------------------------------------------------------------- questions


def zone_package(cs: CompiledScenario) -> list[int] | None:
    """Some package in the agreement zone, or None (exact feasibility test)."""
    m = PackageModel(cs)
    for p in m.gate:
        m.add_utility_at_least(p, float(cs.reservation[p]) - _EPS)
    out = m.solve({}, maximize=True)
    return None if out is None else out[0]


def _zone_model(cs: CompiledScenario) -> PackageModel:
    m = PackageModel(cs)
    for p in m.gate:
        m.add_utility_at_least(p, float(cs.reservation[p]) - _EPS)
    return m


def _objective(m: PackageModel, weights: dict[int, float]) -> dict[int, float]:
    obj: dict[int, float] = {}
    for p, w in weights.items():
        idx, val = m.utility_terms(p)
        for c, v in zip(idx, val, strict=True):
            obj[c] = obj.get(c, 0.0) + w * v
    return obj


def utilitarian(cs: CompiledScenario) -> list[int] | None:
    """Package maximising the sum of the gating parties' utilities over the zone.

    Ties are broken like the enumeration engine: by the largest minimum gain (leximin).
    """
    m = _zone_model(cs)
    obj = _objective(m, {p: 1.0 for p in m.gate})
    out = m.solve(obj, maximize=True)
    if out is None:
        return None
    best = float(cs.utility(out[0])[m.gate].sum())
    return max_min(cs, total_at_least=best - _EPS) or out[0]


def ideal(cs: CompiledScenario) -> list[float] | None:
    """Best utility of each gating party over the zone."""
    best = []
    for p in PackageModel(cs).gate:
        m = _zone_model(cs)
        out = m.solve(_objective(m, {p: 1.0}), maximize=True)
        if out is None:
            return None
        best.append(float(cs.utility(out[0])[p]))
    return best


def max_min(
    cs: CompiledScenario, scale: list[float] | None = None, *, total_at_least: float | None = None
) -> list[int] | None:
    """Leximin package over the zone of the gains (U_p - d_p) / scale_p (Ogryczak's sums).

    Step k maximises the sum of the k smallest scaled gains, written linearly as
    k r_k - sum_p s_kp with s_kp >= r_k - gain_p, s >= 0, keeping earlier optima.
    """
    m = _zone_model(cs)
    gate = m.gate
    sc = scale or [1.0] * len(gate)
    if total_at_least is not None:
        obj = _objective(m, {p: 1.0 for p in gate})
        m.add_row(list(obj), list(obj.values()), total_at_least, INF)
    package: list[int] | None = None
    for k in range(1, len(gate) + 1):
        r = m.add_col(-INF, INF)
        s = [m.add_col(0.0, INF) for _ in gate]
        for sj, p, w in zip(s, gate, sc, strict=True):
            idx, val = m.utility_terms(p)
            # s_j - r + U_p / w >= d_p / w
            m.add_row(
                [sj, r, *idx], [1.0, -1.0, *[v / w for v in val]], float(cs.reservation[p]) / w, INF
            )
        obj = {r: float(k), **{sj: -1.0 for sj in s}}
        out = m.solve(obj, maximize=True)
        if out is None:
            return None
        package, x = out
        value = float(k * x[r] - sum(x[sj] for sj in s))
        m.add_row([r, *s], [float(k), *([-1.0] * len(s))], value - _EPS, INF)
    return package


def kalai_smorodinsky(cs: CompiledScenario) -> list[int] | None:
    """Max-min of normalised gains (U_p - d_p) / (ideal_p - d_p), leximin then."""
    best = ideal(cs)
    if best is None:
        return None
    gate = PackageModel(cs).gate
    scale = [max(b - float(cs.reservation[p]), 0.0) for b, p in zip(best, gate, strict=True)]
    scale = [s if round_utility(s) > 0 else 1e12 for s in scale]  # ideal = d: satisfied
    return max_min(cs, scale)


def nash(
    cs: CompiledScenario, power: list[float] | None = None, *, max_iter: int = 300
) -> list[int] | None:
    """Exact (weighted) Nash package over the zone by outer approximation.

    Maximise sum_p w_p phi_p with phi_p below tangents of log(U_p - d_p): tangents are added
    at each solution found until the bound meets the best true value (finite: the zone is
    finite and each visited package becomes exact). When some party gains nothing in every
    zone package the product is 0 everywhere and the utilitarian package is returned.
    """
    egal = max_min(cs)
    if egal is None:
        return None
    gate = PackageModel(cs).gate
    d = cs.reservation[gate]
    w = np.ones(len(gate)) if power is None else np.asarray(power, dtype=np.float64)
    if round_utility(float((cs.utility(egal)[gate] - d).min())) <= 0:
        return utilitarian(cs)
    m = _zone_model(cs)
    phi = [m.add_col(-INF, INF) for _ in gate]
    terms = [m.utility_terms(p) for p in gate]

    def cut(j: int, a: float) -> None:  # phi_j <= log a + (U - d - a) / a
        idx, val = terms[j]
        rhs = math.log(a) - 1.0 - float(d[j]) / a
        m.add_row([phi[j], *idx], [1.0, *[-v / a for v in val]], -INF, rhs)

    best_pkg, best_val = egal, float((w * np.log(cs.utility(egal)[gate] - d)).sum())
    for j in range(len(gate)):
        cut(j, float(cs.utility(egal)[gate][j] - d[j]))
        cut(j, 1.0)
    obj = {c: float(wj) for c, wj in zip(phi, w, strict=True)}
    seen = {tuple(egal)}
    for _ in range(max_iter):
        out = m.solve(obj, maximize=True)
        if out is None:
            break
        pkg, x = out
        if tuple(pkg) in seen:
            # The relaxation peaks at a package whose tangents are already in: there its bound
            # is its true value (up to the solver's tolerance), so no package beats the best.
            return best_pkg
        seen.add(tuple(pkg))
        bound = float(sum(wj * x[c] for c, wj in zip(phi, w, strict=True)))
        gains = cs.utility(pkg)[gate] - d
        val = float((w * np.log(np.maximum(gains, 1e-300))).sum())
        if round(val, PRECISION) > round(best_val, PRECISION):
            best_pkg, best_val = pkg, val
        if bound <= best_val + _EPS:
            return best_pkg
        for j in range(len(gate)):
            cut(j, max(float(gains[j]), SLACK))
    raise AnalysisError("the Nash outer approximation did not converge; use the enumeration engine")


def concessions(cs: CompiledScenario) -> dict[str, list[int] | None]:
    """Packages needing the least concession when the zone is empty.

    ``min_max``: min over packages of max_p (r_p - U_p), red lines kept (the smallest uniform
    drop); ``min_sum``: min sum_p max(0, r_p - U_p); ``red_lines``: fewest red lines broken
    with every reservation kept.
    """
    gate = PackageModel(cs).gate
    m = PackageModel(cs)
    t = m.add_col(-INF, INF)
    for p in gate:
        m.add_utility_at_least(p, float(cs.reservation[p]) - _EPS, [(t, 1.0)])
    out_max = m.solve({t: 1.0}, maximize=False)
    m = PackageModel(cs)
    deltas = [m.add_col(0.0, INF) for _ in gate]
    for p, dl in zip(gate, deltas, strict=True):
        m.add_utility_at_least(p, float(cs.reservation[p]) - _EPS, [(dl, 1.0)])
    out_sum = m.solve({dl: 1.0 for dl in deltas}, maximize=False)
    m = PackageModel(cs, relax_red_lines=True)
    for p in gate:
        m.add_utility_at_least(p, float(cs.reservation[p]) - _EPS)
    out_rl = m.solve({z: 1.0 for z, _, _ in m.relax}, maximize=False)
    return {
        "min_max": None if out_max is None else out_max[0],
        "min_sum": None if out_sum is None else out_sum[0],
        "red_lines": None if out_rl is None else out_rl[0],
    }
