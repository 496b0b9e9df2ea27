"""Compile the news reader's hot modules with mypyc, in place (``make native``; ``make test``
runs it when a source of ``zopa.news`` changed).

Writes ``src/zopa/news/<module>.<abi>.so`` for each of ``zopa.news._native.COMPILED``, the
shared library ``src/zopa_news__mypyc.<abi>.so`` and, last, the record of the sources they were
built from (``_native_build.json``), without which ``zopa.news`` reads the sources. All of them
are git-ignored. Without a C compiler (or without mypyc and setuptools in the environment) it
builds nothing and says so (the sources give the same answers, slower); a compiler that fails
is an error. The C files and mypy's cache go to ``build/native``.

Run: ``.venv/bin/python tools/build_native.py [--clean]``
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
WORK = ROOT / "build" / "native"


def _native():  # type: ignore[no-untyped-def]
    """``zopa/news/_native.py`` loaded by path (importing ``zopa.news`` would load the modules
    this script is about to replace)."""
    spec = importlib.util.spec_from_file_location("_zopa_news_native", SRC / "zopa/news/_native.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _outputs(native) -> list[Path]:  # type: ignore[no-untyped-def]
    news = SRC / "zopa" / "news"
    found = [p for name in native.COMPILED for p in news.glob(f"{name}.*.so")]
    found += list(SRC.glob(f"{native.GROUP}__mypyc.*.so"))
    return [*found, native.RECORD]


def _compiler() -> str | None:
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(cc)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clean", action="store_true", help="remove the build, keep the sources")
    a = ap.parse_args(argv)
    native = _native()
    for p in _outputs(native):  # a failed build must leave no half of itself behind
        p.unlink(missing_ok=True)
    if a.clean:
        print("zopa.news: compiled modules removed (the sources run)")
        return 0
    if _compiler() is None:
        print("zopa.news: no C compiler found: the news reader runs from source (same answers)")
        return 0
    missing = [m for m in ("mypyc", "setuptools") if importlib.util.find_spec(m) is None]
    if missing:  # (setuptools comes with a Python 3.11 venv, not with 3.12's)
        print(f"zopa.news: {' and '.join(missing)} not installed: the news reader runs from source")
        return 0
    hashes = native.source_hashes()
    paths = [f"zopa/news/{name}.py" for name in native.COMPILED]
    WORK.mkdir(parents=True, exist_ok=True)
    # mypycify type-checks with the project's configuration, then setuptools compiles the C
    # it wrote; both run with src/ as the working directory, so `--inplace` puts each module
    # beside its source
    script = f"""
import sys
from mypyc.build import mypycify
from setuptools import setup
exts = mypycify(
    ["--config-file", {str(ROOT / "pyproject.toml")!r}, "--cache-dir", {str(WORK / "mypy")!r},
     *{paths!r}],
    opt_level="3", group_name={native.GROUP!r}, target_dir={str(WORK / "c")!r},
)
setup(name="zopa-news-native", ext_modules=exts, script_args=["-q", "build_ext", "--inplace",
      "--build-temp", {str(WORK / "tmp")!r}])
"""
    t0 = time.monotonic()
    print(f"zopa.news: compiling {', '.join(native.COMPILED)} with mypyc (about a minute)")
    done = subprocess.run([sys.executable, "-c", script], cwd=SRC, check=False)
    if done.returncode != 0:
        for p in _outputs(native):
            p.unlink(missing_ok=True)
        print("zopa.news: the mypyc build failed (output above)", file=sys.stderr)
        return 1
    if native.source_hashes() != hashes:
        print("zopa.news: a source changed during the build: run it again", file=sys.stderr)
        return 1
    native.RECORD.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"zopa.news: compiled in {time.monotonic() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
