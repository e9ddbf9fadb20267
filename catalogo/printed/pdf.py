"""The printed volumes as PDF/UA files, with WeasyPrint (CSS Paged Media): what the Regione prints,
made from the same files as the site, with the same practice template.

Deterministic: the dates written in a PDF come from the content, the identifier is a digest of
the file, and every resource comes from a fixed address that no build folder shows through (a
fetcher serves it from the theme and node_modules and refuses everything else: no network).
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogo.content.records import Site
from catalogo.core.text import fold
from catalogo.core.urls import Urls
from catalogo.core.workers import cores, forked, inherited, worker_count
from catalogo.printed.volumes import Volume
from catalogo.site.downloads import VolumeLink
from catalogo.site.problems import attempt
from catalogo.site.templates import environment

VIRTUAL = "https://volume.invalid/"  # where the volume's stylesheet and fonts are fetched from
FOLDER = "pubblicazione"
FONTS = Path("@fontsource") / "titillium-web" / "files"


class PdfMissing(Exception):
    """WeasyPrint (or the system's Pango) is not installed."""


@dataclass(frozen=True)
class PdfFile:
    volume: Volume
    data: bytes
    pages: int

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.volume.slug}.pdf"


def _fetcher(theme: Path, node_modules: Path) -> Any:
    import weasyprint
    from weasyprint.urls import URLFetcherResponse

    files = {"volume.css": theme / "pdf" / "volume.css"}
    files.update({f"fonts/{p.name}": p for p in (node_modules / FONTS).glob("*.woff2")})

    class Fetcher(weasyprint.URLFetcher):
        """Only the volume's own files, from their fixed address."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            name = url.removeprefix(VIRTUAL)
            if not url.startswith(VIRTUAL) or name not in files:
                raise ValueError(f"risorsa non prevista nel volume: {url}")
            kind = "font/woff2" if name.endswith(".woff2") else mimetypes.guess_type(name)[0] or "text/plain"
            return URLFetcherResponse(url, files[name].read_bytes(), {"Content-Type": kind})

    return Fetcher(fail_on_errors=True)


def _content_date(volume: Volume, site: Site) -> dt.date:
    dates = [p.aggiornata for p in volume.practices]
    if volume.edition is not None:
        dates.append(volume.edition.aggiornata)
    return max(dates, default=site.date)


def _territory_index(volume: Volume) -> list[tuple[str, list[Any]]]:
    """Every Comune and Ambito of the volume, with its practices (the index at the back)."""
    index: dict[str, list[Any]] = {}
    for p in volume.practices:
        for t in p.territori:
            index.setdefault(t.denominazione, []).append(p)
    return sorted(index.items(), key=lambda item: fold(item[0]))


def volume_html(volume: Volume, site: Site, theme: Path, urls: Urls) -> str:
    """The volume as one HTML document (the same practice template as the site's pages)."""
    env = environment(site, theme, urls)
    date = _content_date(volume, site)
    html = env.get_template("volume.html").render(
        volume=volume,
        stylesheets=[VIRTUAL + "volume.css"],
        date=f"{date.isoformat()}T00:00:00+00:00",
        updated=date,
        index=_territory_index(volume),
        site_url=urls.absolute(),
        map=site.map.of_ambiti(site.territories.ambiti) if site.map else None,
    )
    if not urls.origin:
        # Without the site's address a link to one of its pages leads nowhere from a PDF: text only.
        html = re.sub(r' href="/[^"]*"', "", html)
    return html


def make_pdf(volume: Volume, site: Site, theme: Path, node_modules: Path, urls: Urls) -> PdfFile:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the system's Pango is missing
        raise PdfMissing(
            f"per i PDF serve WeasyPrint con Pango ({exc}): esegui 'pip install -e .' e installa "
            "il pacchetto Debian libpango-1.0-0"
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    def make() -> PdfFile:
        html = volume_html(volume, site, theme, urls)
        document = weasyprint.HTML(
            string=html, base_url=urls.absolute() or VIRTUAL, url_fetcher=_fetcher(theme, node_modules)
        ).render()
        data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
        return PdfFile(volume, data, len(document.pages))

    return attempt(make, f"{FOLDER}/{volume.slug}.pdf", site)  # a template's mistake at its line


def _make_one(slug: str) -> tuple[bytes, int]:
    volumes, args = inherited()
    made = make_pdf(volumes[slug], *args)
    return made.data, made.pages


def make_pdfs(
    volumes: Iterable[Volume],
    site: Site,
    theme: Path,
    node_modules: Path,
    urls: Urls,
    workers: int = 0,
) -> list[PdfFile]:
    """Every volume, in worker processes when there are cores to share them (this process only waits
    meanwhile, so one per core). A mistake in a template or a file is a RenderError at its line."""
    volumes = list(volumes)
    args = (site, theme, node_modules, urls)
    count = worker_count(workers or cores(), len(volumes))
    with forked(count if count > 1 else 0, ({v.slug: v for v in volumes}, args)) as pool:
        made = list(pool.map(_make_one, [v.slug for v in volumes])) if pool else [_make_one(v.slug) for v in volumes]
    return [PdfFile(v, data, pages) for v, (data, pages) in zip(volumes, made, strict=True)]


def links(pdfs: Iterable[PdfFile]) -> tuple[VolumeLink, ...]:
    """What the site's pages say of each volume."""
    return tuple(
        VolumeLink(
            p.path,
            p.volume.title,
            p.volume.part,
            p.volume.edition.anno if p.volume.edition else None,
            len(p.data),
            p.pages,
        )
        for p in pdfs
    )
