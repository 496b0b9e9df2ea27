"""Which module defines each command, and the top-level help, without importing Typer.

``zopa --help``, ``zopa --version`` and a bare ``zopa`` are answered from here (standard
library only); ``zopa COMMAND ...`` imports Typer and the one module that defines COMMAND
(:func:`load`). ``tests/cli/test_startup.py`` checks this table and :data:`HELP` against
what Typer renders from the registered commands, so neither can drift.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

# command (or command group) -> the module that registers it on zopa.cli.app.app
COMMANDS: dict[str, str] = {
    "validate": "zopa.cli.analysis",
    "schema": "zopa.cli.analysis",
    "analyze": "zopa.cli.analysis",
    "evaluate": "zopa.cli.analysis",
    "compare": "zopa.cli.analysis",
    "stability": "zopa.cli.conflict",
    "forecast": "zopa.cli.forecast",
    "backtest": "zopa.cli.forecast",
    "convert": "zopa.cli.formats",
    "simulate": "zopa.cli.negotiate",
    "tournament": "zopa.cli.negotiate",
    "news": "zopa.cli.news",
    "robust": "zopa.cli.robust",
    "track": "zopa.cli.robust",
    "report": "zopa.cli.report",  # after robust: zopa.cli.report imports it (its option types)
    "serve": "zopa.cli.server",
    "room": "zopa.cli.server",
    "audit": "zopa.cli.server",
}

# Typer's (click's) help for `zopa --help` at its full width of 80 columns
HELP = """\
Usage: zopa [OPTIONS] COMMAND [ARGS]...

  Analyse and mediate multi-party, multi-issue negotiations.

Options:
  --version   print zopa's version and exit
  -h, --help  Show this message and exit.

Commands:
  validate    Check a scenario file; print a summary, or every problem...
  schema      Print the JSON Schema of scenario files.
  analyze     The agreement zone, Pareto frontier, bargaining solutions,...
  evaluate    Evaluate a draft: utilities, red lines, the issue changes...
  compare     Does revision B improve draft A, and for whom? Does it move...
  stability   Nash, GMR, SMR and SEQ stability of every state for every...
  forecast    Forecast where each issue lands, every model side by side.
  backtest    Mean and median absolute error (0-100 scale) of every model...
  convert     Convert a scenario between zopa YAML/JSON, GENIUS XML and...
  simulate    Replay a negotiation under chosen strategies and protocol.
  tournament  Strategies x scenarios x repetitions x seats; results as...
  news        Read news reports of the talks: actors, quotes with...
  robust      How likely is an agreement zone, given the uncertainty and...
  track       How the odds moved: replay the reviewed evidence log, date...
  report      Write the analyst's briefing: scenario, zone, frontier,...
  serve       Serve the mediation rooms of a database (API under /api,...
  room        Mediation rooms: create one from a scenario.
  audit       The room's audit chain.
"""


def quick_answer(argv: list[str]) -> tuple[str, bool, int] | None:
    """(text, to stderr, exit code) for the runs that need no command module, else None.

    Only the exact forms are answered (``--help``, ``-h``, ``--version``, nothing); any
    other combination goes through Typer. :data:`HELP` is click's rendering at 80
    columns, so a narrower terminal (where click wraps) goes through Typer too."""
    if argv == ["--version"]:
        from zopa import __version__

        return f"zopa {__version__}\n", False, 0
    if argv not in (["--help"], ["-h"], []):
        return None
    import shutil

    if shutil.get_terminal_size().columns < 80:
        return None
    return HELP, not argv, 0 if argv else 2  # bare `zopa`: the help on stderr, exit 2


def load(argv: list[str]) -> typer.Typer:
    """The app with only the command ``argv`` runs registered (its module alone imported),
    or every command when ``argv`` names none that is known (the full app then lists them,
    suggests a close name, or prints the help)."""
    name = next((a for a in argv if not a.startswith("-")), None)
    module = COMMANDS.get(name or "")
    if module is None:
        return load_all()
    importlib.import_module(module)
    from zopa.cli.app import app, lean

    return lean(app, name or "")


def load_all() -> typer.Typer:
    """The app with every command registered."""
    for module in dict.fromkeys(COMMANDS.values()):
        importlib.import_module(module)
    from zopa.cli.app import app

    return app
