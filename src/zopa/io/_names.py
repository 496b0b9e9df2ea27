"""Turning foreign names (GENIUS issue names, item values, file stems) into zopa ids."""

from __future__ import annotations

import re

__all__ = ["slug", "unique_slugs"]

_KEYWORDS = {"and", "or", "not", "in", "true", "false"}


def slug(name: str, fallback: str = "x") -> str:
    """A valid zopa id for ``name``: runs of other characters become ``_``.

    ``"Vegetarian (yes/no)"`` -> ``Vegetarian_yes_no``; ``"60 days"`` -> ``_60_days``.
    """
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", name.strip())
    s = re.sub(r"-{2,}", "-", s)
    s = re.sub(r"_?-_?", "-", s).strip("-")
    s = s.rstrip("_") if s.rstrip("_") else s
    if not s:
        s = fallback
    if not (s[0].isalpha() or s[0] == "_"):
        s = "_" + s
    s = s[:100]
    if s.lower() in _KEYWORDS:
        s += "_"
    return s


def unique_slugs(names: list[str], fallback: str = "x") -> list[str]:
    """Slugs of ``names``, made distinct by suffixes ``_2``, ``_3``, ..."""
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        base = slug(n, fallback)
        s, k = base, 2
        while s in seen:
            s = f"{base}_{k}"
            k += 1
        seen.add(s)
        out.append(s)
    return out
