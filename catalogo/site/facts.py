"""The practice page's generic facts: every key of the contract that the page's template does not
place by name is shown with its contract label, so a key added to the model reaches the page.

Which keys the template places is read from the template itself (``d.<key>`` or ``p.<key>``), so
placing a key by name in practice_content.html takes it out of the generic list at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogo.content.contract import Practice
from catalogo.content.keys import Key, keys_of
from catalogo.content.records import PracticeRecord, Site

PRACTICE_TEMPLATE = "practice_content.html"
_PLACED = re.compile(r"\b[dp]\.(\w+)")


@dataclass(frozen=True)
class Fact:
    label: str
    values: tuple[tuple[str, str | None], ...]  # text, and the address it links to


def unplaced_keys(theme: Path) -> tuple[Key, ...]:
    """The practice's keys that the page's template does not name."""
    text = (theme / "templates" / PRACTICE_TEMPLATE).read_text(encoding="utf-8")
    placed = set(_PLACED.findall(text))
    return tuple(k for k in keys_of(Practice) if k.name not in placed)


def _texts(
    key: Key, value: Any, site: Site, number: Callable[[float], str], date: Callable[[dt.date], str]
) -> list[tuple[str, str | None]]:
    """One value as (text, link) pairs: a vocabulary's label, an address as a link, a group key by key."""
    if value is None or value == () or value == "":
        return []
    if key.many and isinstance(value, tuple):
        one = dataclasses.replace(key, many=False)
        return [pair for item in value for pair in _texts(one, item, site, number, date)]
    if key.kind == "group":
        out = []
        for child in key.children:
            for text, link in _texts(child, getattr(value, child.name), site, number, date):
                out.append((f"{child.label}: {text}", link))
        return out
    if key.vocabulary:
        return [(site.label(key.vocabulary, str(value)), None)]
    if key.kind == "url":
        return [(str(value), str(value))]
    if key.kind == "email":
        return [(str(value), f"mailto:{value}")]
    if key.kind == "boolean" or isinstance(value, bool):
        return [("sì" if value else "no", None)]
    if key.kind == "date" and isinstance(value, dt.date):
        return [(date(value), None)]
    if key.kind in ("number", "mixed") and isinstance(value, (int, float)):
        return [(number(value), None)]
    return [(str(value), None)]


def other_facts(
    p: PracticeRecord, keys: tuple[Key, ...], site: Site, number: Callable[[float], str], date: Callable[[dt.date], str]
) -> list[Fact]:
    """The facts of ``p`` under ``keys`` that have a value, with their labels, in the contract's order."""
    facts = []
    for key in keys:
        values = _texts(key, getattr(p.data, key.name), site, number, date)
        if values:
            facts.append(Fact(key.label, tuple(values)))
    return facts
