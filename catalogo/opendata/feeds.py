"""Files that announce the catalogue to readers and crawlers: the Atom feed, the sitemap, robots.txt."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from catalogo.content import paths
from catalogo.content.paths import practice_path
from catalogo.content.records import PracticeRecord, ResolvedReplica, Site, TerritoryPage
from catalogo.core.urls import Urls

# xml.sax.saxutils' escape and quoteattr, byte for byte, without importing that module: it imports
# urllib.request, which imports ssl, 30 ms of every build's start (python -X importtime).
_ATTRIBUTE_SPACES = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def quoteattr(value: str) -> str:
    text = escape(value).translate(_ATTRIBUTE_SPACES)
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else '"' + text.replace('"', "&quot;") + '"'


def _atom_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: a practice, or a territory's replication of one."""

    id: str
    title: str
    link: str
    updated: dt.datetime
    summary: str
    published: dt.date | None = None
    category: tuple[str, str] | None = None  # term and label


def practice_entry(site: Site, p: PracticeRecord, urls: Urls) -> Entry:
    """A practice: its page's address as its id, published on 'pubblicata', updated by its last commit."""
    link = urls.absolute(practice_path(p)) or ""
    area = (p.data.area_tematica, site.label("area_tematica", p.data.area_tematica))
    return Entry(link, p.titolo, link, p.updated_at, p.data.sintesi, p.data.pubblicata, area)


def replica_entry(site: Site, p: PracticeRecord, r: ResolvedReplica, urls: Urls) -> Entry:
    """A territory that replicates a practice or wants to: its id under the practice's page; updated when
    the practice's file last changed (the change that added or moved it)."""
    link = urls.absolute(practice_path(p)) or ""
    state = site.label("stato_replica", r.replica.stato)
    year = f" ({r.replica.anno})" if r.replica.anno else ""
    return Entry(
        f"{link}#replica-{r.territorio.slug}",
        f"{r.territorio.denominazione}: {state.lower()}{year} per «{p.titolo}»",
        link,
        p.updated_at,
        f"{r.territorio.denominazione}: {state.lower()}{year} per la pratica «{p.titolo}» "
        f"({p.territorio.denominazione}).",
    )


def _entry(e: Entry) -> str:
    published = f"    <published>{e.published.isoformat()}T00:00:00Z</published>\n" if e.published else ""
    category = (
        f"    <category term={quoteattr(e.category[0])} label={quoteattr(e.category[1])}/>\n" if e.category else ""
    )
    return (
        "  <entry>\n"
        f"    <id>{escape(e.id)}</id>\n"
        f"    <title>{escape(e.title)}</title>\n"
        f'    <link rel="alternate" type="text/html" href={quoteattr(e.link)}/>\n'
        + published
        + f"    <updated>{_atom_time(e.updated)}</updated>\n"
        f"    <summary>{escape(e.summary)}</summary>\n" + category + "  </entry>\n"
    )


def atom_feed(
    site: Site,
    urls: Urls,
    entries: Sequence[Entry] | None = None,
    title: str = "",
    page: str = paths.HOME,
    feed: str = paths.FEED,
) -> bytes:
    """A feed of ``entries`` (the whole catalogue's practices when None), newest first, for the page
    at ``page``. Ids are the pages' own addresses on the site's host (RFC 4287 wants ids their
    publisher controls), so a feed needs the absolute address; 'updated' is the time of the commit
    that last changed the practice."""
    home = urls.absolute(page)
    if home is None:
        raise ValueError("the Atom feed needs the site's absolute address")
    if entries is None:  # the whole catalogue: every practice, newest 'pubblicata' first
        entries = [practice_entry(site, p, urls) for p in site.latest]
    else:
        entries = sorted(entries, key=lambda e: (e.published or e.updated.date(), e.updated, e.id), reverse=True)
    newest = [e.updated for e in entries]
    updated = max(newest) if newest else dt.datetime.combine(site.date, dt.time(), dt.UTC)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">\n'
        f"  <id>{escape(home)}</id>\n"
        f"  <title>{escape(title or site.settings.titolo)}</title>\n"
        f"  <subtitle>{escape(site.settings.sottotitolo)}</subtitle>\n"
        f'  <link rel="alternate" type="text/html" href={quoteattr(home)}/>\n'
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(urls.absolute(feed) or "")}/>\n'
        f"  <updated>{_atom_time(updated)}</updated>\n"
        f"  <author><name>{escape(site.settings.editore)}</name></author>\n"
        f"  <rights>{escape(site.settings.licenza)}</rights>\n" + "".join(_entry(e) for e in entries) + "</feed>\n"
    ).encode("utf-8")


def territory_entries(site: Site, tp: TerritoryPage, urls: Urls) -> list[Entry]:
    """What concerns a territory: its practices, the replications of them, and the practices it
    replicates or wants to."""
    found: dict[str, Entry] = {}
    for p in tp.practices:
        entry = practice_entry(site, p, urls)
        found.setdefault(entry.id, entry)
        for r in p.repliche:
            entry = replica_entry(site, p, r, urls)
            found.setdefault(entry.id, entry)
    for p, r in tp.replicating:
        entry = replica_entry(site, p, r, urls)
        found.setdefault(entry.id, entry)
    return list(found.values())


def sitemap(pages: list[tuple[str, dt.date | None]], urls: Urls) -> bytes:
    rows = []
    for path, lastmod in pages:
        loc = urls.absolute(path) or urls.url(path)
        mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        rows.append(f"  <url><loc>{escape(loc)}</loc>{mod}</url>\n")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "".join(rows) + "</urlset>\n"
    ).encode("utf-8")


def robots(urls: Urls) -> bytes:
    lines = ["User-agent: *", "Allow: /", f"Disallow: {urls.url('admin/')}"]  # the web editor
    sitemap_url = urls.absolute("sitemap.xml")
    if sitemap_url:
        lines.append(f"Sitemap: {sitemap_url}")
    return ("\n".join(lines) + "\n").encode("utf-8")
