"""GENIUS XML: a domain file plus one utility-space (profile) file per party.

Reading (with :mod:`defusedxml`, so entity bombs and external entities are refused):

- the domain is the file whose root is ``<negotiation_template>``; its ``<issue>`` elements are
  ``discrete`` (``<item value=...>``), ``integer`` (``lowerbound``/``upperbound``: a zopa numeric
  issue with step 1) or ``real`` (a zopa numeric grid of ``steps`` intervals, default
  :data:`REAL_STEPS`; the utility between grid points is lost);
- a profile is a file whose root is ``<utility_space>``: ``<weight index=...>`` per issue (they
  must sum to one within :data:`WEIGHT_TOLERANCE`), per-item ``evaluation`` values (normalised by
  the issue's largest evaluation, as GENIUS's ``EvaluatorDiscrete`` does), ``<evaluator
  ftype="linear">`` on integer issues (GENIUS's ``EvaluatorInteger``: offset + slope * (x - lower
  bound), clipped to [0, 1]) and real issues (offset + slope * x, clipped), ``<reservation>``
  (kept) and ``<discount_factor>`` (kept as metadata, ``discount``);
- hyper-rectangle ("nonlinear") profiles as in ANAC 2014: ``<utility maxutility=...>`` holding
  ``<ufun type="PlainUfun" aggregation="sum">`` with ``<hyperRectangle utility=...>`` boxes of
  ``<INCLUDES index= min= max=>`` ranges (and ``<EXCLUDES>``: the term counts outside that box)
  become zopa ``hyperrectangles`` terms with utility
  ``weight * utility / maxutility``, and the profile gets ``cap: 1``: GENIUS's
  ``NonlinearUtilitySpace.getUtility`` returns min(1, sum / maxutility), and a package inside
  boxes worth more than ``maxutility`` together (the ANAC 2014 profiles have them) is worth 1.

Issue, option and party ids are slugs of the GENIUS names (:func:`zopa.io._names.slug`); the
names themselves become labels, and the writer writes the labels back, so GENIUS -> zopa ->
GENIUS -> zopa gives the same scenario. What GENIUS cannot hold (constraints, red lines, roles,
power, drafts, non-linear value curves on numeric issues) is not written.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from zopa.errors import ScenarioError
from zopa.io._names import unique_slugs
from zopa.io.files import cell_number, read_xml
from zopa.model.build import build_scenario
from zopa.model.expr import And, Atom, Const, Formula, Not
from zopa.model.scenario import Issue, Preferences, Scenario
from zopa.records import frozen

__all__ = [
    "REAL_STEPS",
    "WEIGHT_TOLERANCE",
    "GeniusFiles",
    "find_genius_files",
    "genius_data",
    "genius_files",
    "is_genius_folder",
    "load_genius",
    "write_genius",
]

REAL_STEPS = 10
WEIGHT_TOLERANCE = 1e-3


def _parse(path: Path) -> Element:
    return read_xml(path)


def _float(el: Element, attr: str, file: str, where: str, default: float | None = None) -> float:
    raw = el.get(attr)
    if raw is None:
        if default is not None:
            return default
        raise ScenarioError(
            f"missing attribute `{attr}`", file=file, where=where, hint=f'add {attr}="..."'
        )
    x = cell_number(raw, decimal_comma=False)
    if x is None:
        raise ScenarioError(
            f'`{attr}="{raw[:60]}"` is not a finite number of ordinary size',
            file=file,
            where=where,
            hint="write a plain number such as 0.25",
        )
    return x


# ------------------------------------------------------------------------------ domain


class _Issue:
    """One issue of a GENIUS domain and how it maps to zopa."""

    def __init__(self, el: Element, file: str) -> None:
        self.name = el.get("name") or ""
        self.index = el.get("index") or ""
        self.where = f"issue[@name='{self.name}']"
        if not self.name:
            raise ScenarioError(
                "an <issue> has no name",
                file=file,
                where="issue",
                hint='give every issue a name="..."',
            )
        kind = (el.get("type") or el.get("etype") or el.get("vtype") or "discrete").lower()
        self.kind = kind
        self.values: list[str] = []
        self.numbers: list[float] = []
        self.steps = 0
        if kind == "discrete":
            self.values = [it.get("value") or "" for it in el.findall("item")]
            if not self.values:
                raise ScenarioError(
                    "the discrete issue has no <item>",
                    file=file,
                    where=self.where,
                    hint="list its values as <item value=.../>",
                )
            self.values = list(dict.fromkeys(self.values))
        elif kind in ("integer", "real"):
            rng = el.find("range")
            src = rng if rng is not None and el.get("lowerbound") is None else el
            lo = _float(src, "lowerbound", file, self.where)
            hi = _float(src, "upperbound", file, self.where)
            if hi < lo:
                raise ScenarioError(
                    f"upperbound {hi:g} is below lowerbound {lo:g}", file=file, where=self.where
                )
            if kind == "integer":
                if lo != int(lo) or hi != int(hi):
                    raise ScenarioError(
                        "integer bounds must be whole numbers", file=file, where=self.where
                    )
                self.numbers = [float(x) for x in range(int(lo), int(hi) + 1)]
                self.steps = len(self.numbers) - 1
            else:
                self.steps = int(_float(el, "steps", file, self.where, float(REAL_STEPS)))
                self.numbers = [lo + (hi - lo) * k / self.steps for k in range(self.steps + 1)]
            if len(self.numbers) < 2:
                raise ScenarioError(
                    "the numeric issue has a single value",
                    file=file,
                    where=self.where,
                    hint="use a discrete issue with one item",
                )
        else:
            raise ScenarioError(
                f"unknown issue type `{kind}`",
                file=file,
                where=self.where,
                hint="GENIUS issues are discrete, integer or real",
            )

    def spec(self, issue_id: str) -> dict[str, Any]:
        if self.kind == "discrete":
            ids = unique_slugs(self.values, "v")
            return {
                "id": issue_id,
                "label": self.name,
                "options": [{"id": i, "label": v} for i, v in zip(ids, self.values, strict=True)],
            }
        lo, hi = self.numbers[0], self.numbers[-1]
        step = (hi - lo) / self.steps
        return {"id": issue_id, "label": self.name, "numeric": {"min": lo, "max": hi, "step": step}}


def _domain(path: Path) -> tuple[list[_Issue], str]:
    root = _parse(path)
    file = str(path)
    if root.tag != "negotiation_template":
        raise ScenarioError(
            f"the root element is <{root.tag}>, not <negotiation_template>",
            file=file,
            hint="give the GENIUS domain file (its profiles have root <utility_space>)",
        )
    issues = [_Issue(el, file) for el in root.iter("issue")]
    if not issues:
        raise ScenarioError("the domain has no <issue>", file=file, where="utility_space/objective")
    names = [i.name for i in issues]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ScenarioError(f"duplicate issue name(s): {', '.join(sorted(dup))}", file=file)
    return issues, file


# ------------------------------------------------------------------------------ profiles


def _profile(  # noqa: C901  GENIUS's utility_space read element by element: each branch is one rule of that format with its own error
    path: Path, issues: list[_Issue], ids: list[str], warnings: list[str]
) -> dict[str, Any]:
    """One profile as a zopa preferences mapping; what had to be adjusted goes to ``warnings``.

    Profile issues bind to domain issues by ``index``, as GENIUS binds them (by name only when
    a profile issue has no index); a name that disagrees with the domain's is a warning.
    """
    root = _parse(path)
    file = str(path)
    name_ = path.name
    if root.tag != "utility_space":
        raise ScenarioError(
            f"the root element is <{root.tag}>, not <utility_space>",
            file=file,
            hint="give a GENIUS profile (utility space) file",
        )
    by_name = {i.name: k for k, i in enumerate(issues)}
    by_index = {i.index: k for k, i in enumerate(issues) if i.index}
    prefs: dict[str, Any] = {"weights": {}, "values": {}}
    res = root.find(".//reservation")
    if res is not None:
        r = _float(res, "value", file, "reservation")
        if not 0.0 <= r <= 1.0:
            clamped = min(1.0, max(0.0, r))
            warnings.append(
                f"{name_}: reservation {r:g} is outside [0, 1]; read as {clamped:g}, as GENIUS "
                "does when it compares utilities with it"
            )
            r = clamped
        prefs["reservation"] = r
    disc = root.find(".//discount_factor")
    if disc is not None:
        d = _float(disc, "value", file, "discount_factor")
        if not 0.0 < d <= 1.0:
            warnings.append(f"{name_}: discount factor {d:g} is outside (0, 1]; ignored")
        else:
            prefs["discount"] = d
    seen: dict[int, Element] = {}
    for el in root.iter("issue"):
        name = el.get("name") or ""
        idx = el.get("index") or ""
        if idx in by_index:
            k = by_index[idx]
            if name and name != issues[k].name:
                warnings.append(
                    f"{name_}: profile issue {idx} is named `{name}` but domain issue {idx} is "
                    f"`{issues[k].name}`; bound by index, as GENIUS does"
                )
        elif name in by_name and not idx:
            k = by_name[name]
        else:
            raise ScenarioError(
                f"unknown issue `{name}` (index {idx or 'none'}) in the profile",
                file=file,
                where=f"issue[@index='{idx}']",
                hint="domain issues: " + ", ".join(f"{i.index or '?'} {i.name}" for i in issues),
            )
        if k in seen:
            raise ScenarioError(
                f"issue {issues[k].name} is given twice in the profile",
                file=file,
                where=f"issue[@index='{idx}']",
                hint="keep one <issue> per domain issue",
            )
        seen[k] = el
    objective = root.find(".//objective")
    root_index = objective.get("index") if objective is not None else None
    # GENIUS picks the utility space by the root's type (UTILITYSPACETYPE): "nonlinear" is the
    # hyper-rectangles alone (NonlinearUtilitySpace), anything else is additive
    nonlinear = (root.get("type") or "").strip().upper() == "NONLINEAR"
    weight_els = list(root.iter("weight"))
    if nonlinear and weight_els:
        warnings.append(
            f"{name_}: its {len(weight_els)} <weight> element(s) are ignored: GENIUS reads a "
            'profile of type="nonlinear" by its hyper-rectangles alone'
        )
        weight_els = []
    weights: dict[int, float] = {}
    for el in weight_els:
        idx = el.get("index") or ""
        w = _float(el, "value", file, f"weight[@index='{idx}']")
        if idx not in by_index and idx in ("0", root_index):
            warnings.append(
                f"{name_}: a weight ({w:g}) on the root objective (index {idx}) is ignored; "
                "only issue weights count"
            )
            continue
        if idx not in by_index:
            raise ScenarioError(
                f"weight for unknown issue index {idx}",
                file=file,
                where=f"weight[@index='{idx}']",
                hint="domain issue indices: " + ", ".join(by_index),
            )
        if w < 0:
            raise ScenarioError(
                f"negative weight {w:g}", file=file, where=f"weight[@index='{idx}']"
            )
        weights[by_index[idx]] = w
    if weights:
        total = sum(weights.values())
        if total > 0 and abs(total - 1.0) > WEIGHT_TOLERANCE:
            warnings.append(
                f"{name_}: the weights sum to {total:.6g}, not 1; renormalised to sum to 1"
            )
    for k, w in weights.items():
        prefs["weights"][ids[k]] = w
        iel = seen.get(k)
        if iel is None:
            if w > 0:
                raise ScenarioError(
                    f"no evaluations for issue `{issues[k].name}`, which has weight {w:g}",
                    file=file,
                    where=f"issue[@name='{issues[k].name}']",
                    hint="add the issue with an evaluation for each item",
                )
            continue
        prefs["values"][ids[k]] = _values(iel, issues[k], file)
    has_boxes = root.find(".//utility") is not None
    if nonlinear:
        rects = _rectangles(root, issues, ids, by_index, file)
        if not rects:
            raise ScenarioError(
                'the profile is of type="nonlinear" but has no hyper-rectangle',
                file=file,
                where="objective/utility",
                hint='give <utility maxutility=".."><ufun><hyperRectangle utility=".."> boxes, '
                'or remove type="nonlinear" from <utility_space> for an additive profile',
            )
        prefs["hyperrectangles"] = rects
        prefs["cap"] = 1.0  # GENIUS: min(1, sum of the boxes / maxutility)
        return prefs
    if has_boxes:
        warnings.append(
            f"{name_}: its hyper-rectangles (<utility>) are ignored: GENIUS reads a profile "
            'without type="nonlinear" on <utility_space> as additive'
        )
    if not weights:
        raise ScenarioError(
            "the profile has no weights"
            + (
                ' (its hyper-rectangles count only in a profile of type="nonlinear")'
                if has_boxes
                else ""
            ),
            file=file,
            where="objective",
            hint="an additive profile gives <weight index=.. value=..> per issue"
            + ('; a hyper-rectangle one has <utility_space type="nonlinear">' if has_boxes else ""),
        )
    return prefs


def _values(el: Element, issue: _Issue, file: str) -> dict[str, float] | dict[float, float]:
    where = f"issue[@name='{issue.name}']"
    if issue.kind == "discrete":
        evals: dict[str, float] = {}
        for it in el.findall("item"):
            v = it.get("value") or ""
            iw = f"{where}/item[@value='{v}']"
            if v not in issue.values:
                raise ScenarioError(
                    f"unknown item `{v}`",
                    file=file,
                    where=iw,
                    hint="items: " + ", ".join(issue.values),
                )
            x = _float(it, "evaluation", file, iw)
            if x < 0:
                raise ScenarioError(f"negative evaluation {x:g}", file=file, where=iw)
            evals[v] = x  # a repeated item overrides the earlier one, as in GENIUS
        missing = [v for v in issue.values if v not in evals]
        if missing:
            raise ScenarioError(
                "missing evaluation for item(s) " + ", ".join(f"`{m}`" for m in missing),
                file=file,
                where=where,
                hint='give every item an evaluation="..."',
            )
        top = max(evals.values())
        ids = unique_slugs(issue.values, "v")
        return {
            i: (evals[v] / top if top > 0 else 0.0) for i, v in zip(ids, issue.values, strict=True)
        }
    ev = el.find("evaluator")
    if ev is None:
        raise ScenarioError(
            "missing <evaluator> of the numeric issue",
            file=file,
            where=where,
            hint='add <evaluator ftype="linear" slope=".." offset=".."/>',
        )
    ftype = ev.get("ftype", "linear")
    if ftype != "linear":
        raise ScenarioError(
            f"evaluator ftype `{ftype}` is not supported",
            file=file,
            where=f"{where}/evaluator",
            hint='use ftype="linear"',
        )
    lo, hi = issue.numbers[0], issue.numbers[-1]
    ew = f"{where}/evaluator"
    if ev.get("utilitylowestvalue") is not None:
        a = _float(ev, "utilitylowestvalue", file, ew)
        b = _float(ev, "utilityhighestvalue", file, ew)
        offset, slope, base = a, (b - a) / (hi - lo), lo
    else:
        offset = _float(ev, "offset", file, ew, _float(ev, "parameter0", file, ew, 0.0))
        slope = _float(ev, "slope", file, ew, _float(ev, "parameter1", file, ew, 1.0))
        base = lo if issue.kind == "integer" else 0.0
    return {x: min(1.0, max(0.0, offset + slope * (x - base))) for x in issue.numbers}


def _rectangles(
    root: Element, issues: list[_Issue], ids: list[str], by_index: dict[str, int], file: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for util in root.iter("utility"):
        ufuns = util.findall("ufun")
        if not ufuns:
            raise ScenarioError("<utility> without <ufun>", file=file, where="utility")
        terms: list[tuple[str, float]] = []
        if len(ufuns) > 1:
            # GENIUS reads the first <ufun> of <utility> only; summing all would not be its
            # utility, and dropping some silently would not be the file's
            raise ScenarioError(
                f"<utility> holds {len(ufuns)} <ufun> elements; GENIUS reads only the first",
                file=file,
                where="utility/ufun[2]",
                hint="put every hyper-rectangle in one <ufun>, or delete the ones GENIUS ignores",
            )
        for uf in ufuns:
            if uf.find("ufun") is not None:
                raise ScenarioError(
                    "a <ufun> nested in a <ufun> is not supported",
                    file=file,
                    where="utility/ufun/ufun",
                    hint="flatten the nested functions' hyper-rectangles into one "
                    '<ufun aggregation="sum">, multiplying their weights in',
                )
            if (uf.get("aggregation") or "sum") != "sum" or (uf.get("type") or "PlainUfun") != (
                "PlainUfun"
            ):
                raise ScenarioError(
                    'only PlainUfun with aggregation="sum" is supported',
                    file=file,
                    where="utility/ufun",
                )
            weight = _float(uf, "weight", file, "utility/ufun", 1.0)
            for r, hr in enumerate(uf.findall("hyperRectangle")):
                where = f"utility/ufun/hyperRectangle[{r + 1}]"
                # GENIUS multiplies a box's utility by its own weight attribute (default 1)
                terms.append(
                    (
                        _box(hr, issues, ids, by_index, file, where),
                        weight
                        * _float(hr, "weight", file, where, 1.0)
                        * _float(hr, "utility", file, where),
                    )
                )
        top = _float(util, "maxutility", file, "utility", -1.0)
        if top <= 0:
            top = sum(u for _, u in terms if u > 0) or 1.0
        out.extend({"when": w, "utility": u / top} for w, u in terms)
    return out


def _box(
    hr: Element,
    issues: list[_Issue],
    ids: list[str],
    by_index: dict[str, int],
    file: str,
    where: str,
) -> str:
    parts: list[str] = []
    excluded: list[str] = []
    if hr.find("INCLUDES") is not None and hr.find("EXCLUDES") is not None:
        # GENIUS then builds an exclusive box from the EXCLUDES ranges alone and ignores the
        # INCLUDES: refused rather than read either way without a word
        raise ScenarioError(
            "a hyper-rectangle holds both INCLUDES and EXCLUDES ranges; GENIUS would ignore "
            "the INCLUDES",
            file=file,
            where=where,
            hint="split it into an INCLUDES box and an EXCLUDES box",
        )
    for inc in hr:
        if inc.tag not in ("INCLUDES", "EXCLUDES"):
            raise ScenarioError(
                f"<{inc.tag}> in a hyper-rectangle is not supported",
                file=file,
                where=f"{where}/{inc.tag}",
                hint="GENIUS hyper-rectangles hold INCLUDES or EXCLUDES ranges",
            )
        idx = inc.get("index") or ""
        here = f"{where}/{inc.tag}[@index='{idx}']"
        if idx not in by_index:
            raise ScenarioError(f"unknown issue index {idx}", file=file, where=here)
        k = by_index[idx]
        if issues[k].kind == "discrete":
            raise ScenarioError(
                "hyper-rectangles on discrete issues are not supported", file=file, where=here
            )
        lo = _float(inc, "min", file, here)
        hi = _float(inc, "max", file, here)
        inside = f"{ids[k]} >= {lo!r} and {ids[k]} <= {hi!r}"
        (parts if inc.tag == "INCLUDES" else excluded).append(inside)
    # GENIUS's exclusive hyper-rectangle: the term counts for bids outside the EXCLUDES box,
    # i.e. outside at least one of its ranges
    if excluded:
        parts.append(f"not ({' and '.join(excluded)})")
    return " and ".join(parts) if parts else "true"


# ------------------------------------------------------------------------------ folders


@frozen
class GeniusFiles:
    """The files of a GENIUS folder: the domain, the profiles, and the XML files skipped
    because they are neither (a tournament or agent repository, ``pareto.xml``)."""

    domain: Path
    profiles: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...] = ()  # (file, its root element)

    def notes(self) -> list[str]:
        """One warning per skipped file (pareto files are expected and not mentioned)."""
        return [
            f"{f.name}: skipped, its root element <{tag}> is neither a GENIUS domain "
            "(<negotiation_template>) nor a profile (<utility_space>)"
            for f, tag in self.skipped
        ]


def genius_files(folder: Path) -> GeniusFiles:
    """The domain file and the profile files of a GENIUS folder, by root element.

    GENIUS folders also hold tournament set-ups (``<Tournament>``), agent repositories and
    Pareto files; an XML file whose root is neither a domain nor a profile, and that holds no
    issue, weight or utility element, is skipped and listed in :attr:`GeniusFiles.skipped`, so
    a reader can say so. One that does hold them (a misspelt root) is an error: a party would
    silently be missing.
    """
    domain: Path | None = None
    profiles: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for f in sorted(folder.iterdir()):
        if f.suffix.lower() != ".xml" or f.name.lower().startswith("pareto"):
            continue
        root = _parse(f)
        if root.tag == "negotiation_template":
            if domain is not None:
                raise ScenarioError(
                    f"two domain files: {domain.name} and {f.name}",
                    file=str(folder),
                    hint="keep one domain per folder",
                )
            domain = f
        elif root.tag == "utility_space":
            profiles.append(f)
        elif _looks_like_a_profile(root):
            raise ScenarioError(
                f"the root element is <{root.tag[:80]}>, neither a domain (<negotiation_template>)"
                " nor a profile (<utility_space>), but it holds issues or weights",
                file=str(f),
                hint="fix the root element or remove the file: a party would be missing otherwise",
            )
        else:
            skipped.append((f, root.tag[:80]))
    what = ", ".join(f"{f.name} <{tag}>" for f, tag in skipped[:5])
    also = f"; skipped (neither domain nor profile): {what}" if skipped else ""
    if domain is None:
        raise ScenarioError(
            "no GENIUS domain file (root <negotiation_template>) in the folder" + also,
            file=str(folder),
        )
    if not profiles:
        raise ScenarioError(
            "no GENIUS profile (root <utility_space>) in the folder" + also, file=str(folder)
        )
    return GeniusFiles(domain, tuple(profiles), tuple(skipped))


_SCENARIO_TAGS = frozenset(
    {"objective", "issue", "weight", "utility", "evaluator", "hyperRectangle"}
)


def _looks_like_a_profile(root: Element) -> bool:
    """A file that holds what a domain or profile holds (a misspelt root element, say) is an
    error; a tournament set-up or an agent repository holds none of it and is skipped."""
    return any(el.tag in _SCENARIO_TAGS for el in root.iter())


def find_genius_files(folder: Path) -> tuple[Path, list[Path]]:
    """The domain file and the profile files of a GENIUS folder (:func:`genius_files`)."""
    found = genius_files(folder)
    return found.domain, list(found.profiles)


def is_genius_folder(folder: Path) -> bool:
    return folder.is_dir() and any(f.suffix.lower() == ".xml" for f in folder.iterdir())


def genius_data(
    domain: Path,
    profiles: Sequence[Path],
    *,
    title: str | None = None,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """A zopa scenario mapping (before validation) from GENIUS files; what had to be adjusted
    to read them (renormalised weights, clamped reservations, ...) is added to ``warnings``."""
    issues, _ = _domain(domain)
    ids = unique_slugs([i.name for i in issues], "issue")
    parties = []
    notes: list[str] = [] if warnings is None else warnings
    for pid, prof in zip(unique_slugs([p.stem for p in profiles], "party"), profiles, strict=True):
        parties.append(
            {"id": pid, "label": prof.stem, "preferences": _profile(prof, issues, ids, notes)}
        )
    return {
        "title": title or domain.parent.name or domain.stem,
        "description": f"GENIUS domain {domain.name}",
        "issues": [i.spec(k) for i, k in zip(issues, ids, strict=True)],
        "parties": parties,
    }


def load_genius(path: str | Path, profiles: Sequence[str | Path] = ()) -> Scenario:
    """A scenario from a GENIUS folder, or from a domain file (its folder's profiles by default)."""
    p = Path(path)
    warnings: list[str] = []
    found: list[Path] = []
    if p.is_dir() or not profiles:
        folder = genius_files(p if p.is_dir() else p.parent)
        found = list(folder.profiles)
        warnings.extend(folder.notes())
    if p.is_dir():
        domain, title = folder.domain, p.name
    else:
        domain, title = p, p.parent.name or p.stem
    files = [Path(x) for x in profiles] or found
    data = genius_data(domain, files, title=title, warnings=warnings)
    try:
        scenario = build_scenario(data, file=str(p))
    except ScenarioError as exc:
        raise exc.with_file(str(p)) from None
    return dataclasses.replace(scenario, warnings=tuple(warnings))


# ------------------------------------------------------------------------------ writing


def _xnum(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _kind(issue: Issue, scenario: Scenario) -> str:
    """discrete, integer or real: numeric issues stay numeric when every party is linear."""
    nums = issue.numbers
    if not nums:
        return "discrete"
    for party in scenario.with_preferences:
        prefs = party.preferences
        assert prefs is not None
        v = prefs.values[issue.id]
        slope = (v[-1] - v[0]) / (nums[-1] - nums[0])
        if any(abs(v[0] + slope * (x - nums[0]) - y) > 1e-9 for x, y in zip(nums, v, strict=True)):
            return "discrete"
    integral = all(float(x).is_integer() for x in nums)
    if integral and all(b - a == 1 for a, b in itertools.pairwise(nums)):
        return "integer"
    return "real"


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _issue_xml(k: int, issue: Issue, kind: str) -> list[str]:
    head = (
        f'  <issue index="{k}" name="{_attr(issue.label)}" etype="{kind}" type="{kind}" '
        f'vtype="{kind}"'
    )
    nums = issue.numbers or ()
    if kind == "discrete":
        out = [head + ">"]
        out += [
            f'    <item index="{j + 1}" value="{_attr(o.label)}"/>'
            for j, o in enumerate(issue.options)
        ]
        return [*out, "  </issue>"]
    extra = f' steps="{len(nums) - 1}"' if kind == "real" else ""
    return [head + f' lowerbound="{_xnum(nums[0])}" upperbound="{_xnum(nums[-1])}"{extra}/>']


def write_genius(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write ``scenario`` as a GENIUS folder: ``domain.xml`` and one ``<party>.xml`` each.

    Raises :class:`ScenarioError` for what GENIUS cannot hold and would change the utilities
    (a hyper-rectangle term that is not a box of ranges on numeric issues).
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    kinds = [_kind(i, scenario) for i in scenario.issues]
    lines = [
        "<negotiation_template>",
        f'<utility_space number_of_issues="{len(kinds)}">',
        f'<objective index="0" etype="objective" type="objective" name="{_attr(scenario.title)}">',
    ]
    for k, (iss, kind) in enumerate(zip(scenario.issues, kinds, strict=True), 1):
        lines += _issue_xml(k, iss, kind)
    lines += ["</objective>", "</utility_space>", "</negotiation_template>"]
    written = [out / "domain.xml"]
    written[0].write_text("\n".join(lines) + "\n", encoding="utf-8")
    for party in scenario.with_preferences:
        path = out / f"{party.id}.xml"
        path.write_text(_profile_xml(scenario, party.id, kinds), encoding="utf-8")
        written.append(path)
    return written


def _profile_xml(scenario: Scenario, party_id: str, kinds: list[str]) -> str:
    prefs = scenario.party(party_id).preferences
    assert prefs is not None
    nonlinear = bool(prefs.hyperrectangles)
    where = f"parties[{[p.id for p in scenario.parties].index(party_id)}].preferences"
    if nonlinear and any(w > 0 and max(prefs.values[i]) > 0 for i, w in prefs.weights.items()):
        raise ScenarioError(
            f"party `{party_id}` has both weighted issue values and hyper-rectangles; GENIUS "
            'reads a profile of type="nonlinear" by its hyper-rectangles alone',
            where=where,
            hint="keep this scenario in zopa's YAML, or give the party hyper-rectangles only",
        )
    _check_cap(party_id, prefs, nonlinear, where)
    lines = [
        '<utility_space type="nonlinear">' if nonlinear else "<utility_space>",
        f'<reservation value="{prefs.reservation!r}"/>',
    ]
    if prefs.discount is not None:
        lines.append(f'<discount_factor value="{prefs.discount!r}"/>')
    lines.append('<objective index="0" etype="objective" type="objective" name="root">')
    additive = not nonlinear  # GENIUS reads a nonlinear profile without weights
    for k, (iss, kind) in enumerate(zip(scenario.issues, kinds, strict=True), 1):
        w = prefs.weights[iss.id]
        if additive:
            lines.append(f'  <weight index="{k}" value="{w!r}"/>')
        vals = prefs.values[iss.id]
        if kind == "discrete":
            if not additive:
                continue
            lines.append(
                f'  <issue index="{k}" name="{_attr(iss.label)}" type="discrete" '
                'etype="discrete" vtype="discrete">'
            )
            lines += [
                f'    <item index="{j + 1}" value="{_attr(o.label)}" evaluation="{v!r}"/>'
                for j, (o, v) in enumerate(zip(iss.options, vals, strict=True))
            ]
            lines.append("  </issue>")
            continue
        nums = iss.numbers or ()
        lines.append(
            f'  <issue index="{k}" name="{_attr(iss.label)}" type="{kind}" '
            f'etype="{kind}" vtype="{kind}" lowerbound="{_xnum(nums[0])}" '
            f'upperbound="{_xnum(nums[-1])}">'
        )
        slope = (vals[-1] - vals[0]) / (nums[-1] - nums[0])
        offset = vals[0] - (slope * nums[0] if kind == "real" else 0.0)
        lines.append(f'    <evaluator ftype="linear" offset="{offset!r}" slope="{slope!r}"/>')
        lines.append("  </issue>")
    if nonlinear:
        lines += [
            '  <utility maxutility="1">',
            '    <ufun type="PlainUfun" weight="1" aggregation="sum">',
        ]
        for rule, u in prefs.hyperrectangles:
            lines.append(f'      <hyperRectangle utility="{u!r}">')
            lines += [f"        {x}" for x in _includes(scenario, rule.formula, rule.text)]
            lines.append("      </hyperRectangle>")
        lines += ["    </ufun>", "  </utility>"]
    lines += ["</objective>", "</utility_space>"]
    return "\n".join(lines) + "\n"


def _check_cap(party_id: str, prefs: Preferences, nonlinear: bool, where: str) -> None:
    """GENIUS caps a hyper-rectangle profile at 1 and an additive one not at all: refuse a
    party whose utilities would then differ from zopa's (min(cap, sum of the terms))."""
    ceiling = prefs.ceiling()
    ours = prefs.binding_cap()  # None: zopa's cap never binds
    genius = 1.0 if nonlinear and ceiling > 1.0 else None  # None: GENIUS's never binds
    if ours == genius:
        return
    if nonlinear:
        raise ScenarioError(
            f"party `{party_id}`: GENIUS caps a hyper-rectangle profile's utility at 1, "
            f"and its terms reach {ceiling:.6g} "
            + ("uncapped" if prefs.cap is None else f"under its cap {prefs.cap:g}"),
            where=where,
            hint="give it `cap: 1` (what GENIUS computes), or scale its terms to sum to at "
            "most 1 and its cap to 1",
        )
    raise ScenarioError(
        f"party `{party_id}`: its cap {prefs.cap:g} can bind, and GENIUS's additive profiles "
        "have no cap",
        where=where,
        hint="remove the cap, or keep this scenario in zopa's YAML",
    )


def _includes(scenario: Scenario, f: Formula, text: str) -> list[str]:
    """``INCLUDES`` lines for the ranges of ``f``, and ``EXCLUDES`` lines for one negated box
    (``not (a and b ...)``, GENIUS's exclusive hyper-rectangle)."""
    boxes: dict[int, frozenset[int]] = {}
    excluded: dict[int, frozenset[int]] = {}
    stack = [f]
    while stack:
        g = stack.pop()
        if isinstance(g, And):
            stack.extend(g.args)
        elif isinstance(g, Atom):
            boxes[g.issue] = boxes.get(g.issue, g.allowed) & g.allowed
        elif isinstance(g, Not) and not excluded:
            inner = list(g.arg.args) if isinstance(g.arg, And) else [g.arg]
            for h in inner:
                if not isinstance(h, Atom):
                    raise ScenarioError(
                        f"the hyper-rectangle `{text}` is not a box of ranges",
                        hint="GENIUS hyper-rectangles are conjunctions of ranges on numeric "
                        "issues (or one negated box, EXCLUDES)",
                    )
                excluded[h.issue] = excluded.get(h.issue, h.allowed) & h.allowed
        elif not (isinstance(g, Const) and g.value):
            raise ScenarioError(
                f"the hyper-rectangle `{text}` is not a box of ranges",
                hint="GENIUS hyper-rectangles are conjunctions of ranges on numeric issues",
            )
    if boxes and excluded:
        raise ScenarioError(
            f"the hyper-rectangle `{text}` mixes ranges and a negated box: GENIUS reads such a "
            "box by its EXCLUDES ranges alone",
            hint="write it as two terms, or keep this scenario in zopa's YAML",
        )
    return _ranges(scenario, boxes, "INCLUDES", text) + _ranges(
        scenario, excluded, "EXCLUDES", text
    )


def _ranges(scenario: Scenario, boxes: dict[int, frozenset[int]], tag: str, text: str) -> list[str]:
    out = []
    for i, allowed in sorted(boxes.items()):
        nums = scenario.issues[i].numbers
        ks = sorted(allowed)
        if not nums or not ks or ks != list(range(ks[0], ks[-1] + 1)):
            raise ScenarioError(
                f"the hyper-rectangle `{text}` is not a box of ranges on numeric issues",
                hint="GENIUS hyper-rectangles are conjunctions of ranges on numeric issues",
            )
        lo, hi = _xnum(nums[ks[0]]), _xnum(nums[ks[-1]])
        out.append(f'<{tag} index="{i + 1}" min="{lo}" max="{hi}"/>')
    return out
