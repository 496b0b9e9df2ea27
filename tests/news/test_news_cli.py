"""`zopa news`: JSON shape, tables, bad files exit 2 with a message naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from zopa.cli import main
from zopa.errors import ScenarioError
from zopa.io.articles import parse_article, read_article

HERE = Path(__file__).parent / "articles"
SAMPLE = str(EXAMPLES / "news" / "kremlin-revisions.txt")


def test_json_shape(capsys):
    args = ["news", SAMPLE, str(HERE / "strikes.html"), "--scenario"]
    assert main([*args, str(EXAMPLES / "ukraine-2025.yaml"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"articles", "evidence"}
    assert len(out["articles"]) == 2
    for a in out["articles"]:
        assert set(a) >= {"file", "actors", "quotes", "claims", "issues", "events", "deadlines"}
    assert {"party", "source", "quote", "confidence", "article"} <= set(out["evidence"][0])


def test_tables_without_scenario(capsys):
    assert main(["news", SAMPLE]) == 0
    out = capsys.readouterr().out
    assert "Quotes" in out and "Yuri Ushakov" in out and "Evidence" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"text\x00with a NUL", "binary"),
        (b"<html><script>x</script></html>", "no text"),
    ],
)
def test_bad_files_exit_2(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    assert main(["news", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.txt" in err


def test_missing_file_and_folder_exit_2(tmp_path, capsys):
    assert main(["news", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["news", str(tmp_path)]) == 2
    assert "folder, not a file" in capsys.readouterr().err


def test_bad_scenario_exit_2(tmp_path, capsys):
    bad = tmp_path / "s.yaml"
    bad.write_text("title: x\nissues: []\n", encoding="utf-8")
    assert main(["news", SAMPLE, "--scenario", str(bad)]) == 2
    assert "s.yaml" in capsys.readouterr().err


def test_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(ScenarioError, match="over the limit"):
        read_article(big, max_bytes=1024)


def test_html_by_content_and_crlf():
    a = parse_article(b"<!DOCTYPE html><p>One.</p><p>Two &amp; three.</p>", "page")
    assert a.html and a.text == "One.\n\nTwo & three."
    b = parse_article(b"Line one.\r\nLine two.", "plain.txt")
    assert not b.html and b.text == "Line one.\nLine two."


@pytest.mark.parametrize(
    "name", ["kremlin-revisions.txt", "berlin-plan.txt", "geneva-revision.txt"]
)
def test_tables_show_whole_texts_verbs_in_words_and_no_offsets(name, capsys, monkeypatch):
    """Claims and events were cut with "…" where the cut hid the point, the verb column read
    "said before", and character offsets ("225-263") stood in a table for people."""
    import re

    path = str(EXAMPLES / "news" / name)
    assert main(["news", path, "--json"]) == 0
    art = json.loads(capsys.readouterr().out)["articles"][0]
    for width in ("80", "200"):
        monkeypatch.setenv("COLUMNS", width)
        assert main(["news", path]) == 0
        out = capsys.readouterr().out
        art_text = Path(path).read_text(encoding="utf-8")
        assert "…" not in out or "…" in art_text
        words = set(re.findall(r"[\w'’]+", out))
        for row in art["claims"] + art["events"] + art["quotes"]:
            missing = set(re.findall(r"[\w'’]+", row["text"])) - words
            assert not missing, (width, row["text"], missing)
        for q in art["quotes"]:
            assert f"{q['start']}-{q['end']}" not in out and f"{q['start']}–{q['end']}" not in out
    from zopa.news import read_article_file
    from zopa.report.news import _how

    for q in read_article_file(path).quotes:  # the verb column: words, no finder names
        how = _how(q)
        assert q.attribution is None or f"{q.verb} {q.attribution}" not in how, how
        assert re.fullmatch(r"[\w ,()#'-]+", how), how


def test_long_tables_show_their_first_rows_and_say_so(tmp_path, capsys, monkeypatch):
    """A table longer than `--rows` shows its first rows and a caption with the count (the
    JSON keeps every one); `--rows 0` shows every row; short tables have no caption."""
    monkeypatch.setenv("COLUMNS", "200")
    para = " ".join(
        f'"We will hold line {k}," said Mr. Smith{k}. "Talks go on {k}," he said.'
        for k in range(30)
    )
    art = tmp_path / "long.txt"
    art.write_text("LONG REPORT\n\n" + para + "\n", encoding="utf-8")
    assert main(["news", str(art), "--json"]) == 0
    total = len(json.loads(capsys.readouterr().out)["articles"][0]["quotes"])
    assert total == 60
    assert main(["news", str(art), "--rows", "5"]) == 0
    out = capsys.readouterr().out
    assert f"the first 5 of {total} quotes" in " ".join(out.split())
    assert "We will hold line 2”" in out and "We will hold line 3”" not in out
    assert main(["news", str(art), "--rows", "0"]) == 0
    out = capsys.readouterr().out
    assert "the first" not in out and "We will hold line 29”" in out
    assert main(["news", SAMPLE]) == 0
    assert "the first" not in capsys.readouterr().out
    assert main(["news", str(art), "--rows", "-1"]) == 2
