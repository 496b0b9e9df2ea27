"""The one way in: every file any zopa command reads goes through this module.

Hostile input gets a clear :class:`~zopa.errors.ScenarioError` naming the file (and the line
and key path where known), never a traceback or a hang. The same limits hold for every kind of
file — scenario YAML/JSON, conflict files, gmcr-py saves, forecast inputs (decide, CSV, YAML,
DEU III), tournament configs, GENIUS XML and GeniusWeb JSON:

- the path must exist, be a file and have a name the system accepts (:data:`MAX_PATH_CHARS`);
- at most :data:`MAX_FILE_BYTES` bytes, UTF-8 text, not empty;
- YAML/JSON: syntax errors with line and column, duplicate keys, alias bombs (more than
  :data:`MAX_NODES` values), nesting deeper than :data:`MAX_DEPTH`, tags naming Python objects,
  integers longer than :data:`MAX_INT_DIGITS` digits and non-finite numbers (NaN, ±inf) are
  refused with the key path;
- CSV: cells of any size (up to the file size), with line numbers (:func:`read_csv`);
- XML: DTDs and entities refused (:func:`read_xml`, defusedxml).
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from zopa.errors import KeyPath, Problem, ScenarioError, format_path
from zopa.records import frozen

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_NODES",
    "MAX_PATH_CHARS",
    "Document",
    "Path_",
    "cell_number",
    "check_path",
    "format_path",
    "parse_document",
    "read_bytes",
    "read_csv",
    "read_document",
    "read_text",
    "read_xml",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Every input file is at most 20 MiB (the largest real inputs are well under 1 MiB)."""
MAX_NODES = 2_000_000
"""A YAML/JSON document expands to at most this many values (alias bombs are refused)."""
MAX_DEPTH = 100
"""Mappings and lists nest at most this deep."""
MAX_INT_DIGITS = 300
"""Integers have at most 300 digits (a float holds about 1.8e308); longer ones are refused."""
MAX_PATH_CHARS = 4096
"""A path is at most 4,096 characters, each part at most 255 bytes (the usual OS limits)."""

Path_ = KeyPath


@frozen
class Document:
    """A parsed document, the file it came from and where each key path starts (1-based)."""

    data: Any
    file: str
    positions: Mapping[Path_, tuple[int, int]] = field(default_factory=dict)
    """Where each key path starts; for JSON computed only when an error needs it."""

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

    def error(self, path: Path_, message: str, hint: str = "") -> ScenarioError:
        """A :class:`ScenarioError` at ``path`` of this document."""
        return ScenarioError([self.problem(path, message, hint)], file=self.file)


# ------------------------------------------------------------------------------ paths, bytes


def check_path(path: str | Path, *, folder_ok: bool = False, what: str = "file") -> Path:
    """``path`` as a :class:`Path` after checking it names an existing file (or folder).

    Refuses names longer than the system allows, missing paths and (unless ``folder_ok``)
    folders, each with a :class:`ScenarioError` naming the path.
    """
    name = str(path)
    p = Path(path)
    if "\x00" in name:
        raise ScenarioError("the file name contains a NUL byte", file=repr(name)[:200])
    too_long = len(name) > MAX_PATH_CHARS or any(
        len(part.encode("utf-8", "surrogateescape")) > 255 for part in p.parts
    )
    if too_long:
        raise ScenarioError(
            f"the file name is too long ({len(name):,} characters; parts of at most 255 bytes, "
            f"{MAX_PATH_CHARS:,} characters in all)",
            file=name[:200] + ("..." if len(name) > 200 else ""),
            hint="give a shorter path",
        )
    try:
        exists, is_dir, is_file = p.exists(), p.is_dir(), p.is_file()
    except OSError as exc:
        raise ScenarioError(
            f"cannot open the {what}: {exc.strerror or exc}", file=name[:200], hint="check the path"
        ) from None
    if not exists:
        kind = "" if what == "file" else f" (expected a {what})"
        raise ScenarioError(f"no such file{kind}", file=name, hint="check the path")
    if is_dir and not folder_ok:
        raise ScenarioError(
            "this is a folder, not a file", file=name, hint=f"give the path of a {what}"
        )
    if not is_dir and not is_file:
        raise ScenarioError("not a regular file", file=name, hint="give the path of a file on disk")
    return p


def read_bytes(path: str | Path, *, max_bytes: int | None = None, what: str = "file") -> bytes:
    """The bytes of a file, at most ``max_bytes`` (default :data:`MAX_FILE_BYTES`), not empty."""
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    p = check_path(path, what=what)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise _too_big(size, max_bytes, name)
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ScenarioError(
            f"cannot read the file: {exc.strerror or exc}", file=name, hint="check the path"
        ) from None
    if len(raw) > max_bytes:
        raise _too_big(len(raw), max_bytes, name)
    if not raw.strip():
        raise ScenarioError("the file is empty", file=name, hint=f"write the {what} in it")
    return raw


