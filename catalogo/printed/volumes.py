"""The printed publication in volumes: one per festival edition (the practices presented there),
one per thematic area of the Avviso, so the whole catalogue stays printable at any size. A volume
that would pass MAX_PAGES is split by province, then in parts, and says so on its cover.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogo.content.records import EditionRecord, PracticeRecord, Site
from catalogo.content.territories import Territorio
from catalogo.core.text import fold, slugify

MAX_PAGES = 400
# A practice's pages, estimated from its text: the chapter's first page, then one per CHARS.
CHARS_PER_PAGE = 3200


@dataclass(frozen=True)
class Volume:
    slug: str  # the file's name, without '.pdf'
    title: str
    subtitle: str  # what the volume holds: the edition's date and place, or the area
    practices: tuple[PracticeRecord, ...]
    edition: EditionRecord | None = None
    part: str = ""  # 'Città metropolitana di Bari', '... parte 2 di 3': the volume is a piece of a larger one

    @property
    def presenters(self) -> tuple[Territorio, ...]:
        return self.edition.enti if self.edition else ()

    @property
    def ambiti(self) -> frozenset[str]:
        """The Ambiti the cover's map highlights: of the presenting bodies, or of the practices."""
        places = self.presenters or tuple(p.territorio for p in self.practices)
        return frozenset(t.nome if t.kind == "ambito" else t.ambito for t in places)  # type: ignore[union-attr]


def estimated_pages(p: PracticeRecord) -> int:
    d = p.data
    text = len(p.body) + len(d.sintesi) + sum(len(str(r)) for r in d.risultati)
    text += sum(len(x) for x in (*d.ostacoli, *d.miglioramenti, *d.partner, *d.replicabilita.condizioni, *d.fonti))
    return 1 + text // CHARS_PER_PAGE


def _by_presenter(practices: tuple[PracticeRecord, ...]) -> tuple[PracticeRecord, ...]:
    """By the presenting body, then title: a reader finds a territory's practices together."""
    return tuple(sorted(practices, key=lambda p: (fold(p.territorio.nome), fold(p.titolo), p.slug)))


def _split(volume: Volume, site: Site, max_pages: int) -> list[Volume]:
    """Volumes of at most ``max_pages`` (estimated): by province first, then in numbered parts."""
    if sum(estimated_pages(p) for p in volume.practices) <= max_pages:
        return [volume]
    out: list[Volume] = []
    for sigla, provincia in sorted(site.territories.province.items()):
        mine = tuple(p for p in volume.practices if p.provincia.sigla == sigla)
        parts: list[list[PracticeRecord]] = [[]]
        pages = 0
        for p in mine:
            if parts[-1] and pages + estimated_pages(p) > max_pages:
                parts.append([])
                pages = 0
            parts[-1].append(p)
            pages += estimated_pages(p)
        for n, part in enumerate(p for p in parts if p):
            where = provincia.denominazione + (f", parte {n + 1} di {len(parts)}" if len(parts) > 1 else "")
            suffix = f"-{slugify(sigla)}" + (f"-{n + 1}" if len(parts) > 1 else "")
            out.append(Volume(volume.slug + suffix, volume.title, volume.subtitle, tuple(part), volume.edition, where))
    return out


def plan_volumes(site: Site, festival_only: bool = False, max_pages: int = MAX_PAGES) -> list[Volume]:
    """Every volume, festival editions first (by year), then the areas in the vocabulary's order."""
    volumes: list[Volume] = []
    for edition in site.editions:
        practices = _by_presenter(site.practices_in(edition.anno))
        if not practices:
            continue
        e = edition.data
        subtitle = f"{e.edizione}ª edizione · {e.citta}, {e.luogo}"
        volumes += _split(
            Volume(f"festival-{edition.anno}", f"{e.titolo} {edition.anno}", subtitle, practices, edition),
            site,
            max_pages,
        )
    if festival_only:
        return volumes
    for facet in site.aree_tematiche:
        practices = _by_presenter(facet.practices)
        if practices:
            volumes += _split(
                Volume(
                    f"area-{facet.slug}", f"Buone pratiche: {facet.etichetta}", "Area tematica dell'Avviso", practices
                ),
                site,
                max_pages,
            )
    return volumes
