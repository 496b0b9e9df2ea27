"""Issue 9 §3 benchmark: the many-party GENIUS case (zone, solutions, limited frontier).

Run: ``python bench/bench_many.py [--full]`` from the repository root.

A GENIUS folder with P parties and 9 issues x 4 options (262,144 packages) is written to a
temporary directory by the test fixture builder (``tests/scale/many_party.py``). zopa
(``analyze``, engine auto: exact zone and solutions, limited frontier) is timed against the
baseline it replaced, the exact n-D frontier (``frontier_budget`` unbounded), which runs in
a subprocess cut off after ``--cap`` seconds (default 60; ``--full``: 600).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scale.many_party import write_many_party  # noqa: E402
from zopa.analysis.analyze import analyze  # noqa: E402
from zopa.io import load_any  # noqa: E402


def _exact(folder: str) -> None:
    """``--exact FOLDER``: the exact frontier in this process (the baseline)."""
    s = load_any(folder)
    t = time.perf_counter()
    a = analyze(s, frontier_budget=10**18)
    print(f"{time.perf_counter() - t:.2f} {a.frontier.size}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--exact"]:
        _exact(argv[1])
        return 0
    cap = 600 if "--full" in argv else 60
    if "--cap" in argv:
        cap = int(argv[argv.index("--cap") + 1])
    print("\n### many parties, 262,144 packages (9 issues x 4 options), reservation 0.3")
    print("| parties | zone | zopa (s) | listed frontier | exact frontier (s) | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for parties in (6, 10, 30, 70):
            folder = write_many_party(Path(tmp) / f"p{parties}", parties=parties)
            s = load_any(folder)
            t = time.perf_counter()
            a = analyze(s)
            zt = time.perf_counter() - t
            try:
                out = subprocess.run(
                    [sys.executable, __file__, "--exact", str(folder)],
                    capture_output=True,
                    text=True,
                    timeout=cap if parties == 70 else cap // 2,
                    check=True,
                )
                et = float(out.stdout.split()[0])
                exact, ratio = f"{et:.1f}", f"{et / zt:.0f}x"
            except subprocess.TimeoutExpired as exc:
                limit = exc.timeout
                exact, ratio = f"> {limit:.0f} (stopped)", f"> {limit / zt:.0f}x"
            listed = f"{len(a.frontier.points)} (limited)" if a.frontier.limited else "exact"
            print(f"| {parties} | {a.zone.size:,} | {zt:.2f} | {listed} | {exact} | {ratio} |")
        _genius_shaped(Path(tmp))
    return 0


def _genius_shaped(tmp: Path) -> None:
    """The shape of the field's 70-party folder (journal_learning/six_issues): 6 issues x 8
    values, no reservation (the zone is all 262,144 packages), swapped names in 18 profiles."""
    print("\n### 70 parties, GENIUS-shaped: 6 issues x 8 values, no reservation")
    print("| parties | zone | load (s) | analyze (s) | listed frontier |")
    print("|---|---|---|---|---|")
    folder = write_many_party(
        tmp / "shaped", parties=70, issues=6, options=8, reservation=None, genius_shaped=True
    )
    t = time.perf_counter()
    s = load_any(folder)
    lt = time.perf_counter() - t
    t = time.perf_counter()
    a = analyze(s)
    zt = time.perf_counter() - t
    listed = f"{len(a.frontier.points)} (limited)" if a.frontier.limited else "exact"
    print(f"| 70 | {a.zone.size:,} | {lt:.2f} | {zt:.2f} | {listed} |")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
