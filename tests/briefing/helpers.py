"""Shared helpers of the briefing tests: the page's visible text and every URL it references."""

from __future__ import annotations

import re
from html.parser import HTMLParser

HOSTILE = "<script>alert('x')</script> & $\\frac{a}{b}$ $\\nosuchmacro$ </style><img src=x>"

HOSTILE_YAML = """
title: "{t}"
description: "{t}"
sources: ["{t}"]
assumptions: ["{t}"]
issues:
  - id: pay
    label: "Pay {t}"
    options:
      - {{id: low, label: "low {t}"}}
      - {{id: high, label: "high <b>bold</b>"}}
  - id: days
    label: Holidays
    options: [{{id: few, label: few days}}, {{id: many, label: many days}}]
parties:
  - id: union
    label: "Union {t}"
    preferences:
      weights: {{pay: 2, days: 1}}
      values: {{pay: {{low: 0, high: 1}}, days: {{few: 0, many: 1}}}}
      reservation: 0.2
      red_lines: ["pay == high"]
  - id: firm
    label: "Firm $x$"
    preferences:
      weights: {{pay: 1, days: 2}}
      values: {{pay: {{low: 1, high: 0}}, days: {{few: 1, many: 0}}}}
      reservation: 0.2
drafts:
  - {{id: d1, label: "Draft {t}", author: union, date: "2025-01-01", note: "{t}",
      package: {{pay: low, days: few}}}}
  - {{id: d2, label: "Second {t}", revises: d1, package: {{pay: high, days: few}}}}
evidence:
  - {{party: union, prefers: d2, over: d1, source: "{t}", quote: "{t}"}}
"""


def hostile_yaml() -> str:
    return HOSTILE_YAML.format(t=HOSTILE.replace("\\", "\\\\").replace('"', '\\"'))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.ids: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("svg", "style"):
            self._skip += 1
        for k, v in attrs:
            if k == "id" and v:
                self.ids.append(v)
            if k in ("src", "href", "xlink:href", "action", "poster", "data") and v:
                self.urls.append(v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("svg", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    p.close()
    return p


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (outside charts and the stylesheet)."""
    return re.sub(r"\s+", " ", " ".join(parse(html).text))
