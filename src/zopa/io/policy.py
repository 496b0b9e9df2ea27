"""The room's disclosure policy file: what the mediator and the delegations may learn.

A policy file is YAML or JSON, read by :func:`zopa.io.files.parse_document` and validated by
:class:`Policy` through :func:`zopa.io.validate.validate_document` (unknown keys are errors,
named with their line and key path). The server (:mod:`zopa.server`) enforces it. Every key
has a cautious default::

    budget: 50                 # answers derived from others' private data, per asker
    rounds: 3                  # preference rounds per delegation once answers used them
    mediator:
      readiness: true          # who has entered preferences (no content)
      overlap: true            # does an agreement zone exist (yes / no)
      zone_size: false         # how many packages are in it
      suggestion: none         # none, nash, nash_weighted, kalai_smorodinsky, egalitarian,
                               # utilitarian: a published rule picks one package
      acceptability: consent   # per-draft acceptability of a party: never | consent
    delegations:
      feedback: true           # each delegation's own utility and red lines on each draft
      overlap: false           # may delegations ask whether a zone exists

The policy is public inside the room (``GET /api/rooms/{room}/policy``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from zopa.io.files import Document, parse_document, read_document
from zopa.io.validate import validate_document

__all__ = ["DelegationPolicy", "MediatorPolicy", "Policy", "load_policy", "parse_policy"]

Suggestion = Literal[
    "none", "nash", "nash_weighted", "kalai_smorodinsky", "egalitarian", "utilitarian"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MediatorPolicy(_Strict):
    readiness: bool = True
    overlap: bool = True
    zone_size: bool = False
    suggestion: Suggestion = "none"
    acceptability: Literal["never", "consent"] = "consent"


class DelegationPolicy(_Strict):
    feedback: bool = True
    overlap: bool = False


class Policy(_Strict):
    """A room's disclosure policy (see the module docstring for the file format)."""

    budget: int = Field(default=50, ge=0, le=1_000_000)
    rounds: int = Field(default=3, ge=1, le=100)
    mediator: MediatorPolicy = MediatorPolicy()
    delegations: DelegationPolicy = DelegationPolicy()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump()


def parse_policy(raw: bytes, name: str = "<policy>") -> Policy:
    """Validate a policy document; errors name the key path and line like scenario errors."""
    doc = parse_document(raw, name, json_only=name.endswith(".json"))
    return _validate(doc)


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file."""
    return _validate(read_document(path))


def _validate(doc: Document) -> Policy:
    return validate_document(
        Policy,
        doc,
        what="policy",
        hint="a policy is a mapping: budget, mediator, delegations",
        docs="docs/server.md",
    )
