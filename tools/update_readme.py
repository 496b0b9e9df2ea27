"""Re-run every ```console block of README.md (`$ zopa ...`) and write the current output.

Run after a change of output: `.venv/bin/python tools/update_readme.py`; tests/core/test_readme.py
checks that the README shows what the commands print.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(```console\n\$ (zopa [^\n]+)\n)(.*?)(```)", re.S)


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from zopa.cli import main as zopa

    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")

    def rerun(m: re.Match[str]) -> str:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = zopa(shlex.split(m.group(2))[1:])
        if code != 0:
            raise SystemExit(f"`{m.group(2)}` exited with {code}")
        out = "\n".join(line.rstrip() for line in buf.getvalue().strip().splitlines())
        return f"{m.group(1)}{out}\n{m.group(4)}"

    readme.write_text(BLOCK.sub(rerun, text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
