"""Hostile conflict files found by fuzzing (issue 22 §5): each is a clear error (exit 2) or a
correct answer, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zopa.cli import main


def _conflict(statement: str, dm_id: str = "x", option: str = "a") -> str:
    return (
        "decision_makers:\n"
        f"  - id: {dm_id}\n"
        f"    options: [{option}]\n"
        "    preferences:\n"
        f'      prioritisation: ["{statement}"]\n'
        "  - id: y\n"
        "    options: [b]\n"
        "    preferences:\n"
        "      prioritisation: [not b]\n"
    )


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_long_implication_chain_is_evaluated_not_a_recursion_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``a -> a -> ... -> a`` (right-associative, 5,000 deep) always holds, like ``a -> a``;
    ``not`` 3,000 times over ``a`` (an even count) is ``a``."""
    long = tmp_path / "long.yaml"
    long.write_text(_conflict(" -> ".join(["a"] * 5000)))
    short = tmp_path / "short.yaml"
    short.write_text(_conflict("a -> a"))
    code, out = _run(capsys, "stability", str(long), "--json")
    assert code == 0, out
    code2, out2 = _run(capsys, "stability", str(short), "--json")
    assert code2 == 0 and json.loads(out) == json.loads(out2)
    nots = tmp_path / "nots.yaml"
    nots.write_text(_conflict("not " * 3000 + "a"))
    plain = tmp_path / "plain.yaml"
    plain.write_text(_conflict("a"))
    code, out = _run(capsys, "stability", str(nots), "--json")
    code2, out2 = _run(capsys, "stability", str(plain), "--json")
    assert code == code2 == 0 and json.loads(out) == json.loads(out2)


@pytest.mark.parametrize(("dm_id", "option"), [("true", "a"), ("x", "on"), ("no", "off")])
def test_an_id_yaml_reads_as_a_boolean_is_refused_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dm_id: str, option: str
) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(_conflict("not b" if option != "a" else "a", dm_id, option))
    code, out = _run(capsys, "stability", str(f))
    assert code == 2, out
    assert "boolean" in out and "quote" in out and "c.yaml" in out
    assert "Traceback" not in out and "bug in zopa" not in out


def test_a_quoted_boolean_word_is_a_valid_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(_conflict("a", "'true'"))
    code, out = _run(capsys, "stability", str(f), "--json")
    assert code == 0, out
    assert "true" in json.loads(out)["stability"]["nash"]["per_dm"]


def test_plot_into_a_path_that_cannot_be_written_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(_conflict("a"))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "graph.png"  # a path under a regular file: never writable
    code, out = _run(capsys, "stability", str(f), "--plot", str(target))
    assert code == 2, out
    assert "graph.png" in out and "Traceback" not in out and not target.exists()
