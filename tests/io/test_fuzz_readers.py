"""Fuzzing every reader through the CLI: any mutation of a valid file (byte flips,
truncation, inserted bytes, deleted keys, swapped value types) gives exit 2 with a message
naming the file, or a valid result (exit 0) — never a traceback or "this is a bug".

The seeds are files the project writes itself (examples/ and tests/fixtures/).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zopa.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# (command prefix, seed file or folder, the file inside a folder to mutate)
SEEDS: dict[str, tuple[list[str], Path, str | None]] = {
    "scenario-yaml": (["analyze"], ROOT / "examples" / "logrolling.yaml", None),
    "conflict-yaml": (["stability"], ROOT / "examples" / "conflicts" / "nuclear_talks.yaml", None),
    "gmcr": (["stability"], FIX / "gmcr" / "Chicken.gmcr", None),
    "decide": (["forecast", "--model", "compromise"], FIX / "forecast" / "small.decide.csv", None),
    "csv": (["forecast", "--model", "median"], FIX / "forecast" / "emissions.csv", None),
    "deu": (["forecast", "--model", "compromise"], FIX / "forecast" / "deu_like.csv", None),
    "genius-profile": (["analyze"], FIX / "genius" / "trade", "trade_seller.xml"),
    "genius-domain": (["analyze"], FIX / "genius" / "trade", "trade_domain.xml"),
    "genius-boxes": (["analyze"], FIX / "genius" / "boxes", "boxes_b.xml"),
}


def _check(argv: list[str], target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv)
    out = capsys.readouterr()
    text = out.out + out.err
    assert code in (0, 2), text[-2000:]
    assert "This is a bug" not in text and "Traceback" not in text, text[-2000:]
    if code == 2:
        assert target.name in text or str(target.parent) in text, text[-2000:]


def _copy(seed: Path, tmp: Path) -> Path:
    if seed.is_dir():
        dst = tmp / seed.name
        shutil.copytree(seed, dst)
        return dst
    dst = tmp / seed.name
    shutil.copyfile(seed, dst)
    return dst


byte_edits = st.lists(
    st.tuples(
        st.sampled_from(["flip", "cut", "insert", "delete"]),
        st.floats(0, 1),
        st.binary(min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=4,
)


def _mutate_bytes(raw: bytes, edits: list[tuple[str, float, bytes]]) -> bytes:
    b = bytearray(raw)
    for kind, where, extra in edits:
        k = min(len(b) - 1, int(where * len(b))) if b else 0
        if kind == "flip" and b:
            b[k] ^= extra[0] or 1
        elif kind == "cut":
            b = b[:k]
        elif kind == "insert":
            b[k:k] = extra
        elif kind == "delete" and b:
            del b[k : k + len(extra)]
    return bytes(b)


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(edits=byte_edits)
def test_byte_mutations(name: str, edits: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    prefix, seed, inner = SEEDS[name]
    with tempfile.TemporaryDirectory() as tmp:
        path = _copy(seed, Path(tmp))
        target = path / inner if inner else path
        target.write_bytes(_mutate_bytes(target.read_bytes(), edits))
        _check([*prefix, str(path)], target, capsys)


# ---------------------------------------------------------------- structural mutations

odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.just([]),
    st.just({}),
    st.just([1, "x"]),
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _apply(data: Any, path: tuple[Any, ...], op: str, value: Any) -> Any:
    parent = data
    for p in path[:-1]:
        parent = parent[p]
    last = path[-1]
    if op == "delete":
        del parent[last]
    else:
        parent[last] = value
    return data


STRUCTURED: dict[str, tuple[list[str], Path]] = {
    "scenario": (["analyze"], ROOT / "examples" / "logrolling.yaml"),
    "conflict": (["stability"], ROOT / "examples" / "conflicts" / "nuclear_talks.yaml"),
    "gmcr": (["stability"], FIX / "gmcr" / "PrisonersDilemma.gmcr"),
}


@pytest.mark.parametrize("name", sorted(STRUCTURED))
@FUZZ
@given(
    choice=st.floats(0, 1),
    op=st.sampled_from(["delete", "replace"]),
    value=odd_values,
)
def test_key_deletion_and_type_swaps(
    name: str, choice: float, op: str, value: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix, seed = STRUCTURED[name]
    is_json = seed.suffix in (".json", ".gmcr")
    text = seed.read_text("utf-8")
    data = json.loads(text) if is_json else yaml.safe_load(text)
    paths = _paths(data)
    path = paths[min(len(paths) - 1, int(choice * len(paths)))]
    data = _apply(data, path, op, value)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / seed.name
        target.write_text(json.dumps(data) if is_json else yaml.safe_dump(data), "utf-8")
        _check([*prefix, str(target)], target, capsys)


@FUZZ
@given(
    choice=st.floats(0, 1),
    op=st.sampled_from(["delete", "replace"]),
    value=odd_values,
)
def test_tournament_config_mutations(
    choice: float, op: str, value: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    water = ROOT / "examples" / "negotiation" / "water.yaml"
    data: dict[str, Any] = {
        "scenarios": [str(water)],
        "strategies": ["boulware", {"name": "conceder", "params": {"e": 2.0}}],
        "protocol": "alternating",
        "deadline": 3,
        "repetitions": 1,
        "events": False,
    }
    paths = _paths(data)
    path = paths[min(len(paths) - 1, int(choice * len(paths)))]
    if path[0] in ("deadline", "repetitions") and isinstance(value, int) and value > 3:
        value = 3  # keep a valid run short
    data = _apply(data, path, op, value)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "t.yaml"
        target.write_text(yaml.safe_dump(data), "utf-8")
        _check(["tournament", str(target), "--json", "--out", str(Path(tmp) / "r")], target, capsys)


@FUZZ
@given(edits=byte_edits)
def test_geniusweb_mutations(edits: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    from zopa.io import load_scenario, write_geniusweb

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "gw"
        write_geniusweb(load_scenario(ROOT / "examples" / "logrolling.yaml"), folder)
        target = sorted(folder.glob("*.json"))[-1]
        target.write_bytes(_mutate_bytes(target.read_bytes(), edits))
        _check(["analyze", str(folder)], target, capsys)
