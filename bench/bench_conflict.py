"""Benchmark: zopa.conflict's vectorised GMCR engine against a direct per-state implementation.

The baseline follows the definitions state by state in pure Python, as gmcr-py does: the
unilateral moves of each state, then an explicit coalition reach set (search over (state,
last mover)) for every improvement, cached per (coalition, state). Random conflicts: 3 DMs,
options split evenly, all directions reversible, all states feasible, random payoffs.

    python bench/bench_conflict.py              # up to 2^20 states
    python bench/bench_conflict.py --max-bits 16
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections import deque

import numpy as np

from zopa.conflict import Conflict, ConflictOption, DecisionMaker, analyze

CONCEPTS = ("nash", "gmr", "smr", "seq")


def random_conflict(n_options: int, n_dms: int = 3, seed: int = 0) -> Conflict:
    rng = np.random.default_rng(seed)
    sizes = [n_options // n_dms + (i < n_options % n_dms) for i in range(n_dms)]
    options = tuple(ConflictOption(f"o{j}") for j in range(n_options))
    dms, j = [], 0
    for i, size in enumerate(sizes):
        dms.append(DecisionMaker(f"d{i}", tuple(f"o{x}" for x in range(j, j + size))))
        j += size
    codes = np.arange(1 << n_options, dtype=np.int64)
    payoffs = rng.integers(1, 1 << n_options, size=(n_dms, codes.size)).astype(np.int64)
    return Conflict("bench", options, tuple(dms), codes, payoffs)


def baseline(c: Conflict) -> dict[str, list[list[bool]]]:
    """Per-state, definition-literal stability (the gmcr-py way)."""
    n_dm = len(c.decision_makers)
    codes = c.codes.tolist()
    index = {code: k for k, code in enumerate(codes)}
    pay = c.payoffs.tolist()
    moves = []
    for i in range(n_dm):
        mask = c.dm_mask(i)
        subs = [d for d in range(1, mask + 1) if d & ~mask == 0]
        moves.append([[index[x ^ d] for d in subs if x ^ d in index] for x in codes])
    cache: dict[tuple[tuple[int, ...], int, bool], set[int]] = {}

    def reach(h: tuple[int, ...], s: int, imp: bool) -> set[int]:
        key = (h, s, imp)
        if key not in cache:
            seen, out, todo = set(), set(), deque([(s, -1)])
            while todo:
                x, last = todo.popleft()
                for j in h:
                    if j == last:
                        continue
                    for y in moves[j][x]:
                        if imp and pay[j][y] <= pay[j][x]:
                            continue
                        out.add(y)
                        if (y, j) not in seen:
                            seen.add((y, j))
                            todo.append((y, j))
            cache[key] = out
        return cache[key]

    result = {name: [[True] * len(codes) for _ in range(n_dm)] for name in CONCEPTS}
    for i in range(n_dm):
        h = tuple(j for j in range(n_dm) if j != i)
        p = pay[i]
        for s in range(len(codes)):
            ups = [y for y in moves[i][s] if p[y] > p[s]]
            if not ups:
                continue
            result["nash"][i][s] = False
            result["gmr"][i][s] = all(any(p[z] <= p[s] for z in reach(h, u, False)) for u in ups)
            result["smr"][i][s] = all(
                any(
                    p[z] <= p[s] and all(p[w] <= p[s] for w in moves[i][z])
                    for z in reach(h, u, False)
                )
                for u in ups
            )
            result["seq"][i][s] = all(any(p[z] <= p[s] for z in reach(h, u, True)) for u in ups)
    return result


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(*args)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, elapsed, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-bits", type=int, default=20)
    ap.add_argument("--baseline-max-bits", type=int, default=12)
    args = ap.parse_args()
    print(f"{'states':>9} {'zopa s':>8} {'peak MB':>8} {'baseline s':>11} {'ratio':>7}  equal")
    for bits in [b for b in (8, 10, 12, 14, 16, 18, 20) if b <= args.max_bits]:
        c = random_conflict(bits)
        res, t_z, peak = _timed(analyze, c)
        line = f"{c.n_states:>9,} {t_z:>8.2f} {peak / 2**20:>8.0f}"
        if bits <= args.baseline_max_bits:
            ref, t_b, _ = _timed(baseline, c)
            same = all(np.array_equal(res.stable[k], np.array(ref[k])) for k in CONCEPTS)
            line += f" {t_b:>11.2f} {t_b / t_z:>6.0f}x  {same}"
        else:
            line += f" {'-':>11} {'-':>7}  -"
        print(line, flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max resident set size of the whole run: {rss:,.0f} MB")


if __name__ == "__main__":
    main()
