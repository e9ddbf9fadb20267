"""Every internal link and anchor of the generated pages must lead somewhere."""

from __future__ import annotations

import html
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from catalogo.content.paths import page_file, page_of
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.output import Output
from catalogo.core.urls import Urls

# Every attribute the site writes is double-quoted, and its text has '<', '>' and '"' escaped
# (Jinja's autoescape, nh3's serializer, JSON-LD's \\u003c): a regular expression finds them all,
# far faster than an HTML parser on the 1,000-practice publication page. An attribute is the name
# after white space ('data-id' is not 'id'); a value holds no '"', so no match hides inside another.
_ATTR = re.compile(r'\s(href|src|action|id)="([^"]*)"')
_LINK_NAMES = ("href", "src", "action")
# Each name after a space, alone: a pattern that starts with a literal is searched for in C at
# memchr speed, and findall hands the values back with no Python step per match (a 1,000-practice
# site has 92,000): 0.30 s instead of 0.39 s for the check of a 1,000-practice site.
_VALUES = {name: re.compile(" " + name + '="([^"]*)"') for name in (*_LINK_NAMES, "id")}


def _values(text: str, name: str) -> list[str]:
    """The values of ``name`` attributes in ``text``, as _ATTR finds them."""
    occurrences = text.count(name + '="')
    if not occurrences:
        return []
    found = _VALUES[name].findall(text)
    if len(found) == occurrences:  # every occurrence is one: after a space
        return found
    return [value for attribute, value in _ATTR.findall(text) if attribute == name]


# What a worker process gathered, for LinkIndex.merge: files, pages, each page's ids, and each
# distinct link's pages.
LinkState = tuple[set[str], list[str], dict[str, frozenset[str]], dict[Any, "array[int]"]]


