"""Reading conflict files: the zopa conflict format (YAML or JSON) and gmcr-py ``.gmcr``.

The bytes go through :mod:`zopa.io.files` like every other input (size limit, UTF-8,
duplicate keys, alias bombs, nesting, non-finite numbers); this module only decides which of
the two formats the document is and hands it to its builder.
"""

from __future__ import annotations

from pathlib import Path

from zopa.conflict.build import build_conflict
from zopa.conflict.gmcr import conflict_from_gmcr
from zopa.conflict.model import Conflict
from zopa.errors import ScenarioError
from zopa.io.files import MAX_FILE_BYTES, parse_document, read_bytes

__all__ = ["MAX_FILE_BYTES", "load_conflict"]


def load_conflict(path: str | Path) -> Conflict:
    """Read a conflict file: ``.gmcr`` (gmcr-py), ``.json``, ``.yaml`` or ``.yml``.

    A JSON file with a top-level ``decisionMakers`` key is read as a gmcr-py save file.
    """
    file = str(path)
    p = Path(path)
    doc = parse_document(
        read_bytes(p, what="conflict file"),
        file,
        json_only=p.suffix.lower() in (".json", ".gmcr"),
    )
    data = doc.data
    try:
        if p.suffix.lower() == ".gmcr" or (isinstance(data, dict) and "decisionMakers" in data):
            return conflict_from_gmcr(data, file, locate=doc.locate)
        return build_conflict(data, file, locate=doc.locate)
    except ScenarioError as exc:
        raise exc.with_file(file) from None
