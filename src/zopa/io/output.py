"""One way out: every file zopa writes (plots, scenarios, GENIUS folders, results) goes here.

:func:`check_output` vets a target before any work is done — the suffix is one the writer
knows, the path is not a folder (or, for a folder target, not a file), an existing file is
only replaced with ``force`` (no data is lost by accident), the nearest existing folder is a
writable folder — and says which folders it will create. :func:`atomic_write` then writes to a
temporary file in the target's own folder and renames it over the target, so the target is
either the complete new file or untouched; a write failure (a full disk, a
read-only file system) raises :class:`~zopa.errors.OutputError` naming the path and the fix,
and nothing is reported as written. Only regular files and new paths are written: a named pipe
(which would block until a reader comes), a device or a socket is refused up front.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from zopa.errors import OutputError
from zopa.records import frozen

__all__ = [
    "PLOT_SUFFIXES",
    "SCENARIO_SUFFIXES",
    "OutputKind",
    "OutputTarget",
    "atomic_write",
    "check_output",
    "save_figure",
    "utf8",
    "write_text",
]

PLOT_SUFFIXES: tuple[str, ...] = (".png", ".svg", ".pdf")
"""What ``--plot`` writes (matplotlib's format is chosen by the suffix)."""
SCENARIO_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")
"""What a zopa scenario file is written as."""

OutputKind = Literal["plot", "scenario", "folder", "file"]
_SUFFIXES: dict[str, tuple[str, ...]] = {"plot": PLOT_SUFFIXES, "scenario": SCENARIO_SUFFIXES}


@frozen
class OutputTarget:
    """A vetted target: the path, and the folders that writing it will create (outermost
    first; empty when the folder exists)."""

    path: Path
    creates: tuple[Path, ...] = ()

    def note(self) -> str:
        """`` (new folder out/)`` when a folder is created, else ``""``."""
        return f" (new folder {self.creates[0]}/)" if self.creates else ""


def check_output(
    path: str | Path,
    kind: OutputKind = "file",
    *,
    force: bool = False,
    suffixes: Sequence[str] | None = None,
    what: str = "",
) -> OutputTarget:
    """Check that ``path`` can be written as ``kind`` before doing the work.

    ``kind`` ``plot`` and ``scenario`` fix the allowed suffixes (``suffixes`` overrides);
    ``folder`` is a folder target (GENIUS, GeniusWeb, results) that may exist but must not
    hold files the writer would replace, unless ``force``. Raises :class:`OutputError`.
    """
    p = Path(path)
    label = what or {"plot": "plot", "scenario": "scenario", "folder": "folder"}.get(kind, "file")
    allowed = tuple(suffixes) if suffixes is not None else _SUFFIXES.get(kind)
    if str(path) in ("", ".") or (kind != "folder" and p.name in ("", ".", "..")):
        # an empty argument (`--plot ''`) reaches here as `.`: the two cannot be told apart
        empty = str(path) in ("", ".")
        raise OutputError(
            f"no {label} name was given (the name is empty or `.`)"
            if empty
            else f"`{path}` names a folder, not a {label} file",
            path="''" if empty else str(path),
            hint=f"give a file name, e.g. out/{label.replace(' ', '-')}{_ex(allowed)}",
        )
    if kind != "folder" and allowed is not None and p.suffix.lower() not in allowed:
        got = f"`{p.suffix}`" if p.suffix else "no suffix"
        raise OutputError(
            f"cannot write a {label} as {got}",
            path=str(p),
            hint="end the file name in one of: " + ", ".join(allowed),
        )
    if len(p.name.encode("utf-8", "surrogateescape")) > 255:
        raise OutputError("the file name is over 255 bytes", path=str(p), hint="use a shorter name")
    try:
        st = p.stat() if p.exists() or p.is_symlink() else None
    except OSError as exc:
        raise OutputError(_reason(exc), path=str(p), hint="check the path") from None
    if st is not None:
        mode = st.st_mode
        if kind == "folder":
            if not stat.S_ISDIR(mode):
                raise OutputError(
                    "exists and is not a folder",
                    path=str(p),
                    hint="give a new folder name, or remove the file",
                )
        elif stat.S_ISDIR(mode):
            raise OutputError(
                "is a folder",
                path=str(p),
                hint=f"give a file name, e.g. {p / ('out' + _ex(allowed))}",
            )
        elif not stat.S_ISREG(mode):
            raise _not_regular(p, mode)
        elif not force:
            raise OutputError(
                "already exists; zopa does not replace files unless asked",
                path=str(p),
                hint="pass --force to replace it, or choose another name",
            )
    creates = _missing_folders(p if kind == "folder" else p.parent)
    base = (creates[0].parent if creates else (p if kind == "folder" else p.parent)) or Path(".")
    if not base.is_dir():
        raise OutputError(
            f"`{base}` is not a folder", path=str(p), hint="check the path: a part of it is a file"
        )
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(
            f"the folder `{base}` is not writable",
            path=str(p),
            hint="choose a folder you can write to, or fix its permissions",
        )
    return OutputTarget(p, creates)


def check_folder_files(folder: Path, names: Sequence[str], *, force: bool) -> None:
    """Refuse to replace files ``names`` in ``folder`` unless ``force``."""
    clash = [n for n in names if (folder / n).exists()]
    if clash and not force:
        raise OutputError(
            f"would replace {len(clash)} existing file(s): " + ", ".join(clash[:5]),
            path=str(folder),
            hint="pass --force to replace them, or give a new folder",
        )


def atomic_write(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``.

    Missing folders are created. On any failure the temporary file is removed, ``path`` is left
    as it was, and :class:`OutputError` names the path and the fix.
    """
    p = Path(path)
    try:
        st = p.stat() if p.exists() else None
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise _not_regular(p, st.st_mode)  # a pipe would block, a device cannot be renamed onto
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            dir=p.parent or Path("."), prefix=f".{p.name[:80]}.", suffix=".part"
        )
    except OSError as exc:
        raise _failed(p, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if st is not None:
            with contextlib.suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _failed(p, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return p


def write_text(
    path: str | Path,
    text: str,
    kind: OutputKind = "file",
    *,
    force: bool = False,
    suffixes: Sequence[str] | None = None,
) -> OutputTarget:
    """Check ``path`` (:func:`check_output`) and write ``text`` (UTF-8) atomically."""
    target = check_output(path, kind, force=force, suffixes=suffixes)
    data = utf8(text)

    def put(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()

    atomic_write(target.path, put)
    return target


def utf8(text: str) -> bytes:
    """``text`` as UTF-8 bytes for a file; a lone surrogate (an undecodable file name from the
    command line, ``\\udcff``) is written as its escape, never a crash, never dropped."""
    return text.encode("utf-8", "backslashreplace")


def save_figure(fig: Any, path: str | Path, **savefig: Any) -> Path:
    """Save a matplotlib :class:`~matplotlib.figure.Figure` to ``path`` atomically.

    The format follows the suffix (:data:`PLOT_SUFFIXES`); an existing file is replaced (the
    caller vets the target first with ``check_output(path, "plot", force=...)``).
    """
    target = check_output(path, "plot", force=True)
    fmt = target.path.suffix.lower().lstrip(".")

    def put(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fig.savefig(fh, format=fmt, **savefig)
            fh.flush()

    return atomic_write(target.path, put)


_SPECIAL_FILES = (
    (stat.S_ISFIFO, "is a named pipe (FIFO): writing would wait for a reader forever"),
    (stat.S_ISCHR, "is a character device, not a file"),
    (stat.S_ISBLK, "is a block device, not a file"),
    (stat.S_ISSOCK, "is a socket, not a file"),
    (stat.S_ISDIR, "is a folder"),
)


def _not_regular(p: Path, mode: int) -> OutputError:
    """The refusal of an existing target that is not a regular file (the one rule: zopa writes
    regular files and new paths only)."""
    what = next((text for test, text in _SPECIAL_FILES if test(mode)), "is not a regular file")
    return OutputError(
        what, path=str(p), hint="give the name of a regular file or a new path to write"
    )


def _missing_folders(folder: Path) -> tuple[Path, ...]:
    missing: list[Path] = []
    cur = folder
    while str(cur) not in ("", ".") and not cur.exists():
        if cur.is_symlink():
            break
        missing.append(cur)
        if cur.parent == cur:
            break
        cur = cur.parent
    return tuple(reversed(missing))


def _ex(allowed: tuple[str, ...] | None) -> str:
    return allowed[0] if allowed else ""


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _failed(p: Path, exc: OSError) -> OutputError:
    import errno

    fix = {
        errno.ENOSPC: "free space on the disk, or write somewhere else",
        errno.EDQUOT: "free space in your quota, or write somewhere else",
        errno.EROFS: "the file system is read-only; write somewhere else",
        errno.EACCES: "choose a folder you can write to, or fix its permissions",
        errno.EPERM: "choose a folder you can write to, or fix its permissions",
        errno.ENOTDIR: "check the path: a part of it is a file, not a folder",
        errno.ENAMETOOLONG: "use a shorter name",
    }.get(exc.errno or 0, "check the path and that the disk is writable")
    return OutputError(
        f"writing failed: {_reason(exc)}; nothing was written", path=str(p), hint=fix
    )
