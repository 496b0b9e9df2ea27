"""A delegation's preferences pages: the guided form (with live feedback on the drafts), the
walk-away by comparison, preferences fitted to a ranking of whole packages, and the YAML block
as an "advanced" tab. The words and the mathematics are :mod:`zopa.elicit`'s; saving goes
through :func:`zopa.server.rooms.set_preferences`, the same checks as the API and a file.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping
from typing import Any

import yaml
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from zopa import elicit
from zopa.elicit import FieldProblem, IssueForm, PreferenceForm
from zopa.elicit.form import EXTRA_KEYS, RATING_DIGITS, SHARE_DIGITS
from zopa.errors import ScenarioError
from zopa.io.files import parse_document
from zopa.model.compiled import compile_scenario
from zopa.model.scenario import Scenario, format_number
from zopa.server import disclose, rooms
from zopa.server.page_base import app_of, check_csrf, public_room, render, session
from zopa.server.page_words import red_line_words
from zopa.server.rooms import Caller, RoomInfo

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
COMPARE_PACKAGES = 8


# ------------------------------------------------------------------------ form <-> fields


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return format_number(round(x, SHARE_DIGITS))


def form_fields(form: PreferenceForm) -> dict[str, str]:
    """The form as the strings its inputs show."""
    v: dict[str, str] = {"walk_away": _fmt(form.walk_away)}
    for f in form.issues:
        v[f"points.{f.issue}"] = _fmt(f.points)
        for o, pl in f.places:
            v[f"place.{f.issue}.{o}"] = "" if pl is None else str(pl)
        # ratings an order alone gives are not shown: reordering is then all it takes
        even = f.places and tuple(f.ratings) == elicit.ratings_from_places(f.places)
        for o, r in f.ratings:
            v[f"rate.{f.issue}.{o}"] = "" if even else _fmt(r)
        if f.shape:
            v[f"shape.{f.issue}"] = f.shape
        if f.at is not None:
            v[f"at.{f.issue}"] = format_number(f.at)
        for o in f.never:
            v[f"never.{f.issue}.{o}"] = "on"
        if f.at_least is not None:
            v[f"least.{f.issue}"] = format_number(f.at_least)
        if f.at_most is not None:
            v[f"most.{f.issue}"] = format_number(f.at_most)
    for k, line in enumerate(form.other_red_lines):
        v[f"other.{k}"] = line
    return v


def _number(text: object) -> float | None:
    s = str(text or "").strip().replace(",", "").replace(" ", "")
    if not s:
        return None
    try:
        x = float(s)
    except ValueError:
        return math.nan
    return x if math.isfinite(x) else math.nan


def read_form(sc: Scenario, data: Mapping[str, Any], extra: Mapping[str, Any]) -> PreferenceForm:
    """The form posted by the browser (strings) as a :class:`PreferenceForm`."""
    issues = []
    for issue in sc.issues:
        shape = str(data.get(f"shape.{issue.id}", "")) or None if issue.numeric else None
        if shape not in (None, *elicit.SHAPES):
            shape = None
        at = _number(data.get(f"at.{issue.id}"))
        ratings: tuple[tuple[str, float | None], ...]
        if issue.numeric and shape in ("more", "less", "peak", "threshold"):
            curve = elicit.curve(issue, shape, at)  # type: ignore[arg-type]
            ratings = tuple(
                (o, round(r, RATING_DIGITS)) for o, r in zip(issue.option_ids, curve, strict=True)
            )
        else:
            ratings = tuple(
                (o.id, _number(data.get(f"rate.{issue.id}.{o.id}"))) for o in issue.options
            )
        never = frozenset(o.id for o in issue.options if data.get(f"never.{issue.id}.{o.id}"))
        places = (
            () if issue.numeric else tuple((o, _place(data, issue.id, o)) for o in issue.option_ids)
        )
        issues.append(
            IssueForm(
                issue.id,
                _number(data.get(f"points.{issue.id}")),
                ratings,
                shape,  # type: ignore[arg-type]
                at if shape in ("peak", "threshold") else None,
                never,
                _number(data.get(f"least.{issue.id}")) if issue.numeric else None,
                _number(data.get(f"most.{issue.id}")) if issue.numeric else None,
                places if any(pl is not None for _, pl in places) else (),
            )
        )
    other = tuple(
        str(data[k]) for k in sorted(data) if k.startswith("other.") and str(data[k]).strip()
    )
    walk = _number(data.get("walk_away"))
    return PreferenceForm(tuple(issues), walk, other, dict(extra))


def _place(data: Mapping[str, Any], issue: str, option: str) -> int | None:
    """A place from its select: 1..n, None when not chosen, 0 (out of range) when forged."""
    text = str(data.get(f"place.{issue}.{option}", "")).strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 4 else 0


def _blank(sc: Scenario) -> PreferenceForm:
    points = elicit.share_points([1.0] * len(sc.issues))
    return PreferenceForm(
        tuple(
            IssueForm(i.id, p, tuple((o, None) for o in i.option_ids))
            for i, p in zip(sc.issues, points, strict=True)
        ),
        None,
    )


def _nan_problems(sc: Scenario, form: PreferenceForm) -> list[FieldProblem]:
    out = []
    for issue in sc.issues:
        f = form.issue(issue.id)
        if any(r is not None and math.isnan(r) for _, r in f.ratings):
            out.append(FieldProblem(f"ratings.{issue.id}", f"{issue.label}: type plain numbers"))
    if form.walk_away is not None and math.isnan(form.walk_away):
        out.append(FieldProblem("walk_away", "Walk-away: type a plain number"))
    return out


def problems_of(sc: Scenario, form: PreferenceForm) -> list[FieldProblem]:
    return _nan_problems(sc, form) or elicit.check_form(sc, form)


# ------------------------------------------------------------------------ own data


def _own(request: Request, caller: Caller) -> dict[str, Any] | None:
    return _own_versioned(request, caller)[0]


def _own_versioned(request: Request, caller: Caller) -> tuple[dict[str, Any] | None, int]:
    """The delegation's own block and its version (0 before the first save)."""
    own = disclose.own_preferences(app_of(request).db, app_of(request).key, caller)
    return own.preferences, own.version or 0


