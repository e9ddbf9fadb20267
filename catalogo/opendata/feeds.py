"""Files that announce the catalogue to readers and crawlers: the Atom feed, the sitemap, robots.txt."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from catalogo.content.paths import practice_path
from catalogo.content.records import Site
from catalogo.core.urls import Urls


def _atom_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(site: Site, urls: Urls) -> bytes:
    """Newest practices first (by 'pubblicata'). Ids are the pages' own addresses on the site's
    host (RFC 4287 wants ids their publisher controls), so the feed needs the absolute address;
    'updated' is the time of the commit that last changed the practice."""
    home = urls.absolute()
    if home is None:
        raise ValueError("the Atom feed needs the site's absolute address")
    entries = []
    for p in site.latest:
        link = urls.absolute(practice_path(p)) or ""
        entries.append(
            "  <entry>\n"
            f"    <id>{escape(link)}</id>\n"
            f"    <title>{escape(p.titolo)}</title>\n"
            f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>\n'
            f"    <published>{p.data.pubblicata.isoformat()}T00:00:00Z</published>\n"
            f"    <updated>{_atom_time(p.updated_at)}</updated>\n"
            f"    <summary>{escape(p.data.sintesi)}</summary>\n"
            f"    <category term={quoteattr(p.data.area_tematica)} "
            f"label={quoteattr(site.label('area_tematica', p.data.area_tematica))}/>\n"
            "  </entry>\n"
        )
    newest = [p.updated_at for p in site.practices]
    updated = max(newest) if newest else dt.datetime.combine(site.date, dt.time(), dt.UTC)
    self_link = urls.absolute("feed.xml") or ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">\n'
        f"  <id>{escape(home)}</id>\n"
        f"  <title>{escape(site.settings.titolo)}</title>\n"
        f"  <subtitle>{escape(site.settings.sottotitolo)}</subtitle>\n"
        f'  <link rel="alternate" type="text/html" href={quoteattr(home)}/>\n'
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(self_link)}/>\n'
        f"  <updated>{_atom_time(updated)}</updated>\n"
        f"  <author><name>{escape(site.settings.editore)}</name></author>\n"
        f"  <rights>{escape(site.settings.licenza)}</rights>\n" + "".join(entries) + "</feed>\n"
    ).encode("utf-8")


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
