"""The site's plan: every page and file that does not need the search index, as a table of rows.

``site_pages`` lists the HTML pages (address, template, title, description, breadcrumbs, context),
``data_files`` the open-data and service files, ``admin_files`` the web editor; render.py makes each
row into a file. What needs the search index (the index, the catalogue's list pages), the
publication and the sitemap are render.py's; the practices' own pages and records are made with
their 'Pratiche simili' (``Renderer.practice_files``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from catalogo.content import paths
from catalogo.content.contract import Practice
from catalogo.content.keys import keys_of
from catalogo.content.records import Site, TermGroup, TerritoryPage
from catalogo.core.npm import NODE_MODULES
from catalogo.core.output import Output
from catalogo.core.text import count_it, fold, slugify
from catalogo.core.urls import Urls
from catalogo.editors.admin import ADMIN_CSP, ADMIN_VENDOR, EditorMissing, editor_data, editor_files
from catalogo.editors.decap import cms_config, dump_config
from catalogo.editors.workbook import template
from catalogo.opendata.dcat import dcat_catalogue
from catalogo.opendata.exports import CSV_COLUMNS, JSON_COLUMNS, practices_csv, practices_json
from catalogo.opendata.feeds import atom_feed, practice_entry, robots, territory_entries
from catalogo.opendata.schemas import dumps, export_schema, practice_schema
from catalogo.search.facets import BY_KEY
from catalogo.site.facts import unplaced_keys
from catalogo.site.mapsvg import CLASSES, arcs, shade
from catalogo.site.templates import italian_date
from catalogo.site.webdata import json_ld

if TYPE_CHECKING:
    from catalogo.site.render import Renderer

Job = Callable[[], Output]


@dataclass(frozen=True)
class Page:
    """One HTML page of the plan."""

    path: str  # its address: 'mappa/'
    template: str
    title: str
    description: str
    breadcrumbs: tuple[tuple[str, str | None], ...] = ()  # (name, address), the page itself last
    updated: dt.date | None = None  # default: the catalogue's date
    context: Mapping[str, Any] = field(default_factory=dict)


def _home_and_guides(site: Site, editor: bool) -> list[Page]:
    return [
        Page(paths.HOME, "home.html", site.settings.titolo, site.settings.descrizione),
        Page(
            paths.DATA,
            "data.html",
            "Dati aperti",
            "Le pratiche del catalogo come dati aperti: JSON, CSV, schema JSON e descrizione DCAT-AP_IT, con "
            "licenza CC BY 4.0.",
            (("Dati aperti", None),),
            context={"columns": CSV_COLUMNS, "json_columns": JSON_COLUMNS},
        ),
        Page(
            paths.PROPOSE,
            "proponi.html",
            "Come proporre una pratica",
            "Come segnalare al catalogo una buona pratica di welfare locale di un Comune o di un Ambito "
            "territoriale sociale della Puglia.",
            (("Proponi una pratica", None),),
            context={"keys": [k for k in keys_of(Practice) if not k.automatic], "editor": editor},
        ),
        Page(
            paths.ACCESSIBILITY,
            "accessibility.html",
            "Accessibilità",
            "Come il catalogo rispetta le regole di accessibilità (WCAG 2.1 AA) e come segnalare un problema.",
            (("Accessibilità", None),),
        ),
        Page(
            paths.NOT_FOUND,
            "404.html",
            "Pagina non trovata",
            "La pagina cercata non esiste.",
            (("Pagina non trovata", None),),
        ),
    ]


def _map(r: Renderer) -> Page:
    site = r.site
    counts = Counter(p.ambito.nome for p in site.practices)
    return Page(
        paths.MAP,
        "map.html",
        "Mappa delle pratiche",
        "La Puglia divisa in "
        + count_it(
            len(site.territories.ambiti),
            "Ambito territoriale sociale, colorato",
            "Ambiti territoriali sociali, colorati",
        )
        + " secondo il numero di pratiche del catalogo.",
        (("Mappa", None),),
        context={
            "map": site.map.of_ambiti(site.territories.ambiti) if site.map else None,
            "counts": dict(counts),
            "classes": CLASSES,
            "shade": shade,
            "ambiti": sorted(site.territories.ambiti.values(), key=lambda a: fold(a.nome)),
        },
    )


def _network(site: Site) -> Page:
    """/rete/: who replicates what from whom, on the map and in a table, with the counts."""
    links = site.network
    on_map = site.map.of_ambiti(site.territories.ambiti) if site.map else None
    drawn = arcs(links, site, on_map.projection) if on_map and on_map.projection else []
    places = {t.slug for link in links for t in (link.origin, link.target)}
    return Page(
        paths.NETWORK,
        "network.html",
        "La rete delle repliche",
        "I Comuni e gli Ambiti territoriali sociali che replicano le buone pratiche del catalogo o vogliono "
        "farlo, e da chi le hanno imparate.",
        (("Rete", None),),
        context={
            "links": links,
            "map": on_map,
            "arcs": drawn,
            "places": len(places),
            "by_state": site.replications_by_state,
        },
    )


def _areas(site: Site, feeds: bool) -> list[Page]:
    pages = [
        Page(
            paths.AREAS,
            "areas.html",
            "Aree tematiche",
            "Le pratiche per area tematica dell'Avviso e per area strategica del V Piano regionale delle "
            "Politiche sociali.",
            (("Aree", None),),
        )
    ]
    for kind, facets in (
        ("Area tematica dell'Avviso", site.aree_tematiche),
        ("Area strategica del V Piano", site.aree_strategiche),
    ):
        pages += [
            Page(
                paths.area_path(facet.slug),
                "area.html",
                facet.etichetta,
                f"{kind}: {facet.descrizione or facet.etichetta}",
                (("Aree", paths.AREAS), (facet.etichetta, None)),
                context={
                    "facet": facet,
                    "kind": kind,
                    "feed": paths.feed_path(paths.area_path(facet.slug)) if feeds else None,
                },
            )
            for facet in facets
        ]
    return pages


def _territories(site: Site, feeds: bool) -> list[Page]:
    pages = [
        Page(
            paths.TERRITORIES,
            "territories.html",
            "Territori",
            "I Comuni, gli Ambiti territoriali sociali e le province che hanno pratiche nel catalogo.",
            (("Territori", None),),
        )
    ]
    # How many practices each Ambito replicates or wants to (the catalogue's 'replica' facet).
    replicated = Counter(value for p in site.practices for value in BY_KEY["replica"].values(p))
    for tp in site.territory_pages:
        name = tp.territory.denominazione
        own = getattr(tp.territory, "ambito", None) or getattr(tp.territory, "nome", "")
        pages.append(
            Page(
                paths.territory_path(tp.territory),
                "territory.html",
                name,
                f"Le buone pratiche di welfare locale: {name}.",
                (("Territori", paths.TERRITORIES), (name, None)),
                context={
                    "territory": tp.territory,
                    "practices": tp.practices,
                    "replicating": tp.replicating,
                    "replicated_by_ambito": replicated.get(slugify(str(own)), 0),
                    "feed": paths.feed_path(paths.territory_path(tp.territory)) if feeds else None,
                    "network": site.network_of(tp.territory) if tp.territory.kind != "provincia" else (),
                },
            )
        )
    return pages


def _festival(site: Site) -> list[Page]:
    pages = [
        Page(
            paths.FESTIVAL,
            "festival_index.html",
            "Festival delle buone pratiche",
            "Le edizioni del Festival delle buone pratiche del welfare locale.",
            (("Festival", None),),
        )
    ]
    for edition in site.editions:
        e = edition.data
        pages.append(
            Page(
                paths.festival_path(edition.anno),
                "festival_edition.html",
                f"{e.titolo} {edition.anno}",
                f"{e.edizione}ª edizione, {e.citta}, {italian_date(e.data)}.",
                (("Festival", paths.FESTIVAL), (str(edition.anno), None)),
                edition.aggiornata,
                {"edition": edition, "practices": site.practices_in(edition.anno)},
            )
        )
    return pages


def site_pages(r: Renderer) -> list[Page]:
    """Every HTML page that needs neither the search index nor 'Pratiche simili'."""
    site = r.site
    return [
        *_home_and_guides(site, editor=not r.editor.missing()),
        _map(r),
        _network(site),
        *_areas(site, feeds=bool(r.urls.origin)),
        *_territories(site, feeds=bool(r.urls.origin)),
        *_festival(site),
    ]


def _bytes(make: Callable[..., bytes], *args: Any) -> Callable[[], bytes]:
    return functools.partial(make, *args)


def data_files(r: Renderer) -> dict[str, Callable[[], bytes]]:
    """The open data and the service files, by path (the feed and the DCAT record need the site's
    absolute address: without one they are left out)."""
    site, urls = r.site, r.urls
    schema = practice_schema(site.vocabularies, site.territories, urls.absolute(paths.SCHEMA))
    exported = export_schema(site.vocabularies, site.territories, urls.absolute(paths.EXPORT_SCHEMA))
    files = {
        paths.ROBOTS: _bytes(robots, urls),
        paths.TEMPLATE: _bytes(template, site, urls),
        paths.SCHEMA: _bytes(_json_bytes, schema),
        paths.EXPORT_SCHEMA: _bytes(_json_bytes, exported),
    }
    if urls.origin:
        files[paths.DCAT] = _bytes(dcat_catalogue, site, urls)
        files[paths.FEED] = _bytes(atom_feed, site, urls)
        files.update(_feeds(site, urls))
    return files


def _feeds(site: Site, urls: Urls) -> dict[str, Callable[[], bytes]]:
    """Each area's and each territory's own feed: what concerns it, to follow it alone (its entries
    made by the job, in a worker, not while the site is planned)."""
    feeds: dict[str, Callable[[], bytes]] = {}
    for facet in (*site.aree_tematiche, *site.aree_strategiche):
        feeds[paths.feed_path(paths.area_path(facet.slug))] = functools.partial(_area_feed, site, urls, facet)
    for tp in site.territory_pages:
        feeds[paths.feed_path(paths.territory_path(tp.territory))] = functools.partial(_territory_feed, site, urls, tp)
    return feeds


def _area_feed(site: Site, urls: Urls, facet: TermGroup) -> bytes:
    page = paths.area_path(facet.slug)
    entries = [practice_entry(site, p, urls) for p in facet.practices]
    return atom_feed(site, urls, entries, f"{site.settings.titolo}: {facet.etichetta}", page, paths.feed_path(page))


def _territory_feed(site: Site, urls: Urls, tp: TerritoryPage) -> bytes:
    page = paths.territory_path(tp.territory)
    entries = territory_entries(site, tp, urls)
    title = f"{site.settings.titolo}: {tp.territory.denominazione}"
    return atom_feed(site, urls, entries, title, page, paths.feed_path(page))


def streamed_files(r: Renderer) -> dict[str, Job]:
    """Files too large to hold whole at 10,000 practices, written piece by piece."""
    return {
        path: functools.partial(Output, path, stream=functools.partial(pieces, r.site, r.urls))
        for path, pieces in ((paths.DATA_JSON, practices_json), (paths.DATA_CSV, practices_csv))
    }


def admin_files(r: Renderer) -> tuple[list[Output], Page]:
    """/admin/: the web editor when it can log in (its files and page), otherwise a page that says
    what is missing."""
    title, description = "Editor web", "L'editor web della redazione per aggiungere e correggere le schede."
    missing = r.editor.missing()
    try:
        files = [] if missing else editor_files(NODE_MODULES, r.theme)
    except EditorMissing as exc:
        missing = [str(exc)]
    if missing:
        page = Page(
            paths.ADMIN,
            "admin/non-configurato.html",
            title,
            description,
            ((title, None),),
            context={"missing": missing},
        )
        return [], page
    config = cms_config(r.site, r.editor, site_url=r.urls.absolute())
    files.append(Output(paths.ADMIN + "config.yml", dump_config(config).encode("utf-8")))
    app = {f.path.rsplit("/", 1)[1]: r.urls.url(f.path) for f in files if f.path.startswith("admin/app-")}
    decap = next(f.path for f in files if f.path.endswith("/decap-cms.js"))
    stylesheets = [r.urls.url(css) for css in r.styles.stylesheets] + [r.asset("css/site.css")]
    templates = {"practice_content.html": (r.theme / "templates" / "practice_content.html").read_text("utf-8")}
    data = json_ld(editor_data(r.site, r.urls.base_path, stylesheets, templates, unplaced_keys(r.theme)))
    proxy = urlsplit(r.editor.proxy_url or "")
    extra = f" {proxy.scheme}://{proxy.netloc}" if proxy.netloc else ""
    page = Page(
        paths.ADMIN,
        "admin/editor.html",
        title,
        description,
        context={
            "csp": ADMIN_CSP.format(extra=extra),
            "data": data,
            "config_url": r.urls.url(paths.ADMIN + "config.yml"),
            "scripts": [
                app["avvio.js"],
                r.urls.url(decap),
                *(r.urls.url(f"admin/vendor/{name}") for _, name in ADMIN_VENDOR),
            ],
            "module": app["catalogo-cms.js"],
        },
    )
    return files, page


def _json_bytes(value: Any) -> bytes:
    return dumps(value).encode("utf-8")
