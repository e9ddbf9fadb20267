"""Site records -> HTML pages and files, as in-memory outputs (nothing touches disk here).

pages.py says which pages and files the site has; the Renderer makes each of them, and the files
that need more than the records: the practices' pages with their 'Pratiche simili', the catalogue's
list pages with the search index, the publication with every practice's section, the sitemap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from catalogo.content import paths
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.output import Output, fingerprinted
from catalogo.core.urls import Urls
from catalogo.editors.decap import PRACTICES_COLLECTION, Backend
from catalogo.editors.doors import correction_url
from catalogo.opendata.exports import practice_json
from catalogo.opendata.feeds import sitemap
from catalogo.search.assets import CatalogueAssets
from catalogo.search.related import Related
from catalogo.site.downloads import VolumeLink
from catalogo.site.pages import Job, Page, admin_files, data_files, site_pages, streamed_files
from catalogo.site.styles import Styles
from catalogo.site.templates import CSP, environment
from catalogo.site.webdata import practice_ld

PUBLICATION_FILE = paths.page_file(paths.PUBLICATION)
# Where the practices' sections go in the publication's page (an HTML comment no content can hold:
# the publication's template writes it, never a value).
SECTIONS_MARK = "<!-- catalogo: sezioni delle pratiche -->"
RelatedBySlug = Mapping[str, tuple[Related, ...]]

# Without JavaScript the catalogue lists its practices this many to a page (10,000 in one page
# would be a 6 MB download before the search could even start).
LIST_PAGE = 100


class Renderer:
    """Makes the site's files from its records, with the theme's templates and styles."""

    def __init__(
        self,
        site: Site,
        theme: Path,
        base_url: str,
        styles: Styles,
        editor: Backend | None = None,
        volumes: tuple[VolumeLink, ...] = (),
    ) -> None:
        self.site = site
        self.theme = theme
        # Where the web editor at /admin/ saves (None: from the settings, as a plain build does).
        self.editor = editor or Backend.from_settings(site.settings)
        self.urls = Urls.from_base_url(base_url)
        self.assets = _fingerprint_assets(theme / "static")
        self.styles = styles
        self.env = environment(site, theme, self.urls)
        # The printed volumes (build --pdf): the publication, festival and data pages list them.
        self.env.globals.update(
            asset=self.asset,
            stylesheets=styles.stylesheets,
            csp=CSP,
            volumes=volumes,
            correction_url=self.correction_url,
        )

    def correction_url(self, p: PracticeRecord) -> str | None:
        """The practice's entry in the web editor when it can log in, else its file on GitHub."""
        entry = None
        if not self.editor.missing():
            entry = self.urls.url(paths.ADMIN) + f"#/collections/{PRACTICES_COLLECTION}/entries/{p.slug}"
        return correction_url(self.site.settings, entry, p)

    def asset(self, name: str) -> str:
        return self.urls.url(self.assets[name].path)

    def _context(self, page: Page) -> dict[str, Any]:
        crumbs = [("Home", self.urls.url())] + [
            (name, None if path is None else self.urls.url(path)) for name, path in page.breadcrumbs
        ]
        file = paths.page_file(page.path)
        return {
            "json_ld": None,
            "og_type": "website",
            **page.context,
            "page_title": page.title,
            "description": page.description,
            "breadcrumbs": crumbs,
            "updated": page.updated or self.site.aggiornato,
            "page_path": file,
            "canonical": self.urls.absolute(paths.page_of(file)),
        }

    def page(self, page: Page) -> Output:
        html = self.env.get_template(page.template).render(self._context(page))
        return Output(paths.page_file(page.path), html.encode("utf-8"))

    # ---- the plan ----

    def load_templates(self) -> None:
        """Every page template, compiled (or read from the bytecode cache) now: a build's workers
        are forked after this and find them ready."""
        for template in sorted((self.theme / "templates").glob("*.html")):
            self.env.get_template(template.name)

    def plan_pages(self) -> dict[str, Job]:
        """Every file that needs neither the search index nor 'Pratiche simili' (all but the index,
        the catalogue's list pages, the practices' own files, the publication and the sitemap): what
        the build's workers make while the index is computed."""
        jobs: dict[str, Job] = {}
        admin, admin_page = admin_files(self)
        for ready in (*self.assets.values(), *self.styles.outputs, *admin):
            jobs[ready.path] = functools.partial(_ready, ready)
        for page in [*site_pages(self), admin_page]:
            jobs[paths.page_file(page.path)] = functools.partial(self.page, page)
        for path, make in data_files(self).items():
            jobs[path] = functools.partial(_made, path, make)
        jobs.update(streamed_files(self))
        return jobs

    def plan(self, search: CatalogueAssets, related: RelatedBySlug) -> dict[str, Job]:
        """Every file of the site as a job that makes it: the dev server runs those the browser asks
        for. (The build runs the same jobs in parts, see build.py.)"""
        jobs = self.plan_pages()
        for p in self.site.practices:
            for path, job in self.practice_files(p, related[p.slug]).items():
                jobs[path] = job
        jobs.update(self.search_jobs(search))
        jobs[PUBLICATION_FILE] = functools.partial(
            self.publication, lambda: (self.publication_section(p) for p in self.site.by_title)
        )
        if self.urls.origin:
            jobs[paths.SITEMAP] = functools.partial(self.sitemap, list(jobs))
        return jobs

    # ---- the practices ----

    def practice_files(self, p: PracticeRecord, related: tuple[Related, ...]) -> dict[str, Job]:
        """A practice's page, with its 'Pratiche simili', and its JSON record."""
        return {
            paths.page_file(paths.practice_path(p)): functools.partial(self.practice_page, p, related),
            paths.practice_data_path(p): functools.partial(
                _made, paths.practice_data_path(p), functools.partial(practice_json, self.site, p, self.urls)
            ),
        }

    def practice_page(self, p: PracticeRecord, related: tuple[Related, ...]) -> Output:
        page = Page(
            paths.practice_path(p),
            "practice.html",
            p.titolo,
            p.data.sintesi,
            (("Pratiche", paths.PRACTICES), (p.titolo, None)),
            p.aggiornata,
            {"p": p, "related": related, "json_ld": practice_ld(self.site, p, self.urls), "og_type": "article"},
        )
        return self.page(page)

    def publication_section(self, p: PracticeRecord) -> str:
        """One practice of the printable publication (a worker makes it with the practice's page:
        the body's HTML is rendered once for both)."""
        return self.env.get_template("publication_section.html").render(p=p)

    def publication(self, sections: Callable[[], Iterable[str]]) -> Output:
        """The printable publication: cover and table of contents, every practice's section, the
        footer; written in pieces of about 64 KB (100 MB at 10,000 practices)."""
        html = self.page(
            Page(
                paths.PUBLICATION,
                "publication.html",
                "Pubblicazione",
                "Tutte le pratiche del catalogo in un unico documento da stampare o salvare in PDF.",
                (("Pubblicazione", None),),
                context={"sections": SECTIONS_MARK},
            )
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

        return Output(PUBLICATION_FILE, stream=pieces)

    def sitemap(self, files: Iterable[str]) -> Output:
        """Every page but the 404 and the web editor, with its date."""
        site = self.site
        pages = [
            paths.page_of(file)
            for file in files
            if file.endswith(".html") and file != paths.NOT_FOUND and not file.startswith(paths.ADMIN)
        ]
        dated = {paths.practice_path(p): p.aggiornata for p in site.practices}
        return Output(
            paths.SITEMAP, sitemap(sorted((path, dated.get(path, site.aggiornato)) for path in pages), self.urls)
        )

    # ---- what needs the search index ----

    def search_jobs(self, search: CatalogueAssets) -> dict[str, Job]:
        """The files that need the search index: the index itself and the catalogue's list pages."""
        site = self.site
        jobs: dict[str, Job] = {ready.path: functools.partial(_ready, ready) for ready in search.outputs}
        listing = list(site.by_title)
        chunks = [listing[i : i + LIST_PAGE] for i in range(0, len(listing), LIST_PAGE)] or [[]]
        addresses = [paths.list_page_path(n) for n in range(1, len(chunks) + 1)]
        for number, (chunk, path) in enumerate(zip(chunks, addresses, strict=True), start=1):
            first = number == 1
            page = Page(
                path,
                "practices.html",
                "Pratiche" if first else f"Pratiche, pagina {number}",
                f"Cerca e filtra le {len(site.practices)} buone pratiche del catalogo "
                "per area, territorio, destinatari, stato e replicabilità."
                + ("" if first else f" Elenco alfabetico, pagina {number} di {len(chunks)}."),
                (("Pratiche", None),) if first else (("Pratiche", paths.PRACTICES), (f"Pagina {number}", None)),
                context={
                    "search": search,
                    "listed": chunk,
                    "page_number": number,
                    "page_count": len(chunks),
                    "page_urls": [self.urls.url(a) for a in addresses],
                },
            )
            jobs[paths.page_file(path)] = functools.partial(self.page, page)
        return jobs


def _fingerprint_assets(static: Path) -> dict[str, Output]:
    """The theme's own files with content-hashed names: a changed file gets a new URL, so caches
    never serve stale CSS."""
    found: dict[str, Output] = {}
    if not static.is_dir():
        return found
    for file in sorted(p for p in static.rglob("*") if p.is_file()):
        rel = file.relative_to(static).as_posix()
        found[rel] = fingerprinted(f"static/{rel}", file.read_bytes())
    return found


def _ready(output: Output) -> Output:
    return output


def _made(path: str, make: Callable[[], bytes]) -> Output:
    return Output(path, make())
