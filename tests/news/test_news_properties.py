"""Property tests: offsets are exact, nothing crashes on arbitrary text or HTML."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zopa.io.articles import parse_article
from zopa.news import read_text_article

MARKS = "“”„«»‘’‚‹›\"'"
WORDS = [
    "Kremlin", "adviser", "Yuri", "Ushakov", "said", "he", "told", "Reuters", "the", "plan",
    "28-point", "revisions", "do", "not", "improve", "according", "to", "Kyiv", "U.S.", "Mr.",
    "by", "Thanksgiving", "strike", "in", "Odesa", "on", "Monday", "unverified", "a", "senior",
    "official", ",", ".", ":", "?", "\n", "\n\n",
]  # fmt: skip
token = st.one_of(st.sampled_from(WORDS), st.sampled_from(list(MARKS)), st.text(max_size=6))
wire = st.lists(token, max_size=60).map(" ".join)


def _check(a):
    text = a.text
    for q in a.quotes:
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.text.strip() == q.text and q.text
        assert q.continues is None or 0 <= q.continues < len(a.quotes)
    for c in a.claims:
        assert text[c.start : c.end] == c.text
        assert c.status in {"verified", "unverified", "attributed"}
    for d in a.deadlines:
        assert text[d.start : d.end] == d.text
    for e in a.events:
        assert text[e.start : e.end] == e.text
    for i in a.issues:
        assert all(0 <= s < e <= len(text) for s, e in i.mentions)
    for x in a.actors:
        assert all(0 <= s < e <= len(text) for s, e in x.mentions)
    ids = {x.id for x in a.actors}
    assert all(q.speaker_id is None or q.speaker_id in ids for q in a.quotes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wire)
def test_quotes_are_substrings_at_their_offsets(text):
    _check(read_text_article(text))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_no_crash_on_arbitrary_text(text):
    _check(read_text_article(text))


html_piece = st.one_of(
    wire,
    st.sampled_from(["<p>", "</p>", "<script>", "</script>", "<style>", "<br>", "<div", ">",
                     "&ldquo;", "&rdquo;", "&amp;", "&#x27;", "<!--", "-->", "<title>"]),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(html_piece, max_size=30).map("".join))
def test_no_crash_on_arbitrary_html(body):
    raw = ("<!doctype html><html><body>" + body).encode()
    try:
        article = parse_article(raw, "x.html")
    except ValueError:
        return  # an article with no text: a clear ScenarioError
    _check(read_text_article(article.text, file="x.html"))


VISIBLE = [w for w in WORDS if w.strip()] + ["<", "a<b", "&", "AT&T", '"quoted"', "5 > 4"]
HIDDEN_TAGS = ["script", "style", "noscript", "template", "svg", "iframe"]
# what a hidden element holds: code-like text, never its own closing tag
hidden_text = st.text(alphabet="abcxyz {};=()'\".,:/-0123456789", max_size=40)
block = st.one_of(
    st.tuples(st.just("p"), st.lists(st.sampled_from(VISIBLE), min_size=1, max_size=12)),
    st.tuples(st.sampled_from(HIDDEN_TAGS), hidden_text),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(block, min_size=1, max_size=8))
def test_html_text_is_exactly_the_visible_paragraphs(blocks):
    """The text of a page of paragraphs and hidden elements is its paragraphs, in order, one
    per paragraph, entities decoded; nothing of a script, style or other hidden element."""
    from html import escape

    from zopa.errors import ScenarioError

    body, want = [], []
    for tag, content in blocks:
        if tag == "p":
            want.append(" ".join(content))
            body.append("<p>" + escape(" ".join(content)) + "</p>")
        else:
            body.append(f"<{tag}>HIDDEN {content} HIDDEN</{tag}>")
    raw = ("<!doctype html><html><body>" + "\n".join(body) + "</body></html>").encode()
    if not want:
        with pytest.raises(ScenarioError, match="no text"):
            parse_article(raw, "x.html")
        return
    article = parse_article(raw, "x.html")
    assert article.text.split("\n\n") == want
    assert "HIDDEN" not in article.text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400), st.sampled_from(["a.txt", "a.html", "a"]))
def test_any_file_gives_an_answer_or_exit_2(tmp_path_factory, raw, name):
    import contextlib
    import io

    from zopa.cli import main

    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["news", str(path), "--json"])
    assert code in {0, 2}
    if code == 2:
        assert name in err.getvalue()
