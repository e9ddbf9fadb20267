"""The catalogue's facets: one definition for the filter form, the static links and the browser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalogo.content.paths import area_path, festival_path, territory_path
from catalogo.content.records import PracticeRecord, Site
from catalogo.content.territories import Ambito, Territorio
from catalogo.core.text import fold, slugify


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    path: str | None  # static page listing the same practices, for visitors without JavaScript


@dataclass(frozen=True)
class FacetDef:
    key: str  # URL parameter
    label: str
    values: tuple[FacetValue, ...]


Extractor = Callable[[PracticeRecord], tuple[str, ...]]


def _extractors() -> dict[str, Extractor]:
    return {
        "area": lambda p: (p.data.area_tematica,),
        "piano": lambda p: tuple(p.data.aree_strategiche),
        "provincia": lambda p: (p.provincia.sigla,),
        "ambito": lambda p: (p.ambito.slug.removeprefix("ambito-"),),
        "destinatari": lambda p: tuple(p.data.destinatari),
        "stato": lambda p: (p.data.stato,),
        "replicabilita": lambda p: (p.data.replicabilita.livello,),
        "festival": lambda p: tuple(str(y) for y in p.data.festival),
        # The Ambiti that replicate the practice or want to: a territory finds what its Ambito already
        # does with others (a replication named by one of its Comuni counts for the Ambito too).
        "replica": lambda p: tuple(dict.fromkeys(_ambito_of(r.territorio) for r in p.repliche)),
    }


def _ambito_of(territory: Territorio) -> str:
    """The facet value of a territory's Ambito (as the 'ambito' facet writes it)."""
    return slugify(territory.nome if isinstance(territory, Ambito) else territory.ambito)


EXTRACTORS = _extractors()
LABELS = {
    "area": "Area tematica dell'Avviso",
    "piano": "Area strategica del V Piano",
    "provincia": "Provincia",
    "ambito": "Ambito territoriale sociale",
    "destinatari": "Destinatari",
    "stato": "Stato",
    "replicabilita": "Replicabilità",
    "festival": "Edizione del festival",
    "replica": "Replicata o di interesse per l'Ambito",
}


def facet_values(site: Site, p: PracticeRecord) -> dict[str, tuple[str, ...]]:
    return {key: extract(p) for key, extract in EXTRACTORS.items()}


def _describe(site: Site, key: str, value: str) -> tuple[str, str | None]:
    """Label and static page of one facet value."""
    if key == "area":
        return site.label("area_tematica", value), area_path(value)
    if key == "piano":
        return site.label("aree_strategiche", value), area_path(value)
    if key == "provincia":
        provincia = site.territories.province[value]
        return provincia.nome, territory_path(provincia)
    if key in ("ambito", "replica"):
        ambito = next(a for a in site.territories.ambiti.values() if a.slug == f"ambito-{value}")
        return ambito.nome, territory_path(ambito)
    if key == "festival":
        return value, festival_path(value)
    vocabulary = {"destinatari": "destinatari", "stato": "stato", "replicabilita": "livello_replicabilita"}[key]
    return site.label(vocabulary, value), None


def build_facets(site: Site) -> tuple[FacetDef, ...]:
    """Every facet with the values present in the catalogue, by count then label (as Datasette)."""
    out = []
    for key, extract in EXTRACTORS.items():
        counts: dict[str, int] = {}
        for p in site.practices:
            for value in extract(p):
                counts[value] = counts.get(value, 0) + 1
        values = []
        for value, count in counts.items():
            label, path = _describe(site, key, value)
            values.append(FacetValue(value, label, count, path))
        values.sort(key=lambda v: (-v.count, fold(v.label), v.value))
        out.append(FacetDef(key, LABELS[key], tuple(values)))
    return tuple(out)
