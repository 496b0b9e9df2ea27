"""Load a scenario file (YAML or JSON) into a validated :class:`~zopa.model.Scenario`."""

from __future__ import annotations

from pathlib import Path

from zopa.errors import ScenarioError
from zopa.io.files import Document, parse_document, read_document
from zopa.model.build import build_scenario
from zopa.model.scenario import Scenario

__all__ = ["load_scenario", "parse_scenario", "scenario_from_document"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raises :class:`ScenarioError` naming file and place."""
    return scenario_from_document(read_document(path))


def parse_scenario(
    raw: bytes | str, name: str = "<upload>", *, json_only: bool = False
) -> Scenario:
    """Validate a scenario given as bytes or text (an upload, a test)."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return scenario_from_document(parse_document(data, name, json_only=json_only))


def scenario_from_document(doc: Document) -> Scenario:
    """The scenario of a YAML/JSON document already parsed; errors name its file."""
    try:
        return build_scenario(doc.data, file=doc.file, locate=doc.locate)
    except ScenarioError as exc:
        raise exc.with_file(doc.file) from None
