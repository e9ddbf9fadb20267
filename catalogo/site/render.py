"""Site records -> HTML pages and static assets, as in-memory outputs (nothing touches disk here)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket

from catalogo.content.contract import Practice
from catalogo.content.keys import keys_of
from catalogo.content.paths import area_path, festival_path, practice_path, territory_path
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.npm import NODE_MODULES
from catalogo.core.output import Output, fingerprinted
from catalogo.core.text import fold, slugify
from catalogo.core.urls import Urls
from catalogo.editors.decap import (
    ADMIN_CSP,
    ADMIN_VENDOR,
    Backend,
    EditorMissing,
    cms_config,
    dump_config,
    editor_data,
    editor_files,
)
from catalogo.editors.issueforms import INTEREST_FILE, form_url
from catalogo.opendata.exports import (
    CSV_COLUMNS,
    JSON_COLUMNS,
    atom_feed,
    dcat_catalogue,
    json_ld,
    practice_json,
    practice_ld,
    practices_csv,
    practices_json,
    robots,
    sitemap,
)
from catalogo.opendata.schemas import dumps, export_schema, practice_schema
from catalogo.search.assets import CatalogueAssets, catalogue_assets
from catalogo.search.facets import BY_KEY
from catalogo.search.related import Related, related_practices
from catalogo.site.downloads import VolumeLink
from catalogo.site.facts import other_facts, unplaced_keys
from catalogo.site.mapsvg import CLASSES, MapData, shade
from catalogo.site.styles import build_styles

# Everything the site loads is its own; no inline script or style can run (JSON-LD is data, not script).
# 'data:' images only for the small SVG icons inside Bootstrap Italia's CSS (checkboxes, selects).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)

PUBLICATION = "pubblicazione/index.html"
SITEMAP = "sitemap.xml"
# Where the practices' sections go in the publication's page (an HTML comment no content can hold:
# the publication's template writes it, never a value).
SECTIONS_MARK = "<!-- catalogo: sezioni delle pratiche -->"
Related_ = Mapping[str, tuple[Related, ...]]

# Without JavaScript the catalogue lists its practices this many to a page (10,000 in one page
# would be a 6 MB download before the search could even start).
LIST_PAGE = 100

MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)


def italian_date(value: dt.date) -> str:
    day = "1º" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def italian_size(value: int) -> str:
    """A file's size as people read it: '850 KB', '1,2 MB'."""
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} KB"
    return f"{value / 1024 / 1024:.1f} MB".replace(".", ",")


