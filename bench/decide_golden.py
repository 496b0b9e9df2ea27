"""Record decide's equal-gain exchange model, round by round, as golden files for the tests.

Run once, from the repository root, with ../shared/data beside it and decide installed in a
separate venv (``python3 -m venv /tmp/decide-venv && /tmp/decide-venv/bin/pip install
decide-exchange-model``)::

    python bench/decide_golden.py [--decide PYTHON] [--rounds 10]

For each decide sample input (COP21, COP15 Copenhagen, the Dutch municipal sample) it drives
decide's ``ModelFactory``, ``EqualGainModel`` and ``ModelLoop`` in that interpreter (ties kept
in sorted order, no randomness) and writes ``tests/forecast/golden/decide_<name>.json``:
per round, decide's Nash bargaining solution (the capability·salience-weighted mean of the
voting positions) per issue and the voting positions per actor and issue, all on decide's
normalised 0-100 scale. Only numbers decide computed are stored, not the inputs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "decide"
OUT = ROOT / "tests" / "forecast" / "golden"
INPUTS = {
    "cop21": "decide_cop21.csv",
    "copenhagen": "decide_copenhagen.csv",
    "sample": "decide_sample_data.txt",
}

DRIVER = """
import json, random, sys
from decimal import Decimal
from decide.data.modelfactory import ModelFactory
from decide.data.reader import InputDataFile
from decide.model import base, equalgain
from decide.model.observers.observer import Observable
from decide.model.utils import ModelLoop

random.seed(0)
equalgain.EqualGainModel.ALLOW_RANDOM = False
made = [0]
_add = equalgain.EqualGainModel.add_exchange


def add_exchange(self, *args, **kwargs):
    e = _add(self, *args, **kwargs)
    e.made, made[0] = made[0], made[0] + 1
    return e


def highest_gain(self):
    # ties (gains within 1e-12 relative; decide's own tie test is 1e-20 absolute) go to
    # the exchange made first, instead of decide's coin flip or Decimal rounding noise
    top = max(e.gain for e in self.exchanges)
    first = min((e for e in self.exchanges if e.gain >= top * (1 - Decimal("1e-12"))),
                key=lambda e: e.made)
    self.exchanges.remove(first)
    return first


_adjust_nbs = base.AbstractExchangeActor.adjust_nbs


def adjust_nbs(self, position):
    # an outcome within 1e-9 of the demander's position is at it (as in exact arithmetic),
    # instead of before or past it by Decimal rounding noise
    nbs = _adjust_nbs(self, position)
    target = self.opposite_actor.demand.position
    return target if abs(nbs - target) <= Decimal("1e-9") else nbs


base.AbstractExchangeActor.adjust_nbs = adjust_nbs
equalgain.EqualGainModel.add_exchange = add_exchange
equalgain.EqualGainModel.highest_gain = highest_gain
model = ModelFactory(InputDataFile.open(sys.argv[1]))(
    model_klass=equalgain.EqualGainModel, randomized_value=None)
rounds = []


class Recorder(Observable):
    def after_loop(self, realized, iteration, repetition):
        self.n_realized = len(realized)

    def end_loop(self, iteration, repetition):
        # here the model holds the voting positions of this round and their NBS
        rounds.append({
            "exchanges": self.n_realized,
            "nbs": {i.name: repr(float(v)) for i, v in model.nbs.items()},
            "voting": {i.name: {a.actor_id: repr(float(ai.position)) for a, ai in ais.items()}
                       for i, ais in model.actor_issues.items()},
        })


loop = ModelLoop(model, Recorder(model_ref=model, output_directory=""), 0)
for _ in range(int(sys.argv[2])):
    loop.loop()
print(json.dumps(rounds))
"""


def _floats(x: object) -> object:
    if isinstance(x, dict):
        return {k: _floats(v) for k, v in x.items()}
    if isinstance(x, str):
        return float(x)
    return x


def main(argv: list[str]) -> int:
    python = (
        argv[argv.index("--decide") + 1] if "--decide" in argv else "/tmp/decide-venv/bin/python"
    )
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 10
    OUT.mkdir(parents=True, exist_ok=True)
    for name, file in INPUTS.items():
        out = subprocess.run(
            [python, "-c", DRIVER, str(DATA / file), str(rounds)],
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
        got = [_floats(r) for r in json.loads(out.stdout.strip().splitlines()[-1])]
        doc = {
            "source": f"decide-exchange-model, EqualGainModel, ALLOW_RANDOM=False, "
            f"input ../shared/data/decide/{file}, normalised 0-100 scale",
            "rounds": got,
        }
        path = OUT / f"decide_{name}.json"
        path.write_text(json.dumps(doc, indent=None, separators=(",", ":")) + "\n")
        print(
            f"{path.relative_to(ROOT)}: {len(got)} rounds, exchanges "
            f"{[r['exchanges'] for r in got]}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
