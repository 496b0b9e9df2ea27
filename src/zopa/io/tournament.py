"""Tournament config files (YAML/JSON, docs/negotiation.md): the file's shape and its scenarios.

:func:`read_tournament` reads the file like every other input, checks it strictly against
:class:`TournamentSpec` through :func:`zopa.io.validate.validate_document` (``events: "false"``
is an error, not True; ``deadline: 1.5`` is an error, not 1) and resolves each scenario path
against the config's folder. :func:`zopa.negotiate.load_tournament` turns it into what a
tournament plays (strategies, protocol, session settings).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from zopa.io.files import Document, read_document
from zopa.io.validate import validate_document
from zopa.model.spec import Label, Num, Text
from zopa.records import frozen

__all__ = ["StrategyEntry", "TournamentFile", "TournamentSpec", "read_tournament"]


class StrategyEntry(BaseModel):
    """A strategy with parameters: ``{name: boulware, params: {e: 0.2}}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    name: Label
    params: dict[Label, Num] = Field(default_factory=dict)


class TournamentSpec(BaseModel):
    """A tournament config file (YAML/JSON), checked strictly: ``events: "false"`` is an
    error, not True; ``deadline: 1.5`` is an error, not 1."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    scenarios: list[Text] = Field(min_length=1, max_length=1000)
    strategies: list[Label | StrategyEntry] = Field(min_length=1, max_length=100)
    protocol: Label = "stacked"
    deadline: int = Field(default=100, ge=1, le=1_000_000)
    repetitions: int = Field(default=1, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    seconds: Num | None = Field(default=None, gt=0)
    discount: Num = Field(default=1.0, gt=0, le=1)
    call_timeout: Num | None = Field(default=None, gt=0)
    events: bool = True
    self_play: bool = True


@frozen
class TournamentFile:
    """A checked tournament config: its spec, its document (to place later errors) and its
    scenarios as absolute paths that exist."""

    spec: TournamentSpec
    doc: Document
    scenarios: tuple[str, ...]


def read_tournament(path: str | Path) -> TournamentFile:
    """Read and check a tournament config; relative scenario paths resolve against its folder."""
    doc = read_document(path)
    spec = validate_document(
        TournamentSpec, doc, what="tournament config", docs="docs/negotiation.md"
    )
    base = Path(path).resolve().parent
    scenarios: list[str] = []
    for k, s in enumerate(spec.scenarios):
        target = base / s
        try:
            exists = target.exists()
        except OSError:
            exists = False
        if not exists:
            raise doc.error(
                ("scenarios", k),
                f"scenario `{s[:200]}` not found (looked for {str(target)[:300]})",
                "paths are relative to the config's folder",
            )
        scenarios.append(str(target.resolve()))
    return TournamentFile(spec, doc, tuple(scenarios))
