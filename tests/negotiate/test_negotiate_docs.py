"""docs/negotiation.md stays in step with the registries and the public API."""

from __future__ import annotations

from pathlib import Path

import zopa.negotiate as neg

DOC = (Path(__file__).resolve().parents[2] / "docs" / "negotiation.md").read_text()


def test_every_strategy_and_protocol_is_documented() -> None:
    for name in neg.STRATEGIES:
        assert f"| `{name}` |" in DOC, name
    for name in ("alternating", "stacked", "single-text", "one-text"):
        assert f"| `{name}` |" in DOC, name


def test_public_api_is_curated() -> None:
    assert sorted(neg.__all__) == sorted(set(neg.__all__))
    for name in neg.__all__:
        assert hasattr(neg, name), name
    for name in ("Session", "SessionResult", "simulate", "run", "AcceptAbove", "AcceptNext"):
        assert name in DOC, name
