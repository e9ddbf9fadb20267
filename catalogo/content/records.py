"""Typed, immutable records the renderers read: practices, festival editions, the whole site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from catalogo.content.contract import FestivalEdition, Practice, Replica, SiteSettings, Term, Vocabularies
from catalogo.content.maps import MapData
from catalogo.content.markup import render_markdown
from catalogo.content.territories import Ambito, Comune, Provincia, Territories, Territorio
from catalogo.core.text import fold


@dataclass(frozen=True)
class ResolvedReplica:
    replica: Replica
    territorio: Territorio


@dataclass(frozen=True)
class PracticeRecord:
    slug: str
    source: str
    data: Practice
    comune: Comune | None
    ambito: Ambito
    ambito_verificato: bool  # False when the membership comes from an unverified table row
    provincia: Provincia
    repliche: tuple[ResolvedReplica, ...]
    aggiornata: dt.date
    body: str = ""  # the Markdown source
    changed: dt.datetime | None = None  # time of the file's last commit (UTC), None outside git

    @property
    def updated_at(self) -> dt.datetime:
        """When the practice last changed: the commit's time, or midnight UTC of a later stated date."""
        if self.changed is not None and self.changed.date() >= self.aggiornata:
            return self.changed
        return dt.datetime.combine(self.aggiornata, dt.time(), dt.UTC)

    @property
    def body_html(self) -> str:
        """Rendered when a page needs it, not kept: 10,000 bodies would hold ~120 MB of HTML."""
        return render_markdown(self.body)

    @property
    def titolo(self) -> str:
        return self.data.titolo

    @property
    def territorio(self) -> Territorio:
        """The body that runs the practice: its Comune if named, else its Ambito."""
        return self.comune if self.comune is not None else self.ambito

    @property
    def territori(self) -> tuple[Territorio, ...]:
        return (self.comune, self.ambito) if self.comune is not None else (self.ambito,)


@dataclass(frozen=True)
class EditionRecord:
    anno: int
    source: str
    data: FestivalEdition
    body_html: str
    enti: tuple[Territorio, ...]
    aggiornata: dt.date


@dataclass(frozen=True)
class TermGroup:
    """A term of a vocabulary with the practices that have it (an area's page lists them)."""

    slug: str
    etichetta: str
    descrizione: str
    practices: tuple[PracticeRecord, ...]

    @property
    def count(self) -> int:
        return len(self.practices)


@dataclass(frozen=True)
class TerritoryPage:
    """A territory with its own practices and the practices it replicates from elsewhere."""

    territory: Territorio | Provincia
    practices: tuple[PracticeRecord, ...]
    replicating: tuple[tuple[PracticeRecord, ResolvedReplica], ...]


@dataclass(frozen=True)
class NetworkLink:
    """A territory that replicates a practice, or wants to: the network the Avviso builds."""

    practice: PracticeRecord
    replica: ResolvedReplica

    @property
    def origin(self) -> Territorio:
        return self.practice.territorio

    @property
    def target(self) -> Territorio:
        return self.replica.territorio


