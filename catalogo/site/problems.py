"""Where a failure while making a file comes from, as a located problem: the template's file and
line, or else the content file the page is made of. Every path that makes a file goes through
here (pages, data files streamed while written, the publication, the sitemap, the printed volumes,
the dev server), so no template or content mistake ends in a traceback."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from catalogo.content import paths
from catalogo.content.documents import display_path
from catalogo.content.records import Site
from catalogo.core.diagnostics import Diagnostic

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".md", ".css")


class RenderError(Exception):
    """A file could not be made: the template line (or the content file) that caused it, as a
    Diagnostic, the same from a worker process as from this one (it pickles as its diagnostic)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic)
        self.diagnostic = diagnostic


T = TypeVar("T")


def attempt(job: Callable[[], T], path: str, site: Site) -> T:
    """``job()``, or a RenderError at the line that failed while making ``path``, whatever it raised."""
    try:
        return job()
    except RenderError:
        raise
    except Exception as exc:  # reported as a Diagnostic, whatever it is
        raise RenderError(render_problem(exc, path, site)) from None


def sources(site: Site) -> dict[str, str]:
    """Each page an editor's file makes, for pointing a problem at the file they wrote."""
    found = {path: p.source for p in site.practices for path in paths.practice_files(p)}
    found.update({paths.page_file(paths.festival_path(e.anno)): e.source for e in site.editions})
    return found


def render_problem(exc: BaseException, path: str, site: Site) -> Diagnostic:
    """Where an exception while making ``path`` comes from: the theme's template and line (Jinja puts
    them in the traceback), or else the content file the page is made of."""
    what = f"{type(exc).__name__}: {exc}"
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename and lineno:  # a template's syntax error
        return Diagnostic(display_path(Path(filename)), lineno, 1, "", f"errore nel modello: {what} (file {path})")
    template = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.endswith(TEMPLATE_SUFFIXES) and "templates" in Path(frame.filename).parts
    ]
    if template:
        frame = template[-1]
        return Diagnostic(
            display_path(Path(frame.filename)), frame.lineno or 1, 1, "", f"errore nel modello: {what} (file {path})"
        )
    source = sources(site).get(path) or next((p.source for p in site.practices if f"/{p.slug}/" in path), "")
    return Diagnostic(source or path, 1, 1, "", f"errore imprevisto mentre si generava {path}: {what}")