_EXTERNAL = ("https://", "http://", "mailto:", "tel:")
# What urljoin and urlsplit would change in an address written from the site's root (dot segments,
# white space and control characters they drop, a backslash): such an address takes the long way.
_PLAIN_PATH = re.compile(r"/(?!/)[^\\\x00-\x20]*")


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class LinkIndex:
    """Links and anchors of the pages, gathered one page at a time, checked once all are known.

    Only what the check needs is kept: the files, each page's ids, and per distinct link the
    numbers of the pages that hold it, so 10,000 pages are checked in a few megabytes while they
    are written; where a broken link stands in its page is looked for only when there is one.
    """

    def __init__(self, urls: Urls, out_label: str) -> None:
        self.urls = urls
        self.out_label = out_label
        self.files: set[str] = set()
        self.pages: list[str] = []
        self.ids: dict[str, frozenset[str]] = {}
        self.links: dict[tuple[str, str, str, str], array[int]] = {}  # (target, fragment, href as written, problem)
        self._resolved: dict[tuple[str, str], tuple[str, str, str] | None] = {}

    def _resolve(self, page_url: str, href: str) -> tuple[str, str, str] | None:
        """(target file, fragment, problem) of an internal link; None for an external one."""
        if href.startswith(_EXTERNAL):
            return None
        if href.startswith("#"):  # this page's own anchor: no need to resolve it against the page
            key = (page_url, "")
            own = self._resolved.get(key, False)
            if own is False:
                own = self._resolved[key] = self._resolve(page_url, page_url)
            return (own[0], href[1:], own[2]) if isinstance(own, tuple) else None
        key = ("", href) if href.startswith("/") and not href.startswith("//") else (page_url, href)
        found = self._resolved.get(key, False)
        if found is False:
            if _PLAIN_PATH.fullmatch(href) and "/." not in href:
                # From the root, with nothing urljoin would rewrite: its path and fragment as written.
                rest, _, fragment = href.partition("#")
                target_path = rest.partition("?")[0]
                if "%" in target_path:
                    target_path = unquote(target_path)
            elif urlsplit(href).scheme or href.startswith("//"):
                self._resolved[key] = None
                return None
            else:
                absolute = urlsplit(urljoin(page_url, href))
                target_path, fragment = unquote(absolute.path), absolute.fragment
            if not target_path.startswith(self.urls.base_path):
                found = ("", "", "fuori")
            else:
                found = (page_file(target_path[len(self.urls.base_path) :]), fragment, "")
            self._resolved[key] = found
        return found  # type: ignore[return-value]

    def add(self, output: Output) -> None:
        for _ in self.passing(output):
            pass

    def passing(self, output: Output) -> Iterator[bytes]:
        """The output's pieces, scanned as they go by: a file is written and its links gathered in
        one pass (the publication is 100 MB at 10,000 practices)."""
        self.files.add(output.path)
        if not output.path.endswith(".html"):
            yield from output.pieces()
            return
        number = len(self.pages)
        self.pages.append(output.path)
        page_url = self.urls.url(page_of(output.path))
        ids: set[str] = set()
        seen: set[str] = set()
        # Pieces may cut a tag in two: scan up to the last '>' and carry the rest over.
        carry = ""
        for piece in output.pieces():
            text = carry + piece.decode("utf-8")
            cut = text.rfind(">") + 1
            self._scan(text[:cut], number, page_url, ids, seen)
            carry = text[cut:]
            yield piece
        self._scan(carry, number, page_url, ids, seen)
        self.ids[output.path] = frozenset(ids)

    def _scan(self, text: str, number: int, page_url: str, ids: set[str], seen: set[str]) -> None:
        for value in _values(text, "id"):
            ids.add(html.unescape(value) if "&" in value else value)
        links = self.links
        for name in _LINK_NAMES:
            for written in set(_values(text, name)).difference(seen):
                seen.add(written)
                found = self._resolve(page_url, html.unescape(written) if "&" in written else written)
                if found is not None:
                    key = (found[0], found[1], written, found[2])
                    where = links.get(key)
                    if where is None:
                        where = links[key] = array("I")
                    where.append(number)

    def state(self) -> LinkState:
        """What another process gathered, to merge() here."""
        return self.files, self.pages, self.ids, self.links

    def merge(self, state: LinkState) -> None:
        files, pages, ids, links = state
        shift = len(self.pages)
        self.files |= files
        self.pages += pages
        self.ids.update(ids)
        for key, where in links.items():
            self.links.setdefault(key, array("I")).extend(number + shift for number in where)

    def problems(self, read_page: Callable[[str], str]) -> list[Diagnostic]:
        """Broken links, each where it stands in its page (``read_page`` gives a page's text back)."""
        found: dict[int, list[tuple[str, str]]] = {}  # page number -> (href as written, message)
        for (target, fragment, written, problem), where in self.links.items():
            href = html.unescape(written)
            if problem:
                message = f"collegamento interno fuori dal sito: '{href}'"
            elif target not in self.files:
                message = f"collegamento interno non valido: '{href}' non porta a nessuna pagina del sito"
            elif (
                fragment
                and not fragment.startswith("/")
                and target in self.ids
                and unquote(fragment) not in self.ids[target]
            ):
                message = f"collegamento interno non valido: la pagina di '{href}' non ha l'ancora '#{fragment}'"
            else:
                continue
            for number in where:
                found.setdefault(number, []).append((written, message))
        diags = []
        for number, broken in found.items():
            page = self.pages[number]
            text = read_page(page)
            for written, message in broken:
                at = re.compile(r'\s(?:href|src|action)="' + re.escape(written) + '"')
                for match in at.finditer(text):
                    diags.append(Diagnostic(f"{self.out_label}/{page}", _line(text, match.start()), 1, "", message))
        return sorted(diags)


def locate_in_sources(diags: list[Diagnostic], out_label: str, sources: dict[str, str]) -> list[Diagnostic]:
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


def check_links(outputs: Sequence[Output], urls: Urls, out_label: str) -> list[Diagnostic]:
    """Broken internal links and anchors of outputs held in memory (the dev server, the tests)."""
    index = LinkIndex(urls, out_label)
    pages = {}
    for output in outputs:
        index.add(output)
        pages[output.path] = output
    return index.problems(lambda path: pages[path].content().decode("utf-8"))
