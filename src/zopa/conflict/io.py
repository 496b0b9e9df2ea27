"""Loading conflict files: :func:`zopa.io.conflict.read_conflict` reads the file and tells the
zopa conflict format from a gmcr-py save; this module hands it to its builder."""

from __future__ import annotations

from pathlib import Path

from zopa.conflict.build import build_conflict
from zopa.conflict.gmcr import conflict_from_gmcr
from zopa.conflict.model import Conflict
from zopa.errors import ScenarioError
from zopa.io.files import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "load_conflict"]


def load_conflict(path: str | Path) -> Conflict:
    """Read a conflict file: ``.gmcr`` (gmcr-py), ``.json``, ``.yaml`` or ``.yml``.

    A JSON file with a top-level ``decisionMakers`` key is read as a gmcr-py save file.
    """
    from zopa.io.conflict import read_conflict

    file = str(path)
    read = read_conflict(path)
    doc = read.doc
    try:
        if read.kind == "gmcr":
            return conflict_from_gmcr(doc.data, file, locate=doc.locate)
        return build_conflict(doc.data, file, locate=doc.locate)
    except ScenarioError as exc:
        raise exc.with_file(file) from None
