"""Benchmark of zopa.forecast against decide and plain per-pair Python loops of the same models.

Run: ``python bench/bench_forecast.py [--decide PYTHON]`` (from the repository root, with
../shared/data beside it). ``PYTHON`` is an interpreter of a separate venv with
``pip install decide-exchange-model`` (default ``/tmp/decide-venv/bin/python``); when it is
there, decide's equal-gain model loop runs on the COP21 input in that interpreter (its model
objects driven directly, without its CLI and database) and both times, their ratio and the
largest forecast difference are printed. Without it, only the loop baselines run.

The loops below are the baseline and the test oracle (tests/forecast imports them): the same
exchange models (decide's and the textbook one) and expected-utility round written pair by
pair, without NumPy.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


# --------------------------------------------------------------------------- exchange loop


def loop_exchange_round(
    v: list[list[float]], s: list[list[float]], c: list[list[float]]
) -> tuple[list[list[float]], int]:
    """One equal-gain exchange round, pair by pair (NaN = absent)."""
    n, m = len(v), len(v[0])
    w = [[0.0 if math.isnan(v[i][p]) else c[i][p] * s[i][p] for p in range(m)] for i in range(n)]
    tot = [sum(w[i][p] for i in range(n)) for p in range(m)]
    o = [
        sum(w[i][p] * v[i][p] for i in range(n) if w[i][p] > 0) / tot[p] if tot[p] > 0 else math.nan
        for p in range(m)
    ]

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


def loop_exchange(
    v: list[list[float]], s: list[list[float]], c: list[list[float]], rounds: int
) -> list[float]:
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


# ------------------------------------------------------------------- decide-style exchange loop


def _decide_first(live: list[dict[str, Any]]) -> dict[str, Any]:
    """The exchange realised next: the largest gain; gains within 1e-12 (relative) of it
    count as equal (ties), and of those the one made first goes."""
    top = max(e["gain"] for e in live)
    return min((e for e in live if e["gain"] >= top * (1 - 1e-12)), key=lambda e: e["made"])


def loop_decide_round(
    x: list[list[float]], s: list[list[float]], c: list[list[float]]
) -> tuple[list[list[float]], list[list[float]], int]:
    """One round of decide's equal-gain exchange model, exchange by exchange (positions on a
    0-100 scale, NaN = absent): the voting positions, the next round's start positions and
    the number of exchanges made. Written independently of ``zopa.forecast.exchange``.

    Each candidate exchange is a dict; ``I`` demands issue ``p`` and supplies ``q``, ``J``
    supplies ``p`` and demands ``q``. The greedy realises the largest gain, then recalculates
    every candidate that shares a supplying or demanding actor-issue with it."""
    n, m = len(x), len(x[0])
    here = [[not math.isnan(x[a][d]) for d in range(m)] for a in range(n)]
    w = [[c[a][d] * s[a][d] if here[a][d] else 0.0 for d in range(m)] for a in range(n)]
    den = [sum(w[a][d] for a in range(n)) for d in range(m)]
    num = [sum(w[a][d] * x[a][d] for a in range(n) if here[a][d]) for d in range(m)]
    nbs = [num[d] / den[d] if den[d] else 0.0 for d in range(m)]
    left = [[here[a][d] and x[a][d] <= nbs[d] for d in range(m)] for a in range(n)]

    def nbs_with(e: dict[str, Any], side: str, pos: float, updates_last: bool) -> float:
        """The mean on the side's supply issue with the exchange's updates and the side's
        actor at ``pos`` (the updates win over ``pos`` when ``updates_last``)."""
        a, d = e[side + "a"], e[side + "sup"]
        vals = {b: x[b][d] for b in range(n) if here[b][d]}
        if updates_last:
            vals[a] = pos
        vals.update(e["upd"][d])
        if not updates_last:
            vals[a] = pos
        return sum(w[b][d] * v for b, v in vals.items())

    def move_ok(e: dict[str, Any], side: str) -> bool:
        mv = e[side + "moves"]
        cur = mv[-1]
        if abs(cur) > 100 or abs(cur) <= 1e-10:
            return False
        if not 0 <= e[side + "pos"] + cur <= 100 or sum(mv) > 100:
            return False
        return max(mv) < 0 or min(mv) > 0

    def other(side: str) -> str:
        return "J" if side == "I" else "I"

    def cap(e: dict[str, Any], side: str) -> None:
        """The outcome on the side's supply issue may not pass the partner's position."""
        o = other(side)
        d, t = e[side + "sup"], e[o + "sup"]
        a, b = e[side + "a"], e[o + "a"]
        target = x[b][d]
        n0 = nbs_with(e, side, e[side + "pos"], False) / den[d]
        n1 = nbs_with(e, side, e[side + "y"], False) / den[d]
        # an outcome within 1e-9 of the target (e.g. after a capped exchange) is at it
        d0 = 0.0 if abs(target - n0) <= 1e-9 else target - n0
        d1 = 0.0 if abs(target - n1) <= 1e-9 else target - n1
        if (d0 >= 0 and d1 >= 0) or (d0 <= 0 and d1 <= 0):
            return
        delta = abs((target * den[d] - nbs_with(e, side, e[side + "pos"], True)) / w[a][d])
        r_d = delta * w[a][d] / den[d]
        r_t = r_d * (s[a][d] + s[b][d]) / (s[a][t] + s[b][t])
        mo = r_t * den[t] / w[b][t]
        if e[o + "pos"] > x[a][t]:
            mo = -mo
        ms = -delta if e[side + "pos"] > target else delta
        e[o + "moves"][-1], e[side + "moves"][-1] = mo, ms
        e[o + "y"], e[side + "y"] = e[o + "pos"] + mo, e[side + "pos"] + ms
        e["gain"] = abs(r_t * s[b][t] - r_d * s[b][d])

    def calculate(e: dict[str, Any]) -> None:
        i, j, p, q = e["Ia"], e["Ja"], e["Idem"], e["Isup"]
        xi_p, xj_q = x[i][p], x[j][q]  # the demand positions (round start)
        si, sj = e["Ipos"], e["Jpos"]  # the supply positions (as moved in this round)
        dp = abs(xi_p - sj) * w[j][p] / den[p]
        dq = dp * (s[i][p] + s[j][p]) / (s[i][q] + s[j][q])
        mi, mj = dq * den[q] / w[i][q], abs(xi_p - sj)
        if abs(mi) > abs(xj_q - si):
            dq = abs(xj_q - si) * w[i][q] / den[q]
            dp = dq * (s[i][q] + s[j][q]) / (s[i][p] + s[j][p])
            mi, mj = abs(xj_q - si), dp * den[p] / w[j][p]
        mi = -mi if si > xj_q else mi
        mj = -mj if sj > xi_p else mj
        e["Imoves"].append(mi)
        e["Jmoves"].append(mj)
        e["Iy"], e["Jy"] = si + mi, sj + mj
        e["gain"] = abs(dq * s[i][q] - dp * s[i][p])
        e["valid"] = move_ok(e, "I") and move_ok(e, "J") and e["gain"] >= 1e-10
        if e["valid"]:
            cap(e, "I")
            cap(e, "J")
            e["valid"] = move_ok(e, "I") and move_ok(e, "J")

    cands = []
    for p in range(m):
        for q in range(p + 1, m):
            both = [a for a in range(n) if here[a][p] and here[a][q]]
            grp = {g: [a for a in both if left[a][p] + 2 * left[a][q] == g] for g in range(4)}
            for ga, gb in ((0, 3), (1, 2)):
                for a in grp[ga]:
                    for b in grp[gb]:
                        # I is the one valuing p relatively more (ties: a)
                        i, j = (b, a) if s[a][p] * s[b][q] < s[b][p] * s[a][q] else (a, b)
                        e: dict[str, Any] = {
                            "Ia": i,
                            "Ja": j,
                            "Isup": q,
                            "Jsup": p,
                            "Idem": p,
                            "Jdem": q,
                            "Ipos": x[i][q],
                            "Jpos": x[j][p],
                            "Imoves": [],
                            "Jmoves": [],
                            "upd": {p: {}, q: {}},
                        }
                        calculate(e)
                        cands.append(e)
    for k, e in enumerate(cands):
        e["made"] = k
    live = [e for e in cands if e["valid"]]
    realized: list[dict[str, Any]] = []
    while live:
        r = live.pop(live.index(_decide_first(live)))
        realized.append(r)
        keep = []
        for e in live:
            again = False
            for side in ("I", "J"):
                for rs in ("I", "J"):
                    if (e[side + "a"], e[side + "sup"]) == (r[rs + "a"], r[rs + "sup"]):
                        e[side + "pos"] = r[rs + "y"]
                        e[side + "moves"].append(e[side + "moves"][-1])  # kept in the history
                        again = True
                        break
            for rs in ("J", "I"):  # r's demander on an issue e's actor also demands
                ro = other(rs)
                slot = (r[rs + "a"], r[rs + "dem"])
                if slot in ((e["Ia"], e["Idem"]), (e["Ja"], e["Jdem"])):
                    upd = e["upd"][r[rs + "dem"]]
                    b, y = r[ro + "a"], r[ro + "y"]
                    if b in upd:
                        old = upd[b]
                        start = x[b][r[ro + "sup"]]
                        upd[b] = min(old, y) if start <= old else max(old, y)
                    else:
                        upd[b] = y
                    again = True
            if again:
                e["Imoves"].pop()
                e["Jmoves"].pop()
                calculate(e)
                if not e["valid"]:
                    continue
            keep.append(e)
        live = keep
    vote = [row[:] for row in x]
    for r in realized:
        for side in ("I", "J"):
            vote[r[side + "a"]][r[side + "sup"]] = r[side + "y"]
    start = [
        [
            x[a][d] + ((1 - s[a][d]) * 0.4 + 0.1) * (vote[a][d] - x[a][d])
            if here[a][d]
            else x[a][d]
            for d in range(m)
        ]
        for a in range(n)
    ]
    return vote, start, len(realized)


# --------------------------------------------------------------------------- EUM loop


def loop_eum_probability(
    x: list[float],
    c: list[float],
    s: list[float],
    d: float = 1.0,
    rho: list[float] | None = None,
    denominator: str = "pair",
) -> list[list[float]]:
    """P[i][j] of the expected-utility model, pair by pair (``rho``: the voters' exponents)."""
    n = len(x)
    rho = rho or [1.0] * n

    def vote(k: int, i: int, j: int) -> float:
        return c[k] * s[k] * ((abs(x[k] - x[j]) / d) ** rho[k] - (abs(x[k] - x[i]) / d) ** rho[k])

    every = sum(abs(vote(k, i, j)) for k in range(n) for i in range(n) for j in range(n))
    out = [[0.5] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            top = sum(max(vote(k, i, j), 0.0) for k in range(n))
            bottom = (
                every if denominator == "all-pairs" else sum(abs(vote(k, i, j)) for k in range(n))
            )
            if bottom > 0:
                out[i][j] = top / bottom
    return out


def loop_eum_eu(
    x: list[float],
    s: list[float],
    p: list[list[float]],
    r: list[float],
    d: float,
    by_target: bool = False,
) -> list[list[float]]:
    """EU[i][j] with Q = 1 and exponent r[i] (or the target's r[j]), pair by pair."""
    n = len(x)
    eu = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            e = r[j] if by_target else r[i]
            dd = abs(x[i] - x[j]) / d
            us = 2 - 4 * (0.5 - 0.5 * dd) ** e
            uf = 2 - 4 * (0.5 + 0.5 * dd) ** e
            usq = 2 - 4 * 0.5**e
            eu[i][j] = s[j] * (p[i][j] * us + (1 - p[i][j]) * uf) + (1 - s[j]) * us - usq
    return eu


def loop_eum_round(
    x: list[float], c: list[float], s: list[float], d: float, scholz: bool
) -> list[float]:
    """One round of the expected-utility model with Q = 1, actor by actor: the ``paper``
    preset, or the ``scholz-code`` one (all-pairs denominator, voters' own exponents, the
    target's view of each dyad, offers taken by region)."""
    n = len(x)
    ones = [1.0] * n
    mode = "all-pairs" if scholz else "pair"
    eu1 = loop_eum_eu(x, s, loop_eum_probability(x, c, s, d, ones, mode), ones, d)
    sec = [sum(eu1[i][j] for i in range(n)) for j in range(n)]
    lo, hi = min(sec), max(sec)
    r = (
        ones
        if hi - lo <= 1e-12
        else [(1 - big / 3) / (1 + big / 3) for big in ((2 * v - hi - lo) / (hi - lo) for v in sec)]
    )
    p = loop_eum_probability(x, c, s, d, r if scholz else ones, mode)
    own = loop_eum_eu(x, s, p, r, d)
    seen = loop_eum_eu(x, s, p, r, d, by_target=True) if scholz else own
    new = list(x)
    for j in range(n):
        offers = []  # (region, key, new position)
        for i in range(n):
            ui, uj = seen[i][j], own[j][i]
            if i == j or ui <= 0 or x[i] == x[j]:
                continue
            if uj > 0 and ui > uj:
                offers.append((0, abs(x[i] - x[j]), x[i]))
            elif uj < 0 and -uj < ui:
                key = (
                    (-uj * x[j] + ui * x[i]) / (-uj + ui) if scholz else -uj / ui * abs(x[i] - x[j])
                )
                offers.append((1, key, x[j] + (x[i] - x[j]) * -uj / ui))
            elif uj <= 0:
                offers.append((2, abs(x[i] - x[j]), x[i]))
        offers = [o for o in offers if o[2] != x[j]]
        if not offers:
            continue
        if not scholz:  # the offer that moves j least, the first challenger on ties
            new[j] = min(offers, key=lambda o: abs(o[2] - x[j]))[2]
            continue
        region = min(o[0] for o in offers)
        key = min(o[1] for o in offers if o[0] == region)
        tol = 1e-12 * max(1.0, abs(key))
        new[j] = min(o[2] for o in offers if o[0] == region and o[1] <= key + tol)
    return new


# --------------------------------------------------------------------------- timing


def _loop_eum(x: list[float], c: list[float], s: list[float], rounds: int) -> list[float]:
    d = max(x) - min(x)
    for _ in range(rounds):
        x = loop_eum_round(x, c, s, d, scholz=True)
    return x


DECIDE_DRIVER = """
import json, random, sys, time
from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model import equalgain
from decide.model.observers.observer import Observable
from decide.model.utils import ModelLoop

random.seed(0)
equalgain.EqualGainModel.ALLOW_RANDOM = False  # equal gains: keep the sorted order
factory = ModelFactory(InputDataFile.open(sys.argv[1]))
best = float("inf")
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    model = factory(model_klass=equalgain.EqualGainModel, randomized_value=None)
    loop = ModelLoop(model, Observable(model_ref=model, output_directory=""), 0)
    for _ in range(int(sys.argv[2])):
        loop.loop()
    best = min(best, time.perf_counter() - t)
# model.nbs: the weighted mean of the voting positions after the last round
print(json.dumps({"seconds": best, "nbs": {i.name: float(v) for i, v in model.nbs.items()}}))
"""


def run_decide(python: Path, path: Path, rounds: int, repeat: int = 1) -> dict[str, object]:
    """Time decide's model loop in its own interpreter; its forecast per issue."""
    out = subprocess.run(
        [str(python), "-c", DECIDE_DRIVER, str(path), str(rounds), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


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


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from zopa.forecast import PRESETS, backtest, exchange, expected_utility, load_forecast

    decide_python = Path(
        argv[argv.index("--decide") + 1] if "--decide" in argv else "/tmp/decide-venv/bin/python"
    )
    rows = []
    cop_path = DATA / "decide" / "decide_cop21.csv"
    cop = load_forecast(cop_path)
    v, s, c = _lists(cop.position), _lists(cop.salience), _lists(cop.capability)
    t_z = _best(lambda: exchange(cop, rounds=10))
    if decide_python.exists():
        dec = run_decide(decide_python, cop_path, 10)
        rows.append(("exchange vs decide, COP21 15x13, 10 rounds", t_z, float(str(dec["seconds"]))))
        ours = exchange(cop, rounds=10).forecast
        nbs = dec["nbs"]
        assert isinstance(nbs, dict)
        gap = max(abs(ours[k] - float(val)) for k, val in nbs.items())
        print(
            f"decide ({decide_python}, as released, ALLOW_RANDOM=False): largest forecast "
            f"difference on COP21 {gap:.2f} (0-100; it breaks exact ties by Decimal noise, "
            "see docs/forecasting.md)"
        )
    else:
        print(f"decide not found at {decide_python}: comparing with the plain loops only")
    golden = ROOT / "tests" / "forecast" / "golden" / "decide_cop21.json"
    last = json.loads(golden.read_text())["rounds"][-1]["nbs"]
    ours = exchange(cop, rounds=10).forecast
    print(
        "decide with deterministic ties (tests/forecast/golden): largest forecast difference "
        f"on COP21 {max(abs(ours[k] - v) for k, v in last.items()):.1e}"
    )

    def _loop_decide() -> None:
        x = [row[:] for row in v]
        for _ in range(10):
            _, x, _ = loop_decide_round(x, s, c)

    t_l = _best(_loop_decide, repeat=1)
    rows.append(("exchange, COP21 15x13, 10 rounds (loop)", t_z, t_l))
    t_t = _best(lambda: exchange(cop, rounds=10, variant="textbook"))
    t_l = _best(lambda: loop_exchange(v, s, c, 10), repeat=1)
    rows.append(("exchange textbook, COP21, 10 rounds (loop)", t_t, t_l))

    bdm = load_forecast(DATA / "bdm" / "bdm_example_actors_eu_emissions.csv")
    x, cc, ss = bdm.position[:, 0], bdm.capability[:, 0], bdm.salience[:, 0]
    xl, cl, sl = list(map(float, x)), list(map(float, cc)), list(map(float, ss))
    scholz = PRESETS["scholz-code"]
    t_z = _best(lambda: [expected_utility(bdm, options=scholz) for _ in range(10)])
    t_l = _best(lambda: [_loop_eum(xl, cl, sl, 8) for _ in range(10)], repeat=1)
    rows.append(("eum scholz-code, bdm 10 actors, 8 rounds, x10", t_z, t_l))

    deu = load_forecast(DATA / "deu3" / "deu3_blksv.csv")
    t_bt = _best(lambda: backtest(deu, ["all"]), repeat=1)
    rows.append(("DEU III backtest, 353 issues, all models", t_bt, math.nan))

    print(f"{'case':<46} {'zopa s':>10} {'other s':>10} {'ratio':>8}")
    for name, tz, tl in rows:
        ratio = tl / tz if tz > 0 and not math.isnan(tl) else math.nan
        print(f"{name:<46} {tz:>10.4f} {tl:>10.4f} {ratio:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
