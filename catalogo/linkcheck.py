"""Every internal link and anchor of the generated pages must lead somewhere."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .diagnostics import Diagnostic
from .output import Output
from .urls import Urls

_NEWLINE = re.compile("\n")
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>")
_ATTR = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')
_LINK_TAGS = {"a", "link", "script", "img", "form", "source", "use"}
_LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
               ("form", "action"), ("source", "src"), ("use", "href")}


class _Collector:
    """Links (with their line) and anchors of one generated page.

    A regular expression is enough, and far faster than an HTML parser on the 1,000-practice
    publication page: every attribute the site writes is double-quoted, and its text has '<',
    '>' and '"' escaped (Jinja's autoescape, nh3's serializer, JSON-LD's \\u003c).
    """

    def __init__(self, text: str) -> None:
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()
        newlines = [m.start() for m in _NEWLINE.finditer(text)]
        for tag in _TAG.finditer(text):
            name = tag.group(1).lower()
            attributes = tag.group(2)
            if "id=" not in attributes and "name=" not in attributes and name not in _LINK_TAGS:
                continue
            for attr in _ATTR.finditer(attributes):
                key, value = attr.group(1).lower(), html.unescape(attr.group(2))
                if key in ("id", "name") and name not in ("meta", "input"):
                    self.ids.add(value)
                if (name, key) in _LINK_ATTRS:
                    self.links.append((value, bisect.bisect_left(newlines, tag.start()) + 1))


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

    diags: list[Diagnostic] = []
    for path in sorted(pages):
        page_url = urls.url(path.removesuffix("index.html"))
        for href, line in parse(path).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            absolute = urlsplit(urljoin(page_url, href))
            target_path = unquote(absolute.path)
            shown = f"{out_label}/{path}"
            if not target_path.startswith(urls.base_path):
                diags.append(Diagnostic(shown, line, 1, "", f"collegamento interno fuori dal sito: '{href}'"))
                continue
            target = _target_file(target_path[len(urls.base_path):])
            if target not in files:
                diags.append(Diagnostic(shown, line, 1, "", f"collegamento interno non valido: "
                                        f"'{href}' non porta a nessuna pagina del sito"))
            elif absolute.fragment and target in pages and unquote(absolute.fragment) not in parse(target).ids:
                diags.append(Diagnostic(shown, line, 1, "", f"collegamento interno non valido: "
                                        f"la pagina di '{href}' non ha l'ancora '#{absolute.fragment}'"))
    return diags