# An empty catalogue has no date of its own; feeds and DCAT still need one, and it must not be the clock.
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Site:
    settings: SiteSettings
    vocabularies: Vocabularies
    territories: Territories
    practices: tuple[PracticeRecord, ...]  # sorted by slug
    editions: tuple[EditionRecord, ...]  # sorted by year
    aggiornato: dt.date | None  # None only for a site with no dated content
    map: MapData | None = None  # the boundaries of the Ambiti and provinces (none in a test catalogue)

    @property
    def date(self) -> dt.date:
        """The catalogue's date: its newest content change, or a fixed epoch (never the clock)."""
        return self.aggiornato or EPOCH

    def label(self, vocabulary: str, slug: str) -> str:
        return self.vocabularies[vocabulary][slug].etichetta

    def terms(self, vocabulary: str) -> Iterable[Term]:
        return self.vocabularies[vocabulary].values()

    def _facet(self, vocabulary: str, values: Callable[[PracticeRecord], Iterable[str]]) -> tuple[TermGroup, ...]:
        """Every vocabulary value in vocabulary order, with its practices sorted by title."""
        return tuple(
            TermGroup(t.slug, t.etichetta, t.descrizione, tuple(p for p in self.by_title if t.slug in values(p)))
            for t in self.terms(vocabulary)
        )

    @cached_property
    def by_title(self) -> tuple[PracticeRecord, ...]:
        return tuple(sorted(self.practices, key=lambda p: (fold(p.titolo), p.slug)))

    @cached_property
    def latest(self) -> tuple[PracticeRecord, ...]:
        return tuple(sorted(self.practices, key=lambda p: (p.data.pubblicata, p.slug), reverse=True))

    @cached_property
    def aree_tematiche(self) -> tuple[TermGroup, ...]:
        return self._facet("area_tematica", lambda p: (p.data.area_tematica,))

    @cached_property
    def aree_strategiche(self) -> tuple[TermGroup, ...]:
        return self._facet("aree_strategiche", lambda p: p.data.aree_strategiche)

    @cached_property
    def territory_pages(self) -> tuple[TerritoryPage, ...]:
        """Every Ambito and Provincia, and each Comune with a practice or a replication, by slug.

        All Ambiti get a page so the map and the Comune pages can always link to them.
        """
        own: dict[str, list[PracticeRecord]] = {}
        replicating: dict[str, list[tuple[PracticeRecord, ResolvedReplica]]] = {}
        places: dict[str, Territorio | Provincia] = {a.slug: a for a in self.territories.ambiti.values()}
        places.update((p.slug, p) for p in self.territories.province.values())
        for p in self.by_title:
            for t in (*p.territori, p.provincia):
                places[t.slug] = t
                own.setdefault(t.slug, []).append(p)
            for r in p.repliche:
                places[r.territorio.slug] = r.territorio
                replicating.setdefault(r.territorio.slug, []).append((p, r))
        return tuple(
            TerritoryPage(places[slug], tuple(own.get(slug, ())), tuple(replicating.get(slug, ())))
            for slug in sorted(places)
        )

    @cached_property
    def territory_slugs(self) -> frozenset[str]:
        return frozenset(tp.territory.slug for tp in self.territory_pages)

    def practices_in(self, year: int) -> tuple[PracticeRecord, ...]:
        return tuple(p for p in self.by_title if year in p.data.festival)

    @cached_property
    def comuni_count(self) -> int:
        return len({p.comune.nome for p in self.practices if p.comune is not None})

    @cached_property
    def ambiti_count(self) -> int:
        return len({p.ambito.nome for p in self.practices})

    @cached_property
    def network(self) -> tuple[NetworkLink, ...]:
        """Every replication, by practice title, in each practice's order."""
        return tuple(NetworkLink(p, r) for p in self.by_title for r in p.repliche)

    def network_of(self, territory: Territorio | Provincia) -> tuple[NetworkLink, ...]:
        """The links a territory takes part in: others replicating its practices (an Ambito's include its
        Comuni's), and the practices it replicates (an Ambito's Comuni's too)."""
        key = ("ambito", territory.nome) if isinstance(territory, Ambito) else territory
        return self._network_by_territory.get(key, ())

    @cached_property
    def _network_by_territory(self) -> dict[object, tuple[NetworkLink, ...]]:
        """Each link filed once under each territory it concerns, in the network's order: a Comune
        under itself and its Ambito, an Ambito under its name (one pass, not one per territory page)."""
        found: dict[object, list[NetworkLink]] = {}
        for link in self.network:
            keys: dict[object, None] = {}
            for t in (*link.practice.territori, link.target):
                if isinstance(t, Ambito):
                    keys[("ambito", t.nome)] = None
                else:
                    keys[t] = None
                    keys[("ambito", t.ambito)] = None
            for key in keys:
                found.setdefault(key, []).append(link)
        return {key: tuple(links) for key, links in found.items()}

    @cached_property
    def replications_by_state(self) -> dict[str, int]:
        """How many interests, replications in progress and replications done, in vocabulary order."""
        counts = dict.fromkeys(self.vocabularies["stato_replica"], 0)
        for p in self.practices:
            for r in p.repliche:
                counts[r.replica.stato] += 1
        return counts
