"""Where each page lives inside the site (relative to the base URL): one place for every link."""

from __future__ import annotations

from catalogo.content.records import PracticeRecord
from catalogo.content.territories import Ambito, Comune, Provincia


def practice_path(p: PracticeRecord) -> str:
    return f"pratiche/{p.slug}/"


def area_path(slug: str) -> str:
    return f"aree/{slug}/"


def territory_path(territory: Comune | Ambito | Provincia) -> str:
    return f"territori/{territory.slug}/"


def festival_path(year: int | str) -> str:
    return f"festival/{year}/"
