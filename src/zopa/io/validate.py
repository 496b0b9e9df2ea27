"""Validating parsed data against a pydantic model, with errors naming the file, the line and
the key path of every problem (the way scenario files are checked).

Every pydantic-validated file goes through :func:`validate`: conflict files and gmcr-py saves,
forecast tables, tournament configs, room policies. Scenario files are validated by
:func:`zopa.model.build_scenario`, which converts pydantic's errors with the same
:func:`zopa.errors.pydantic_problems` (it sits in :mod:`zopa.errors` because the model may not
import :mod:`zopa.io`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic

from zopa.errors import Locator, ScenarioError, pydantic_problems
from zopa.io.files import Document

__all__ = ["validate", "validate_document"]

M = TypeVar("M", bound=pydantic.BaseModel)


def validate(
    model: type[M],
    data: Any,
    *,
    file: str | None,
    locate: Locator | None = None,
    what: str = "file",
    hint: str = "",
    docs: str = "",
) -> M:
    """``data`` validated by ``model``; every problem is listed in one ScenarioError.

    ``hint`` is the fix for a top level that is not a mapping; ``docs`` names where the keys of
    this kind of file are documented (the hint of an unknown or missing key).
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            f"the top level of a {what} must be a mapping, not a {type(data).__name__}",
            file=file,
            hint=hint,
        )
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        keys = f"see {docs} for the keys of a {what}" if docs else ""
        raise ScenarioError(
            pydantic_problems(exc.errors(), data, locate, keys_hint=keys), file=file
        ) from None


def validate_document(
    model: type[M], doc: Document, *, what: str = "file", hint: str = "", docs: str = ""
) -> M:
    """:func:`validate` of a document read by :mod:`zopa.io.files`."""
    return validate(
        model, doc.data, file=doc.file, locate=doc.locate, what=what, hint=hint, docs=docs
    )
