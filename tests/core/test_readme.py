"""The README's tour is real output: each `$ zopa ...` block is re-run and compared."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT
from zopa.cli import main

BLOCK = re.compile(r"```console\n\$ (zopa [^\n]+)\n(.*?)```", re.S)
TOUR = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_a_tour():
    assert len(TOUR) >= 3


@pytest.mark.parametrize(("command", "expected"), TOUR, ids=[c for c, _ in TOUR])
def test_readme_output_is_current(command, expected, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(shlex.split(command)[1:]) == 0
    got = capsys.readouterr().out
    strip = lambda t: [line.rstrip() for line in t.strip().splitlines()]  # noqa: E731
    assert strip(got) == strip(expected)


FENCE = re.compile(r"^(\s*)```(.*)$")


def _fence_problems(text: str) -> list[str]:
    """Every code block opens with a language (```sh, ```console, ...) and closes with a bare
    fence: a stray bare fence would otherwise swallow the prose after it into a code block."""
    problems, open_at = [], None
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if not m:
            continue
        info = m.group(2).strip()
        if open_at is None:
            if not info:
                problems.append(f"line {number}: a bare ``` opens a code block")
            open_at = number
        elif info:
            problems.append(f"line {number}: ```{info} inside the block opened at line {open_at}")
        else:
            open_at = None
    if open_at is not None:
        problems.append(f"line {open_at}: a code block is never closed")
    return problems


@pytest.mark.parametrize(
    "doc",
    ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))],
)
def test_code_fences_are_balanced(doc):
    assert _fence_problems((ROOT / doc).read_text(encoding="utf-8")) == []


def test_fence_check_catches_a_stray_fence():
    assert _fence_problems("```sh\nx\n```\ntext\n```\n\n**7.**\n```sh\ny\n```\n")


def _commands() -> dict[str, bool]:
    """Every command of the CLI (sub-commands as "room create") and whether it takes --json."""
    import typer

    from zopa.cli.commands import load_all

    app = load_all()  # every command module imported, so every command registered

    found: dict[str, bool] = {}

    def walk(command, prefix: str) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, f"{prefix}{name} ")
        else:
            found[prefix.strip()] = any("--json" in getattr(p, "opts", []) for p in command.params)

    walk(typer.main.get_command(app), "")
    return found


def test_readme_says_which_commands_take_json():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    claim = re.search(r"Every command takes `--json` except (.*?);", text, re.S)
    assert claim, "the README no longer says which commands take --json"
    named = set(re.findall(r"`([a-z -]+)` \(", claim.group(1)))
    without = {name for name, has_json in _commands().items() if not has_json}
    assert without == named
