"""Safe reading of YAML/JSON documents with a map from key paths to line/column.

Hostile input gets a clear :class:`~zopa.errors.ScenarioError`, never a traceback or a hang:
files over :data:`MAX_FILE_BYTES`, empty files, bytes that are not UTF-8, YAML syntax errors,
duplicate keys, alias bombs (capped by :data:`MAX_NODES`) and tags that name Python objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from zopa.errors import Problem, ScenarioError

__all__ = ["MAX_FILE_BYTES", "MAX_NODES", "Document", "Path_", "format_path", "read_document"]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 2_000_000

Path_ = tuple[str | int, ...]


def format_path(path: Path_) -> str:
    """``("parties", 0, "preferences")`` -> ``parties[0].preferences``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


@dataclass(frozen=True)
class Document:
    """A parsed document, the file it came from and where each key path starts (1-based)."""

    data: Any
    file: str
    positions: Mapping[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path_) -> tuple[int | None, int | None]:
        """Line and column of the nearest enclosing node of ``path`` that has a position."""
        p = tuple(path)
        while True:
            if p in self.positions:
                return self.positions[p]
            if not p:
                return None, None
            p = p[:-1]

    def problem(
        self, path: Path_, message: str, hint: str = "", column: int | None = None
    ) -> Problem:
        line, col = self.locate(path)
        return Problem(message, where=format_path(path), hint=hint, line=line, column=column or col)


def read_document(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read a YAML or JSON file (chosen by suffix; ``.json`` is strict JSON)."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise ScenarioError(f"no such file: {name}", hint="check the path")
    if not p.is_file():
        raise ScenarioError(f"{name} is not a file", hint="give the path of a .yaml or .json file")
    size = p.stat().st_size
    if size > max_bytes:
        raise ScenarioError(
            f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
            file=name,
            hint="a scenario is a small text file; split it, or check you chose the right file",
        )
    raw = p.read_bytes()[: max_bytes + 1]
    return parse_document(raw, name, json_only=p.suffix.lower() == ".json")


def parse_document(raw: bytes, name: str, *, json_only: bool = False) -> Document:
    """Parse bytes already read (used by the server for uploads, too)."""
    if not raw.strip():
        raise ScenarioError("the file is empty", file=name, hint="write a scenario mapping in it")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"the file is not UTF-8 text (byte {exc.start} cannot be decoded)",
            file=name,
            line=line,
            hint="save the file as UTF-8",
        ) from None
    if json_only:
        data = _load_json(text, name)
        positions = _positions_or_empty(text)
        return Document(data, name, positions)
    node = _compose(text, name)
    data, positions = _construct(node, name)
    return Document(data, name, positions)


def _load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates(name))
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"invalid JSON: {exc.msg}",
            file=name,
            line=exc.lineno,
            column=exc.colno,
            hint="check brackets, commas and quotes near this place",
        ) from None
    except RecursionError:
        raise ScenarioError("the JSON is nested too deeply", file=name) from None


def _no_duplicates(name: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                raise ScenarioError(
                    f"duplicate key `{k}`", file=name, hint="each key may appear once in a mapping"
                )
            out[k] = v
        return out

    return hook


def _positions_or_empty(text: str) -> dict[Path_, tuple[int, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except Exception:  # positions are best effort for JSON
        return {}
    if node is None:
        return {}
    try:
        return _construct(node, "")[1]
    except ScenarioError:
        return {}


def _compose(text: str, name: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ScenarioError(
            f"invalid YAML: {exc.problem}",
            file=name,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check indentation, colons and quotes near this place",
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc}", file=name) from None
    except RecursionError:
        raise ScenarioError("the YAML is nested too deeply", file=name) from None
    if node is None:
        raise ScenarioError("the file holds no document", file=name, hint="write a mapping")
    return node


def _construct(root: yaml.Node, name: str) -> tuple[Any, dict[Path_, tuple[int, int]]]:
    positions: dict[Path_, tuple[int, int]] = {}
    count = 0
    constructor = yaml.SafeLoader("")

    def walk(node: yaml.Node, path: Path_, depth: int) -> Any:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise ScenarioError(
                f"the document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                file=name,
                hint="write the scenario without deeply repeated aliases",
            )
        if depth > 200:
            raise ScenarioError("the document is nested too deeply", file=name)
        positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            constructor.flatten_mapping(node)
            for knode, vnode in node.value:
                key = walk_key(knode)
                if key in out:
                    raise ScenarioError(
                        f"duplicate key `{key}`",
                        file=name,
                        line=knode.start_mark.line + 1,
                        column=knode.start_mark.column + 1,
                        hint="each key may appear once in a mapping",
                    )
                out[key] = walk(vnode, (*path, str(key)), depth + 1)
                positions[(*path, str(key))] = (
                    knode.start_mark.line + 1,
                    knode.start_mark.column + 1,
                )
            return out
        if isinstance(node, yaml.SequenceNode):
            return [walk(v, (*path, i), depth + 1) for i, v in enumerate(node.value)]
        return scalar(node)

    def walk_key(node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise ScenarioError(
                "a mapping key must be a plain value, not a list or mapping",
                file=name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        return scalar(node)

    def scalar(node: yaml.Node) -> Any:
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise ScenarioError(
                f"cannot read this value: {exc}",
                file=name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            ) from None

    return walk(root, (), 0), positions
