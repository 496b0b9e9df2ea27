"""One way in: every reader shares the same limits, number checks and error shape.

Each test feeds a hostile or mistaken file through ``zopa.cli.main`` (or the library) and
checks the exit code 2 and a message naming the file, the key path and, where known, the line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from zopa.cli import main
from zopa.errors import Problem, ScenarioError
from zopa.io import load_any, load_scenario, write_genius, write_geniusweb

ROOT = Path(__file__).resolve().parents[2]
LOGROLLING = ROOT / "examples" / "logrolling.yaml"
WATER = ROOT / "examples" / "negotiation" / "water.yaml"


def _scenario() -> dict:
    return yaml.safe_load(LOGROLLING.read_text("utf-8"))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def _write(tmp_path: Path, data: dict, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False)
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------- numbers


def test_a_boolean_is_never_a_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _scenario()
    data["parties"][0]["preferences"]["reservation"] = True
    code, text = _run(capsys, "analyze", str(_write(tmp_path, data)))
    assert code == 2
    assert "parties[0].preferences.reservation" in text and "yes/no value" in text
    assert "s.yaml:" in text and "Traceback" not in text


def test_a_boolean_weight_and_power_are_errors(tmp_path: Path) -> None:
    data = _scenario()
    data["parties"][0]["preferences"]["weights"]["pay"] = False
    data["parties"][1]["power"] = True
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, data))
    text = str(info.value)
    assert "parties[0].preferences.weights.pay" in text and "parties[1].power" in text


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_5000_digit_integer_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    text = LOGROLLING.read_text("utf-8")
    data = _scenario()
    p = tmp_path / f"big{suffix}"
    if suffix == ".json":
        raw = json.dumps(data).replace('"reservation": 0.3', '"reservation": ' + "9" * 5000, 1)
    else:
        raw = text.replace("reservation: 0.3", "reservation: " + "9" * 5000, 1)
    assert "9" * 5000 in raw
    p.write_text(raw, encoding="utf-8")
    code, out = _run(capsys, "analyze", str(p))
    assert code == 2 and "5,000 digits" in out and "reservation" in out and p.name in out


@pytest.mark.parametrize(
    ("suffix", "value"),
    [
        (".yaml", ".nan"),
        (".yaml", "-.inf"),
        (".json", "NaN"),
        (".json", "Infinity"),
        (".json", "1e400"),
    ],
)
def test_non_finite_numbers_are_refused_with_the_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, value: str
) -> None:
    data = _scenario()
    p = tmp_path / f"nan{suffix}"
    if suffix == ".json":
        raw = json.dumps(data).replace('"reservation": 0.3', f'"reservation": {value}', 1)
    else:
        raw = LOGROLLING.read_text("utf-8").replace("reservation: 0.3", f"reservation: {value}", 1)
    p.write_text(raw, encoding="utf-8")
    code, out = _run(capsys, "analyze", str(p))
    assert code == 2 and "reservation" in out and "finite" in out and p.name in out


def test_weights_whose_sum_overflows_are_refused(tmp_path: Path) -> None:
    data = _scenario()
    data["parties"][0]["preferences"]["weights"] = {"pay": 1e308, "holidays": 1e308, "start": 1}
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, data))
    assert "parties[0].preferences.weights.pay" in str(info.value)
    assert "1e+15" in str(info.value)


# ---------------------------------------------------------------- expressions and nesting


def test_a_100_kb_expression_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _scenario()
    data["constraints"] = [" or ".join(["pay == high"] * 9000)]
    code, out = _run(capsys, "analyze", str(_write(tmp_path, data)))
    assert code == 2 and "over the limit" in out and "constraints[0]" in out
    assert len(out) < 5000  # the expression is not echoed whole


@pytest.mark.parametrize(
    "text", ["not " * 2000 + "pay == high", " -> ".join(["pay == high"] * 500)]
)
def test_deeply_nested_expressions_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    data = _scenario()
    data["parties"][0]["preferences"]["red_lines"] = [text]
    code, out = _run(capsys, "analyze", str(_write(tmp_path, data)))
    assert code == 2 and "nests deeper than" in out and "red_lines[0]" in out
    assert "RecursionError" not in out


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deep_nesting_of_the_document_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    p = tmp_path / f"deep{suffix}"
    p.write_text("[" * 5000 + "]" * 5000 if suffix == ".json" else "a: " + "[" * 5000 + "]" * 5000)
    code, out = _run(capsys, "analyze", str(p))
    assert code == 2 and "nest" in out and p.name in out


# ---------------------------------------------------------------- paths and sizes


@pytest.mark.parametrize("command", ["analyze", "simulate", "stability", "forecast", "tournament"])
def test_a_file_name_too_long(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out = _run(capsys, command, "x" * 5000 + ".yaml")
    assert code == 2 and "too long" in out and "Traceback" not in out


def test_errors_never_say_input() -> None:
    assert Problem("bad", line=3).render(None) == "line 3: bad"
    assert "<input>" not in str(ScenarioError("something is wrong"))


def test_csv_cells_of_any_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "big.csv"
    cell = "A" * 300_000  # over the csv module's default 128 KiB field limit
    p.write_text(f"actor,position,salience,capability,comment\nA,1,0.5,1,{cell}\nB,3,0.5,1,\n")
    code, out = _run(capsys, "forecast", str(p), "--json")
    assert code == 0, out
    assert json.loads(out)["issues"]["issue"]["compromise"] == pytest.approx(2.0)
    # a name that long is read, then refused where names are checked (file, line, limit)
    p.write_text(f"actor,position,salience,capability\n{cell},1,0.5,1\nB,3,0.5,1\n")
    code, out = _run(capsys, "forecast", str(p), "--json")
    assert code == 2 and "big.csv:2:1" in out and "over the limit of 200" in out


# ---------------------------------------------------------------- pydantic models everywhere


def test_tournament_events_string_false_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "t.yaml"
    cfg.write_text(f'scenarios: ["{WATER}"]\nstrategies: [boulware]\nevents: "false"\n')
    code, out = _run(capsys, "tournament", str(cfg))
    assert code == 2 and "t.yaml:3" in out and "events" in out and "boolean" in out


def test_tournament_config_errors_name_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "t.yaml"
    cfg.write_text(
        f'scenarios: ["{WATER}"]\nstrategies:\n  - boulware\n  - nosuch\ndeadline: 1.5\n'
    )
    code, out = _run(capsys, "tournament", str(cfg))
    assert code == 2 and "t.yaml:5" in out and "deadline" in out
    cfg.write_text(f'scenarios: ["{WATER}"]\nstrategies:\n  - boulware\n  - nosuch\n')
    code, out = _run(capsys, "tournament", str(cfg))
    assert code == 2 and "t.yaml:4" in out and "strategies[1]" in out and "nosuch" in out
    cfg.write_text("scenarios: [missing.yaml]\nstrategies: [boulware]\n")
    code, out = _run(capsys, "tournament", str(cfg))
    assert code == 2 and "scenarios[0]" in out and "not found" in out


def test_forecast_yaml_errors_name_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "f.yaml"
    p.write_text(
        "actors:\n  DE:\n    capability: true\n    issues: {em: {position: 4, salience: 0.5}}\n"
    )
    code, out = _run(capsys, "forecast", str(p))
    assert code == 2 and "f.yaml:3" in out and "actors.DE.capability" in out


def test_conflict_errors_name_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "decision_makers:\n"
        "  - id: a\n"
        "    options: [x]\n"
        "    preferences: {prioritisation: [x]}\n"
        "  - id: b\n"
        "    label: [not, a, string]\n"
        "    options: [y]\n"
        "    preferences: {prioritisation: [y]}\n"
    )
    code, out = _run(capsys, "stability", str(p))
    assert code == 2 and "c.yaml:6" in out and "decision_makers[1].label" in out


def test_gmcr_types_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "g.gmcr"
    p.write_text(
        json.dumps(
            {
                "options": [{"name": "a", "permittedDirection": "both"}],
                "decisionMakers": [{"name": "A", "options": [True]}],
            }
        )
    )
    code, out = _run(capsys, "stability", str(p))
    assert code == 2 and "g.gmcr" in out and "decisionMakers[0].options[0]" in out


def test_the_format_readers_of_zopa_io_name_file_line_and_key(tmp_path: Path) -> None:
    """The readers under ``zopa.io`` (conflict files, gmcr-py saves, tournament configs, room
    policies) tell formats apart and refuse a wrong key with its file, line and key path."""
    from zopa.io.conflict import read_conflict
    from zopa.io.policy import load_policy
    from zopa.io.tournament import read_tournament

    gmcr = tmp_path / "saved.json"
    gmcr.write_text(json.dumps({"options": [], "decisionMakers": [{"options": []}]}))
    assert read_conflict(gmcr).kind == "gmcr"
    own = tmp_path / "c.json"
    own.write_text(json.dumps({"decision_makers": []}))
    assert read_conflict(own).kind == "zopa"
    cfg = tmp_path / "t.yaml"
    cfg.write_text(f'scenarios: ["{WATER.name}"]\nstrategies: [boulware]\n')
    with pytest.raises(ScenarioError, match="not found"):
        read_tournament(cfg)
    (tmp_path / WATER.name).write_text(WATER.read_text("utf-8"), encoding="utf-8")
    assert read_tournament(cfg).scenarios == (str((tmp_path / WATER.name).resolve()),)
    pol = tmp_path / "policy.yaml"
    pol.write_text("budget: 5\nmediator:\n  zone_sise: true\n")
    with pytest.raises(ScenarioError) as err:
        load_policy(pol)
    text = str(err.value)
    assert "policy.yaml:3" in text and "mediator.zone_sise" in text
    pol.write_text("budget: 5\nmediator: {zone_size: true}\n")
    assert load_policy(pol).mediator.zone_size is True


# ---------------------------------------------------------------- every command takes any format


@pytest.mark.parametrize("fmt", ["genius", "geniusweb"])
def test_simulate_accepts_what_analyze_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    s = load_scenario(WATER)
    folder = tmp_path / fmt
    (write_genius if fmt == "genius" else write_geniusweb)(s, folder)
    assert load_any(folder).parties
    code, out = _run(capsys, "simulate", str(folder), "--json")
    assert code == 0, out
    assert set(json.loads(out)["utilities"]) == {"upstream", "downstream"}


def test_tournament_accepts_a_genius_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_genius(load_scenario(WATER), tmp_path / "water")
    cfg = tmp_path / "t.yaml"
    cfg.write_text("scenarios: [water]\nstrategies: [boulware, conceder]\ndeadline: 20\n")
    code, out = _run(capsys, "tournament", str(cfg), "--json", "--out", str(tmp_path / "r"))
    assert code == 0, out
    assert json.loads(out)["sessions"] == 4


def test_dask_scheduler_unreachable_fails_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import zopa.parallel as parallel

    monkeypatch.setattr(parallel, "DASK_CONNECT_SECONDS", 1)
    cfg = tmp_path / "t.yaml"
    cfg.write_text(f'scenarios: ["{WATER}"]\nstrategies: [boulware]\ndeadline: 5\n')
    code, out = _run(
        capsys,
        "tournament",
        str(cfg),
        "--dask",
        "tcp://127.0.0.1:9",
        "--json",
        "--out",
        str(tmp_path / "r"),
    )
    assert code == 2 and "cannot reach the Dask scheduler" in out


@pytest.mark.parametrize("address", ["local:x", "local:0", "nonsense"])
def test_bad_dask_address_is_refused_the_same_way_everywhere(address: str) -> None:
    from zopa.errors import AnalysisError, ProtocolError
    from zopa.parallel import dask_client

    for error in (ProtocolError, AnalysisError):
        with (
            pytest.raises(error, match=r"local:N|scheduler address|number of workers"),
            dask_client(address, error),
        ):
            pass


# ---------------------------------------------------------------- bounded work


def test_a_conflict_that_would_not_finish_is_refused_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """22 options (4.2 million states) are over the cube engine's 2^21 codes, and the move
    tables would need about 7e11 steps a round: refused before any work, naming the file."""
    dms = []
    for d, k in enumerate((8, 7, 7)):
        opts = [f"o{d}_{j}" for j in range(k)]
        dms.append({"id": f"dm{d}", "options": opts, "preferences": {"prioritisation": opts[:2]}})
    p = _write(tmp_path, {"title": "big", "decision_makers": dms}, "c.yaml")
    code, out = _run(capsys, "stability", str(p))
    assert code == 2 and "4,194,304 states" in out and "over the limit" in out and "c.yaml" in out


def test_two_100000_point_numeric_issues_are_refused_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = {"min": 0, "max": 99999, "step": 1}
    prefs = {
        "weights": {"a": 1, "b": 1},
        "values": {"a": {0: 0, 99999: 1}, "b": {0: 1, 99999: 0}},
        "reservation": 0.3,
    }
    data = {
        "title": "two big grids",
        "issues": [{"id": "a", "numeric": big}, {"id": "b", "numeric": big}],
        "parties": [{"id": "p", "preferences": prefs}, {"id": "q", "preferences": prefs}],
    }
    code, out = _run(capsys, "analyze", str(_write(tmp_path, data)))
    assert code == 2 and "100,000 x 100,000" in out and "over the limit" in out
