"""The optional spaCy extra: entities beside the answers, never changing them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES
from zopa.cli import main
from zopa.news import read_news
from zopa.news.nlp import available

SAMPLE = EXAMPLES / "news" / "kremlin-revisions.txt"
needs_spacy = pytest.mark.skipif(
    not available(), reason="spaCy is not installed (optional extra: pip install 'zopa[nlp]')"
)


def test_without_the_extra_there_are_no_entities():
    d = read_news([SAMPLE]).to_dict()
    assert "entities" not in d["articles"][0] and d["nlp"] is None


def test_asking_for_entities_without_spacy_is_a_clear_error(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)  # as if the extra were not installed
    assert not available()
    assert main(["news", str(SAMPLE), "--nlp", "rules"]) == 2
    assert "zopa[nlp]" in capsys.readouterr().err


@needs_spacy
def test_rule_based_entities_and_unchanged_answers():
    plain = read_news([SAMPLE]).to_dict()
    with_nlp = read_news([SAMPLE], nlp="rules")
    d = with_nlp.to_dict()
    ents = with_nlp.articles[0].entities
    assert ents is not None
    text = with_nlp.articles[0].text
    assert all(text[e.start : e.end] == e.text for e in ents)
    assert ("PERSON", "Yuri Ushakov") in {(e.label, e.text) for e in ents}
    del d["articles"][0]["entities"]
    d["nlp"] = None
    assert d == plain  # the core's answers do not depend on the extra


@needs_spacy
def test_unknown_model_is_a_clear_error(capsys):
    assert main(["news", str(SAMPLE), "--nlp", "no_such_model_xyz", "--json"]) == 2
    assert "not installed" in capsys.readouterr().err


@needs_spacy
def test_cli_json_lists_entities(capsys):
    assert main(["news", str(SAMPLE), "--nlp", "rules", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["nlp"] == "rules" and out["articles"][0]["entities"]
