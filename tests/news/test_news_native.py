"""The compiled news reader gives the answers of the sources, byte for byte.

``tools/build_native.py`` (``make native``, run by ``make test``) compiles the hot modules of
``zopa.news`` with mypyc; ``zopa.news._native`` uses the build only while it matches the
sources. The suite itself runs the sources (``make test`` sets ``ZOPA_NATIVE=0``: coverage and
the step counts of ``test_news_scaling.py`` follow Python lines), so this test is where the
compiled reader is checked: the same articles are read in two processes, one on the sources
(``ZOPA_NATIVE=0``) and one compiled (``ZOPA_NATIVE=required``), and their ``--json`` must be
equal. Without a build (no C compiler) it skips, except where ``ZOPA_REQUIRE_NATIVE=1`` (CI) or
``ZOPA_CI=1``, where it fails.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from zopa.news import _native

ROOT = Path(__file__).resolve().parents[2]

# Reads each file given on the command line alone (with and without the scenario) and every
# text in the JSON list on stdin; prints one JSON document of all the answers.
_READ = """
import json, sys
from zopa.io import load_any
from zopa.news import _native, read_news, read_text_article
scenario = load_any(sys.argv[1])
out = {"compiled": _native.compiled(), "files": [], "texts": []}
for f in sys.argv[2:]:
    out["files"].append(read_news([f]).to_dict())
    out["files"].append(read_news([f], scenario).to_dict())
out["all"] = read_news(sys.argv[2:], scenario).to_dict()
for t in json.load(sys.stdin):
    out["texts"].append(read_text_article(t).to_dict())
    out["texts"].append(read_text_article(t, scenario=scenario).to_dict())
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


def _hostile() -> tuple[str, ...]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_news import HOSTILE, hostile_article  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return HOSTILE, hostile_article


def _texts(files: list[Path]) -> list[str]:
    """Hostile paragraphs (three seeds), each fragment repeated, and corpus paragraphs shuffled
    with hostile fragments and cut at random places (quotes and sentences left open)."""
    fragments, hostile_article = _hostile()
    texts = [hostile_article(40_000, seed) for seed in range(3)]
    texts += [f * 40 for f in fragments]
    paras = [p for f in files if f.suffix == ".txt" for p in f.read_text("utf-8").split("\n\n")]
    rng = random.Random(22)
    for _ in range(40):
        parts = rng.sample(paras, 6) + rng.sample(fragments, 4)
        rng.shuffle(parts)
        text = rng.choice(["\n\n", " ", "\n"]).join(parts)
        texts.append(text[: rng.randrange(len(text) // 2, len(text) + 1)])
    return texts


def _read(mode: str, files: list[Path], texts: list[str]) -> dict[str, object]:
    env = {**os.environ, "ZOPA_NATIVE": mode}
    scenario = ROOT / "examples" / "ukraine-2025.yaml"
    done = subprocess.run(
        [sys.executable, "-c", _READ, str(scenario), *map(str, files)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def test_compiled_reader_gives_the_answers_of_the_sources() -> None:
    why = _native._fresh()
    if why is not None:
        if "1" in (os.environ.get("ZOPA_REQUIRE_NATIVE"), os.environ.get("ZOPA_CI")):
            pytest.fail(f"the compiled news reader must be tested here, but {why}")
        pytest.skip(why)
    corpus = sorted((ROOT / "bench" / "news_corpus").glob("*/*.*"))
    files = [f for f in corpus if f.suffix in {".txt", ".html"}]
    files += sorted((ROOT / "examples" / "news").glob("*.txt"))
    files += sorted((ROOT / "tests" / "news" / "articles").glob("*.*"))
    texts = _texts(files)
    source, compiled = _read("0", files, texts), _read("required", files, texts)
    assert source.pop("compiled") is False and compiled.pop("compiled") is True
    assert len(source["texts"]) == 2 * len(texts)  # type: ignore[arg-type]
    for key in ("all", "files", "texts"):
        assert json.dumps(source[key]) == json.dumps(compiled[key]), key


def test_a_stale_build_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an edit (a record with other hashes) the compiled modules are read from source,
    or, with ``ZOPA_NATIVE=required``, refused with the reason."""
    record = tmp_path / "_native_build.json"
    record.write_text(json.dumps({**_native.source_hashes(), "reader.py": "0" * 64}))
    monkeypatch.setattr(_native, "RECORD", record)
    monkeypatch.setattr(_native, "_built", lambda: [True] * (len(_native.COMPILED) + 1))
    why = _native._fresh()
    assert why is not None and "changed after it was compiled" in why
    monkeypatch.setenv("ZOPA_NATIVE", "required")
    with pytest.raises(ImportError, match="ZOPA_NATIVE=required, but a source"):
        _native.choose()
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))  # restored after the test
    monkeypatch.setenv("ZOPA_NATIVE", "auto")
    _native.choose()
    finder = sys.meta_path[0]
    assert isinstance(finder, _native._SourceFinder)
    spec = finder.find_spec("zopa.news.actors")
    assert spec is not None and str(spec.origin).endswith("actors.py")
    assert finder.find_spec("zopa.news.lexicon") is None  # (not compiled: the usual import)
    record.write_text(json.dumps(_native.source_hashes()))
    assert _native._fresh() is None


def test_a_build_without_its_shared_library_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Module files without the build's shared library (deleted by hand) would fail to import:
    the sources are read instead."""
    monkeypatch.setattr(_native, "_built", lambda: [True] * len(_native.COMPILED) + [False])
    why = _native._fresh()
    assert why is not None and "not compiled" in why
