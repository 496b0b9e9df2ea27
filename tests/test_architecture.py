"""The architecture's habits, checked on every `make test`.

- import-linter's contracts in pyproject.toml ``[tool.importlinter]``: the layer order
  (cli > server > report > the domain packages > analysis, io > vocab, parallel > model >
  errors; siblings in one layer do not import each other) and no import cycle between the
  modules of any package.
- Every package of ``zopa`` has its place in the layers (a new one must be placed).
- No private name (``_x``), nor a private module, is imported from another package: what one
  package uses of another is that package's public API.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "zopa"


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def test_import_contracts_are_kept() -> None:
    exe = Path(sys.executable).parent / "lint-imports"
    cmd = [str(exe) if exe.exists() else shutil.which("lint-imports") or "lint-imports"]
    done = subprocess.run(
        [*cmd, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout, done.stdout[-3000:]


def test_every_package_has_a_layer() -> None:
    (layers,) = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    assert isinstance(layers, list)
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    packages = {
        f"zopa.{p.stem}"
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and not p.name.startswith("__"))
    }
    assert packages - placed == set(), "place these in [tool.importlinter] layers"
    assert placed - packages == set(), "layers name packages that do not exist"


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(module: str) -> str:
    """The top-level package a module belongs to (``zopa.report.briefing.x`` -> ``report``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports_across_packages(src: Path = SRC) -> list[str]:
    """Each ``from zopa.a import _x``, ``import zopa.a._m`` or ``m._x`` (``m`` a module of
    another package) in ``src``, as ``module:line what``."""
    modules = {_module_name(p, src): p for p in src.rglob("*.py")}
    found: list[str] = []
    for module, path in sorted(modules.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        here = module if path.name == "__init__.py" else module.rpartition(".")[0]
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                if base.split(".")[0] != "zopa":
                    continue
                for a in node.names:
                    if f"{base}.{a.name}" in modules:
                        aliases[a.asname or a.name] = f"{base}.{a.name}"
                    if _package_of(base) != _package_of(module) and (
                        _private(a.name) or any(map(_private, base.split(".")))
                    ):
                        found.append(f"{module}:{node.lineno} from {base} import {a.name}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] != "zopa":
                        continue
                    if a.asname:
                        aliases[a.asname] = a.name
                    if _package_of(a.name) != _package_of(module) and any(
                        map(_private, a.name.split("."))
                    ):
                        found.append(f"{module}:{node.lineno} import {a.name}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
                and _package_of(aliases[node.value.id]) != _package_of(module)
            ):
                found.append(f"{module}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_imported_across_packages() -> None:
    assert private_imports_across_packages() == []


def test_the_private_name_check_finds_each_form(tmp_path: Path) -> None:
    """The checker itself: each form of reaching into another package is reported, and the
    same forms inside one package are not."""
    pkg = tmp_path / "zopa"
    for sub in ("a", "b"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "_hidden.py").write_text("X = 1\n")
    (pkg / "a" / "mod.py").write_text("def _f(): ...\n")
    (pkg / "a" / "inside.py").write_text(
        "from zopa.a.mod import _f\nfrom zopa.a._hidden import X\nfrom . import _hidden\n"
    )
    (pkg / "b" / "user.py").write_text(
        "from zopa.a.mod import _f\n"
        "import zopa.a._hidden\n"
        "from zopa.a import mod\n"
        "mod._f()\n"
        "from ..a._hidden import X\n"
        "from zopa.a.mod import __doc__\n"
    )
    assert private_imports_across_packages(tmp_path) == [
        "zopa.b.user:1 from zopa.a.mod import _f",
        "zopa.b.user:2 import zopa.a._hidden",
        "zopa.b.user:5 from zopa.a._hidden import X",
        "zopa.b.user:4 mod._f",
    ]