def italian_number(value: float) -> str:
    whole = int(value)
    text = f"{whole:,}".replace(",", ".")
    if value != whole:
        text += "," + f"{value:.2f}".split(".")[1]
    return text


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process (checked against their source): the dev server makes
    a Renderer per rebuild, and compiling the theme took 0.3 s of each."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def environment(site: Site, theme: Path, urls: Urls) -> Environment:
    """The theme's templates with the catalogue's filters and helpers: the site's pages and the
    printed volumes (pdf.py) render the same practice with the same macros."""
    env = Environment(
        loader=FileSystemLoader([theme / "templates", theme]),  # theme/admin/... for /admin/
        bytecode_cache=_COMPILED,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["data_it"] = italian_date
    env.filters["numero_it"] = italian_number
    env.filters["dimensione_it"] = italian_size
    env.globals.update(
        url=urls.url,
        territory_url=lambda t: urls.url(territory_path(t)),
        area_url=lambda slug: urls.url(area_path(slug)),
        practice_url=lambda p: urls.url(practice_path(p)),
        festival_url=lambda year: urls.url(festival_path(year)),
        site=site,
        settings=site.settings,
        label=site.label,
        interest_url=functools.partial(interest_url, site.settings.repository),
        other_facts=functools.partial(
            other_facts, keys=unplaced_keys(theme), site=site, number=italian_number, date=italian_date
        ),
        absolute=bool(urls.origin),  # the feed and the DCAT description exist only with an absolute address
    )
    return env


def interest_url(repository: str | None, p: PracticeRecord) -> str | None:
    """The interest form, filled in with the practice, when the repository is known."""
    if not repository:
        return None
    return form_url(repository, INTEREST_FILE, pratica=p.slug, title=f"Interesse a replicare: {p.titolo}")


class Renderer:
    def __init__(
        self,
        site: Site,
        theme: Path,
        base_url: str,
        search: CatalogueAssets | None = None,
        map_data: MapData | None = None,
        editor: Backend | None = None,
        volumes: tuple[VolumeLink, ...] = (),
    ) -> None:
        self.site = site
        self.theme = theme
        # Where the web editor at /admin/ saves (None: from the settings, as a plain build does).
        self.editor = editor or Backend.from_settings(site.settings)
        self.search = search
        self.map_data = map_data
        self.urls = Urls.from_base_url(base_url)
        self.static_dir = theme / "static"
        self.assets = self._fingerprint_assets()
        self.styles = build_styles(theme)
        self.env = environment(site, theme, self.urls)
        # The printed volumes (build --pdf): the publication, festival and data pages list them.
        self.env.globals.update(asset=self.asset, stylesheets=self.styles.stylesheets, csp=CSP, volumes=volumes)

    def _fingerprint_assets(self) -> dict[str, Output]:
        """Content-hashed names: a changed file gets a new URL, so caches never serve stale CSS."""
        found: dict[str, Output] = {}
        if not self.static_dir.is_dir():
            return found
        for file in sorted(p for p in self.static_dir.rglob("*") if p.is_file()):
            rel = file.relative_to(self.static_dir).as_posix()
            found[rel] = fingerprinted(f"static/{rel}", file.read_bytes())
        return found

    def _map_of_known_ambiti(self) -> MapData | None:
        """Only the shapes of Ambiti in the tables (a test catalogue may have fewer than 45)."""
        return self.map_data.of_ambiti(self.site.territories.ambiti) if self.map_data else None

    def asset(self, name: str) -> str:
        return self.urls.url(self.assets[name].path)

    def _context(
        self,
        path: str,
        title: str,
        description: str,
        breadcrumbs: Iterable[tuple[str, str | None]],
        updated: dt.date | None,
        context: dict[str, Any],
    ) -> dict[str, Any]:
        crumbs = [("Home", self.urls.url())] + [(name, href) for name, href in breadcrumbs]
        return {
            "json_ld": None,
            "og_type": "website",
            **context,
            "page_title": title,
            "description": description,
            "breadcrumbs": crumbs,
            "updated": updated or self.site.aggiornato,
            "page_path": path,
            "canonical": self.urls.absolute(path.removesuffix("index.html")),
        }

    def page(
        self,
        path: str,
        template: str,
        *,
        title: str,
        description: str,
        breadcrumbs: Iterable[tuple[str, str | None]] = (),
        updated: dt.date | None = None,
        **context: Any,
    ) -> Output:
        html = self.env.get_template(template).render(
            self._context(path, title, description, breadcrumbs, updated, context)
        )
        return Output(path, html.encode("utf-8"))

    def render(self, search: CatalogueAssets | None = None) -> list[Output]:
        """The whole site in memory (the dev server's full rebuild, the tests)."""
        search = search or self.search or catalogue_assets(self.site)
        jobs = self.plan(search, related_practices(self.site, search.stop_words))
        return [job() for job in jobs.values()]

    def plan(self, search: CatalogueAssets, related: Related_) -> dict[str, Callable[[], Output]]:
        """Every file of the site as a job that makes it: the dev server runs those the browser asks
        for. (The build runs the same jobs in parts, see build.py.)"""
        jobs = {**self.plan_without_search(related), **self.search_jobs(search)}
        jobs[PUBLICATION] = functools.partial(
            self.publication, lambda: (self.publication_section(p) for p in self.site.by_title)
        )
        if self.urls.origin:
            jobs[SITEMAP] = functools.partial(self.sitemap, list(jobs))
        return jobs

    def practice_page(self, p: PracticeRecord, related: tuple[Related, ...]) -> Output:
        path = f"pratiche/{p.slug}/index.html"
        return self.page(
            path,
            "practice.html",
            title=p.titolo,
            description=p.data.sintesi,
            breadcrumbs=[("Pratiche", self.urls.url("pratiche/")), (p.titolo, None)],
            updated=p.aggiornata,
            p=p,
            related=related,
            json_ld=practice_ld(self.site, p, self.urls),
            og_type="article",
        )

    def _practice_page_of(self, p: PracticeRecord, related: Related_) -> Output:
        return self.practice_page(p, related[p.slug])

    def publication_section(self, p: PracticeRecord) -> str:
        """One practice of the printable publication (a worker makes it with the practice's page:
        the body's HTML is rendered once for both)."""
        return self.env.get_template("publication_section.html").render(p=p)

    def publication(self, sections: Callable[[], Iterable[str]]) -> Output:
        """The printable publication: cover and table of contents, every practice's section, the
        footer; written in pieces of about 64 KB (100 MB at 10,000 practices)."""
        html = self.page(
            PUBLICATION,
            "publication.html",
            title="Pubblicazione",
            description="Tutte le pratiche del catalogo in un unico documento da stampare o salvare in PDF.",
            breadcrumbs=[("Pubblicazione", None)],
            sections=SECTIONS_MARK,
        ).data
        head, tail = html.split(SECTIONS_MARK.encode("utf-8"), 1)

        def pieces() -> Iterator[bytes]:
            yield head
            buffer: list[str] = []
            size = 0
            for section in sections():
                buffer.append(section)
                size += len(section)
                if size >= 65536:
                    yield "".join(buffer).encode("utf-8")
                    buffer, size = [], 0
            yield "".join(buffer).encode("utf-8")
            yield tail

        return Output(PUBLICATION, stream=pieces)

    def sitemap(self, paths: Iterable[str]) -> Output:
        """Every page but the 404 and the web editor, with its date."""
        site = self.site
        pages = [
            path.removesuffix("index.html")
            for path in paths
            if path.endswith(".html") and path != "404.html" and not path.startswith("admin/")
        ]
        dated = {f"pratiche/{p.slug}/": p.aggiornata for p in site.practices}
        return Output(SITEMAP, sitemap(sorted((path, dated.get(path, site.aggiornato)) for path in pages), self.urls))

    def search_jobs(self, search: CatalogueAssets) -> dict[str, Callable[[], Output]]:
        """The files that need the search index: the index itself and the catalogue's list pages."""
        site = self.site
        jobs: dict[str, Callable[[], Output]] = {
            ready.path: functools.partial(_ready, ready) for ready in search.outputs
        }
        listing = list(site.by_title)
        pages = [listing[i : i + LIST_PAGE] for i in range(0, len(listing), LIST_PAGE)] or [[]]
        page_paths = ["pratiche/"] + [f"pratiche/pagina/{n}/" for n in range(2, len(pages) + 1)]
        for number, (chunk, path) in enumerate(zip(pages, page_paths, strict=True), start=1):
            first = number == 1
            jobs[path + "index.html"] = functools.partial(
                self.page,
                path + "index.html",
                "practices.html",
                title="Pratiche" if first else f"Pratiche, pagina {number}",
                description=f"Cerca e filtra le {len(site.practices)} buone pratiche del catalogo "
                "per area, territorio, destinatari, stato e replicabilità."
                + ("" if first else f" Elenco alfabetico, pagina {number} di {len(pages)}."),
                breadcrumbs=[("Pratiche", None)]
                if first
                else [("Pratiche", self.urls.url("pratiche/")), (f"Pagina {number}", None)],
                search=search,
                listed=chunk,
                page_number=number,
                page_count=len(pages),
                page_urls=[self.urls.url(p) for p in page_paths],
            )
        return jobs

    def plan_without_search(self, related: Related_) -> dict[str, Callable[[], Output]]:
        """Every file that does not need the search index (all but the index, the catalogue's list
        pages, the publication and the sitemap): what the build's workers make while the index is
        computed."""
        site = self.site
        jobs: dict[str, Callable[[], Output]] = {}

        def page(path: str, template: str, **context: Any) -> None:
            jobs[path] = functools.partial(self.page, path, template, **context)

        def data(path: str, make: Callable[..., bytes], *args: Any) -> None:
            jobs[path] = functools.partial(_data, path, make, *args)

        def streamed(path: str, make: Callable[..., Iterator[bytes]], *args: Any) -> None:
            jobs[path] = functools.partial(Output, path, stream=functools.partial(make, *args))

        for ready in (*self.assets.values(), *self.styles.outputs):
            jobs[ready.path] = functools.partial(_ready, ready)
        page(
            "index.html", "home.html", title=site.settings.titolo, description=site.settings.descrizione, breadcrumbs=[]
        )
        for p in site.practices:
            # looked up when the page is made: a build's workers receive them with their task
            jobs[f"pratiche/{p.slug}/index.html"] = functools.partial(self._practice_page_of, p, related)
            data(f"pratiche/{p.slug}/index.json", practice_json, site, p, self.urls)
        streamed("dati/pratiche.json", practices_json, site, self.urls)
        data("dati/pratiche.csv", practices_csv, site, self.urls)
        if self.urls.origin:  # identifiers and locations that must be absolute addresses
            data("dati/catalogo.jsonld", dcat_catalogue, site, self.urls)
            data("feed.xml", atom_feed, site, self.urls)
        data("robots.txt", robots, self.urls)
        counts: dict[str, int] = {}
        for p in site.practices:
            counts[p.ambito.nome] = counts.get(p.ambito.nome, 0) + 1
        page(
            "mappa/index.html",
            "map.html",
            title="Mappa delle pratiche",
            description="La Puglia divisa nei 45 Ambiti territoriali sociali, colorati secondo il "
            "numero di pratiche del catalogo.",
            breadcrumbs=[("Mappa", None)],
            map=self._map_of_known_ambiti(),
            counts=counts,
            classes=CLASSES,
            shade=shade,
            ambiti=sorted(site.territories.ambiti.values(), key=lambda a: fold(a.nome)),
        )
        page(
            "dati/index.html",
            "data.html",
            title="Dati aperti",
            description="Le pratiche del catalogo come dati aperti: JSON, CSV, schema JSON e "
            "descrizione DCAT-AP_IT, con licenza CC BY 4.0.",
            breadcrumbs=[("Dati aperti", None)],
            columns=CSV_COLUMNS,
            json_columns=JSON_COLUMNS,
        )
        page(
            "aree/index.html",
            "areas.html",
            title="Aree tematiche",
            description="Le pratiche per area tematica dell'Avviso e per area "
            "strategica del V Piano regionale delle Politiche sociali.",
            breadcrumbs=[("Aree", None)],
        )
        for kind, facets in (
            ("Area tematica dell'Avviso", site.aree_tematiche),
            ("Area strategica del V Piano", site.aree_strategiche),
        ):
            for facet in facets:
                page(
                    f"aree/{facet.slug}/index.html",
                    "area.html",
                    title=facet.etichetta,
                    description=f"{kind}: {facet.descrizione or facet.etichetta}",
                    breadcrumbs=[("Aree", self.urls.url("aree/")), (facet.etichetta, None)],
                    facet=facet,
                    kind=kind,
                )
        page(
            "territori/index.html",
            "territories.html",
            title="Territori",
            description="I Comuni, gli Ambiti territoriali sociali e le province che hanno pratiche nel catalogo.",
            breadcrumbs=[("Territori", None)],
        )
        # How many practices each Ambito replicates or wants to (the catalogue's 'replica' facet).
        replicated = Counter(value for p in site.practices for value in BY_KEY["replica"].values(p))
        for tp in site.territory_pages:
            name = tp.territory.denominazione
            own = getattr(tp.territory, "ambito", None) or getattr(tp.territory, "nome", "")
            page(
                territory_path(tp.territory) + "index.html",
                "territory.html",
                title=name,
                description=f"Le buone pratiche di welfare locale: {name}.",
                breadcrumbs=[("Territori", self.urls.url("territori/")), (name, None)],
                territory=tp.territory,
                practices=tp.practices,
                replicating=tp.replicating,
                replicated_by_ambito=replicated.get(slugify(str(own)), 0),
            )
        page(
            "festival/index.html",
            "festival_index.html",
            title="Festival delle buone pratiche",
            description="Le edizioni del Festival delle buone pratiche del welfare locale.",
            breadcrumbs=[("Festival", None)],
        )
        for edition in site.editions:
            page(
                f"festival/{edition.anno}/index.html",
                "festival_edition.html",
                title=f"{edition.data.titolo} {edition.anno}",
                description=f"{edition.data.edizione}ª edizione, {edition.data.citta}, "
                f"{italian_date(edition.data.data)}.",
                breadcrumbs=[("Festival", self.urls.url("festival/")), (str(edition.anno), None)],
                updated=edition.aggiornata,
                edition=edition,
                practices=site.practices_in(edition.anno),
            )
        schema = practice_schema(
            site.vocabularies, site.territories, self.urls.absolute("dati/schema/pratica.schema.json")
        )
        data("dati/schema/pratica.schema.json", _json_bytes, schema)
        exported = self.urls.absolute("dati/schema/pratica-export.schema.json")
        data(
            "dati/schema/pratica-export.schema.json",
            _json_bytes,
            export_schema(site.vocabularies, site.territories, exported),
        )
        page(
            "proponi/index.html",
            "proponi.html",
            title="Come proporre una pratica",
            description="Come segnalare al catalogo una buona pratica di welfare locale di un "
            "Comune o di un Ambito territoriale sociale della Puglia.",
            breadcrumbs=[("Proponi una pratica", None)],
            keys=[k for k in keys_of(Practice) if not k.automatic],
            editor=not self.editor.missing(),
        )
        page(
            "accessibilita/index.html",
            "accessibility.html",
            title="Accessibilità",
            description="Come il catalogo rispetta le regole di accessibilità (WCAG 2.1 AA) e come "
            "segnalare un problema.",
            breadcrumbs=[("Accessibilità", None)],
        )
        self._plan_editor(jobs)
        page(
            "404.html",
            "404.html",
            title="Pagina non trovata",
            description="La pagina cercata non esiste.",
            breadcrumbs=[("Pagina non trovata", None)],
        )
        return jobs

    def _plan_editor(self, jobs: dict[str, Callable[[], Output]]) -> None:
        """/admin/: the web editor when it can log in, otherwise a page that says what is missing."""
        path = "admin/index.html"
        title, description = "Editor web", "L'editor web della redazione per aggiungere e correggere le schede."
        missing = self.editor.missing()
        try:
            files = [] if missing else editor_files(NODE_MODULES, self.theme)
        except EditorMissing as exc:
            missing = [str(exc)]
        if missing:
            jobs[path] = functools.partial(
                self.page,
                path,
                "admin/non-configurato.html",
                title=title,
                description=description,
                breadcrumbs=[(title, None)],
                missing=missing,
            )
            return
        for ready in files:
            jobs[ready.path] = functools.partial(_ready, ready)
        app = {f.path.rsplit("/", 1)[1]: self.urls.url(f.path) for f in files if f.path.startswith("admin/app-")}
        decap = next(f.path for f in files if f.path.endswith("/decap-cms.js"))
        config = cms_config(self.site, self.editor, site_url=self.urls.absolute())
        jobs["admin/config.yml"] = functools.partial(_data, "admin/config.yml", _yaml_bytes, config)
        stylesheets = [self.urls.url(css) for css in self.styles.stylesheets] + [self.asset("css/site.css")]
        templates = {"practice_content.html": (self.theme / "templates" / "practice_content.html").read_text("utf-8")}
        data = json_ld(editor_data(self.site, self.urls.base_path, stylesheets, templates, unplaced_keys(self.theme)))
        proxy = urlsplit(self.editor.proxy_url or "")
        extra = f" {proxy.scheme}://{proxy.netloc}" if proxy.netloc else ""
        jobs[path] = functools.partial(
            self.page,
            path,
            "admin/editor.html",
            title=title,
            description=description,
            csp=ADMIN_CSP.format(extra=extra),
            data=data,
            config_url=self.urls.url("admin/config.yml"),
            scripts=[
                app["avvio.js"],
                self.urls.url(decap),
                *(self.urls.url(f"admin/vendor/{name}") for _, name in ADMIN_VENDOR),
            ],
            module=app["catalogo-cms.js"],
        )


def _yaml_bytes(config: dict[str, Any]) -> bytes:
    return dump_config(config).encode("utf-8")


def _ready(output: Output) -> Output:
    return output


def _data(path: str, make: Callable[..., bytes], *args: Any) -> Output:
    return Output(path, make(*args))


def _json_bytes(value: Any) -> bytes:
    return dumps(value).encode("utf-8")
