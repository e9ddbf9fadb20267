"""Every internal link and anchor of the generated pages must lead somewhere."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .diagnostics import Diagnostic
from .output import Output
from .urls import Urls

# Every attribute the site writes is double-quoted, and its text has '<', '>' and '"' escaped
# (Jinja's autoescape, nh3's serializer, JSON-LD's \\u003c): a regular expression finds them all,
# far faster than an HTML parser on the 1,000-practice publication page.
_ATTR = re.compile(r'\s(href|src|action|id)="([^"]*)"')


class _Collector:
    """Links (with their offset, turned into a line only for a broken one) and anchors of a page."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()
        for attr in _ATTR.finditer(text):
            value = attr.group(2)
            if "&" in value:
                value = html.unescape(value)
            if attr.group(1) == "id":
                self.ids.add(value)
            else:
                self.links.append((value, attr.start()))

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def _target_file(path: str) -> str:
    return path + "index.html" if path == "" or path.endswith("/") else path


LinkCache = dict[str, tuple[bytes, "_Collector"]]


def locate_in_sources(diags: list[Diagnostic], out_label: str,
                      sources: dict[str, str]) -> list[Diagnostic]:
    """Point a broken link at the content file and line where an editor wrote it, when one did.

    ``sources`` maps an output page (``pratiche/x/index.html``) to its content file.
    """
    located = []
    for d in diags:
        page = d.path.removeprefix(out_label + "/")
        href = d.message.split("'")[1] if "'" in d.message else ""
        source = sources.get(page)
        if source and href:
            try:
                lines = Path(source).read_text(encoding="utf-8-sig").splitlines()
            except OSError:
                lines = []
            for number, line in enumerate(lines, start=1):
                if href in line:
                    d = Diagnostic(source, number, line.index(href) + 1, "", d.message, d.severity)
                    break
        located.append(d)
    return located


def check_links(outputs: Sequence[Output], urls: Urls, out_label: str,
                cache: LinkCache | None = None) -> list[Diagnostic]:
    """Broken internal links and anchors; with a cache, unchanged pages are not parsed again."""
    files = {o.path for o in outputs}
    pages = {o.path: o for o in outputs if o.path.endswith(".html")}
    parsed: LinkCache = cache if cache is not None else {}

    def parse(path: str) -> _Collector:
        data = pages[path].data
        if path not in parsed or parsed[path][0] != data:
            parsed[path] = (data, _Collector(data.decode("utf-8")))
        return parsed[path][1]

    resolved: dict[tuple[str, str], tuple[str, str, str] | None] = {}

    def resolve(page_url: str, href: str) -> tuple[str, str, str] | None:
        """(target file, fragment, problem) of an internal link; None for an external one."""
        key = ("", href) if href.startswith("/") and not href.startswith("//") else (page_url, href)
        if key not in resolved:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                resolved[key] = None
            else:
                absolute = urlsplit(urljoin(page_url, href))
                target_path = unquote(absolute.path)
                if not target_path.startswith(urls.base_path):
                    resolved[key] = ("", "", "fuori")
                else:
                    resolved[key] = (_target_file(target_path[len(urls.base_path):]), absolute.fragment, "")
        return resolved[key]

    diags: list[Diagnostic] = []
    for path in sorted(pages):
        page_url = urls.url(path.removesuffix("index.html"))
        collector = parse(path)
        for href, offset in collector.links:
            found = resolve(page_url, href)
            if found is None:
                continue
            target, fragment, problem = found
            shown = f"{out_label}/{path}"
            if problem:
                diags.append(Diagnostic(shown, collector.line(offset), 1, "",
                                        f"collegamento interno fuori dal sito: '{href}'"))
            elif target not in files:
                diags.append(Diagnostic(shown, collector.line(offset), 1, "", f"collegamento interno non valido: "
                                        f"'{href}' non porta a nessuna pagina del sito"))
            elif fragment and target in pages and unquote(fragment) not in parse(target).ids:
                diags.append(Diagnostic(shown, collector.line(offset), 1, "", f"collegamento interno non valido: "
                                        f"la pagina di '{href}' non ha l'ancora '#{fragment}'"))
    return diags
