"""GeniusWeb JSON: a domain (``issuesValues``) and ``LinearAdditiveUtilitySpace`` profiles.

Domain: ``{"name": ..., "issuesValues": {issue: {"values": [...]}}}``; a numeric value set
``{"range": {"low": .., "high": .., "step": ..}}`` becomes a zopa numeric issue.
Profile: ``{"LinearAdditiveUtilitySpace": {"name", "domain", "issueWeights",
"issueUtilities": {issue: {"discreteutils": {"valueUtilities": {value: u}}} or {"numberutils":
{"lowValue", "lowUtility", "highValue", "highUtility"}}}, "reservationBid": {"issuevalues":
{...}}}}``. The reservation is the utility of the reservation bid; zopa writes its reservation
value as ``reserved_value`` and a discount factor as ``discount_factor`` (the keys NegMAS reads),
since GeniusWeb profiles have no field for either. Hyper-rectangle utilities cannot be written.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zopa.errors import ScenarioError
from zopa.io._names import slug, unique_slugs
from zopa.io.files import read_document
from zopa.model.build import build_scenario
from zopa.model.issues import GRID_DIGITS
from zopa.model.scenario import Scenario

__all__ = ["geniusweb_data", "is_geniusweb", "load_geniusweb", "write_geniusweb"]

PROFILE_KEY = "LinearAdditiveUtilitySpace"


def is_geniusweb(data: Any) -> bool:
    """True for a GeniusWeb domain or LinearAdditiveUtilitySpace profile mapping."""
    return isinstance(data, Mapping) and ("issuesValues" in data or PROFILE_KEY in data)


def _need(d: Any, key: str, file: str, where: str, kind: type = dict) -> Any:
    if not isinstance(d, Mapping) or key not in d:
        raise ScenarioError(f"missing key `{key}`", file=file, where=where)
    v = d[key]
    if not isinstance(v, kind):
        raise ScenarioError(f"`{key}` must be a {kind.__name__}", file=file, where=f"{where}.{key}")
    return v


def _number(x: Any, file: str, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | str):
        raise ScenarioError(f"`{x}` is not a number", file=file, where=where)
    try:
        v = float(x)
    except ValueError:
        raise ScenarioError(f"`{x}` is not a number", file=file, where=where) from None
    if not math.isfinite(v):
        raise ScenarioError(f"`{x}` is not finite", file=file, where=where)
    return v


class _Domain:
    def __init__(self, d: Any, file: str) -> None:
        if not isinstance(d, Mapping) or "issuesValues" not in d:
            raise ScenarioError("not a GeniusWeb domain (no `issuesValues`)", file=file)
        self.name = str(d.get("name", "domain"))
        iv = _need(d, "issuesValues", file, "")
        if not iv:
            raise ScenarioError("the domain has no issues", file=file, where="issuesValues")
        self.names = list(iv)
        self.ids = unique_slugs(self.names, "issue")
        self.values: dict[str, list[Any]] = {}
        self.ranges: dict[str, tuple[float, float, float]] = {}
        for name in self.names:
            w = f"issuesValues.{name}"
            vs = iv[name]
            if isinstance(vs, Mapping) and "values" in vs and isinstance(vs["values"], list):
                if not vs["values"]:
                    raise ScenarioError("no values", file=file, where=w)
                self.values[name] = list(dict.fromkeys(vs["values"]))
            elif isinstance(vs, Mapping) and isinstance(vs.get("range"), Mapping):
                r = vs["range"]
                lo, hi = _number(r.get("low"), file, w), _number(r.get("high"), file, w)
                step = _number(r.get("step"), file, w)
                self.ranges[name] = (lo, hi, step)
            else:
                raise ScenarioError(
                    'a value set is {"values": [...]} or {"range": {low, high, step}}',
                    file=file,
                    where=w,
                )

    def issues(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for name, iid in zip(self.names, self.ids, strict=True):
            if name in self.values:
                vals = [str(v) for v in self.values[name]]
                ids = unique_slugs(vals, "v")
                opts = [{"id": i, "label": v} for i, v in zip(ids, vals, strict=True)]
                out.append({"id": iid, "label": name, "options": opts})
            else:
                lo, hi, step = self.ranges[name]
                out.append(
                    {"id": iid, "label": name, "numeric": {"min": lo, "max": hi, "step": step}}
                )
        return out


def _profile(d: Any, dom: _Domain, file: str) -> dict[str, Any]:
    if not isinstance(d, Mapping) or PROFILE_KEY not in d:
        raise ScenarioError(
            "not a GeniusWeb LinearAdditiveUtilitySpace profile",
            file=file,
            hint="the top-level key must be LinearAdditiveUtilitySpace",
        )
    u = _need(d, PROFILE_KEY, file, "")
    w0 = PROFILE_KEY
    weights = _need(u, "issueWeights", file, w0)
    utils = _need(u, "issueUtilities", file, w0)
    index = dict(zip(dom.names, dom.ids, strict=True))
    for key, where in ((weights, "issueWeights"), (utils, "issueUtilities")):
        for name in key:
            if name not in index:
                raise ScenarioError(
                    f"unknown issue `{name}`",
                    file=file,
                    where=f"{w0}.{where}.{name}",
                    hint="domain issues: " + ", ".join(dom.names),
                )
    ws = {index[n]: _number(w, file, f"{w0}.issueWeights.{n}") for n, w in weights.items()}
    total = sum(ws.values())
    if abs(total - 1.0) > 1e-3:
        raise ScenarioError(
            f"the weights sum to {total:.6g}, not one", file=file, where=f"{w0}.issueWeights"
        )
    values: dict[str, dict[Any, float]] = {}
    for name in dom.names:
        where = f"{w0}.issueUtilities.{name}"
        if name not in utils:
            if ws.get(index[name], 0.0) > 0:
                raise ScenarioError("missing utilities of a weighted issue", file=file, where=where)
            continue
        values[index[name]] = _issue_values(utils[name], dom, name, file, where)
    prefs: dict[str, Any] = {"weights": ws, "values": values}
    if "reserved_value" in u:
        prefs["reservation"] = _number(u["reserved_value"], file, f"{w0}.reserved_value")
    elif isinstance(u.get("reservationBid"), Mapping):
        prefs["reservation"] = _bid_utility(u["reservationBid"], dom, ws, values, file)
    if "discount_factor" in u:
        prefs["discount"] = _number(u["discount_factor"], file, f"{w0}.discount_factor")
    return prefs


def _issue_values(spec: Any, dom: _Domain, name: str, file: str, where: str) -> dict[Any, float]:
    if isinstance(spec, Mapping) and "discreteutils" in spec:
        vu = _need(spec["discreteutils"], "valueUtilities", file, f"{where}.discreteutils")
        if name not in dom.values:
            raise ScenarioError("discrete utilities on a numeric issue", file=file, where=where)
        known = [str(v) for v in dom.values[name]]
        ids = dict(zip(known, unique_slugs(known, "v"), strict=True))
        out: dict[Any, float] = {}
        for v, x in vu.items():
            if str(v) not in ids:
                raise ScenarioError(
                    f"unknown value `{v}`",
                    file=file,
                    where=f"{where}.discreteutils.valueUtilities.{v}",
                )
            out[ids[str(v)]] = _number(x, file, f"{where}.discreteutils.valueUtilities.{v}")
        missing = [v for v in known if ids[v] not in out]
        if missing:
            raise ScenarioError(
                "missing utilities for value(s) " + ", ".join(missing),
                file=file,
                where=f"{where}.discreteutils.valueUtilities",
            )
        return out
    if isinstance(spec, Mapping) and "numberutils" in spec:
        nu = spec["numberutils"]
        w = f"{where}.numberutils"
        lv, lu = (
            _number(_need_any(nu, "lowValue", file, w), file, w),
            _number(_need_any(nu, "lowUtility", file, w), file, w),
        )
        hv, hu = (
            _number(_need_any(nu, "highValue", file, w), file, w),
            _number(_need_any(nu, "highUtility", file, w), file, w),
        )
        if name not in dom.ranges:
            raise ScenarioError("number utilities on a discrete issue", file=file, where=where)
        return {lv: lu, hv: hu}
    raise ScenarioError("expected `discreteutils` or `numberutils`", file=file, where=where)


def _need_any(d: Any, key: str, file: str, where: str) -> Any:
    if not isinstance(d, Mapping) or key not in d:
        raise ScenarioError(f"missing key `{key}`", file=file, where=where)
    return d[key]


def _bid_utility(
    bid: Mapping[str, Any],
    dom: _Domain,
    ws: dict[str, float],
    values: dict[str, dict[Any, float]],
    file: str,
) -> float:
    iv = bid.get("issuevalues", {})
    total = sum(ws.values()) or 1.0
    u = 0.0
    for name, iid in zip(dom.names, dom.ids, strict=True):
        if name not in iv:
            continue
        vals = values.get(iid, {})
        if name in dom.values:
            known = [str(v) for v in dom.values[name]]
            ids = dict(zip(known, unique_slugs(known, "v"), strict=True))
            u += ws.get(iid, 0.0) / total * vals.get(ids.get(str(iv[name]), ""), 0.0)
        else:
            pts = sorted((float(k), v) for k, v in vals.items())
            x = _number(iv[name], file, f"reservationBid.issuevalues.{name}")
            (x0, y0), (x1, y1) = pts[0], pts[-1]
            y = y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            u += ws.get(iid, 0.0) / total * min(max(y, min(y0, y1)), max(y0, y1))
    return round(u, GRID_DIGITS)


def geniusweb_data(domain: Any, profiles: Sequence[tuple[str, Any]], file: str) -> dict[str, Any]:
    """A zopa scenario mapping from a GeniusWeb domain and (name, profile) pairs."""
    dom = _Domain(domain, file)
    ids = unique_slugs([n for n, _ in profiles], "party")
    return {
        "title": dom.name,
        "description": "GeniusWeb domain",
        "issues": dom.issues(),
        "parties": [
            {"id": i, "label": n, "preferences": _profile(p, dom, f"{file}:{n}")}
            for i, (n, p) in zip(ids, profiles, strict=True)
        ],
    }


def load_geniusweb(path: str | Path) -> Scenario:
    """A scenario from a GeniusWeb folder (domain + profile JSON files) or one profile file."""
    p = Path(path)
    files = sorted(f for f in p.iterdir() if f.suffix.lower() == ".json") if p.is_dir() else [p]
    domain: Any = None
    profiles: list[tuple[str, Any]] = []
    for f in files:
        data = read_document(f).data
        if isinstance(data, Mapping) and "issuesValues" in data:
            domain = data
        elif isinstance(data, Mapping) and PROFILE_KEY in data:
            profiles.append((f.stem, data))
            if domain is None and isinstance(data[PROFILE_KEY], Mapping):
                domain = data[PROFILE_KEY].get("domain")
    if domain is None:
        raise ScenarioError("no GeniusWeb domain found (`issuesValues`)", file=str(p))
    if not profiles:
        raise ScenarioError("no GeniusWeb profile found (LinearAdditiveUtilitySpace)", file=str(p))
    try:
        return build_scenario(geniusweb_data(domain, profiles, str(p)), file=str(p))
    except ScenarioError as exc:
        raise exc.with_file(exc.file or str(p)) from None


def _linear(scenario: Scenario, issue_id: str) -> bool:
    iss = scenario.issue(issue_id)
    nums = iss.numbers
    if not nums or len(nums) < 2:
        return False
    for party in scenario.with_preferences:
        assert party.preferences is not None
        v = party.preferences.values[issue_id]
        slope = (v[-1] - v[0]) / (nums[-1] - nums[0])
        if any(abs(v[0] + slope * (x - nums[0]) - y) > 1e-9 for x, y in zip(nums, v, strict=True)):
            return False
    return True


def write_geniusweb(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write a GeniusWeb folder: ``<title>.json`` domain and one profile per party."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    name = slug(scenario.title, "domain")
    iv: dict[str, Any] = {}
    for iss in scenario.issues:
        iv[iss.label] = {"values": [o.label for o in iss.options]}
        nums = iss.numbers
        if nums and _linear(scenario, iss.id):
            step = (nums[-1] - nums[0]) / (len(nums) - 1)
            iv[iss.label] = {"range": {"low": nums[0], "high": nums[-1], "step": step}}
    domain = {"name": name, "issuesValues": iv}
    written = [out / f"{name}.json"]
    written[0].write_text(json.dumps(domain, indent=2, ensure_ascii=False) + "\n", "utf-8")
    for party in scenario.with_preferences:
        prefs = party.preferences
        assert prefs is not None
        if prefs.hyperrectangles:
            raise ScenarioError(
                f"party `{party.id}` has hyper-rectangle utilities, which GeniusWeb's "
                "LinearAdditiveUtilitySpace cannot hold",
                hint="write GENIUS XML instead",
            )
        utils: dict[str, Any] = {}
        for iss in scenario.issues:
            vals = prefs.values[iss.id]
            nums = iss.numbers
            if nums and _linear(scenario, iss.id):
                utils[iss.label] = {
                    "numberutils": {
                        "lowValue": nums[0],
                        "lowUtility": vals[0],
                        "highValue": nums[-1],
                        "highUtility": vals[-1],
                    }
                }
            else:
                utils[iss.label] = {
                    "discreteutils": {
                        "valueUtilities": {
                            o.label: v for o, v in zip(iss.options, vals, strict=True)
                        }
                    }
                }
        body: dict[str, Any] = {
            "name": party.id,
            "domain": domain,
            "issueWeights": {i.label: prefs.weights[i.id] for i in scenario.issues},
            "issueUtilities": utils,
            "reserved_value": prefs.reservation,
        }
        if prefs.discount is not None:
            body["discount_factor"] = prefs.discount
        path = out / f"{party.id}.json"
        path.write_text(
            json.dumps({PROFILE_KEY: body}, indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        written.append(path)
    return written
