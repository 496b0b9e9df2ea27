"""Small words: joins and plurals."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["join", "plural", "possessive"]


def join(items: Iterable[str], *, empty: str = "nobody", last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``; ``empty`` for none.

    >>> join(["Russia", "Ukraine", "the EU"]), join([]), join(["x", "y"], last="or")
    ('Russia, Ukraine and the EU', 'nobody', 'x or y')
    """
    xs = list(items)
    if not xs:
        return empty
    if len(xs) == 1:
        return xs[0]
    return ", ".join(xs[:-1]) + f" {last} " + xs[-1]


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 issue``, ``4 issues``, ``1,200 packages``.

    >>> plural(1, "issue"), plural(4, "issue"), plural(2, "party", "parties")
    ('1 issue', '4 issues', '2 parties')
    """
    many = words if words is not None else word + "s"
    return f"{n:,} {word if n == 1 else many}"


def possessive(name: str) -> str:
    """``Russia's``, ``European governments'``.

    >>> possessive("Russia"), possessive("European governments")
    ("Russia's", "European governments'")
    """
    return name + ("'" if name.endswith("s") else "'s")
