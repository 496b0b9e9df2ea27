"""``zopa simulate`` and ``zopa tournament`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zopa.cli import main

WATER = Path(__file__).resolve().parents[2] / "examples" / "negotiation" / "water.yaml"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("proto", ["alternating", "stacked", "single-text", "one-text"])
def test_simulate_json_is_byte_for_byte_reproducible(
    capsys: pytest.CaptureFixture[str], proto: str
) -> None:
    args = [
        "simulate",
        str(WATER),
        "--protocol",
        proto,
        "--strategy",
        "upstream=random",
        "--strategy",
        "downstream=frequency:e=0.5",
        "--deadline",
        "40",
        "--seed",
        "5",
        "--json",
    ]
    code, first, _ = _run(capsys, *args)
    assert code == 0
    assert _run(capsys, *args)[1] == first
    data = json.loads(first)
    assert set(data) >= {"agreement", "package", "round", "utilities", "trace"}
    assert set(data["utilities"]) == {"upstream", "downstream"}
    actions = {e["action"] for e in data["trace"]}
    assert actions <= {"offer", "accept", "reject", "vote", "end"}
    assert data["trace"][-1]["action"] == "end"


def test_simulate_pressure_event_can_be_switched_off(capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "simulate",
        str(WATER),
        "--strategy",
        "upstream=hardliner",
        "--strategy",
        "downstream=hardliner",
        "--deadline",
        "30",
        "--json",
    ]
    with_event = json.loads(_run(capsys, *base)[1])
    without = json.loads(_run(capsys, *base, "--no-events")[1])
    assert with_event["utilities"]["upstream"] == pytest.approx(0.2)  # 0.35 - 0.15 at round 20
    assert without["utilities"]["upstream"] == pytest.approx(0.35)


def test_simulate_plot_and_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "simulate", str(WATER), "--plot", str(tmp_path / "p.png"))
    assert code == 0 and "agreement" in out
    assert (tmp_path / "p.png").stat().st_size > 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "upstream=bulware"], "choose one of: boulware"),
        (["--strategy", "upstream=boulware:x=1"], "valid: e, k"),
        (["--strategy", "nobody=boulware"], "no negotiating party"),
        (["--strategy", "upstream"], "PARTY=NAME"),
        (["--protocol", "auction"], "choose one of: auto, alternating"),
        (["--mediator", "oracle", "--protocol", "single-text"], "'oracle' is not one of"),
    ],
)
def test_simulate_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = _run(capsys, "simulate", str(WATER), *args)
    assert code == 2
    assert message in err.replace("\n", " ")


def test_tournament_json_and_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # results go to out/ under the working directory by default
    (tmp_path / "water.yaml").write_bytes(WATER.read_bytes())
    cfg = tmp_path / "t.yaml"
    cfg.write_text(
        "scenarios: [water.yaml]\nstrategies: [boulware, {name: conceder, params: {e: 3}}]\n"
        "protocol: alternating\ndeadline: 20\nrepetitions: 2\nseed: 1\n"
    )
    code, out, _ = _run(capsys, "tournament", str(cfg), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["sessions"] == 2 * 2 * 2  # 2 strategies ^ 2 seats x 2 repetitions
    assert {r["strategy"] for r in data["ranking"]} == {"boulware", "conceder:e=3"}
    folder = Path(data["results"])
    assert folder == Path("out") / "t-results"  # never beside the config (e.g. in examples/)
    for name in ("results.parquet", "results.csv", "ranking.csv", "ranking.png"):
        assert (folder / name).is_file()
    csv_text = (folder / "results.csv").read_text()
    assert "water.yaml" in csv_text and str(tmp_path) not in csv_text  # relative paths
    code, _, err = _run(capsys, "tournament", str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such file" in err
