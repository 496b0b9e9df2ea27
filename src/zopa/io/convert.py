"""``zopa convert``: a scenario to zopa YAML/JSON, a GENIUS XML folder or GeniusWeb JSON.

Every conversion says exactly what the target format cannot hold (:attr:`Conversion.losses`,
one line each) and what was changed so that the meaning survives (:attr:`Conversion.adjusted`),
instead of dropping it silently. zopa → zopa is exact (:mod:`zopa.io.writer`).

GENIUS scales each discrete issue's evaluations so the best option is worth 1. A zopa party
whose best option on an issue is worth less than 1 would have its utilities changed (and the
agreement zone with them), so :func:`genius_ready` folds each issue's maximum into the weight
and divides the party's utilities and reservation by the same constant: every comparison with
the reservation, and so the zone, is unchanged wherever GENIUS can express the party.

Files are written to a temporary folder beside the target and moved into place only when all
of them were written; existing files are replaced only with ``force``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from zopa.errors import OutputError, ScenarioError
from zopa.io.output import SCENARIO_SUFFIXES, check_folder_files, check_output
from zopa.model.scenario import FrozenMap, Preferences, Scenario
from zopa.records import frozen

__all__ = [
    "FORMATS",
    "Conversion",
    "conversion_losses",
    "convert_scenario",
    "genius_ready",
    "target_format",
]

Format = Literal["zopa", "genius", "geniusweb"]
FORMATS: tuple[str, ...] = ("zopa", "genius", "geniusweb")


@frozen
class Conversion:
    """What ``zopa convert`` did: the files written, what the format could not hold, and what
    was adjusted to keep the meaning."""

    source: str
    target: str
    format: str
    files: tuple[str, ...]
    losses: tuple[str, ...]
    adjusted: tuple[str, ...]
    created: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return not self.losses

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "format": self.format,
            "files": list(self.files),
            "exact": self.exact,
            "losses": list(self.losses),
            "adjusted": list(self.adjusted),
            "created_folders": list(self.created),
        }


def target_format(path: str | Path, to: str | None = None) -> Format:
    """The format to write: ``to`` when given, else by the target's suffix (``.yaml``,
    ``.yml``, ``.json``: zopa; ``.xml`` or no suffix: GENIUS)."""
    if to is not None:
        if to not in FORMATS:
            raise ScenarioError(f"unknown format `{to}`", hint="use zopa, genius or geniusweb")
        return to  # type: ignore[return-value]
    suffix = Path(path).suffix.lower()
    if suffix in SCENARIO_SUFFIXES:
        return "zopa"
    if suffix in (".xml", ""):
        return "genius"
    raise OutputError(
        f"cannot tell the format from the suffix `{suffix}`",
        path=str(path),
        hint="end the name in .yaml/.yml/.json (zopa) or .xml / no suffix (GENIUS), or pass "
        "--to zopa|genius|geniusweb",
    )


def conversion_losses(scenario: Scenario, fmt: str) -> tuple[list[str], list[str]]:
    """(losses, adjustments): what ``fmt`` cannot hold of ``scenario``, one line each, and the
    changes made so the rest keeps its meaning. Empty for ``zopa``."""
    if fmt == "zopa":
        return [], []
    name = "GENIUS" if fmt == "genius" else "GeniusWeb"
    s = scenario
    lost: list[str] = []
    red = [
        (p.id, len(p.preferences.red_lines))
        for p in s.parties
        if p.preferences is not None and p.preferences.red_lines
    ]
    if red:
        n = sum(k for _, k in red)
        who = ", ".join(f"{pid} {k}" for pid, k in red)
        lost.append(
            f"red lines: {n} dropped ({who}); {name} profiles have none, so packages a party "
            "rules out can enter the agreement zone (it may grow)"
        )
    if s.constraints:
        lost.append(
            f"constraints: {len(s.constraints)} feasibility constraint(s) dropped; {name} "
            "domains have none, so infeasible packages become possible (the zone may grow)"
        )
    if s.drafts:
        lost.append(f"drafts: {len(s.drafts)} dropped ({', '.join(d.id for d in s.drafts)})")
    if s.events:
        lost.append(f"events: {len(s.events)} pressure event(s) dropped")
    roles = [p for p in s.with_preferences if p.role != "party"]
    if roles:
        lost.append(
            "roles: "
            + ", ".join(f"{p.id} ({p.role})" for p in roles)
            + f" written as negotiating parties ({name} has no roles), so they gate agreement"
        )
    silent = [p.id for p in s.parties if p.preferences is None]
    if silent:
        lost.append(f"parties without preferences dropped: {', '.join(silent)}")
    power = [p for p in s.parties if p.preferences is not None and p.power != 1.0]
    if power:
        lost.append(
            "power: bargaining power dropped ("
            + ", ".join(f"{p.id} {p.power:g}" for p in power)
            + "); the power-weighted Nash solution is computed with equal power"
        )
    meta = [
        k
        for k, present in (
            ("description", bool(s.description)),
            ("sources", bool(s.sources)),
            ("assumptions", bool(s.assumptions)),
            ("issue descriptions", any(i.description for i in s.issues)),
            ("units", any(i.unit for i in s.issues)),
            ("party labels", any(p.label != p.id for p in s.parties)),
        )
        if present
    ]
    if meta:
        lost.append(f"text: {', '.join(meta)} dropped")
    relabel = [i.id for i in s.issues if i.label != i.id] + [
        f"{i.id}.{o.id}" for i in s.issues if not i.numeric for o in i.options if o.label != o.id
    ]
    if relabel:
        lost.append(
            f"ids: {name} stores names, not ids, so {len(relabel)} issue/option id(s) are "
            f"rebuilt from their labels when read back (e.g. {relabel[0]})"
        )
    adjusted: list[str] = []
    if fmt == "genius":
        for pid, scale, clamped in _genius_scales(s):
            line = (
                f"values rescaled: {name} sets each issue's best option to 1; {pid}'s weights "
                f"were adjusted and its utilities and reservation divided by {scale:.6g}, so "
                "every comparison with its reservation (the agreement zone) is unchanged"
            )
            adjusted.append(line)
            if clamped:
                lost.append(
                    f"reservation: {pid}'s reservation exceeds its best package; written as 1"
                )
        discrete = [i.id for i in s.issues if i.numeric and _genius_kind(i, s) == "discrete"]
        if discrete:
            adjusted.append(
                "numeric issue(s) written as discrete (a party's values are not linear): "
                + ", ".join(discrete)
            )
    return lost, adjusted


def genius_ready(scenario: Scenario) -> Scenario:
    """The scenario with each party's values rescaled the way GENIUS reads them (best option
    of every discrete issue = 1) and weights and reservation adjusted to keep the zone."""
    parties = []
    for p in scenario.parties:
        pr = p.preferences
        if pr is None:
            parties.append(p)
            continue
        maxima = _maxima(scenario, pr)
        total = sum(pr.weights[i] * m for i, m in maxima.items())
        if total <= 0 or all(m == 1.0 for i, m in maxima.items() if pr.weights[i] > 0):
            parties.append(p)
            continue
        weights = {i: pr.weights[i] * m / total for i, m in maxima.items()}
        values = {
            i: tuple(v / m for v in pr.values[i]) if m > 0 else pr.values[i]
            for i, m in maxima.items()
        }
        rects = tuple((r, u / total) for r, u in pr.hyperrectangles)
        prefs = Preferences(
            FrozenMap(weights),
            FrozenMap(values),
            min(1.0, pr.reservation / total),
            pr.red_lines,
            rects,
            pr.discount,
            cap=None if pr.cap is None else pr.cap / total,
        )
        parties.append(dataclasses.replace(p, preferences=prefs))
    return dataclasses.replace(scenario, parties=tuple(parties))


def convert_scenario(
    scenario: Scenario,
    target: str | Path,
    to: str | None = None,
    *,
    force: bool = False,
    source: str = "",
) -> Conversion:
    """Write ``scenario`` to ``target`` as ``to`` (default: by suffix) and report the losses.

    zopa: the file named. GENIUS: a folder (``domain.xml`` and ``<party>.xml``), or, for a
    ``.xml`` name, the domain under that name with the profiles beside it. GeniusWeb: a folder,
    or, for a ``.json`` name, the domain under that name with the profiles beside it.
    """
    from zopa.io.writer import write_scenario

    fmt = target_format(target, to)
    out = Path(target)
    lost, adjusted = conversion_losses(scenario, fmt)
    if fmt == "zopa":
        suffix = out.suffix.lower()
        if suffix not in SCENARIO_SUFFIXES:
            raise OutputError(
                "a zopa scenario is written as .yaml, .yml or .json, not "
                + (f"`{suffix}`" if suffix else "a name without suffix"),
                path=str(out),
                hint="end the file name in .yaml, .yml or .json",
            )
        created = check_output(out, "scenario", force=force).creates
        write_scenario(scenario, out, force=force)
        return Conversion(
            source, str(out), fmt, (str(out),), (), (), tuple(str(c) for c in created)
        )
    from zopa.io.genius import write_genius
    from zopa.io.geniusweb import write_geniusweb

    as_file = out.suffix.lower() == (".xml" if fmt == "genius" else ".json")
    folder = out.parent if as_file else out
    created = check_output(folder, "folder", force=force).creates
    if fmt == "genius":
        data = genius_ready(scenario)
        writer: Callable[[Scenario, Path], list[Path]] = write_genius
    else:
        data = scenario
        writer = write_geniusweb
    try:
        files = _write_folder(data, writer, folder, out if as_file else None, force)
    except ScenarioError as exc:  # what the format cannot hold: name the file it came from
        if source and not exc.file:
            raise exc.with_file(source) from None
        raise
    return Conversion(
        source,
        str(out),
        fmt,
        tuple(str(f) for f in files),
        tuple(lost),
        tuple(adjusted),
        tuple(str(c) for c in created),
    )


# ------------------------------------------------------------------------------ helpers


def _genius_kind(issue: Any, scenario: Scenario) -> str:
    from zopa.io.genius import _kind

    return _kind(issue, scenario)


def _maxima(scenario: Scenario, pr: Preferences) -> dict[str, float]:
    """Per issue: the factor GENIUS's reader divides the written values by (1 if none)."""
    out: dict[str, float] = {}
    for iss in scenario.issues:
        vals = pr.values[iss.id]
        top = max(vals) if vals else 0.0
        if iss.numeric and _genius_kind(iss, scenario) != "discrete":
            out[iss.id] = 1.0  # a linear evaluator: read back as written
        elif top <= 0:
            out[iss.id] = 0.0 if pr.weights[iss.id] > 0 else 1.0
        else:
            out[iss.id] = top
    return out