def _too_big(size: int, max_bytes: int, name: str) -> ScenarioError:
    return ScenarioError(
        f"the file is {size:,} bytes, over the limit of {max_bytes:,} ({max_bytes >> 20} MiB)",
        file=name,
        hint="inputs are small text files; split it, or check you chose the right file",
    )


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of ``raw`` (a BOM is dropped); not empty."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"the file is not UTF-8 text (byte {exc.start} is {raw[exc.start]:#04x})",
            file=name,
            line=line,
            hint="save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
        ) from None
    if not text.strip():
        raise ScenarioError("the file is empty", file=name, hint="write something in it")
    return text


def read_text(path: str | Path, *, max_bytes: int | None = None, what: str = "file") -> str:
    """The UTF-8 text of a file (size-limited, not empty)."""
    return decode(read_bytes(path, max_bytes=max_bytes, what=what), str(path))


# ------------------------------------------------------------------------------ CSV


def read_csv(
    text: str, name: str, *, delimiter: str | None = None, quotechar: str = '"'
) -> list[list[str]]:
    """Rows of a CSV text. ``delimiter`` None: the most frequent of tab, comma and semicolon
    in the first line. Cells may be as large as the file (no 128 KiB cell limit)."""
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max("\t,;", key=first.count)
    limit = max(MAX_FILE_BYTES, len(text)) + 1
    import csv  # only CSV files need it

    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)
    try:
        return list(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
        )
    except csv.Error as exc:
        raise ScenarioError(
            f"invalid CSV: {exc}", file=name, hint="check the quotes on this line"
        ) from None


def cell_number(text: str, *, decimal_comma: bool = True) -> float | None:
    """A table cell as a finite number of ordinary size (``,`` accepted as the decimal mark
    when it is the only separator), or None when it is not one (NaN, inf, 1e400, text)."""
    t = text.strip()
    if decimal_comma and t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    if not t or len(t) > MAX_INT_DIGITS or t.lower().lstrip("+-") in _NON_FINITE:
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= 1e15 else None


_NON_FINITE = {"nan", "inf", "infinity"}


# ------------------------------------------------------------------------------ XML


