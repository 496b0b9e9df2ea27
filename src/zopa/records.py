"""``@frozen``: ``@dataclass(frozen=True)``, built at a third of the cost.

On Python 3.11, ``dataclass`` writes the source of six methods for each frozen class
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) and
compiles each with its own ``exec``: about 1 ms of CPU per class, which for the 60-odd records
that ``zopa analyze`` imports was the largest cost of zopa's own start-up. :func:`frozen`
gives the same class with one ``exec`` (the ``__init__``, which must keep its real signature
and speed) and plain closures for the other methods:

- ``dataclasses.dataclass`` still processes the class (fields, defaults, ``ClassVar``,
  ``__slots__``, ``__match_args__``, ``fields()``, ``replace()``, ``is_dataclass``), asked
  for no methods; its parameters then say what the class is (frozen, ``eq`` as given);
- each method behaves as the generated one (same messages, same ``NotImplemented``, same
  hash over the compared fields, ``...`` for a recursive repr, pickling of slotted classes);
- anything less common (a dataclass base, a method written in the class, ``InitVar``,
  keyword-only or non-init fields, a field named ``self``) is left to ``dataclass`` itself.

``tests/core/test_records.py`` builds random classes both ways and checks that they cannot be
told apart.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
import sys
from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["frozen"]

T = TypeVar("T")

_OWN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


class _Factory:
    """The default of an argument whose field has a default factory (shown as dataclass's)."""

    def __repr__(self) -> str:
        return "<factory>"


_HAS_FACTORY = _Factory()


@overload
def frozen(cls: type[T], /) -> type[T]: ...


@overload
def frozen(*, eq: bool = True, slots: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(
    cls: type[T] | None = None, /, *, eq: bool = True, slots: bool = False
) -> type[T] | Callable[[type[T]], type[T]]:
    """``@dataclass(frozen=True, eq=eq, slots=slots)``, built cheaply (see the module)."""

    def wrap(c: type[T]) -> type[T]:
        if not _plain(c):
            return dataclasses.dataclass(c, frozen=True, eq=eq, slots=slots)
        return _build(c, eq, slots)

    return wrap if cls is None else wrap(cls)


def _plain(cls: type) -> bool:
    """Whether the class uses only what :func:`_build` does exactly as ``dataclass``."""
    if any(dataclasses.is_dataclass(b) for b in cls.__mro__[1:]):
        return False
    if any(name in cls.__dict__ for name in _OWN):
        return False
    for name, hint in inspect.get_annotations(cls).items():
        text = hint if isinstance(hint, str) else repr(hint)
        if "InitVar" in text or "KW_ONLY" in text or name == "self" or name.startswith("__"):
            return False
        value = cls.__dict__.get(name)
        if isinstance(value, dataclasses.Field) and (not value.init or value.kw_only is True):
            return False
    return True


def _build(cls: type[T], eq: bool, slots: bool) -> type[T]:
    doc = cls.__doc__
    if doc is None:
        cls.__doc__ = "-"  # dataclass would write one from a signature without __init__
    dc: Any = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=slots)
    fields = dataclasses.fields(dc)
    names = tuple(f.name for f in fields)
    shown = tuple(f.name for f in fields if f.repr)
    compared = tuple(f.name for f in fields if f.compare)
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))

    methods = [_init(dc, fields), *_frozen(dc, names), _repr(shown)]
    if eq:
        methods += _eq_hash(compared, hashed)
    if slots:
        methods += _state(names)
    for fn in methods:
        fn.__qualname__ = f"{dc.__qualname__}.{fn.__name__}"
        setattr(dc, fn.__name__, fn)
    params = dc.__dataclass_params__
    params.init, params.repr, params.eq, params.frozen = True, True, eq, True
    if doc is None:
        dc.__doc__ = _SignatureDoc()
    return dc  # type: ignore[no-any-return]


class _SignatureDoc:
    """The doc dataclass gives a class without one (``Name(field: type, ...)``), written when
    first read: ``inspect.signature`` costs more than the rest of the class. (A class's
    ``__doc__`` that is a descriptor is resolved on reading, by ``type`` itself.)"""

    def __get__(self, obj: object, cls: type) -> str:
        try:
            sig = str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):  # pragma: no cover - as dataclass does
            sig = ""
        doc = cls.__name__ + sig
        cls.__doc__ = doc
        return doc


def _init(dc: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The ``__init__`` dataclass would write for a frozen class, compiled with one exec."""
    env: dict[str, Any] = {"__set": object.__setattr__, "__FACTORY": _HAS_FACTORY}
    args, body = [], []
    for f in fields:
        n = f.name
        if f.default is not MISSING:
            env[f"__dflt_{n}"] = f.default
            args.append(f"{n}=__dflt_{n}")
            body.append(f"  __set(self, {n!r}, {n})")
        elif f.default_factory is not MISSING:
            env[f"__dflt_{n}"] = f.default_factory
            args.append(f"{n}=__FACTORY")
            body.append(f"  __set(self, {n!r}, __dflt_{n}() if {n} is __FACTORY else {n})")
        else:
            args.append(n)
            body.append(f"  __set(self, {n!r}, {n})")
    if hasattr(dc, "__post_init__"):
        body.append("  self.__post_init__()")
    source = (
        f"def __create_fn__({', '.join(env)}):\n"
        f" def __init__({', '.join(['self', *args])}):\n"
        + ("\n".join(body) or "  pass")
        + "\n return __init__\n"
    )
    scope: dict[str, Any] = {}
    module = sys.modules.get(dc.__module__)
    exec(source, module.__dict__ if module else {}, scope)
    init: Callable[..., None] = scope["__create_fn__"](**env)
    init.__annotations__ = {f.name: f.type for f in fields} | {"return": None}
    return init


def _frozen(dc: Any, names: tuple[str, ...]) -> list[Callable[..., Any]]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is dc or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(dc, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is dc or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(dc, self).__delattr__(name)

    return [__setattr__, __delattr__]


def _repr(shown: tuple[str, ...]) -> Callable[..., Any]:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{self.__class__.__qualname__}({inner})"

    return __repr__


def _eq_hash(compared: tuple[str, ...], hashed: tuple[str, ...]) -> list[Callable[..., Any]]:
    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return tuple(getattr(self, n) for n in compared) == tuple(
                getattr(other, n) for n in compared
            )
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(tuple(getattr(self, n) for n in hashed))

    return [__eq__, __hash__]


def _state(names: tuple[str, ...]) -> list[Callable[..., Any]]:
    """Pickling of a slotted frozen class (its __setattr__ refuses the default way)."""

    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, n) for n in names]

    def __setstate__(self: Any, state: list[Any]) -> None:
        for n, value in zip(names, state, strict=False):
            object.__setattr__(self, n, value)

    return [__getstate__, __setstate__]
