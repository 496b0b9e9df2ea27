"""Hypothesis strategies that build random scenario files (as dicts)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


@st.composite
def scenario_dicts(
    draw: st.DrawFn, max_issues: int = 4, max_options: int = 4, max_parties: int = 3
) -> dict[str, Any]:
    n_issues = draw(st.integers(1, max_issues))
    issues: list[dict[str, Any]] = []
    domains: list[tuple[str, list[str], bool]] = []
    for i in range(n_issues):
        if draw(st.booleans()) and i % 2 == 1:
            lo = draw(st.integers(0, 5)) * 10
            n = draw(st.integers(2, max_options))
            issues.append(
                {"id": f"n{i}", "numeric": {"min": lo, "max": lo + 10 * (n - 1), "step": 10}}
            )
            domains.append((f"n{i}", [str(lo + 10 * k) for k in range(n)], True))
        else:
            n = draw(st.integers(1, max_options))
            opts = [f"o{k}" for k in range(n)]
            issues.append({"id": f"i{i}", "options": opts})
            domains.append((f"i{i}", opts, False))

    def atom() -> st.SearchStrategy[str]:
        @st.composite
        def build(d: st.DrawFn) -> str:
            name, opts, numeric = d(st.sampled_from(domains))
            if numeric and d(st.booleans()):
                op = d(st.sampled_from(["<", "<=", ">", ">="]))
                return f"{name} {op} {d(st.sampled_from(opts))}"
            kind = d(st.sampled_from(["==", "!=", "in"]))
            if kind == "in":
                chosen = d(st.lists(st.sampled_from(opts), min_size=1, max_size=3, unique=True))
                return f"{name} in {{{', '.join(chosen)}}}"
            return f"{name} {kind} {d(st.sampled_from(opts))}"

        return build()

    expr = st.recursive(
        atom(),
        lambda inner: st.one_of(
            st.builds(lambda a: f"not ({a})", inner),
            st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
            st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
            st.builds(lambda a, b: f"({a}) -> ({b})", inner, inner),
        ),
        max_leaves=4,
    )
    n_parties = draw(st.integers(1, max_parties))
    parties = []
    for p in range(n_parties):
        weights = {d[0]: draw(st.integers(0, 4)) for d in domains}
        if sum(weights.values()) == 0:
            weights[domains[0][0]] = 1
        values = {
            name: {o: draw(st.integers(0, 10)) / 10 for o in opts} for name, opts, _ in domains
        }
        role = "party" if p == 0 else draw(st.sampled_from(["party", "party", "mediator"]))
        parties.append(
            {
                "id": f"p{p}",
                "role": role,
                "power": draw(st.sampled_from([0.5, 1.0, 2.0])),
                "preferences": {
                    "weights": weights,
                    "values": values,
                    "reservation": draw(st.integers(0, 10)) / 10,
                    "red_lines": draw(st.lists(expr, max_size=2)),
                },
            }
        )
    return {
        "title": "random",
        "issues": issues,
        "parties": parties,
        "constraints": draw(st.lists(expr, max_size=2)),
    }
