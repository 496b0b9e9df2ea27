"""Tournaments: explicit seeds make in-process, process-pool and Dask runs equal."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from zopa.errors import ProtocolError, ScenarioError
from zopa.negotiate import Negotiator, Session, parse_strategy, registry
from zopa.negotiate.tournament import (
    TournamentConfig,
    load_tournament,
    matches,
    run_tournament,
)

WATER = str(Path(__file__).resolve().parents[2] / "examples" / "negotiation" / "water.yaml")


def _config(**kw: object) -> TournamentConfig:
    base: dict[str, object] = {
        "scenarios": (WATER,),
        "strategies": tuple(parse_strategy(s) for s in ("boulware", "random", "tit-for-tat")),
        "protocol": "alternating",
        "repetitions": 2,
        "seed": 11,
    }
    base.update(kw)
    return TournamentConfig(**base)  # type: ignore[arg-type]


def test_matches_cover_every_seat_assignment_with_distinct_seeds() -> None:
    ms = matches(_config())
    assert len(ms) == 3**2 * 2
    assert len({m.seed for m in ms}) == len(ms)
    assert {m.assignment for m in ms} == {(a, b) for a in range(3) for b in range(3)}
    no_self = matches(_config(self_play=False))
    assert all(len(set(m.assignment)) == 2 for m in no_self)


def test_process_pool_equals_in_process() -> None:
    one = run_tournament(_config(), workers=1)
    two = run_tournament(_config(), workers=2)
    pd.testing.assert_frame_equal(one.frame, two.frame)
    assert one.ranking == two.ranking
    assert one.sessions == 18 and 0 <= one.agreements <= 18


def test_dask_local_cluster_equals_local_run() -> None:
    pytest.importorskip("distributed")
    local = run_tournament(_config(), workers=1)
    on_dask = run_tournament(_config(), dask="inprocess")
    pd.testing.assert_frame_equal(local.frame, on_dask.frame)


def test_config_paths_resolve_against_its_folder(tmp_path: Path) -> None:
    cfg = tmp_path / "sub" / "t.yaml"
    cfg.parent.mkdir()
    (tmp_path / "water.yaml").write_text(Path(WATER).read_text())
    cfg.write_text("scenarios: [../water.yaml]\nstrategies: [boulware]\nprotocol: stacked\n")
    loaded = load_tournament(cfg)
    assert loaded.scenarios == (str((tmp_path / "water.yaml").resolve()),)
    cfg.write_text("scenarios: [../water.yaml]\nstrategies: [boulware]\nrounds: 3\n")
    with pytest.raises(ScenarioError, match="unknown key `rounds`"):
        load_tournament(cfg)
    with pytest.raises(ProtocolError, match="at least one strategy"):
        _config(strategies=())


class _Crash(Negotiator):
    name = "crash"

    def propose(self, state: Session) -> int | None:
        raise RuntimeError("boom")


def test_a_crashing_strategy_is_recorded_and_the_tournament_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(registry.STRATEGIES, "crash", _Crash)
    cfg = _config(strategies=(parse_strategy("crash"), parse_strategy("boulware")), repetitions=1)
    result = run_tournament(cfg, workers=1)
    assert result.sessions == 4
    statuses = result.frame.drop_duplicates("session").set_index("session")["status"]
    assert (statuses == "agent_error").sum() >= 2  # crash moves first in its seat-0 sessions
    assert "boom" in " ".join(result.frame["error"])
    assert {r.strategy for r in result.ranking} == {"crash", "boulware"}