def read_xml(path: str | Path) -> Element:
    """The root element of an XML file (defusedxml: DTDs and entities are refused)."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    name = str(path)
    raw = _late_declaration(read_bytes(path, what="XML file"))
    try:
        root: Element = SafeET.fromstring(raw)
    except ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise ScenarioError(
            f"invalid XML: {exc}",
            file=name,
            line=line,
            column=col + 1 if col is not None else None,
            hint="the file is truncated or not XML; check tags near this place",
        ) from None
    except DefusedXmlException as exc:
        raise ScenarioError(
            f"refused XML: {type(exc).__name__} (DTDs and entities are not allowed)", file=name
        ) from None
    except (RecursionError, MemoryError):
        raise ScenarioError("the XML is nested too deeply", file=name) from None
    except (LookupError, ValueError) as exc:  # e.g. <?xml encoding="TTF-8"?>
        raise ScenarioError(
            f"invalid XML: {exc}",
            file=name,
            hint="declare a real encoding in the first line, e.g. <?xml version='1.0' "
            "encoding='UTF-8'?>",
        ) from None
    if _xml_depth(root) > MAX_DEPTH:
        raise ScenarioError(f"the XML nests deeper than {MAX_DEPTH} elements", file=name)
    return root


_LATE_DECLARATION = re.compile(rb"\A(?:\s|<!--(?:(?!-->).)*-->)+(<\?xml\s[^>]*\?>)", re.DOTALL)
_UTF8_NAMES = (b"utf-8", b"utf8", b"us-ascii", b"ascii")


def _late_declaration(raw: bytes) -> bytes:
    """``raw`` with an ``<?xml ...?>`` declaration that follows comments or blank lines blanked
    out (same length, so line and column numbers stay right): GENIUS writes such files (ANAC
    2014 profiles start with ``<!-- profile 1 -->``) and reads them, the XML standard does not.
    Only a UTF-8 (or ASCII, or undeclared) encoding is blanked: another one must stay first."""
    m = _LATE_DECLARATION.match(raw)
    if m is None:
        return raw
    decl = m.group(1)
    enc = re.search(rb"encoding\s*=\s*[\"']([^\"']*)[\"']", decl)
    if enc is not None and enc.group(1).lower() not in _UTF8_NAMES:
        return raw
    start, end = m.span(1)
    return raw[:start] + b" " * (end - start) + raw[end:]


def _xml_depth(root: Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > MAX_DEPTH:
            break
        stack.extend((c, d + 1) for c in el)
    return deepest


# ------------------------------------------------------------------------------ YAML / JSON


def read_document(path: str | Path, *, max_bytes: int | None = None) -> Document:
    """Read a YAML or JSON file (chosen by suffix; ``.json`` is strict JSON)."""
    raw = read_bytes(path, max_bytes=max_bytes)
    return parse_document(raw, str(path), json_only=Path(path).suffix.lower() == ".json")


def parse_document(raw: bytes, name: str, *, json_only: bool = False) -> Document:
    """Parse bytes already read (used by the server for uploads, too)."""
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(len(raw), MAX_FILE_BYTES, name)
    text = decode(raw, name)
    if json_only:
        data = _load_json(text, name)
        doc = Document(data, name, _LazyPositions(text))
        _check_json_numbers(doc)
        return doc
    node = _compose(text, name)
    data, positions = _construct(node, name)
    return Document(data, name, positions)


class _BadNumber:
    """A JSON number the reader refuses, kept in place so the error can name its key path."""

    __slots__ = ("reason", "text")

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason


def _json_int(text: str) -> int | _BadNumber:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return _BadNumber(text, f"an integer of {len(text.lstrip('-')):,} digits")
    return int(text)


def _json_float(text: str) -> float | _BadNumber:
    x = float(text)
    return x if math.isfinite(x) else _BadNumber(text, "a number too large for a float")


def _json_constant(text: str) -> _BadNumber:
    return _BadNumber(text, f"`{text}`, which is not a finite number")


_LONG_DIGITS = re.compile(rf"\d{{{MAX_INT_DIGITS + 1}}}")


def _load_json(text: str, name: str) -> Any:
    # an integer hook costs a Python call per number; only a text with a run of more than
    # MAX_INT_DIGITS digits can hold a refused integer, and one C regex scan finds out
    long_ints = _LONG_DIGITS.search(text) is not None
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates(name),
            parse_int=_json_int if long_ints else None,
            parse_float=_json_float,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"invalid JSON: {exc.msg}",
            file=name,
            line=exc.lineno,
            column=exc.colno,
            hint="check brackets, commas and quotes near this place",
        ) from None
    except RecursionError:
        raise ScenarioError(
            f"the JSON is nested too deeply (at most {MAX_DEPTH} levels)", file=name
        ) from None


def _check_json_numbers(doc: Document) -> None:
    """Count, depth and refused numbers; key paths are built only to name a problem."""
    count = 0
    stack: list[tuple[Any, int]] = [(doc.data, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ScenarioError(f"the document holds more than {MAX_NODES:,} values", file=doc.file)
        if depth > MAX_DEPTH or isinstance(node, _BadNumber):
            _name_json_problem(doc)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def _name_json_problem(doc: Document) -> None:
    stack: list[tuple[Any, Path_, int]] = [(doc.data, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise doc.error(path, f"the document nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, _BadNumber):
            raise doc.error(path, f"{node.reason} is refused", _NUMBER_HINT)
        if isinstance(node, dict):
            stack.extend((v, (*path, str(k)), depth + 1) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i), depth + 1) for i, v in enumerate(node))


_NUMBER_HINT = "write a finite number of ordinary size (a float holds at most about 1.8e308)"


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


class _LazyPositions(Mapping[Path_, tuple[int, int]]):
    """The key paths' positions in a JSON text, found on first use: reading a valid file
    never pays for them (on a 16,384-state gmcr-py file they cost 10x the JSON parse)."""

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._found: dict[Path_, tuple[int, int]] = {}

    def _positions(self) -> dict[Path_, tuple[int, int]]:
        if self._text is not None:
            self._found, self._text = _positions_or_empty(self._text), None
        return self._found

    def __getitem__(self, key: Path_) -> tuple[int, int]:
        return self._positions()[key]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's C parser where PyYAML was built with it (about 10x faster); the nodes and
marks (line, column) it gives are the same, and every check below runs on them."""


def _positions_or_empty(text: str) -> dict[Path_, tuple[int, int]]:
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except (Exception, RecursionError):  # positions are best effort for JSON
        return {}
    if node is None:
        return {}
    try:
        return _construct(node, "")[1]
    except (ScenarioError, RecursionError):
        return {}


def _compose(text: str, name: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=_LOADER)
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


def _construct(root: yaml.Node, name: str) -> tuple[Any, dict[Path_, tuple[int, int]]]:  # noqa: C901  one recursive walk of the YAML tree holding every limit (node count, depth, keys) in one place
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
        if depth > MAX_DEPTH:
            raise ScenarioError(
                f"the document nests deeper than {MAX_DEPTH} levels",
                file=name,
                line=node.start_mark.line + 1,
                where=format_path(path),
                hint="flatten the structure",
            )
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
        return scalar(node, path)

    def walk_key(node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise ScenarioError(
                "a mapping key must be a plain value, not a list or mapping",
                file=name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        return scalar(node, None)

    def scalar(node: yaml.Node, path: Path_ | None) -> Any:
        def refuse(reason: str) -> ScenarioError:
            return ScenarioError(
                f"{reason} is refused",
                file=name,
                where=format_path(path) if path else "",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                hint=_NUMBER_HINT,
            )

        if node.tag == "tag:yaml.org,2002:int":
            digits = sum(ch.isdigit() for ch in str(node.value))
            if digits > MAX_INT_DIGITS:
                raise refuse(f"an integer of {digits:,} digits")
        try:
            value = constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            raise ScenarioError(
                f"cannot read this value: {exc}",
                file=name,
                where=format_path(path) if path else "",
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            ) from None
        except yaml.YAMLError as exc:
            raise ScenarioError(
                f"cannot read this value: {exc}",
                file=name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            ) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise refuse(f"`{node.value}`, which is not a finite number,")
        return value

    return walk(root, (), 0), positions
