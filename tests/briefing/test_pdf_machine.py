"""The PDF on a machine that lacks system libraries: WeasyPrint's packaging warnings are not
faults of zopa, and a missing required library is named with the package to install.

Each case runs in a fresh interpreter whose dynamic loader refuses the named libraries (cffi's
``dlopen`` raises ``OSError`` for them, as it does on a machine without the package), with every
warning an error, as on a fresh Debian machine without ``libharfbuzz-subset0``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT

RUN = """
import sys
import cffi

refused = {refused!r}
real = cffi.FFI.dlopen

def dlopen(self, name, *args, **kwargs):
    if any(r in str(name) for r in refused):
        raise OSError(f"cannot load library '{{name}}': no such file")
    return real(self, name, *args, **kwargs)

cffi.FFI.dlopen = dlopen
from zopa.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _report(tmp_path: Path, refused: list[str]) -> subprocess.CompletedProcess[str]:
    args = [
        "report",
        str(EXAMPLES / "logrolling.yaml"),
        "-o",
        str(tmp_path / "b.html"),
        "--pdf",
        str(tmp_path / "b.pdf"),
        "--samples",
        "0",
    ]
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", RUN.format(refused=refused), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_without_harfbuzz_subset_the_pdf_is_made_with_a_note(tmp_path):
    run = _report(tmp_path, ["harfbuzz-subset"])
    assert run.returncode == 0, run.stderr
    assert "bug in zopa" not in run.stderr
    assert "libharfbuzz-subset0 is not installed" in run.stderr
    assert "apt-get install libharfbuzz-subset0" in run.stderr
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_without_pango_the_error_names_the_packages(tmp_path):
    run = _report(tmp_path, ["pango"])
    assert run.returncode == 2, run.stderr
    assert "bug in zopa" not in run.stderr
    assert "apt-get install libpango-1.0-0" in run.stderr
    assert not (tmp_path / "b.pdf").exists()
    assert not (tmp_path / "b.html").exists()
