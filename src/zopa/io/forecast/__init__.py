"""Forecast inputs: decide files, CSV tables, zopa forecast YAML/JSON, the DEU III table.

:func:`read_forecast` reads a file like every other input (:mod:`zopa.io.files`: size limit,
UTF-8, YAML/JSON limits, CSV cells of any size), tells the format from its content and returns
a :class:`ForecastTable` of frozen records (or the :class:`~zopa.model.Scenario` of a scenario
file, which forecasts from its parties' preferences). Every problem is a
:class:`~zopa.errors.ScenarioError` naming the file, the line (and column or key path) and the
fix. :func:`zopa.forecast.load_forecast` turns the table into the models' arrays.

- :mod:`zopa.io.forecast.table`: CSV (``parse_csv``) and YAML/JSON (``parse_yaml``,
  :class:`~zopa.io.forecast.table.ForecastSpec` through :mod:`zopa.io.validate`);
- :mod:`zopa.io.forecast.deu`: the DEU III table (``parse_deu``);
- :mod:`zopa.io.forecast.decide`: decide files (``parse_decide``, ``read_decide``).
"""

from __future__ import annotations

from pathlib import Path

from zopa.io.files import decode, parse_document, read_bytes
from zopa.io.forecast.decide import is_decide, parse_decide, read_decide
from zopa.io.forecast.deu import CAPABILITIES, is_deu, parse_deu
from zopa.io.forecast.records import ForecastCell, ForecastIssue, ForecastTable
from zopa.io.forecast.table import ForecastSpec, parse_csv, parse_yaml, table_from_document
from zopa.io.scenario import scenario_from_document
from zopa.model.scenario import Scenario

__all__ = [
    "CAPABILITIES",
    "ForecastCell",
    "ForecastIssue",
    "ForecastSpec",
    "ForecastTable",
    "is_decide",
    "is_deu",
    "parse_csv",
    "parse_decide",
    "parse_deu",
    "parse_yaml",
    "read_decide",
    "read_forecast",
]


def read_forecast(path: str | Path, *, capability: str = "equal") -> ForecastTable | Scenario:
    """Read any forecast input: decide, DEU III table, CSV, forecast YAML/JSON (by suffix and
    content), or a scenario file (a YAML/JSON mapping with ``parties``).

    ``capability`` applies to DEU III only: ``"equal"`` or ``"gdp"`` (the table's GDP row).
    """
    p = Path(path)
    src = str(p)
    raw = read_bytes(p, what="forecast input")
    if p.suffix.lower() in (".yaml", ".yml", ".json"):
        doc = parse_document(raw, src, json_only=p.suffix.lower() == ".json")
        if isinstance(doc.data, dict) and "parties" in doc.data:
            return scenario_from_document(doc)
        return table_from_document(doc)
    text = decode(raw, src)
    if is_decide(text):
        return parse_decide(text, source=src)
    if is_deu(text):
        return parse_deu(text, source=src, capability=capability)
    return parse_csv(text, source=src)
