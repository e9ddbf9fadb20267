"""The catalogue's facets: one definition for the filter form, the static links and the browser.

A facet on a key of the contract names the key; its values' labels come from the key's vocabulary
(content/keys.py), not from a table kept here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalogo.content.contract import Practice
from catalogo.content.keys import vocabulary_of
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


def _contract_values(path: str) -> Extractor:
    """The values of a key of the contract ('replicabilita.livello'), as strings."""
    names = path.split(".")

    def extract(p: PracticeRecord) -> tuple[str, ...]:
        value: object = p.data
        for name in names:
            value = getattr(value, name)
        return tuple(str(v) for v in value) if isinstance(value, tuple) else (str(value),)

    return extract


def _ambito_of(territory: Territorio) -> str:
    """The facet value of a territory's Ambito (as the 'ambito' facet writes it)."""
    return slugify(territory.nome if isinstance(territory, Ambito) else territory.ambito)


@dataclass(frozen=True)
class Facet:
    key: str  # URL parameter
    label: str
    contract: str = ""  # the contract key it filters by (its vocabulary names the values)
    extract: Extractor | None = None  # the values of what is not a key of the contract

    def values(self, p: PracticeRecord) -> tuple[str, ...]:
        return self.extract(p) if self.extract else _contract_values(self.contract)(p)


FACETS = (
    Facet("area", "Area tematica dell'Avviso", "area_tematica"),
    Facet("piano", "Area strategica del V Piano", "aree_strategiche"),
    Facet("provincia", "Provincia", extract=lambda p: (p.provincia.sigla,)),
    Facet("ambito", "Ambito territoriale sociale", extract=lambda p: (p.ambito.slug.removeprefix("ambito-"),)),
    Facet("destinatari", "Destinatari", "destinatari"),
    Facet("stato", "Stato", "stato"),
    Facet("replicabilita", "Replicabilità", "replicabilita.livello"),
    Facet("festival", "Edizione del festival", "festival"),
    # The Ambiti that replicate the practice or want to: a territory finds what its Ambito already
    # does with others (a replication named by one of its Comuni counts for the Ambito too).
    Facet(
        "replica",
        "Replicata o di interesse per l'Ambito",
        extract=lambda p: tuple(dict.fromkeys(_ambito_of(r.territorio) for r in p.repliche)),
    ),
)
BY_KEY = {f.key: f for f in FACETS}
VOCABULARY_OF = vocabulary_of(Practice)
AREA_VOCABULARIES = ("area_tematica", "aree_strategiche")  # the vocabularies with pages of their own (/aree/)


def facet_values(p: PracticeRecord) -> dict[str, tuple[str, ...]]:
    return {f.key: f.values(p) for f in FACETS}


def _describe(site: Site, facet: Facet, value: str) -> tuple[str, str | None]:
    """Label and static page of one facet value."""
    vocabulary = VOCABULARY_OF.get(facet.contract)
    if vocabulary:
        return site.label(vocabulary, value), area_path(value) if vocabulary in AREA_VOCABULARIES else None
    if facet.contract == "festival":
        return value, festival_path(value)
    if facet.key == "provincia":
        provincia = site.territories.province[value]
        return provincia.nome, territory_path(provincia)
    ambito = next(a for a in site.territories.ambiti.values() if a.slug == f"ambito-{value}")
    return ambito.nome, territory_path(ambito)


def build_facets(site: Site) -> tuple[FacetDef, ...]:
    """Every facet with the values present in the catalogue, by count then label (as Datasette)."""
    out = []
    for facet in FACETS:
        counts: dict[str, int] = {}
        for p in site.practices:
            for value in facet.values(p):
                counts[value] = counts.get(value, 0) + 1
        values = []
        for value, count in counts.items():
            label, path = _describe(site, facet, value)
            values.append(FacetValue(value, label, count, path))
        values.sort(key=lambda v: (-v.count, fold(v.label), v.value))
        out.append(FacetDef(facet.key, facet.label, tuple(values)))
    return tuple(out)
