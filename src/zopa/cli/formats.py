"""``zopa convert IN OUT``: between zopa YAML/JSON, GENIUS XML folders and GeniusWeb JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zopa.cli.analysis import _console
from zopa.cli.app import app
from zopa.errors import ScenarioError

if TYPE_CHECKING:
    from zopa.model.scenario import Scenario

__all__ = ["scenario_dict"]


def scenario_dict(s: Scenario) -> dict[str, Any]:
    """A zopa scenario mapping (the file schema) of a validated scenario."""
    issues: list[dict[str, Any]] = []
    for iss in s.issues:
        if iss.numeric and iss.numbers:
            nums = iss.numbers
            step = (nums[-1] - nums[0]) / max(1, len(nums) - 1)
            item: dict[str, Any] = {
                "id": iss.id,
                "label": iss.label,
                "numeric": {"min": nums[0], "max": nums[-1], "step": step},
            }
            if iss.unit:
                item["numeric"]["unit"] = iss.unit
        else:
            item = {
                "id": iss.id,
                "label": iss.label,
                "options": [{"id": o.id, "label": o.label} for o in iss.options],
            }
            if iss.ordered:
                item["ordered"] = True
        if iss.description:
            item["description"] = iss.description
        issues.append(item)
    parties = []
    for p in s.parties:
        entry: dict[str, Any] = {"id": p.id, "label": p.label, "role": p.role, "power": p.power}
        if p.preferences is not None:
            pr = p.preferences
            prefs: dict[str, Any] = {
                "weights": {k: w for k, w in pr.weights.items() if w > 0},
                "values": {},
                "reservation": pr.reservation,
            }
            for iss in s.issues:
                if pr.weights[iss.id] <= 0:
                    continue
                keys: list[Any] = (
                    list(iss.numbers) if iss.numeric and iss.numbers else list(iss.option_ids)
                )
                prefs["values"][iss.id] = dict(zip(keys, pr.values[iss.id], strict=True))
            if pr.red_lines:
                prefs["red_lines"] = [r.text for r in pr.red_lines]
            if pr.hyperrectangles:
                prefs["hyperrectangles"] = [
                    {"when": r.text, "utility": u} for r, u in pr.hyperrectangles
                ]
            if pr.discount is not None:
                prefs["discount"] = pr.discount
            entry["preferences"] = prefs
        parties.append(entry)
    out: dict[str, Any] = {"title": s.title}
    if s.description:
        out["description"] = s.description
    if s.sources:
        out["sources"] = list(s.sources)
    if s.assumptions:
        out["assumptions"] = list(s.assumptions)
    out["issues"] = issues
    out["parties"] = parties
    if s.constraints:
        out["constraints"] = [r.text for r in s.constraints]
    if s.drafts:
        out["drafts"] = [
            {
                k: v
                for k, v in {
                    "id": d.id,
                    "label": d.label,
                    "author": d.author,
                    "revises": d.revises,
                    "date": d.date,
                    "note": d.note,
                    "package": dict(d.package),
                }.items()
                if v is not None
            }
            for d in s.drafts
        ]
    return out


def _target(path: Path, to: str | None) -> str:
    if to is not None:
        if to not in ("zopa", "genius", "geniusweb"):
            raise ScenarioError(f"unknown format `{to}`", hint="use zopa, genius or geniusweb")
        return to
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return "zopa"
    return "genius"


@app.command("convert")
def convert_cmd(
    source: Annotated[
        Path, typer.Argument(help="zopa .yaml/.json, GENIUS folder or .xml, GeniusWeb")
    ],
    target: Annotated[Path, typer.Argument(help=".yaml/.json (zopa) or a folder (GENIUS)")],
    to: Annotated[
        str | None, typer.Option(help="zopa | genius | geniusweb (default: by OUT's suffix)")
    ] = None,
) -> None:
    """Convert a scenario between zopa YAML/JSON, GENIUS XML and GeniusWeb JSON."""
    import yaml

    from zopa.io import load_any, write_genius, write_geniusweb

    s = load_any(source)
    kind = _target(target, to)
    if kind == "genius":
        files = write_genius(s, target)
    elif kind == "geniusweb":
        files = write_geniusweb(s, target)
    else:
        import json

        data = scenario_dict(s)
        if target.suffix.lower() == ".json":
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        else:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        target.write_text(text, encoding="utf-8")
        files = [target]
    _console().print(f"[green]ok[/] {source} -> {kind}: " + ", ".join(str(f) for f in files))
