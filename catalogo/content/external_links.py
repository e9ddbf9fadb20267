"""``check --link-esterni``: are the sources and external links still reachable? Opt-in, never in CI."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from catalogo.content.records import Site
from catalogo.core.diagnostics import Diagnostic

USER_AGENT = "catalogo-buone-pratiche (controllo dei collegamenti)"
TIMEOUT = 15
_HREF = re.compile(r'href="(https?://[^"]+)"')


def external_links(site: Site) -> dict[str, str]:
    """Every external URL, with the content file it comes from (first one, in file order)."""
    found: dict[str, str] = {}
    for p in site.practices:
        site_url = p.data.contatti.sito if p.data.contatti else None
        urls = [*p.data.fonti, *((site_url,) if site_url else ()), *_HREF.findall(p.body_html)]
        for url in urls:
            found.setdefault(url.replace("&amp;", "&"), p.source)
    for e in site.editions:
        for url in [*e.data.fonti, *((e.data.iscrizione,) if e.data.iscrizione else ()), *_HREF.findall(e.body_html)]:
            found.setdefault(url.replace("&amp;", "&"), e.source)
    return found


def probe(url: str) -> str | None:
    """None if the address answers, else why not (in Italian)."""
    # Imported here: urllib.request imports ssl, 30 ms of the start of every command, while only
    # this opt-in check goes on the network (python -X importtime).
    import urllib.error
    import urllib.request

    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT):
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some servers refuse HEAD: ask again with GET
            return f"il server risponde {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"non raggiungibile ({reason})"
    return "non raggiungibile"


def check_external(site: Site, workers: int = 8) -> list[Diagnostic]:
    links = external_links(site)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = dict(zip(links, pool.map(probe, links), strict=True))
    diags = []
    for url, problem in sorted(results.items()):
        if problem is None:
            continue
        source = links[url]
        line, col = 1, 1
        try:
            for number, text in enumerate(Path(source).read_text(encoding="utf-8-sig").splitlines(), start=1):
                if url in text:
                    line, col = number, text.index(url) + 1
                    break
        except OSError:
            pass
        diags.append(Diagnostic(source, line, col, "", f"collegamento esterno non valido '{url}': {problem}"))
    return diags
