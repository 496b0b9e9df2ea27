"""Reading conflict files: the zopa conflict format (YAML or JSON) and gmcr-py ``.gmcr``."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from zopa.conflict.build import build_conflict
from zopa.conflict.gmcr import conflict_from_gmcr
from zopa.conflict.model import Conflict
from zopa.errors import ScenarioError

__all__ = ["MAX_FILE_BYTES", "load_conflict"]

MAX_FILE_BYTES = 10_000_000


def load_conflict(path: str | Path) -> Conflict:
    """Read a conflict file: ``.gmcr`` (gmcr-py), ``.json``, ``.yaml`` or ``.yml``.

    A JSON file with a top-level ``decisionMakers`` key is read as a gmcr-py save file.
    """
    path = Path(path)
    file = str(path)
    data = _parse(path, _read_text(path))
    if path.suffix.lower() == ".gmcr" or (isinstance(data, dict) and "decisionMakers" in data):
        return conflict_from_gmcr(data, file)
    return build_conflict(data, file)


def _read_text(path: Path) -> str:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"file is {size:,} bytes; at most {MAX_FILE_BYTES:,}",
                file=file,
                hint="is this the right file?",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            f"cannot read the file: {exc.strerror or exc}", file=file, hint="check the path"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"not UTF-8 text (byte {exc.start})", file=file, hint="save the file as UTF-8"
        ) from None
    if not text.strip():
        raise ScenarioError(
            "the file is empty", file=file, hint="see docs/conflict.md for the format"
        )
    return text


def _parse(path: Path, text: str) -> object:
    file = str(path)
    if path.suffix.lower() in (".json", ".gmcr"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(
                f"invalid JSON: {exc.msg}",
                file=file,
                line=exc.lineno,
                column=exc.colno,
                hint="check the JSON syntax",
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(
            f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check indentation and quoting",
        ) from None
