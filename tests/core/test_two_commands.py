"""The README's two commands on a fresh machine (issue 22 §1): `make demo` installs what the demo
needs and nothing for tests or NLP, and runs without them; what a room writes in the checkout
(its database and key) is never one `git add .` away from a commit."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import ROOT


def _make_n(target: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("needs make")
    done = subprocess.run(
        ["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def _demo_commands() -> list[list[str]]:
    out = []
    for line in _make_n("demo").splitlines():
        if line.startswith(".venv/bin/zopa "):
            out.append(line.split()[1:])
    assert len(out) >= 2
    return out


def test_make_demo_installs_zopa_alone():
    """`make demo` took 2 min 20 s installing the test and nlp extras (spaCy, Playwright,
    WeasyPrint, ...): it installs zopa and its run-time dependencies only."""
    installs = [ln for ln in _make_n("demo").splitlines() if "pip install" in ln]
    zopa = [ln for ln in installs if re.search(r"-e \.(\s|$)", ln)]
    assert zopa, installs
    assert not any("[" in ln for ln in installs), installs  # no extras
    assert "[test,nlp]" in _make_n("test")  # the tests still get theirs


def test_the_demo_runs_without_any_extra(tmp_path):
    """Every module only an extra provides is made unimportable; the demo's commands still
    run (in a fresh interpreter, so nothing is imported already)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = {re.split(r"[<>=\[;! ]", d)[0].lower() for d in project["dependencies"]}
    extra = {
        re.split(r"[<>=\[;! ]", d)[0].lower()
        for deps in project["optional-dependencies"].values()
        for d in deps
    } - base
    from importlib.metadata import packages_distributions

    blocked = sorted(
        mod
        for mod, dists in packages_distributions().items()
        if {d.lower() for d in dists} <= extra and not mod.startswith("_")
    )
    assert {"pytest", "hypothesis", "weasyprint"} <= set(blocked)
    commands = [
        [a.replace("out/", f"{tmp_path}/") if a.startswith("out/") else a for a in c]
        for c in _demo_commands()
    ]
    code = (
        "import sys, importlib.abc\n"
        f"BLOCKED = {blocked!r}\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ImportError(f'{name} belongs to an extra')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from zopa.cli import main\n"
        f"codes = [main(c) for c in {commands!r}]\n"
        "sys.exit(0 if codes == [0] * len(codes) else 1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "ukraine-2025.png").stat().st_size > 10_000


@pytest.mark.parametrize("name", ["room.db", "room.db.key", "room.db-wal", "x/other.db"])
def test_room_files_in_the_checkout_are_git_ignored(name):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    done = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
    assert done.returncode == 0, f"{name} is not git-ignored"


def test_ci_runs_the_plain_suite_before_it_installs_any_service():
    """A fresh machine lacked a library Chromium pulls in (HarfBuzz-Subset) and CI never saw
    it: CI runs `make test` before services.sh, and the one command that runs everything CI
    runs (`make test-all`) is in the Makefile and the README."""
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    code = [ln for ln in lines if ln and not ln.startswith("#") and not ln.startswith("echo")]
    first_test = next(k for k, ln in enumerate(code) if ln.endswith("make test"))
    first_service = next(k for k, ln in enumerate(code) if "services.sh" in ln)
    assert first_test < first_service
    # read, not `make -n`: a recipe line with $(MAKE) runs even under -n (services.sh would)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ntest-all:") :].split("\n\n")[0]
    assert "services.sh" in recipe and "ZOPA_CI=1" in recipe
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "make test-all" in readme
