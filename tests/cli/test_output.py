"""One way out (zopa.io.output): --plot, convert and written files are checked first, written
atomically, and every failure is a clear error with exit code 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from zopa.cli import main
from zopa.errors import OutputError
from zopa.io.output import atomic_write, check_output, write_text

F = str(EXAMPLES / "logrolling.yaml")
CONFLICT = str(EXAMPLES / "conflicts" / "nuclear_talks.yaml")
FORECAST = str(EXAMPLES / "forecast" / "territory.yaml")
PLOTTERS = [
    ["analyze", F],
    ["stability", CONFLICT],
    ["forecast", FORECAST],
    ["simulate", F],
]


@pytest.mark.parametrize("argv", PLOTTERS, ids=[a[0] for a in PLOTTERS])
def test_unknown_plot_suffix_lists_the_allowed_ones(argv, tmp_path, capsys):
    target = tmp_path / "plot.txt"
    assert main([*argv, "--plot", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and ".png, .svg, .pdf" in err
    assert not target.exists()


@pytest.mark.parametrize("argv", PLOTTERS, ids=[a[0] for a in PLOTTERS])
def test_existing_plot_is_refused_without_force(argv, tmp_path, capsys):
    target = tmp_path / "plot.png"
    target.write_bytes(b"keep me")
    assert main([*argv, "--plot", str(target)]) == 2
    captured = capsys.readouterr()
    assert "already exists" in captured.err and "--force" in captured.err
    assert "written" not in captured.out and "drawn" not in captured.out
    assert target.read_bytes() == b"keep me"
    assert main([*argv, "--plot", str(target), "--force"]) == 0
    assert target.read_bytes()[:4] == b"\x89PNG"


def test_missing_folder_is_created_and_said(tmp_path, capsys):
    target = tmp_path / "new" / "deeper" / "plot.svg"
    assert main(["analyze", F, "--plot", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"plot written to {target} (new folder {tmp_path / 'new'}/)" in out.replace("\n", "")
    assert target.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert [p.name for p in target.parent.iterdir()] == ["plot.svg"]  # no temporary left


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: t / "a-file.txt" / "plot.png", "is not a folder"),
        (lambda t: t, "is a folder"),
        (lambda t: Path("/proc/zopa-no/plot.png"), "not"),
    ],
    ids=["parent-is-a-file", "target-is-a-folder", "proc"],
)
def test_unwritable_targets(make, message, tmp_path, capsys):
    (tmp_path / "a-file.txt").write_text("x")
    target = make(tmp_path)
    if target == tmp_path:
        target = tmp_path / "dir.png"
        target.mkdir()
    assert main(["analyze", F, "--plot", str(target)]) == 2
    captured = capsys.readouterr()
    assert str(target) in captured.err and message in captured.err
    assert "hint:" in captured.err
    assert "written" not in captured.out


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_device_is_refused_before_any_work():
    with pytest.raises(OutputError) as info:
        write_text("/dev/full", "x" * 100_000, force=True)
    assert "/dev/full" in str(info.value) and "character device" in str(info.value)
    assert "regular file or a new path" in str(info.value)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_convert_to_dev_full_exits_2(capsys):
    assert main(["convert", F, "/dev/full", "--to", "zopa", "--force"]) == 2
    captured = capsys.readouterr()
    assert "/dev/full" in captured.err and "ok" not in captured.out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize(
    "argv",
    [
        ["report", F, "-o", "{fifo}.html"],
        ["report", F, "-o", "{tmp}/ok.html", "--pdf", "{fifo}.pdf"],
        ["analyze", F, "--plot", "{fifo}.png"],
        ["convert", F, "{fifo}.yaml", "--to", "zopa"],
    ],
    ids=["report-o", "report-pdf", "plot", "convert"],
)
def test_a_named_pipe_is_refused_not_waited_on(argv, tmp_path, capsys):
    """Opening a FIFO for writing blocks until a reader comes: it must be refused up front."""
    fifo = tmp_path / "pipe"
    for suffix in (".html", ".pdf", ".png", ".yaml"):
        os.mkfifo(str(fifo) + suffix)
    args = [a.format(fifo=fifo, tmp=tmp_path) for a in argv]
    assert main([*args, "--force"]) == 2
    err = capsys.readouterr().err
    assert "named pipe" in err and str(fifo) in err and "bug in zopa" not in err
    assert not (tmp_path / "ok.html").exists()  # refused before any work


def test_atomic_write_refuses_a_pipe_made_after_the_check(tmp_path):
    fifo = tmp_path / "late.yaml"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="named pipe"):
        atomic_write(fifo, lambda tmp: tmp.write_text("x"))


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "no plot name was given"), (".", "no plot name was given"), ("..", "names a folder")],
)
def test_an_empty_plot_name_says_so(value, message, capsys):
    assert main(["analyze", F, "--plot", value]) == 2
    err = capsys.readouterr().err
    assert message in err and "e.g. out/plot.png" in err


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "keep.yaml"
    target.write_text("old")

    def half(tmp: Path) -> None:
        tmp.write_text("half a file")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError) as info:
        atomic_write(target, half)
    assert "No space left on device" in str(info.value) and "hint:" in str(info.value)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.yaml"]


def test_check_output_rules(tmp_path):
    assert check_output(tmp_path / "a.png", "plot").creates == ()
    assert check_output(tmp_path / "x" / "y" / "a.png", "plot").creates == (
        tmp_path / "x",
        tmp_path / "x" / "y",
    )
    with pytest.raises(OutputError, match="no suffix"):
        check_output(tmp_path / "a", "plot")
    with pytest.raises(OutputError, match="over 255 bytes"):
        check_output(tmp_path / ("a" * 300 + ".png"), "plot")
    (tmp_path / "f.yaml").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        check_output(tmp_path / "f.yaml", "folder")
    assert check_output(tmp_path / "f.yaml", "scenario", force=True).path.name == "f.yaml"


def test_new_files_get_normal_permissions(tmp_path):
    target = write_text(tmp_path / "a.yaml", "x: 1\n", "scenario").path
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_tournament_refuses_to_replace_results_before_playing(tmp_path, capsys):
    cfg = tmp_path / "t.yaml"
    (tmp_path / "s.yaml").write_bytes((EXAMPLES / "logrolling.yaml").read_bytes())
    cfg.write_text("scenarios: [s.yaml]\nstrategies: [boulware]\ndeadline: 5\nrepetitions: 1\n")
    out = tmp_path / "res"
    out.mkdir()
    (out / "results.csv").write_text("precious")
    assert main(["tournament", str(cfg), "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (out / "results.csv").read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["results.csv"]
    assert main(["tournament", str(cfg), "--out", str(out), "--force", "--json"]) == 0
    capsys.readouterr()
    assert (out / "results.csv").read_text() != "precious"
    assert sorted(p.name for p in out.iterdir()) == [
        "ranking.csv",
        "ranking.png",
        "results.csv",
        "results.parquet",
    ]


# ------------------------------------------- every plot option into an unwritable path (issue 22)

_LOG = EXAMPLES / "robust" / "ukraine-log.yaml"
_UKRAINE = str(EXAMPLES / "ukraine-2025.yaml")
PLOT_RUNS = {  # the smallest run of each command that takes a plot option
    "analyze": ["analyze", F],
    "stability": ["stability", CONFLICT],
    "forecast": ["forecast", FORECAST],
    "simulate": ["simulate", F],
    "robust": ["robust", _UKRAINE, "--samples", "100"],
    "track": [
        "track",
        _UKRAINE,
        str(EXAMPLES / "news" / "geneva-revision.txt"),
        "--log",
        str(_LOG),
        "--samples",
        "100",
    ],
}


def _plot_options() -> list[tuple[str, str]]:
    """(command, option) for every option of the CLI that writes a plot, from the app itself."""
    import typer.main

    from zopa.cli.commands import load_all

    group = typer.main.get_command(load_all())
    out = []
    for name, cmd in getattr(group, "commands", {}).items():
        for p in cmd.params:
            for opt in getattr(p, "opts", ()):
                if opt.endswith("plot"):
                    out.append((name, opt))
    return sorted(out)


def test_every_plot_option_is_covered():
    assert {c for c, _ in _plot_options()} == set(PLOT_RUNS)


@pytest.mark.parametrize(("command", "option"), _plot_options())
@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_a_plot_into_an_unwritable_path_exits_2_before_any_work(
    command, option, where, tmp_path, capsys
):
    """`stability --plot` into an unwritable path exited 0 without the picture. A path under a
    regular file, or under /proc, cannot be written even by root, so this holds in CI too."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    target = blocker / "plot.png" if where == "under-a-file" else Path("/proc/zopa-no/plot.png")
    assert main([*PLOT_RUNS[command], option, str(target)]) == 2
    captured = capsys.readouterr()
    assert str(target) in captured.err and "hint:" in captured.err, captured.err
    assert "Traceback" not in captured.err and "bug in zopa" not in captured.err
    assert not target.exists() and blocker.read_text() == "x"
    assert "written" not in captured.out and "drawn" not in captured.out
