"""The amendment check's fast path (issue 21 §3) against the full scenario check: on random
changes (known and unknown issues, option ids, numbers, near misses, wrong types) it accepts a
package only when the full check (building the scenario as a file would be) accepts it, and
returns the same package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.server.conftest import ukraine_data


@pytest.fixture(scope="module")
def info(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from zopa.server import Policy, create_room, load_or_create_key, open_db
    from zopa.server.rooms import load_room

    folder: Path = tmp_path_factory.mktemp("pkg")
    db = open_db(f"sqlite:///{folder / 'room.db'}")
    key = load_or_create_key(folder / "room.key", create=True)
    made = create_room(db, key, ukraine_data(), policy=Policy(), with_preferences=False)
    with db.read() as s:
        got = load_room(s, made.room)
    db.dispose()
    return got


def _values(info: Any) -> st.SearchStrategy[Any]:
    options = [o.id for i in info.scenario.issues for o in i.options]
    numbers = [o.number for i in info.scenario.issues for o in i.options if o.number is not None]
    return st.one_of(
        st.sampled_from(options),
        st.sampled_from(options).map(lambda o: o.upper()),
        st.sampled_from(options).map(lambda o: o + " "),
        st.sampled_from(numbers or [0.0]),
        st.sampled_from(numbers or [0.0]).map(str),
        st.integers(-3, 3),
        st.booleans(),
        st.none(),
        st.text(max_size=8),
        st.lists(st.sampled_from(options), max_size=2),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_agrees_with_the_full_check(info: Any, data: st.DataObject) -> None:
    from zopa.errors import ScenarioError
    from zopa.server.rooms import _check_package, _known_package

    issues = [i.id for i in info.scenario.issues]
    current = dict(info.scenario.drafts[0].package)
    changes: dict[str, Any] = {}
    for _ in range(data.draw(st.integers(0, 3))):
        k = data.draw(st.one_of(st.sampled_from(issues), st.sampled_from(["ghost", "Amnesty"])))
        own = [o.id for i in info.scenario.issues if i.id == k for o in i.options] or ["x"]
        # mostly an option of the issue itself (the fast path), else anything
        changes[k] = data.draw(st.one_of(st.sampled_from(own), st.sampled_from(own), _values(info)))
    if data.draw(st.integers(0, 5)) == 0:  # sometimes a package with an issue left out
        current.pop(data.draw(st.sampled_from(issues)))
    merged = {**current, **changes}
    fast = _known_package(info.scenario, merged)
    try:
        full: dict[str, str] | None = _check_package(
            info, {"id": "amendment", "package": merged}, []
        )
    except ScenarioError:
        full = None
    event("fast path" if fast is not None else "full check")
    if fast is not None:
        assert fast == full