def _version_of(data: Mapping[str, Any]) -> int:
    """The version of the preferences a page was rendered from (its hidden ``version``)."""
    text = str(data.get("version", "")).strip()
    if not text.isdigit() or len(text) > 10:
        raise HTTPException(
            422,
            "the form does not say which version of your preferences it was opened on; "
            "reload the page and enter your change again",
        )
    return int(text)


def stale_words(current: int, kept: bool = True) -> str:
    """What a page says when a save names a version another save has replaced."""
    head = (
        "Not saved: another save of your delegation's preferences happened after this page was "
        f"opened (they are now at version {current})."
    )
    if not kept:
        return f"{head} The questions start again from your preferences as they are now."
    return (
        f"{head} What you entered is kept here; open the saved preferences in another tab to "
        "compare, or save again to replace them with this."
    )


def _own_scenario(info: RoomInfo, party: str, block: Mapping[str, Any]) -> Scenario:
    return rooms.validate_preferences(info.public, party, dict(block))


def _delegation(request: Request, room: str) -> tuple[Caller, str]:
    caller, csrf = session(request, room)
    if caller.role != "delegation" or caller.party_id is None:
        raise HTTPException(403, "only a delegation enters preferences; this page is theirs")
    return caller, csrf


def standings(
    sc: Scenario, party: str, drafts: list[disclose.DraftSummary]
) -> list[dict[str, Any]]:
    """The party's own utility of each draft's current text and the red lines it breaks, under
    the preferences in ``sc`` (the form being edited): nothing of anyone else."""
    cs = compile_scenario(sc)
    p = cs.party_ids.index(party)
    out = []
    for d in drafts:
        try:
            idx = sc.indices(d.package)
        except (KeyError, ValueError):
            continue
        u = float(cs.utility(idx)[p])
        broken = cs.broken(idx)[p]
        r = float(cs.reservation[p])
        out.append(
            {
                "id": d.id,
                "label": d.label,
                "version": d.version,
                "utility": u,
                "reservation": r,
                "acceptable": not broken and u >= r,
                "broken": [red_line_words(sc, t) for t in broken],
            }
        )
    return out


