"""``zopa.records.frozen`` against ``dataclasses.dataclass(frozen=True)``, the oracle: random
classes built both ways cannot be told apart (signature, doc, fields, parameters, repr,
equality, hash, frozenness and its messages, copies, replace, errors of the constructor)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.records import frozen

NAMES = ["a", "b", "c", "x", "y_1", "zone", "kind"]
VALUES = st.one_of(
    st.integers(-3, 3),
    st.none(),
    st.text(max_size=3),
    st.tuples(st.integers(0, 2)),
    st.lists(st.integers(0, 2), max_size=2),  # unhashable: hash must fail alike
    st.floats(allow_nan=True),
)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5))
    n_required = draw(st.integers(0, len(names)))
    fields = []
    for i, name in enumerate(names):
        kind = (
            "required"
            if i < n_required
            else draw(st.sampled_from(["default", "factory", "field_default"]))
        )
        fields.append(
            {
                "name": name,
                "kind": kind,
                "default": draw(st.one_of(st.integers(-2, 2), st.none(), st.just(()))),
                "factory": draw(st.sampled_from([list, dict, tuple])),
                "repr": draw(st.booleans()),
                "compare": draw(st.booleans()),
                "hash": draw(st.sampled_from([None, True, False])),
            }
        )
    return {
        "fields": fields,
        "eq": draw(st.booleans()),
        "slots": draw(st.booleans()),
        "doc": draw(st.sampled_from([None, "A record."])),
        "post_init": draw(st.booleans()),
        "classvar": draw(st.booleans()),
    }


def _make(spec: dict[str, Any], build: Any) -> Any:
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__, "__qualname__": "Rec"}
    if spec["doc"] is not None:
        ns["__doc__"] = spec["doc"]
    for f in spec["fields"]:
        ns["__annotations__"][f["name"]] = "int"
        flags = {"repr": f["repr"], "compare": f["compare"], "hash": f["hash"]}
        if f["kind"] == "default":
            ns[f["name"]] = f["default"]
        elif f["kind"] == "factory":
            ns[f["name"]] = dataclasses.field(default_factory=f["factory"], **flags)
        elif f["kind"] == "field_default":
            ns[f["name"]] = dataclasses.field(default=f["default"], **flags)
        elif f["repr"] is False or f["compare"] is False or f["hash"] is not None:
            ns[f["name"]] = dataclasses.field(**flags)
    if spec["classvar"]:
        ns["__annotations__"]["limit"] = "ClassVar[int]"
        ns["limit"] = 7
    if spec["post_init"]:

        def __post_init__(self: Any) -> None:
            if getattr(self, spec["fields"][0]["name"], None) == 3 if spec["fields"] else False:
                raise ValueError("three is not allowed")

        ns["__post_init__"] = __post_init__
    cls = type("Rec", (), ns)
    return build(cls, spec["eq"], spec["slots"])


def _real(cls: type, eq: bool, slots: bool) -> Any:
    return dataclasses.dataclass(cls, frozen=True, eq=eq, slots=slots)


def _ours(cls: type, eq: bool, slots: bool) -> Any:
    return frozen(eq=eq, slots=slots)(cls)


def _outcome(fn: Any) -> tuple[str, Any]:
    try:
        return "ok", fn()
    except Exception as exc:
        return type(exc).__name__, str(exc)


def _describe(cls: Any) -> Any:
    return (
        cls.__doc__,
        str(inspect.signature(cls)),
        cls.__init__.__annotations__,
        [
            (f.name, f.default, f.default_factory, f.repr, f.compare, f.hash, f.init, f.kw_only)
            for f in dataclasses.fields(cls)
        ],
        repr(cls.__dataclass_params__),
        cls.__match_args__,
        getattr(cls, "__slots__", None),
        "__dict__" in dir(cls),
        cls.__hash__ is None,
        dataclasses.is_dataclass(cls),
    )


def _behaviour(cls: Any, args: list[Any], other: list[Any]) -> list[Any]:
    got = []
    made = _outcome(lambda: cls(*args))
    got.append(made if made[0] != "ok" else ("ok", repr(made[1])))
    twin = _outcome(lambda: cls(*other))
    if made[0] != "ok" or twin[0] != "ok":
        return [*got, twin[0]]
    x, y = cls(*args), twin[1]
    names = [f.name for f in dataclasses.fields(cls)]
    got += [
        x == y,
        x == cls(*args),
        x != y,
        x == object(),
        _outcome(lambda: hash(x) == hash(cls(*args))),
        _outcome(lambda: type(hash(x)).__name__),
        _outcome(lambda: setattr(x, names[0], 1)) if names else None,
        # a new attribute: refused by both; on a slotted class CPython 3.11's dataclass says
        # so with a TypeError from super() (its method holds the class before __slots__), ours
        # with FrozenInstanceError: only the refusal is compared
        _outcome(lambda: setattr(x, "zz", 1))[0] != "ok",
        _outcome(lambda: delattr(x, names[0])) if names else None,
        repr(copy.copy(x)),
        repr(copy.deepcopy(x)),
        copy.copy(x) == x,
        _outcome(lambda: repr(dataclasses.replace(x))),
        _outcome(lambda: repr(dataclasses.replace(x, **({names[0]: 3} if names else {})))),
        _outcome(lambda: dataclasses.asdict(x)),
        _outcome(lambda: cls(*args, 9, 9, 9, 9, 9, 9)),
        _outcome(lambda: cls(nope=1)),
    ]
    return got


@settings(max_examples=300, deadline=None)
@given(specs(), st.lists(VALUES, max_size=6), st.lists(VALUES, max_size=6))
def test_frozen_is_indistinguishable_from_dataclass(spec, args, other):
    real, ours = _make(spec, _real), _make(spec, _ours)
    assert _describe(ours) == _describe(real)
    n = len(dataclasses.fields(real))
    for a in (args[:n], args, other[:n]):
        assert _behaviour(ours, a, other[:n]) == _behaviour(real, a, other[:n])


def test_a_recursive_repr_says_dots():
    for build in (_real, _ours):
        cls = build(type("Box", (), {"__annotations__": {"items": "list"}}), True, False)
        b = cls([])
        b.items.append(b)
        assert repr(b) == "Box(items=[...])"


def test_the_uncommon_is_left_to_dataclass():
    @frozen
    class Base:
        a: int

    @frozen(slots=True)
    class Child(Base):
        b: int = 2

    @frozen
    class Written:
        a: int

        def __repr__(self) -> str:
            return "mine"

    assert repr(Child(1)).endswith(".Child(a=1, b=2)") and Child(1) == Child(1, 2)
    assert repr(Written(1)) == "mine"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Child(1).a = 2  # type: ignore[misc]


def test_class_variables_are_not_fields():
    @frozen(slots=True)
    class Kind:
        kind: ClassVar[str] = "value"
        a: int = 1

    assert [f.name for f in dataclasses.fields(Kind)] == ["a"] and Kind().kind == "value"


def test_zopa_records_are_frozen_dataclasses():
    """Every class the library builds with @frozen says what it is."""
    import zopa.analysis.result as result
    import zopa.model.scenario as scenario

    for module in (result, scenario):
        for obj in vars(module).values():
            ours = isinstance(obj, type) and obj.__module__ == module.__name__
            if ours and dataclasses.is_dataclass(obj):
                assert obj.__dataclass_params__.frozen, obj  # type: ignore[attr-defined]


def test_the_library_builds_frozen_records_one_way():
    """One mechanism: a frozen record is @frozen, not @dataclass(frozen=True)."""
    import re
    from pathlib import Path

    import zopa
    import zopa.records

    found = [
        str(p)
        for p in Path(zopa.__file__).parent.rglob("*.py")
        if re.search(r"@(dataclasses\.)?dataclass\(\s*frozen=True", p.read_text(encoding="utf-8"))
        and p != Path(zopa.records.__file__)
    ]
    assert found == [], "use zopa.records.frozen"
