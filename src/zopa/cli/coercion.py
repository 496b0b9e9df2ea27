"""Typer's value coercion without pydantic, for the parameter kinds zopa's commands use.

Typer (0.29) converts every command-line value through a pydantic ``TypeAdapter`` built on the
first use of each parameter: importing pydantic and building the adapters costs more CPU than
the whole of ``zopa analyze examples/logrolling.yaml`` otherwise needs. For the kinds zopa uses
(text, paths, Literal choices, numbers through a ``parser=``, lists of these) the conversion is
a few lines, done here with Typer's own helpers (``coerce_cli_path``, ``coerce_cli_choice``),
so the values and the messages stay Typer's:

- a value that converts gives what Typer's adapter gives (the same ``str``, ``Path``, choice
  or parser result);
- a value that fails (any exception) is handed to Typer's own pydantic coercion, which
  raises its exact message (pydantic's ``Value error, ...`` wording, a parser's or a path
  check's ``BadParameter``): the failure path is Typer's, by construction.

Any other kind (dates, enums, files, tuples) and any value that is not yet of its kind (a
bool given as text) goes to Typer's
coercion as before. ``tests/cli/test_coercion.py`` checks, for every parameter of every command
on generated values, that both give the same value or the same error. This reaches into
Typer's private ``_TyperParameter.get_runtime_param``; if a Typer release moves it, nothing is
installed (Typer's coercion then runs as shipped, and the import-budget test fails on pydantic).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from zopa.records import frozen

Convert = Callable[[Any, Any, Any], Any]  # (value, param, ctx) -> value


def install_light_coercion() -> bool:
    """Route Typer's parameter coercion through :func:`light_runtime_param` (idempotent);
    False when this Typer has no such hook (its own coercion is then left as it is)."""
    try:
        from typer import core
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:  # pragma: no cover - a Typer without the hook
        return False
    cls = getattr(core, "_TyperParameter", None)
    if cls is None or not callable(getattr(cls, "get_runtime_param", None)):
        return False  # pragma: no cover
    if getattr(cls.get_runtime_param, "_zopa_light", False):
        return True

    @frozen
    class LightRuntimeParam(RuntimeParam):
        convert: Convert
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return self.convert(value, param, ctx)
            except Exception:
                # Typer's own coercion words the message (or, never yet, accepts the value)
                return build_runtime_param(self.descriptor)._coerce_value(value, param, ctx)

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            desc = self.type_descriptor
            convert = light_converter(desc.annotation, desc.parameter_info, desc.file_annotation)
            if convert is None:
                self._runtime_param = build_runtime_param(desc)
            else:
                self._runtime_param = LightRuntimeParam(
                    parameter_info=desc.parameter_info,
                    annotation=desc.annotation,
                    convert=convert,
                    descriptor=desc,
                )
        return self._runtime_param

    get_runtime_param._zopa_light = True  # type: ignore[attr-defined]
    cls.get_runtime_param = get_runtime_param
    return True


def light_converter(annotation: Any, info: Any, file_annotation: Any = None) -> Convert | None:
    """The converter of one parameter, or None when Typer's own coercion should run."""
    if file_annotation is not None:
        return None
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        leaf = _leaf(item, info)
        if leaf is None:
            return None

        def convert_list(value: Any, param: Any, ctx: Any) -> list[Any]:
            items = value if isinstance(value, list | tuple) else [value]
            return [leaf(v, param, ctx) for v in items]

        return convert_list
    return _leaf(annotation, info)


def _leaf(annotation: Any, info: Any) -> Convert | None:
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path

    if info.parser is not None:
        parser = info.parser
        return lambda value, param, ctx: parser(value)
    if get_origin(annotation) is Literal:
        choices = get_args(annotation)
        sensitive = info.case_sensitive

        def choice(value: Any, param: Any, ctx: Any) -> Any:
            return coerce_cli_choice(value, choices=choices, case_sensitive=sensitive, ctx=ctx)

        return choice
    if annotation is str:
        return _text
    if annotation is bool:
        return _flag
    if annotation is Path and info.path_type is None and routes_to_path(annotation, info):

        def path(value: Any, param: Any, ctx: Any) -> Any:
            if not isinstance(value, str):
                raise ValueError("not text: Typer converts it")
            # pydantic's Path of text is Path(text); the checks then see what Typer's see
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)

        return path
    return None  # numbers without a parser, enums, dates...


def _flag(value: Any, param: Any, ctx: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a bool: Typer converts it (yes/no/1/0...)")
    return value


def _text(value: Any, param: Any, ctx: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not text: Typer converts it")
    return value
