"""Optional named entities from spaCy (``pip install 'zopa[nlp]'``); the core never needs it.

The package registry has spaCy but no official English model wheel (spaCy's models are
published elsewhere; the ``en-core-web-*`` names on the registry are third-party re-uploads), so
zopa installs none. :func:`entities` runs one of:

- a spaCy model the user installed themselves (``model="en_core_web_sm"``): its statistical
  named entities (``source="model"``);
- ``model="rules"`` (the default): a blank English pipeline with spaCy's rule-based
  ``entity_ruler``, loaded with zopa's own lexicon (people, affiliations, media), so it runs on
  a fresh machine without any download (``source="rules"``).

Entities are reported beside the core's answers (``entities`` in ``--json``) and change none of
them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from zopa.errors import AnalysisError
from zopa.news.lexicon import AFFILIATIONS, CHANNELS, PERSONS
from zopa.records import frozen

__all__ = ["Entity", "available", "entities"]


@frozen
class Entity:
    """A named entity: ``text`` is ``article_text[start:end]``."""

    label: str  # spaCy's label: PERSON, GPE, NORP, ORG, ...
    text: str
    start: int
    end: int
    source: str  # "model" or "rules"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }


def available() -> bool:
    """True when spaCy is installed (the ``nlp`` extra)."""
    try:
        import spacy  # noqa: F401
    except ImportError:
        return False
    return True


def _patterns() -> list[dict[str, Any]]:
    pats: list[dict[str, Any]] = []
    for name in PERSONS:
        pats.append({"label": "PERSON", "pattern": name})
        pats.append({"label": "PERSON", "pattern": name.split()[-1]})
    for canon, words in AFFILIATIONS.items():
        for w in (canon.lower(), *words):
            label = "NORP" if w.endswith(("ian", "ean", "ish", "ese", "can", "ch")) else "GPE"
            pats.append({"label": label, "pattern": [{"LOWER": t} for t in w.split()]})
    for ch in CHANNELS:
        pats.append({"label": "ORG", "pattern": [{"LOWER": t} for t in ch.split()]})
    return pats


@lru_cache(maxsize=4)
def _pipeline(model: str) -> Any:
    try:
        import spacy
    except ImportError:
        raise AnalysisError(
            "named entities need spaCy, which is not installed; "
            "install the extra with `pip install 'zopa[nlp]'` (the core reader needs nothing)"
        ) from None
    if model == "rules":
        nlp = spacy.blank("en")
        ruler: Any = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
        ruler.add_patterns(_patterns())
        return nlp
    try:
        return spacy.load(model)
    except OSError:
        raise AnalysisError(
            f"the spaCy model {model!r} is not installed; install it yourself (no official "
            "English model is on the package registry) or use `rules`"
        ) from None


def entities(text: str, *, model: str = "rules") -> tuple[Entity, ...]:
    """Named entities of ``text`` with character offsets into it."""
    nlp = _pipeline(model)
    doc = nlp(text)
    source = "rules" if model == "rules" else "model"
    return tuple(
        Entity(e.label_, e.text, e.start_char, e.end_char, source)
        for e in doc.ents
        if text[e.start_char : e.end_char] == e.text
    )
