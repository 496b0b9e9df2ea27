"""Reading and writing files: scenario YAML/JSON, GENIUS XML and GeniusWeb JSON."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zopa.errors import ScenarioError, report_warnings
from zopa.io.files import MAX_FILE_BYTES, Document, check_path, read_document
from zopa.io.scenario import load_scenario, parse_scenario
from zopa.model.scenario import Scenario

if TYPE_CHECKING:
    from zopa.io.genius import find_genius_files, load_genius, write_genius
    from zopa.io.geniusweb import is_geniusweb, load_geniusweb, write_geniusweb
    from zopa.io.writer import dump_scenario, scenario_text, write_scenario

# The GENIUS, GeniusWeb and writer modules load on first use: reading a zopa YAML file (the
# common case, e.g. `zopa analyze`) does not pay for the XML stack or the writer.
_LAZY = {
    "find_genius_files": "zopa.io.genius",
    "load_genius": "zopa.io.genius",
    "write_genius": "zopa.io.genius",
    "is_geniusweb": "zopa.io.geniusweb",
    "load_geniusweb": "zopa.io.geniusweb",
    "write_geniusweb": "zopa.io.geniusweb",
    "dump_scenario": "zopa.io.writer",
    "scenario_text": "zopa.io.writer",
    "write_scenario": "zopa.io.writer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'zopa.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "MAX_FILE_BYTES",
    "Document",
    "detect_format",
    "dump_scenario",
    "find_genius_files",
    "is_geniusweb",
    "load_any",
    "load_genius",
    "load_geniusweb",
    "load_scenario",
    "parse_scenario",
    "read_document",
    "scenario_text",
    "write_genius",
    "write_geniusweb",
    "write_scenario",
]


def detect_format(path: str | Path) -> str:
    """``zopa``, ``genius`` or ``geniusweb``: by suffix, folder contents and file contents."""
    p = check_path(path, folder_ok=True, what="scenario")
    if p.is_dir():
        names = [f.suffix.lower() for f in p.iterdir()]
        if ".xml" in names:
            return "genius"
        if ".json" in names:
            return "geniusweb"
        raise ScenarioError(
            "the folder holds no GENIUS (.xml) or GeniusWeb (.json) files", file=str(p)
        )
    suffix = p.suffix.lower()
    if suffix == ".xml":
        return "genius"
    if suffix == ".json" and p.is_file():
        try:
            data = read_document(p).data
        except ScenarioError:
            return "zopa"  # let the scenario reader report the problem
        from zopa.io.geniusweb import is_geniusweb

        return "geniusweb" if is_geniusweb(data) else "zopa"
    return "zopa"


def load_any(path: str | Path) -> Scenario:
    """Load a scenario in any supported format: a zopa YAML/JSON file, a GENIUS folder or
    domain file (its profiles are the other XML files beside it), a GeniusWeb folder or file."""
    kind = detect_format(path)
    if kind == "genius":
        from zopa.io.genius import load_genius

        s = load_genius(path)
    elif kind == "geniusweb":
        from zopa.io.geniusweb import load_geniusweb

        s = load_geniusweb(path)
    else:
        s = load_scenario(path)
    report_warnings(s.warnings)
    return s
