"""Small text helpers shared by the stages: slugs, accent folding, suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower case without accents: how editors' and visitors' spellings are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).replace("'", "")).strip("-")


def suggest(value: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """'forse intendevi ...?' candidates, compared without case and accents."""
    by_fold: dict[str, str] = {}
    for choice in choices:
        by_fold.setdefault(fold(choice), choice)
    matches = difflib.get_close_matches(fold(value), list(by_fold), n=n, cutoff=0.6)
    return [by_fold[m] for m in matches]


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    found = suggest(value, choices)
    return f" (forse intendevi '{found[0]}'?)" if found else ""


def join_quoted(values: Iterable[str]) -> str:
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " o " + quoted[-1]


def count_it(n: int, one: str, many: str) -> str:
    """'1 pratica', '2 pratiche', '1.000 pratiche': a count with its noun in the right number."""
    return f"{n:,}".replace(",", ".") + " " + (one if n == 1 else many)