def _preview(
    request: Request, caller: Caller, info: RoomInfo, form: PreferenceForm
) -> dict[str, Any]:
    sc = info.scenario
    total = sum(f.points or 0 for f in form.issues if f.points and not math.isnan(f.points))
    problems = problems_of(sc, form)
    rows: list[dict[str, Any]] = []
    error = None
    if not info.policy.delegations.feedback:
        error = "The room's policy gives no feedback on drafts, so none is shown while you edit."
    elif not problems:
        try:
            mine = _own_scenario(info, str(caller.party_id), elicit.to_block(sc, form))
            view = disclose.drafts(app_of(request).db, caller)
            rows = standings(mine, str(caller.party_id), view)
        except ScenarioError as exc:
            error = "; ".join(p.message for p in exc.problems)
    return {"total": total, "rows": rows, "problems": problems, "error": error}


# ------------------------------------------------------------------------ the form tab


def _form_page(
    request: Request,
    caller: Caller,
    csrf: str,
    info: RoomInfo,
    form: PreferenceForm,
    fields: dict[str, str],
    problems: list[FieldProblem],
    status: int = 200,
    **extra: Any,  # ``version`` (the preferences version the page shows) among them
) -> HTMLResponse:
    return render(
        request,
        "preferences.html",
        caller,
        csrf,
        status,
        tab="form",
        room=info.id,
        sc=info.scenario,
        party=info.scenario.party(str(caller.party_id)),
        v=fields,
        errors={p.field: p.message for p in problems},
        problems=problems,
        preview=_preview(request, caller, info, form),
        shapes=elicit.SHAPES,
        others=[(k, x) for k, x in fields.items() if k.startswith("other.")],
        **extra,
    )


