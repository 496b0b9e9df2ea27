"""Sessions per second: zopa tournaments against NegMAS, whole process, same domains.

    python bench/bench_negotiate.py [--sessions 1000] [--parties 2 3]

For each number of parties it draws 10 random additive domains (4 issues, 600 packages,
reservation 0.3 for everyone), writes them as zopa scenario files and as the numbers NegMAS
builds its own domain from (``make_issue``, ``LinearAdditiveUtilityFunction`` with
``TableFun`` values), and times, each in a fresh Python process from start to exit:

- zopa: ``python -m zopa tournament CONFIG --json`` (Boulware vs Boulware [vs Boulware],
  100 rounds, stacked alternating offers, one process), and
- NegMAS: the same sessions as ``SAOMechanism(n_steps=100)`` with ``BoulwareTBNegotiator``
  for every party, run one after the other in one process.

It prints sessions per second for both and the ratio. Without NegMAS it says so and times
zopa only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

SIZES = (5, 6, 4, 5)
DOMAINS = 10
ROUNDS = 100
RESERVATION = 0.3


def make_domains(parties: int, seed: int) -> list[dict[str, Any]]:
    """Random additive preferences: weights and option values per party, 4 decimals."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(DOMAINS):
        prefs = []
        for _ in range(parties):
            w = rng.uniform(0.1, 1.0, len(SIZES))
            w = np.round(w / w.sum(), 4)
            vals = [np.round(rng.uniform(0, 1, n), 4).tolist() for n in SIZES]
            prefs.append({"weights": w.tolist(), "values": vals})
        out.append({"parties": prefs})
    return out


def zopa_scenario(domain: dict[str, Any], k: int) -> dict[str, Any]:
    issues = [{"id": f"i{i}", "options": [f"v{j}" for j in range(n)]} for i, n in enumerate(SIZES)]
    parties = []
    for p, pr in enumerate(domain["parties"]):
        parties.append(
            {
                "id": f"p{p}",
                "preferences": {
                    "weights": {f"i{i}": w for i, w in enumerate(pr["weights"])},
                    "values": {
                        f"i{i}": {f"v{j}": v for j, v in enumerate(vals)}
                        for i, vals in enumerate(pr["values"])
                    },
                    "reservation": RESERVATION,
                },
            }
        )
    return {"title": f"bench domain {k}", "issues": issues, "parties": parties}


def run_negmas(domains: list[dict[str, Any]], sessions: int) -> int:
    """Play ``sessions`` NegMAS sessions round-robin over the domains; returns agreements."""
    from negmas import BoulwareTBNegotiator, SAOMechanism, make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    issues = [
        make_issue(values=[f"v{j}" for j in range(n)], name=f"i{i}") for i, n in enumerate(SIZES)
    ]
    agreements = 0
    for s in range(sessions):
        domain = domains[s % len(domains)]
        mech = SAOMechanism(issues=issues, n_steps=ROUNDS)
        for p, pr in enumerate(domain["parties"]):
            ufun = LinearAdditiveUtilityFunction(
                values={
                    iss.name: TableFun({f"v{j}": v for j, v in enumerate(vals)})
                    for iss, vals in zip(issues, pr["values"], strict=True)
                },
                weights={iss.name: w for iss, w in zip(issues, pr["weights"], strict=True)},
                outcome_space=mech.outcome_space,
                reserved_value=RESERVATION,
            )
            mech.add(BoulwareTBNegotiator(name=f"p{p}"), ufun=ufun)
        agreements += mech.run().agreement is not None
    return agreements


def _timed(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return took, done.stdout


def bench(parties: int, sessions: int, tmp: Path, negmas: bool) -> dict[str, Any]:
    domains = make_domains(parties, seed=parties)
    paths = []
    for k, d in enumerate(domains):
        path = tmp / f"p{parties}-d{k}.yaml"
        path.write_text(yaml.safe_dump(zopa_scenario(d, k), sort_keys=False))
        paths.append(path.name)
    cfg = tmp / f"p{parties}.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "scenarios": paths,
                "strategies": ["boulware"],
                "protocol": "stacked",
                "deadline": ROUNDS,
                "repetitions": sessions // DOMAINS,
                "seed": 1,
            }
        )
    )
    took, out = _timed(
        [
            sys.executable,
            "-m",
            "zopa",
            "tournament",
            str(cfg),
            "--json",
            "--out",
            str(tmp / f"p{parties}-results"),
        ]
    )
    z = json.loads(out)
    row: dict[str, Any] = {
        "parties": parties,
        "sessions": z["sessions"],
        "zopa_s": took,
        "zopa_rate": z["sessions"] / took,
        "zopa_agreements": z["agreements"],
    }
    if negmas:
        spec = tmp / f"p{parties}-negmas.json"
        spec.write_text(json.dumps(domains))
        took, out = _timed(
            [
                sys.executable,
                __file__,
                "--negmas-worker",
                str(spec),
                "--sessions",
                str(z["sessions"]),
            ]
        )
        row |= {
            "negmas_s": took,
            "negmas_rate": z["sessions"] / took,
            "negmas_agreements": int(out.strip()),
        }
        row["ratio"] = row["zopa_rate"] / row["negmas_rate"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--parties", type=int, nargs="+", default=[2, 3])
    ap.add_argument("--negmas-worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.negmas_worker:
        print(run_negmas(json.loads(Path(args.negmas_worker).read_text()), args.sessions))
        return
    try:
        import negmas  # noqa: F401

        have_negmas = True
    except ImportError:
        have_negmas = False
        print("negmas is not importable: timing zopa only")
    print(
        f"{args.sessions} sessions per tournament, Boulware vs Boulware, {ROUNDS} rounds, "
        f"{DOMAINS} random domains of {np.prod(SIZES)} packages; whole-process wall time"
    )
    head = f"{'parties':>7} {'zopa s':>8} {'zopa/s':>8} {'agree':>6}"
    if have_negmas:
        head += f" {'negmas s':>9} {'negmas/s':>9} {'agree':>6} {'ratio':>6}"
    print(head)
    with tempfile.TemporaryDirectory() as d:
        for n in args.parties:
            r = bench(n, args.sessions, Path(d), have_negmas)
            line = f"{n:>7} {r['zopa_s']:>8.2f} {r['zopa_rate']:>8.0f} {r['zopa_agreements']:>6}"
            if have_negmas:
                line += (
                    f" {r['negmas_s']:>9.2f} {r['negmas_rate']:>9.1f} "
                    f"{r['negmas_agreements']:>6} {r['ratio']:>5.1f}x"
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
