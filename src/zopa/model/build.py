"""Raw data -> a validated, frozen :class:`~zopa.model.scenario.Scenario`.

Shapes are checked by the schema (:class:`~zopa.model.spec.ScenarioSpec`; valid files on the
fast path of :mod:`~zopa.model.specdata`, which leaves errors to pydantic), then each
section cross-checks what it refers to: :mod:`~zopa.model.issues`,
:mod:`~zopa.model.preferences`, :mod:`~zopa.model.drafts` (and events),
:mod:`~zopa.model.evidence`. Every problem is collected into one
:class:`~zopa.errors.ScenarioError`, so a user fixes a file in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zopa.errors import Locator, Problems, ScenarioError, pydantic_problems
from zopa.model.checks import Checks
from zopa.model.drafts import build_drafts, build_events
from zopa.model.evidence import build_evidence
from zopa.model.expr import IssueDomain
from zopa.model.issues import build_issues
from zopa.model.preferences import build_party
from zopa.model.scenario import Scenario
from zopa.model.specdata import ScenarioSpec, fast_spec, from_models
from zopa.model.uncertainty import build_correlations

__all__ = ["build_scenario"]


def build_scenario(
    data: Any,
    *,
    file: str | None = None,
    locate: Locator | None = None,
    require_preferences: bool = True,
) -> Scenario:
    """Validate raw data and build a :class:`Scenario`; raises :class:`ScenarioError`.

    ``require_preferences=False`` accepts gating parties without preferences (a scenario's
    public skeleton, as a mediation room keeps it).

    >>> s = build_scenario({
    ...     "title": "price",
    ...     "issues": [{"id": "price", "options": ["low", "high"]}],
    ...     "parties": [
    ...         {"id": "buyer", "preferences": {"weights": {"price": 1},
    ...          "values": {"price": {"low": 1, "high": 0}}, "reservation": 0.5}},
    ...     ],
    ... })
    >>> s.outcomes, s.party("buyer").preferences.weights["price"]
    (2, 1.0)

    Every problem is reported at once:

    >>> build_scenario({"title": "x", "issues": [], "parties": [], "colour": "red"})
    Traceback (most recent call last):
    ...
    zopa.errors.ScenarioError: issues: List should have at least 1 item after validation, not 0
    parties: List should have at least 1 item after validation, not 0
    colour: unknown key `colour`
      hint: remove it or check its spelling (see `zopa schema` for every key)
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"the top level must be a mapping (keys such as title, issues, parties), "
            f"not a {type(data).__name__}",
            file=file,
            hint="start the file with `title: ...` then `issues:` and `parties:`",
        )
    spec = fast_spec(data) or _validated(data, file, locate)
    probs = Problems(locate)
    scenario = _build(Checks(spec, probs, require_preferences), file)
    if probs.items:
        raise ScenarioError(probs.items, file=file)
    assert scenario is not None
    return scenario


def _validated(data: Any, file: str | None, locate: Locator | None) -> ScenarioSpec:
    """``data`` checked by the pydantic schema: the words of every error, and the sections the
    fast reader leaves to it (:mod:`zopa.model.specdata`)."""
    import pydantic

    from zopa.model import spec

    try:
        model = spec.ScenarioSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ScenarioError(pydantic_problems(exc.errors(), data, locate), file=file) from None
    light: ScenarioSpec = from_models(model)
    return light


def _build(ck: Checks, file: str | None) -> Scenario | None:
    s = ck.spec
    issues = build_issues(ck)
    ck.unique([i.id for i in s.issues], ("issues",), "issue")
    ck.unique([p.id for p in s.parties], ("parties",), "party")
    ck.unique([d.id for d in s.drafts], ("drafts",), "draft")
    domains = tuple(IssueDomain(i.id, i.option_ids, i.numbers) for i in issues)
    constraints = tuple(
        r
        for k, text in enumerate(s.constraints)
        if (r := ck.rule(text, domains, ("constraints", k))) is not None
    )
    parties = tuple(build_party(ck, k, ps, issues, domains) for k, ps in enumerate(s.parties))
    if not any(p.gates for p in parties):
        ck.p.add(
            ("parties",), "no party has role `party`", "at least one party must gate agreement"
        )
    drafts = build_drafts(ck, issues, parties)
    events = build_events(ck, issues, parties)
    evidence, notes = build_evidence(ck, issues, parties, drafts)
    correlations = build_correlations(ck, issues, parties)
    if ck.p.items:
        return None
    return Scenario(
        title=s.title,
        description=s.description,
        sources=tuple(
            x if isinstance(x, str) else ", ".join(f"{k}: {v}" for k, v in x.items())
            for x in s.sources
        ),
        assumptions=_assumptions(s.assumptions),
        issues=issues,
        parties=parties,
        constraints=constraints,
        drafts=drafts,
        events=events,
        evidence=evidence,
        correlations=correlations,
        file=file,
        warnings=notes,
    )


def _assumptions(given: str | list[str]) -> tuple[str, ...]:
    if isinstance(given, str):
        return (given,) if given else ()
    return tuple(given) if isinstance(given, list) else ()
