"""Which news modules may run compiled, and the guard that keeps a stale build out.

``make test`` (and ``make native``) compiles :data:`COMPILED` with mypyc
(``tools/build_native.py``) into extension files beside their sources; without a C compiler
nothing is built and the sources run, with the same answers. Python prefers an extension file
to a source file of the same module, so after an edit the old build would shadow the new
source. The build therefore writes the SHA-256 of every source of the package beside the
modules (:data:`RECORD`), and :func:`choose`, run when ``zopa/news/__init__.py`` imports this
module (first, before any of them), keeps the compiled modules only when every source still has
its recorded hash; otherwise all of them are read from source (the modules of one build call
each other directly, so they are used all or none). ``ZOPA_NATIVE=0`` asks for the sources;
``ZOPA_NATIVE=required`` makes a missing or stale build an error (CI and the comparison test
use both).

Standard library only: the build loads this file by path, before the package can be imported.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__all__ = ["COMPILED", "RECORD", "choose", "compiled", "source_hashes"]

HERE = Path(__file__).resolve().parent
COMPILED = ("_text", "document", "actors", "attribution", "reader")
"""The modules compiled, in the order they import each other (names in ``zopa.news``)."""
RECORD = HERE / "_native_build.json"
"""Written by the build: the hash of every source of the package it compiled against."""
GROUP = "zopa_news"
"""The build's name: its shared library is the top-level module ``zopa_news__mypyc``, beside the
``zopa`` package (which the compiled modules import first)."""


def source_hashes() -> dict[str, str]:
    """SHA-256 of every ``.py`` file of the package (a compiled module may rely on any of
    them: a named tuple's fields, a constant), by file name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(HERE.glob("*.py"))}


_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)


def _built() -> list[bool]:
    """For each compiled module, whether an extension file lies beside its source; last,
    whether the build's shared library is there (without it the modules cannot be imported)."""
    files = [HERE / name for name in COMPILED] + [HERE.parent.parent / f"{GROUP}__mypyc"]
    return [any(f.with_name(f.name + sfx).exists() for sfx in _SUFFIXES) for f in files]


def _fresh() -> str | None:
    """None when the build may be used, else why not (in words)."""
    if not all(_built()):
        return "the news reader is not compiled (no C compiler, or `make native` not run)"
    try:
        recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{RECORD.name} is missing or unreadable: rebuild with `make native`"
    if recorded != source_hashes():
        return "a source of zopa.news changed after it was compiled: rebuild with `make native`"
    return None


class _SourceFinder:
    """Finds the compiled modules' source files (ahead of their extension files)."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        prefix, _, short = name.rpartition(".")
        if prefix != __package__ or short not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(name, HERE / f"{short}.py")


def choose() -> None:
    """Use the compiled modules when they match their sources, else the sources (see the
    module). Call before importing any of :data:`COMPILED`."""
    mode = os.environ.get("ZOPA_NATIVE", "auto")
    why = "ZOPA_NATIVE=0" if mode == "0" else _fresh()
    if why is None:
        return
    if mode == "required":
        raise ImportError(f"ZOPA_NATIVE=required, but {why}")
    if any(_built()) and not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder())


def compiled() -> bool:
    """Whether the news reader runs compiled in this process."""
    reader = sys.modules.get(f"{__package__}.reader")
    return reader is not None and str(reader.__file__).endswith(_SUFFIXES)


choose()
