"""Run every bench/bench_*.py in turn (each in its own process, quick mode by default).

Run: ``python bench/run_all.py [ARGS]``; ARGS (e.g. ``--full``) are passed to every script.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n===== {script.name} =====", flush=True)
        code = subprocess.call([sys.executable, str(script), *argv], cwd=HERE.parent)
        if code != 0:
            failed.append(script.name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
