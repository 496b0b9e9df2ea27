"""Reading news articles: plain text or HTML, through the same checks as every other file.

An article is read as UTF-8 text (size limit, not empty, not binary). HTML (by suffix ``.html`` /
``.htm``, or a document that starts with ``<!doctype html`` / ``<html``) is turned into plain text
with the standard library's :mod:`html.parser`: nothing is fetched, ``<script>``, ``<style>``,
``<noscript>``, ``<template>`` and ``<svg>`` are dropped, block elements become paragraph breaks and
the ``<title>`` becomes the article's title. Every offset zopa reports for an article is into
:attr:`Article.text`, the text after this conversion.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from zopa.errors import ScenarioError
from zopa.io.files import decode, read_bytes
from zopa.records import frozen

__all__ = ["MAX_ARTICLE_BYTES", "Article", "html_to_text", "parse_article", "read_article"]

MAX_ARTICLE_BYTES = (
    8 * 1024 * 1024
)  # a long report is ~50 KB; reading is linear (bench_news --speed)

_DROP = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "head", "iframe", "object",
        "nav", "header", "footer", "aside", "form", "button", "select", "dialog", "menu",
    }
)  # fmt: skip
# a block whose class or id says it is page furniture, not the article
_FURNITURE = re.compile(
    r"(?i)(?:^|[\s_-])(?:cookie|consent|banner|newsletter|subscribe|promo|advert|ads?|share|"
    r"social|related|comments?|breadcrumbs?|masthead|site-header|site-footer|sidebar|popup|"
    r"paywall|byline-share|recirc|outbrain|taboola)(?:$|[\s_-])"
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "article", "section", "header", "footer", "tr", "table", "figcaption", "pre", "hr",
        "main", "aside", "dd", "dt", "figure",
    }
)  # fmt: skip


@frozen
class Article:
    """One article as plain text, with the file it came from and its title (may be empty)."""

    file: str
    text: str
    title: str = ""
    html: bool = False


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._drop = 0
        self._in_title = False
        self._furniture_tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _DROP or (self._drop and tag not in _VOID and tag == self._furniture_tag):
            self._drop += 1
        elif tag not in _VOID and not self._drop and _is_furniture(attrs):
            self._drop += 1
            self._furniture_tag = tag
        elif tag in _BLOCK and not self._drop:
            self.parts.append(_PARA)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK and not self._drop:
            self.parts.append(_PARA)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _DROP or (self._drop and tag == self._furniture_tag):
            self._drop = max(0, self._drop - 1)
            if not self._drop:
                self._furniture_tag = ""
        elif tag in _BLOCK and not self._drop:
            self.parts.append(_PARA)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._drop:
            self.parts.append(data)


def _is_furniture(attrs: list[tuple[str, str | None]]) -> bool:
    for key, value in attrs:
        if key in {"class", "id", "role"} and value:
            if key == "role" and value in {"navigation", "banner", "contentinfo", "complementary"}:
                return True
            if _FURNITURE.search(value):
                return True
    return False


_PARA = "\u2029"  # paragraph separator: marks block boundaries while the text is collected
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


_TAG = re.compile(r"<(?:[a-zA-Z/?!][^<>]*>)?")


def _defuse(html: str) -> str:
    """The document with every ``<`` that does not start a complete tag or comment written as
    ``&lt;``, so :mod:`html.parser` never rescans an unfinished construct (it is quadratic on
    ``< a <b ...`` and on unclosed comments). Linear: each scan for a tag's ``>`` stops at the
    next ``<``, and a comment with no ``-->`` after it leaves no later comment closed."""
    out: list[str] = []
    pos = 0
    while True:
        i = html.find("<!--", pos)
        if i < 0:
            out.append(_tags(html[pos:]))
            break
        j = html.find("-->", i + 4)
        out.append(_tags(html[pos:i]))
        if j < 0:
            out.append(_tags(html[i:].replace("<!--", "&lt;!--")))
            break
        out.append(html[i : j + 3])
        pos = j + 3
    return "".join(out)


def _tags(chunk: str) -> str:
    return _TAG.sub(lambda m: m.group() if len(m.group()) > 1 else "&lt;", chunk)


def html_to_text(html: str) -> tuple[str, str]:
    """``(text, title)`` of an HTML document: paragraphs separated by a blank line."""
    parser = _TextExtractor()
    parser.feed(_defuse(html))
    parser.close()
    raw = "".join(parser.parts)
    paragraphs = [_SPACES.sub(" ", p).strip() for p in raw.split(_PARA)]
    text = "\n\n".join(p for p in paragraphs if p)
    title = _SPACES.sub(" ", " ".join(parser.title)).strip()
    return text, title


def _looks_html(name: str, text: str) -> bool:
    if Path(name).suffix.lower() in {".html", ".htm", ".xhtml"}:
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def parse_article(raw: bytes, name: str) -> Article:
    """Turn bytes already read into an :class:`Article` (UTF-8; HTML converted to text)."""
    text = decode(raw, name)
    if "\x00" in text:
        raise ScenarioError(
            "the file holds NUL bytes: it is binary, not an article",
            file=name,
            line=text[: text.index("\x00")].count("\n") + 1,
            hint="give a plain-text (.txt) or HTML (.html) article",
        )
    is_html = _looks_html(name, text)
    title = ""
    if is_html:
        text, title = html_to_text(text)
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ScenarioError(
            "the article holds no text", file=name, hint="check you chose the right file"
        )
    return Article(file=name, text=text, title=title, html=is_html)


def read_article(path: str | Path, *, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read a plain-text or HTML article file (never fetches anything) through the same checks
    as every other file (:func:`zopa.io.files.read_bytes`: path, size limit, not empty)."""
    return parse_article(read_bytes(path, max_bytes=max_bytes, what="article"), str(path))
