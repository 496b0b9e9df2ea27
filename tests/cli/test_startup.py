"""Start-up stays light: the CLI imports no heavy library before a command runs (`zopa --help`
not even Typer; `zopa analyze FILE` not Typer either, other commands Typer but not pydantic),
and no plot switches matplotlib's backend (bench/bench_startup.py measures the times)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import EXAMPLES, ROOT

HEAVY = (
    "numpy",
    "pandas",
    "pyarrow",
    "matplotlib",
    "dask",
    "distributed",
    "highspy",
    "lark",
    "yaml",
    "zopa.analysis",
    "zopa.model",
    "zopa.io",
    "zopa.negotiate",
    "zopa.forecast",
    "zopa.conflict",
    "zopa.report",
)


def _run(code: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_help_and_version_import_nothing_heavy():
    got = _run(
        "import contextlib, io, json, sys\n"
        "from zopa.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(['--help']), main(['--version']), main(['analyze', '-h'])]\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'codes': codes, 'heavy': heavy}))\n"
    )
    assert got == {"codes": [0, 0, 0], "heavy": []}


def test_import_zopa_is_lazy_but_complete():
    got = _run(
        "import json, sys, zopa\n"
        f"before = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "zopa.load_scenario, zopa.analyze\n"
        "print(json.dumps({'before': before, 'after': 'zopa.analysis' in sys.modules}))\n"
    )
    assert got == {"before": [], "after": True}


def test_analyze_does_not_import_plotting_or_dataframes():
    got = _run(
        "import contextlib, io, json, sys\n"
        "from zopa.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['analyze', {str(EXAMPLES / 'logrolling.yaml')!r}])\n"
        "heavy = [m for m in ('matplotlib', 'pandas', 'dask', 'pyarrow', 'zopa.io.genius',\n"
        "    'zopa.io.geniusweb', 'zopa.io.writer', 'defusedxml') if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'heavy': heavy}))\n"
    )
    assert got == {"code": 0, "heavy": []}  # a YAML scenario needs no XML stack or writer


def test_plots_leave_the_matplotlib_backend_alone(tmp_path):
    f = str(EXAMPLES / "logrolling.yaml")
    conflict = str(EXAMPLES / "conflicts" / "nuclear_talks.yaml")
    forecast = str(EXAMPLES / "forecast" / "territory.yaml")
    got = _run(
        "import contextlib, io, json, sys, matplotlib\n"
        "matplotlib.use('svg')\n"
        "from zopa.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    codes = [main(['analyze', {f!r}, '--plot', {str(tmp_path / 'a.png')!r}]),\n"
        f"             main(['stability', {conflict!r}, '--plot', {str(tmp_path / 'b.png')!r}]),\n"
        f"             main(['forecast', {forecast!r}, '--plot', {str(tmp_path / 'c.png')!r}]),\n"
        f"             main(['simulate', {f!r}, '--plot', {str(tmp_path / 'd.png')!r}])]\n"
        "print(json.dumps({'codes': codes, 'backend': matplotlib.get_backend(),\n"
        "                  'pyplot': 'matplotlib.pyplot' in sys.modules}))\n"
    )
    assert got == {"codes": [0, 0, 0, 0], "backend": "svg", "pyplot": False}
    for name in "abcd":
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_light_copies_of_library_names_match_the_library():
    """The CLI keeps a few names without importing the library; they must stay in step."""
    import typing

    from zopa.analysis.analyze import ENGINES
    from zopa.cli import analysis, negotiate
    from zopa.negotiate import AUTO

    assert analysis.ENGINES == ENGINES
    hints = typing.get_type_hints(analysis.analyze_cmd, include_extras=True)
    assert typing.get_args(typing.get_args(hints["engine"])[0]) == ENGINES
    assert negotiate.AUTO == AUTO
    mediators = typing.get_args(_hint(negotiate.simulate_cmd, "mediator"))
    assert set(mediators) == set(negotiate._mediators())


def _hint(fn, name):
    import typing

    hint = typing.get_type_hints(fn, include_extras=True)[name]
    return typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint


def test_choice_options_match_the_library():
    import typing

    from zopa.cli import conflict, forecast
    from zopa.conflict import CONCEPTS
    from zopa.forecast import MODELS, PRESETS

    assert typing.get_args(forecast.ModelName) == (*MODELS, "all")
    assert set(typing.get_args(forecast.PresetName)) == set(PRESETS)
    assert typing.get_args(conflict.Concept) == CONCEPTS
    assert _hint(forecast.forecast_cmd, "model") is forecast.ModelName
    assert _hint(conflict.stability, "concept") is conflict.Concept


# Modules in sys.modules after a command (the interpreter's own ~44 included), measured when
# the budget was set: --help 75 (no Typer: zopa.cli.commands answers), analyze 315 and
# analyze --json 255 (no Typer either: zopa.cli.fast runs a plainly valid line; no pydantic,
# no lark without expressions; Rich only for the tables), stability 493 (Typer; the conflict
# reader still uses the pydantic schema). A command that grows past its budget imports
# something it did not need before: make that import lazy, or, when the new module is really
# needed, raise the budget here and say why in the commit.
IMPORT_BUDGETS: dict[tuple[str, ...], int] = {
    ("--help",): 80,
    ("analyze", "logrolling.yaml"): 320,
    ("analyze", "logrolling.yaml", "--json"): 260,
    ("stability", "conflicts/nuclear_talks.yaml"): 500,
}
NEVER = {
    ("--help",): ("typer", "click", "numpy", "pydantic", "yaml", "rich"),
    # a valid scenario file is read on the fast path (zopa.model.specdata): no pydantic schema,
    # and Typer's values are converted by zopa.cli.coercion: no pydantic adapters either
    ("analyze", "logrolling.yaml"): (
        "typer",
        "click",
        "pydantic",
        "typer._adapters",
        "lark",
        "zopa.analysis.drafts",
        "highspy",
        "scipy",
        "matplotlib",
        "pandas",
        "zopa.server",
        "zopa.model.spec",
        "zopa.model.distributions",
        "zopa.cli.robust",
        "zopa.cli.server",
    ),
    ("analyze", "logrolling.yaml", "--json"): ("typer", "pydantic", "rich", "highspy", "scipy"),
    ("stability", "conflicts/nuclear_talks.yaml"): ("highspy", "matplotlib", "pandas"),
}


def test_each_command_stays_within_its_import_budget():
    for args, budget in IMPORT_BUDGETS.items():
        argv = [args[0], *(a if a.startswith("-") else str(EXAMPLES / a) for a in args[1:])]
        got = _run(
            "import contextlib, io, json, sys\n"
            "from zopa.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    code = main({argv!r})\n"
            "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n"
        )
        assert got["code"] == 0, args
        mods = got["modules"]
        tops = sorted({m.split(".")[0] for m in mods})
        assert len(mods) <= budget, f"{args}: {len(mods)} modules > budget {budget}: {tops}"
        assert not [m for m in NEVER[args] if m in mods], (args, NEVER[args])