@router.get("/rooms/{room}/preferences", response_class=HTMLResponse)
def preferences_page(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    info = public_room(request, room)
    block, version = _own_versioned(request, caller)
    if block is None:
        form = _blank(info.scenario)
    else:
        form = elicit.from_block(
            _own_scenario(info, str(caller.party_id), block), str(caller.party_id), block
        )
    return _form_page(
        request,
        caller,
        csrf,
        info,
        form,
        form_fields(form),
        [],
        entered=block is not None,
        saved=request.query_params.get("saved"),
        version=version,
    )


@router.post("/rooms/{room}/preferences/preview", response_class=HTMLResponse)
async def preview(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    data = await request.form()
    check_csrf(csrf, str(data.get("csrf", "")))
    info = public_room(request, room)
    block = _own(request, caller) or {}
    form = read_form(info.scenario, data, _extra(block))
    return render(
        request, "_preview.html", caller, csrf, preview=_preview(request, caller, info, form)
    )


def _extra(block: Mapping[str, Any]) -> dict[str, Any]:
    return {k: block[k] for k in EXTRA_KEYS if k in block}


@router.post("/rooms/{room}/preferences/form", response_class=HTMLResponse)
async def save_form(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    data = await request.form()
    check_csrf(csrf, str(data.get("csrf", "")))
    info = public_room(request, room)
    replaces = _version_of(data)
    old = _own(request, caller) or {}
    form = read_form(info.scenario, data, _extra(old))
    fields = _typed(data)
    problems = problems_of(info.scenario, form)
    status, refused = 422, None
    if not problems:
        try:
            _save(request, caller, elicit.to_block(info.scenario, form), replaces)
        except ScenarioError as exc:
            problems = [FieldProblem("form", p.message) for p in exc.problems]
        except rooms.Conflict as exc:
            status, refused, replaces = 409, stale_words(exc.current_version), exc.current_version
        except rooms.Locked as exc:
            status, refused = 409, f"Not saved: {exc}. What you entered is kept here."
    if problems or refused:
        return _form_page(
            request,
            caller,
            csrf,
            info,
            form,
            fields,
            problems,
            status,
            entered=bool(old),
            saved=None,
            version=replaces,
            refused=refused,
        )
    nxt = "walkaway" if form.walk_away is None else "preferences?saved=form"
    return RedirectResponse(
        f"/rooms/{room}/{'preferences/' + nxt if nxt == 'walkaway' else nxt}", 303
    )


def _typed(data: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in data.items() if k not in ("csrf", "version")}


def _save(request: Request, caller: Caller, block: dict[str, Any], replaces: int) -> None:
    """Save through the same checks as the API, naming the version the page was opened on
    (:class:`rooms.Conflict` when another save came first)."""
    app = app_of(request)
    rooms.set_preferences(app.db, app.key, caller, block, file="the form", replaces=replaces)


# ------------------------------------------------------------------------ walk-away


def _walkaway_state(
    request: Request, caller: Caller, info: RoomInfo, data: Mapping[str, Any]
) -> dict[str, Any]:
    block, version = _own_versioned(request, caller)
    if block is None:
        raise rooms.RoomError("fill in and save the guided form first: the texts come from it")
    sc = _own_scenario(info, str(caller.party_id), block)
    rungs = elicit.ladder(sc, str(caller.party_id))
    answers: dict[int, bool] = {}
    for k, v in data.items():
        if k.startswith("a.") and k[2:].isdigit() and str(v) in ("yes", "no"):
            answers[int(k[2:])] = str(v) == "yes"
    if "ask" in data and str(data.get("answer")) in ("yes", "no"):
        ask = str(data["ask"])
        if ask.isdigit():
            answers[int(ask)] = str(data["answer"]) == "yes"
    bracket = elicit.bisect([r.utility for r in rungs], answers)
    return {
        "sc": sc,
        "rungs": rungs,
        "answers": answers,
        "bracket": bracket,
        "current": block.get("reservation"),
        "version": version,
        "block": block,
    }


@router.get("/rooms/{room}/preferences/walkaway", response_class=HTMLResponse)
def walkaway_page(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    info = public_room(request, room)
    state = _walkaway_state(request, caller, info, {})
    return render(
        request,
        "walkaway.html",
        caller,
        csrf,
        tab="walkaway",
        room=info.id,
        party=info.scenario.party(str(caller.party_id)),
        **state,
    )


@router.post("/rooms/{room}/preferences/walkaway", response_class=HTMLResponse)
async def walkaway_answer(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    data = await request.form()
    check_csrf(csrf, str(data.get("csrf", "")))
    info = public_room(request, room)
    replaces = _version_of(data)
    state = _walkaway_state(request, caller, info, data)
    b = state["bracket"]
    status, refused = 200, None
    if replaces != state["version"]:
        # the texts asked about came from preferences another save has replaced: start again
        status, refused = 409, stale_words(state["version"], kept=False)
        state = _walkaway_state(request, caller, info, {})
    elif data.get("save") and b.done and b.reservation is not None:
        block = dict(state["block"])
        block["reservation"] = b.reservation
        try:
            _save(request, caller, block, replaces)
        except rooms.Conflict as exc:
            status, refused = 409, stale_words(exc.current_version, kept=False)
            state = _walkaway_state(request, caller, info, {})
        except rooms.Locked as exc:
            status, refused = 409, f"Not saved: {exc}."
        else:
            return RedirectResponse(f"/rooms/{room}/preferences?saved=walkaway", 303)
    return render(
        request,
        "walkaway.html",
        caller,
        csrf,
        status,
        refused=refused,
        tab="walkaway",
        room=info.id,
        party=info.scenario.party(str(caller.party_id)),
        **state,
    )


# ------------------------------------------------------------------------ compare


def _seed(room: str, party: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{room}:{party}".encode()).digest()[:4], "big")


def _letters(n: int) -> list[str]:
    return [chr(ord("A") + k) for k in range(n)]


def _compare_page(
    request: Request, caller: Caller, csrf: str, info: RoomInfo, **ctx: Any
) -> HTMLResponse:
    packages = elicit.propose(info.scenario, COMPARE_PACKAGES, _seed(info.id, str(caller.party_id)))
    return render(
        request,
        "compare.html",
        caller,
        csrf,
        ctx.pop("status", 200),
        tab="compare",
        room=info.id,
        sc=info.scenario,
        party=info.scenario.party(str(caller.party_id)),
        packages=packages,
        letters=_letters(len(packages)),
        **ctx,
    )


@router.get("/rooms/{room}/preferences/compare", response_class=HTMLResponse)
def compare_page(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    info = public_room(request, room)
    return _compare_page(request, caller, csrf, info, ranks={}, error=None, revisit=[])


def answers_from_ranks(ranks: Mapping[int, int]) -> list[tuple[int, int]]:
    """Ranks (1 = best; equal ranks are ties) as answers "a over b" between neighbouring
    groups: every text of one rank over every text of the next."""
    groups: dict[int, list[int]] = {}
    for k, r in ranks.items():
        groups.setdefault(r, []).append(k)
    order = sorted(groups)
    return [(a, b) for hi, lo in itertools.pairwise(order) for a in groups[hi] for b in groups[lo]]


@router.post("/rooms/{room}/preferences/compare", response_class=HTMLResponse)
async def compare_answer(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    data = await request.form()
    check_csrf(csrf, str(data.get("csrf", "")))
    info = public_room(request, room)
    sc = info.scenario
    packages = elicit.propose(sc, COMPARE_PACKAGES, _seed(info.id, str(caller.party_id)))
    ranks: dict[int, int] = {}
    for k in range(len(packages)):
        r = str(data.get(f"rank.{k}", ""))
        if r.isdigit() and 1 <= int(r) <= len(packages):
            ranks[k] = int(r)
    if len(set(ranks.values())) < 2:
        return _compare_page(
            request,
            caller,
            csrf,
            info,
            status=422,
            ranks=ranks,
            revisit=[],
            error="Rank the texts: give at least two of them different places (1 is the best).",
        )
    answers = answers_from_ranks(ranks)
    got, fitted = _fitted(request, caller, csrf, info, packages, answers, "ranking")
    if got.consistent:
        return fitted
    letters = _letters(len(packages))
    pairs = [got.answers[j] for j in got.revisit]
    text = "; ".join(f"Text {letters[a]} above Text {letters[b]}" for a, b in pairs)
    return _compare_page(
        request,
        caller,
        csrf,
        info,
        status=422,
        ranks=ranks,
        revisit=[k for pair in pairs for k in pair],
        error=(
            "No issue-by-issue valuation gives this ranking: an option cannot be worth more "
            f"in one text and less in another. Look again at {text}."
        ),
    )


def _fitted(
    request: Request,
    caller: Caller,
    csrf: str,
    info: RoomInfo,
    packages: list[dict[str, str]],
    answers: list[tuple[int, int]],
    how: str,
) -> tuple[elicit.Fit, HTMLResponse]:
    """The additive model fitted to ``answers`` (closest to the saved one, if any) and, when
    it is consistent, the guided form showing it back for confirmation (nothing saved)."""
    sc = info.scenario
    block, version = _own_versioned(request, caller)
    prior = None
    base = None
    if block is not None:
        own_sc = _own_scenario(info, str(caller.party_id), block)
        base = elicit.from_block(own_sc, str(caller.party_id), block)
        prefs = own_sc.party(str(caller.party_id)).preferences
        assert prefs is not None
        prior = elicit.Fit(
            True,
            0.0,
            dict(prefs.weights),
            {i.id: dict(zip(i.option_ids, prefs.values[i.id], strict=True)) for i in sc.issues},
        )
    got = elicit.fit(sc, packages, answers, prior)
    if not got.consistent:
        return got, HTMLResponse("")
    form = elicit.form_from_fit(sc, got.weights, got.values, base)
    page = _form_page(
        request,
        caller,
        csrf,
        info,
        form,
        form_fields(form),
        [],
        entered=block is not None,
        saved=None,
        fitted=how,
        version=version,
    )
    return got, page


# ------------------------------------------------------------------------ pairs


def _pair_answers(data: Mapping[str, Any], n: int) -> list[tuple[int, int]]:
    """Answers "a over b" from the form's ``p.K`` fields ("a-b"), in the order given."""
    out: list[tuple[int, int]] = []
    keys = sorted(
        (int(k[2:]), k) for k in data if k.startswith("p.") and k[2:].isdigit() and len(k) < 8
    )
    for _, k in keys:
        got = _pair(str(data[k]), n)
        if got is not None and not any({*got} == {*x} for x in out):
            out.append(got)
    return out


def _pair(text: str, n: int) -> tuple[int, int] | None:
    a, _, b = text.partition("-")
    if a.isdigit() and b.isdigit() and len(text) < 8 and a != b and max(int(a), int(b)) < n:
        return int(a), int(b)
    return None


def _pairs_page(
    request: Request,
    caller: Caller,
    csrf: str,
    info: RoomInfo,
    packages: list[dict[str, str]],
    answers: list[tuple[int, int]],
    **problem: Any,  # ``status``, ``error`` and ``revisit`` when the answers need another look
) -> HTMLResponse:
    error = problem.get("error")
    revisit = problem.get("revisit", ())
    ask = None if error else elicit.next_pair(info.scenario, packages, answers)
    return render(
        request,
        "pairs.html",
        caller,
        csrf,
        problem.get("status", 200),
        tab="pairs",
        room=info.id,
        sc=info.scenario,
        party=info.scenario.party(str(caller.party_id)),
        packages=packages,
        letters=_letters(len(packages)),
        answers=answers,
        ask=ask,
        error=error,
        revisit=revisit,
        total=len(packages) * (len(packages) - 1) // 2,
    )


@router.get("/rooms/{room}/preferences/pairs", response_class=HTMLResponse)
def pairs_page(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    info = public_room(request, room)
    packages = elicit.propose(info.scenario, COMPARE_PACKAGES, _seed(info.id, str(caller.party_id)))
    return _pairs_page(request, caller, csrf, info, packages, [])


@router.post("/rooms/{room}/preferences/pairs", response_class=HTMLResponse)
async def pairs_answer(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    data = await request.form()
    check_csrf(csrf, str(data.get("csrf", "")))
    info = public_room(request, room)
    packages = elicit.propose(info.scenario, COMPARE_PACKAGES, _seed(info.id, str(caller.party_id)))
    answers = _pair_answers(data, len(packages))
    pick = _pair(str(data.get("pick", "")), len(packages))
    if pick is not None and not any({*pick} == {*x} for x in answers):
        answers.append(pick)
    if not data.get("fit"):
        return _pairs_page(request, caller, csrf, info, packages, answers)
    if not answers:
        return _pairs_page(
            request,
            caller,
            csrf,
            info,
            packages,
            answers,
            status=422,
            error="Pick the better text of at least one pair first.",
        )
    got, page = _fitted(request, caller, csrf, info, packages, answers, "pairs")
    if got.consistent:
        return page
    letters = _letters(len(packages))
    pairs = [got.answers[j] for j in got.revisit]
    text = "; ".join(f"Text {letters[a]} better than Text {letters[b]}" for a, b in pairs)
    return _pairs_page(
        request,
        caller,
        csrf,
        info,
        packages,
        answers,
        status=422,
        error=(
            "No issue-by-issue valuation gives all these answers: an option cannot be worth more "
            f"in one text and less in another. Look again at {text}, change it below, and ask "
            "for the model again."
        ),
        revisit=got.revisit,
    )


# ------------------------------------------------------------------------ advanced (YAML)


def commented_yaml(sc: Scenario, block: Mapping[str, Any]) -> str:
    """The preferences block as YAML in the scenario's order, each issue and option labelled in
    a comment, the analyst-only keys last."""

    def scalar(x: Any) -> str:
        return (
            yaml.safe_dump(x, default_flow_style=True, allow_unicode=True)
            .strip()
            .removesuffix("...")
            .strip()
        )

    lines = [
        "# Your preferences: weights (importance), values (0 worst .. 1 best),",
        "# reservation (your walk-away, 0 .. 1) and red lines (never signed).",
        "weights:",
    ]
    weights = block.get("weights", {})
    for i in sc.issues:
        if i.id in weights:
            lines.append(f"  {i.id}: {scalar(weights[i.id])}  # {i.label}")
    lines.append("values:")
    values = block.get("values", {})
    for i in sc.issues:
        if i.id not in values:
            continue
        lines.append(f"  {i.id}:  # {i.label}")
        labels = {o.id: o.label for o in i.options}
        for key, val in values[i.id].items():
            note = labels.get(str(key), "")
            tail = f"  # {note}" if note and not i.numeric else ""
            lines.append(f"    {scalar(key)}: {scalar(val)}{tail}")
    lines.append(f"reservation: {scalar(block.get('reservation', 0.0))}")
    red = block.get("red_lines", [])
    lines.append("red_lines:" + ("" if red else " []"))
    for r in red:
        lines.append(f"  - {scalar(str(r))}  # {red_line_words(sc, str(r))}")
    rest = {
        k: v for k, v in block.items() if k not in ("weights", "values", "reservation", "red_lines")
    }
    if rest:
        lines.append(yaml.safe_dump(rest, sort_keys=False, allow_unicode=True).rstrip())
    return "\n".join(lines) + "\n"


@router.get("/rooms/{room}/preferences/advanced", response_class=HTMLResponse)
def advanced_page(room: str, request: Request) -> Response:
    caller, csrf = _delegation(request, room)
    info = public_room(request, room)
    block, version = _own_versioned(request, caller)
    if block is None:
        block = elicit.to_block(info.scenario, _blank(info.scenario))
    return render(
        request,
        "advanced.html",
        caller,
        csrf,
        tab="advanced",
        room=info.id,
        party=info.scenario.party(str(caller.party_id)),
        sc=info.scenario,
        text=commented_yaml(info.scenario, block),
        problems=None,
        saved=request.query_params.get("saved"),
        version=version,
    )


@router.post("/rooms/{room}/preferences", response_class=HTMLResponse)
def save_yaml(
    room: str,
    request: Request,
    text: str = Form("", max_length=200_000),
    csrf: str = Form("", max_length=100),
    version: str = Form("", max_length=12),
) -> Response:
    caller, session_csrf = _delegation(request, room)
    check_csrf(session_csrf, csrf)
    app = app_of(request)
    replaces = _version_of({"version": version})
    problems: Any = None
    refused = None
    try:
        doc = parse_document(text.encode("utf-8"), "preferences.yaml")
        rooms.set_preferences(
            app.db,
            app.key,
            caller,
            doc.data,
            file="preferences.yaml",
            locate=doc.locate,
            replaces=replaces,
        )
    except ScenarioError as exc:
        problems = exc.problems
    except rooms.Conflict as exc:
        refused, replaces = stale_words(exc.current_version), exc.current_version
    except rooms.Locked as exc:
        refused = f"Not saved: {exc}. What you typed is kept here."
    if problems or refused:
        info = public_room(request, room)
        return render(
            request,
            "advanced.html",
            caller,
            session_csrf,
            409 if refused else 422,
            tab="advanced",
            room=info.id,
            party=info.scenario.party(str(caller.party_id)),
            sc=info.scenario,
            text=text,
            problems=problems,
            refused=refused,
            saved=None,
            version=replaces,
        )
    return RedirectResponse(f"/rooms/{room}/preferences/advanced?saved=1", 303)
