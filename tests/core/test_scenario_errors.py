"""Bad scenario files get one clear error naming the file, the place and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from zopa.cli import main
from zopa.errors import ScenarioError
from zopa.io import load_scenario
from zopa.io.files import MAX_FILE_BYTES

GOOD = {
    "title": "t",
    "issues": [
        {"id": "territory", "options": ["cede", "freeze", "restore"]},
        {"id": "army_cap", "numeric": {"min": 400000, "max": 1000000, "step": 100000}},
    ],
    "parties": [
        {
            "id": "ukraine",
            "preferences": {
                "weights": {"territory": 3, "army_cap": 1},
                "values": {
                    "territory": {"cede": 0, "freeze": 0.5, "restore": 1},
                    "army_cap": {400000: 0, 1000000: 1},
                },
                "reservation": 0.4,
                "red_lines": ["territory != cede", "army_cap >= 600000"],
            },
        },
        {
            "id": "russia",
            "preferences": {
                "weights": {"territory": 1},
                "values": {"territory": {"cede": 1, "freeze": 0.5, "restore": 0}},
                "reservation": 0.2,
            },
        },
    ],
    "drafts": [{"id": "a", "package": {"territory": "freeze", "army_cap": 600000}}],
}


def _write(tmp_path: Path, data: object, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False) if not isinstance(data, str) else data)
    return p


def _error(tmp_path: Path, data: object) -> str:
    path = _write(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = str(info.value)
    assert str(path) in text
    return text


def _mutate(path: list[object], value: object) -> dict:
    data = json.loads(json.dumps(GOOD))
    node = data
    for k in path[:-1]:
        node = node[k]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def test_good_file_loads(tmp_path):
    s = load_scenario(_write(tmp_path, GOOD))
    assert s.issue("army_cap").option_ids[0] == "400000"
    assert s.party("ukraine").preferences.weights["territory"] == pytest.approx(0.75)


CASES = [
    ("not a mapping", ["a", "b"], "top level must be a mapping"),
    ("unknown key", _mutate(["colour"], "red"), "unknown key `colour`"),
    ("missing key", _mutate(["title"], KeyError), "missing required key `title`"),
    (
        "duplicate issue",
        _mutate(["issues", 1, "id"], "territory"),
        "duplicate issue id `territory`",
    ),
    ("duplicate option", _mutate(["issues", 0, "options"], ["a", "a"]), "duplicate option id `a`"),
    ("duplicate party", _mutate(["parties", 1, "id"], "ukraine"), "duplicate party id `ukraine`"),
    ("no options", _mutate(["issues", 0, "options"], []), "has no options"),
    ("step <= 0", _mutate(["issues", 1, "numeric", "step"], 0), "step must be > 0"),
    ("min >= max", _mutate(["issues", 1, "numeric", "min"], 2000000), "must be less than max"),
    (
        "negative weight",
        _mutate(["parties", 0, "preferences", "weights", "territory"], -1),
        "negative",
    ),
    (
        "zero weights",
        _mutate(["parties", 1, "preferences", "weights"], {"territory": 0}),
        "all weights are zero",
    ),
    (
        "weight unknown issue",
        _mutate(["parties", 1, "preferences", "weights", "nato"], 1),
        "unknown issue `nato`",
    ),
    (
        "value unknown option",
        _mutate(["parties", 1, "preferences", "values", "territory", "surrender"], 0.1),
        "unknown option `surrender`",
    ),
    (
        "value outside",
        _mutate(["parties", 1, "preferences", "values", "territory", "cede"], 1.5),
        "outside [0, 1]",
    ),
    (
        "reservation outside",
        _mutate(["parties", 1, "preferences", "reservation"], -0.1),
        "reservation -0.1 is outside",
    ),
    (
        "red line syntax",
        _mutate(["parties", 0, "preferences", "red_lines"], ["territory != cede and"]),
        "syntax error at column 19",
    ),
    (
        "red line unknown issue",
        _mutate(["parties", 0, "preferences", "red_lines"], ["nato == no"]),
        "unknown issue `nato`",
    ),
    (
        "red line unknown option",
        _mutate(["parties", 0, "preferences", "red_lines"], ["territory == x"]),
        "unknown option `x`",
    ),
    (
        "draft unknown option",
        _mutate(["drafts", 0, "package", "territory"], "surrender"),
        "unknown option `surrender`",
    ),
    (
        "draft missing issue",
        _mutate(["drafts", 0, "package"], {"territory": "cede"}),
        "no option for issue `army_cap`",
    ),
    (
        "duplicate draft",
        _mutate(
            ["drafts"], [{"id": "a", "package": {"territory": "cede", "army_cap": 600000}}] * 2
        ),
        "duplicate draft id `a`",
    ),
]


@pytest.mark.parametrize(("name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_errors_are_clear(tmp_path, name, data, expected):
    text = _error(tmp_path, data)
    assert expected in text
    assert "hint:" in text or name in ("not a mapping",) or "column" in text


def test_red_line_error_shows_column_and_line(tmp_path):
    text = _error(
        tmp_path, _mutate(["parties", 0, "preferences", "red_lines"], ["territory !! cede"])
    )
    assert "column 11" in text
    assert "^" in text
    assert "parties[0].preferences.red_lines[0]" in text
    assert ".yaml:" in text  # a line number follows the file name


def test_revises_cycle(tmp_path):
    data = _mutate(
        ["drafts"],
        [
            {"id": "a", "revises": "b", "package": {"territory": "cede", "army_cap": 600000}},
            {"id": "b", "revises": "a", "package": {"territory": "cede", "army_cap": 600000}},
        ],
    )
    assert "`revises` forms a cycle: a -> b -> a" in _error(tmp_path, data)


def test_not_utf8(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_bytes(b"title: \xff\xfe caf\xe9\n")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(p)


def test_empty_file(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("  \n")
    with pytest.raises(ScenarioError, match="empty"):
        load_scenario(p)


def test_enormous_file_is_refused_quickly(tmp_path):
    p = tmp_path / "s.yaml"
    with p.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ScenarioError, match="over the limit"):
        load_scenario(p)


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    text = _error(tmp_path, "\n".join(lines) + "\n")
    assert "alias bomb" in text


def test_yaml_syntax_error_has_line(tmp_path):
    text = _error(tmp_path, "title: t\nissues: [\n")
    assert "invalid YAML" in text and ".yaml:" in text


def test_duplicate_yaml_key(tmp_path):
    text = _error(tmp_path, "title: a\ntitle: b\n")
    assert "duplicate key `title`" in text and ":2:1" in text


def test_json_errors(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{"title": "t",\n "issues": [}')
    with pytest.raises(ScenarioError, match=r"s\.json:2:\d+: invalid JSON"):
        load_scenario(p)
    p.write_text(json.dumps(_mutate(["colour"], 1)))
    with pytest.raises(ScenarioError, match="unknown key `colour`"):
        load_scenario(p)


def test_json_numeric_value_keys(tmp_path):
    data = json.loads(json.dumps(GOOD))  # keys become strings such as "400000"
    p = tmp_path / "s.json"
    p.write_text(json.dumps(data))
    s = load_scenario(p)
    assert s.party("ukraine").preferences.values["army_cap"][2] == pytest.approx(1 / 3)


def test_cli_exit_code_2_and_no_traceback(tmp_path, capsys):
    path = _write(tmp_path, _mutate(["colour"], "red"))
    for cmd in (["validate", str(path)], ["analyze", str(path)], ["evaluate", str(path), "a"]):
        assert main(cmd) == 2
        err = capsys.readouterr().err
        assert "unknown key `colour`" in err and "Traceback" not in err
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
