"""Benchmark of zopa.forecast against plain per-pair Python loops of the same models.

Run: ``python bench/bench_forecast.py`` (from the repository root, with ../shared/data beside it).

The loops below are the baseline and the test oracle (tests/forecast imports them): the same
exchange model and expected-utility round written pair by pair, without NumPy.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


# --------------------------------------------------------------------------- exchange loop


def loop_exchange_round(v: list[list[float]], s: list[list[float]],
                        c: list[list[float]]) -> tuple[list[list[float]], int]:
    """One equal-gain exchange round, pair by pair (NaN = absent)."""
    n, m = len(v), len(v[0])
    w = [[0.0 if math.isnan(v[i][p]) else c[i][p] * s[i][p] for p in range(m)] for i in range(n)]
    tot = [sum(w[i][p] for i in range(n)) for p in range(m)]
    o = [sum(w[i][p] * v[i][p] for i in range(n) if w[i][p] > 0) / tot[p] if tot[p] > 0
         else math.nan for p in range(m)]

    def side(i: int, p: int) -> float:
        d = v[i][p] - o[p]
        return 0.0 if math.isnan(d) else (d > 0) - (d < 0)

    cands = []
    for p in range(m):
        for q in range(p + 1, m):
            for i in range(n):
                for j in range(n):
                    if side(i, p) * side(j, p) >= 0 or side(i, q) * side(j, q) >= 0:
                        continue
                    sip, siq, sjp, sjq = s[i][p], s[i][q], s[j][p], s[j][q]
                    if not sip * sjq > sjp * siq:
                        continue
                    a = w[j][p] * abs(v[i][p] - v[j][p]) / tot[p]
                    b = w[i][q] * abs(v[j][q] - v[i][q]) / tot[q]
                    k = (sip + sjp) / (siq + sjq)
                    dp = min(a, b / k)
                    dq = k * dp
                    gain = sip * dp - siq * dq
                    if gain > 1e-15:
                        cands.append((-gain, (p, q, i, j), dp, dq))
    cands.sort(key=lambda t: (t[0], t[1]))
    used: set[tuple[int, int]] = set()
    out = [row[:] for row in v]
    done = 0
    for _, (p, q, i, j), dp, dq in cands:
        slots = {(i, p), (i, q), (j, p), (j, q)}
        if used & slots:
            continue
        used |= slots
        out[j][p] += math.copysign(1.0, v[i][p] - v[j][p]) * dp * tot[p] / w[j][p]
        out[i][q] += math.copysign(1.0, v[j][q] - v[i][q]) * dq * tot[q] / w[i][q]
        done += 1
    return out, done


def loop_exchange(v: list[list[float]], s: list[list[float]], c: list[list[float]],
                  rounds: int) -> list[float]:
    """The exchange model's forecast per issue (weighted mean of voting positions)."""
    for _ in range(rounds):
        v, done = loop_exchange_round(v, s, c)
        if not done:
            break
    n, m = len(v), len(v[0])
    out = []
    for p in range(m):
        ws = [(c[i][p] * s[i][p], v[i][p]) for i in range(n) if not math.isnan(v[i][p])]
        tw = sum(wt for wt, _ in ws)
        out.append(sum(wt * x for wt, x in ws) / tw if tw > 0 else math.nan)
    return out


# --------------------------------------------------------------------------- EUM loop


def loop_eum_probability(x: list[float], c: list[float], s: list[float]) -> list[list[float]]:
    """P[i][j] of the expected-utility model (denominator over all actors), pair by pair."""
    n = len(x)
    out = [[0.5] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            top = bottom = 0.0
            for k in range(n):
                v = c[k] * s[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i]))
                top += max(v, 0.0)
                bottom += abs(v)
            if bottom > 0:
                out[i][j] = top / bottom
    return out


def loop_eum_eu(x: list[float], s: list[float], p: list[list[float]], r: list[float],
                d: float) -> list[list[float]]:
    """EU[i][j] with Q = 1, i's exponent r[i], pair by pair."""
    n = len(x)
    eu = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            dd = abs(x[i] - x[j]) / d
            us = 2 - 4 * (0.5 - 0.5 * dd) ** r[i]
            uf = 2 - 4 * (0.5 + 0.5 * dd) ** r[i]
            usq = 2 - 4 * 0.5 ** r[i]
            eu[i][j] = s[j] * (p[i][j] * us + (1 - p[i][j]) * uf) + (1 - s[j]) * us - usq
    return eu


# --------------------------------------------------------------------------- timing


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _lists(a: object) -> list[list[float]]:
    import numpy as np

    return [[float(v) for v in row] for row in np.asarray(a)]


def main() -> int:
    import numpy as np

    sys.path.insert(0, str(ROOT / "src"))
    from zopa.forecast import backtest, exchange, load_forecast
    from zopa.forecast.eum import PRESETS, _win_probability

    rows = []
    cop = load_forecast(DATA / "decide" / "decide_cop21.csv")
    v, s, c = _lists(cop.position), _lists(cop.salience), _lists(cop.capability)
    t_z = _best(lambda: exchange(cop, rounds=10))
    t_l = _best(lambda: loop_exchange(v, s, c, 10), repeat=1)
    rows.append(("exchange, COP21 15x13, 10 rounds", t_z, t_l))

    bdm = load_forecast(DATA / "bdm" / "bdm_example_actors_eu_emissions.csv")
    x, cc, ss = bdm.position[:, 0], bdm.capability[:, 0], bdm.salience[:, 0]
    xl, cl, sl = list(map(float, x)), list(map(float, cc)), list(map(float, ss))
    t_z = _best(lambda: [_win_probability(x, cc, ss, "all") for _ in range(100)])
    t_l = _best(lambda: [loop_eum_probability(xl, cl, sl) for _ in range(100)], repeat=1)
    rows.append(("eum win probabilities, bdm 10 actors, x100", t_z, t_l))

    deu = load_forecast(DATA / "deu3" / "deu3_blksv.csv")
    t_bt = _best(lambda: backtest(deu, ["all"]), repeat=1)
    rows.append(("DEU III backtest, 353 issues, all models", t_bt, math.nan))
    _ = PRESETS, np

    print(f"{'case':<46} {'zopa s':>10} {'loop s':>10} {'ratio':>8}")
    for name, tz, tl in rows:
        ratio = tl / tz if tz > 0 and not math.isnan(tl) else math.nan
        print(f"{name:<46} {tz:>10.4f} {tl:>10.4f} {ratio:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
