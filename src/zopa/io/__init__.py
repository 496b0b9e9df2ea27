"""Reading and writing files: scenario YAML/JSON (and, elsewhere, other formats)."""

from __future__ import annotations

from zopa.io.files import MAX_FILE_BYTES, Document, read_document
from zopa.io.scenario import load_scenario, parse_scenario

__all__ = ["MAX_FILE_BYTES", "Document", "load_scenario", "parse_scenario", "read_document"]
