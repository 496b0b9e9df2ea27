"""Validating parsed data against a pydantic model, with errors naming the file, the line and
the key path of every problem (the way scenario files are checked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pydantic

from zopa.errors import Problem, ScenarioError
from zopa.io.files import Document, Path_, format_path

__all__ = ["validate", "validate_document"]

M = TypeVar("M", bound=pydantic.BaseModel)
Locator = Callable[[Path_], tuple[int | None, int | None]]


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
    """``data`` validated by ``model``; every problem is listed in one ScenarioError."""
    from zopa.model.scenario import _dedupe, _error_path, pydantic_message

    if not isinstance(data, dict):
        raise ScenarioError(
            f"the top level of a {what} must be a mapping, not a {type(data).__name__}",
            file=file,
            hint=hint,
        )
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = _error_path(data, err["loc"])
            msg, h = pydantic_message(err)
            if err["type"] in ("extra_forbidden", "missing") and docs:
                h = f"see {docs} for the keys of a {what}"
            line, col = locate(path) if locate is not None else (None, None)
            problems.append(Problem(msg, where=format_path(path), hint=h, line=line, column=col))
        raise ScenarioError(_dedupe(problems), file=file) from None


def validate_document(
    model: type[M], doc: Document, *, what: str = "file", hint: str = "", docs: str = ""
) -> M:
    """:func:`validate` of a document read by :mod:`zopa.io.files`."""
    return validate(
        model, doc.data, file=doc.file, locate=doc.locate, what=what, hint=hint, docs=docs
    )