def _genius_scales(scenario: Scenario) -> list[tuple[str, float, bool]]:
    out = []
    for p in scenario.with_preferences:
        pr = p.preferences
        assert pr is not None
        maxima = _maxima(scenario, pr)
        if all(m == 1.0 for i, m in maxima.items() if pr.weights[i] > 0):
            continue
        total = sum(pr.weights[i] * m for i, m in maxima.items())
        if total > 0:
            out.append((p.id, total, pr.reservation / total > 1.0))
    return out


def _write_folder(
    scenario: Scenario,
    writer: Callable[[Scenario, Path], list[Path]],
    folder: Path,
    domain_as: Path | None,
    force: bool,
) -> list[Path]:
    parent = folder.parent if str(folder.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name[:60]}.", suffix=".part", dir=parent))
    except OSError as exc:
        raise OutputError(
            f"cannot create a folder: {exc.strerror}; nothing was written",
            path=str(folder),
            hint="choose a folder you can write to",
        ) from None
    try:
        try:
            written = writer(scenario, tmp)
        except OSError as exc:
            raise OutputError(
                f"writing failed: {exc.strerror}; nothing was written",
                path=str(folder),
                hint="free space on the disk, or write somewhere else",
            ) from None
        names = [f.name for f in written]
        final = [folder / n for n in names]
        if domain_as is not None:
            final[0] = domain_as
            if domain_as.name in names[1:]:
                raise OutputError(
                    f"a profile would be written as {domain_as.name}, the domain's name",
                    path=str(domain_as),
                    hint="give another file name, or a folder",
                )
        check_folder_files(folder, [f.name for f in final], force=force)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for src, dst in zip(written, final, strict=True):
                os.replace(src, dst)
        except OSError as exc:
            raise OutputError(
                f"writing failed: {exc.strerror}",
                path=str(folder),
                hint="check the folder is writable and has space",
            ) from None
        return final
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
