"""The build, top to bottom: read and check everything, plan every file, make them (on every core),
check every internal link, then swap the new site in. Nothing is written before the content is
known to be valid, and a failed build leaves the previous site untouched.

The command line (``build``) calls ``build()``; so do the benchmarks. The dev server makes the
same files with the same Renderer, in memory (serve.py).
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
import shutil
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from catalogo.content.documents import display_path, parse_yaml_file
from catalogo.content.load import load_site
from catalogo.content.records import Site
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.npm import NODE_MODULES
from catalogo.core.output import Output
from catalogo.core.stopwatch import Stopwatch
from catalogo.core.urls import Urls
from catalogo.printed.pdf import PdfMissing, make_pdfs
from catalogo.printed.pdf import links as pdf_links
from catalogo.printed.volumes import plan_volumes
from catalogo.search.assets import AssetsMissing, catalogue_assets
from catalogo.search.lunr import StopWordsMissing, load_stop_words
from catalogo.search.related import Chosen, Related, related_slugs, resolve
from catalogo.site.links import LinkIndex, LinkState, locate_in_sources
from catalogo.site.mapsvg import load_map
from catalogo.site.render import PUBLICATION, SITEMAP, Related_, Renderer
from catalogo.site.styles import StylesMissing, start_styles
from catalogo.site.write import Staging, WriteError, WriteFile, check_paths, write_file

THEME = Path(__file__).resolve().parent.parent / "theme"
T = TypeVar("T")
# Work per task sent to a worker: enough to make the round trip cheap, little enough to share it out.
CHUNK = 64  # files
PRACTICES_PER_TASK = 32


@dataclass(frozen=True)
class BuildOptions:
    base_url: str | None = None  # where the site will live (default: base_url of content/sito.yml)
    repository: str | None = None  # the GitHub repository of the issue forms and the web editor
    workers: int = 0  # worker processes beside this one; 0: one per other core; -1: this process alone
    pdf: str = ""  # the printed volumes too: 'tutti', or 'festival' (the editions' volumes only)


@dataclass(frozen=True)
class BuildResult:
    diagnostics: list[Diagnostic]  # content problems (warnings too), broken links, template errors
    files: int  # content files read
    pages: int = 0
    practices: int = 0
    problem: str = ""  # a failure that is not the content's: npm files missing, an output folder refused
    stopwatch: Stopwatch = field(default_factory=Stopwatch)
    built: bool = False
    failed: str = ""  # what stopped it: 'contenuti', 'modelli' or 'collegamenti' (or 'problem')


def relative_base_note(content: Path) -> Diagnostic:
    """Said when the site has no absolute address: what the build then leaves out, and why."""
    settings = content / "sito.yml"
    doc, _ = parse_yaml_file(settings.read_bytes(), display_path(settings))
    line, column = doc.pos(("base_url",), key=True) if doc else (1, 1)
    return Diagnostic(
        display_path(settings),
        line,
        column,
        "base_url",
        "indirizzo del sito relativo: sitemap.xml, feed.xml e dati/catalogo.jsonld non sono generati "
        "perché richiedono indirizzi completi; per la pubblicazione usa --base-url https://...",
        "avviso",
    )


class RenderError(Exception):
    """A page could not be made: the template line (or the content file) that caused it, as a
    Diagnostic, the same from a worker process as from this one."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic)
        self.diagnostic = diagnostic


def build(
    content: Path, out: Path, options: BuildOptions = BuildOptions(), theme: Path = THEME, write: WriteFile = write_file
) -> BuildResult:
    """Build the site in ``content`` into ``out``. ``write`` stores one file (a seam for the tests)."""
    stopwatch = Stopwatch()
    start_styles(theme)  # PurgeCSS in Node, on another core while the content is read
    with stopwatch.lap("lettura e controllo"):
        loaded = load_site(content)
    if not loaded.ok or loaded.site is None:
        return BuildResult(loaded.diagnostics, loaded.files, stopwatch=stopwatch, failed="contenuti")
    site = loaded.site
    if options.repository:
        site = dataclasses.replace(site, settings=site.settings.model_copy(update={"repository": options.repository}))
    base_url = options.base_url or site.settings.base_url
    notes = [] if Urls.from_base_url(base_url).origin else [relative_base_note(content)]
    try:
        map_data = load_map(content)
        pdfs = []
        if options.pdf:
            with stopwatch.lap("volumi in PDF"):
                volumes = plan_volumes(site, festival_only=options.pdf == "festival")
                pdfs = make_pdfs(
                    volumes, site, theme, NODE_MODULES, Urls.from_base_url(base_url), map_data, options.workers
                )
        with stopwatch.lap("tema"):
            renderer = Renderer(site, theme, base_url, map_data=map_data, volumes=pdf_links(pdfs))
        stop_words = load_stop_words(NODE_MODULES)
        with Staging(out, write) as staging:
            (staging.path / FRAGMENTS).mkdir()
            links = LinkIndex(renderer.urls, out.as_posix())
            related: dict[str, tuple[Related, ...]] = {}  # filled by the tasks that make practice pages
            jobs = renderer.plan_without_search(related)  # planned once, inherited by the workers
            with Workers(renderer, jobs, related, stop_words, staging, options.workers) as workers:
                with stopwatch.lap("pratiche simili e avvio delle pagine"):
                    pending = workers.start(list(jobs))  # pages, data and publication sections
                with stopwatch.lap("indice di ricerca"):
                    search = catalogue_assets(site)  # meanwhile, here
                with stopwatch.lap("pagine e file che usano l'indice"):
                    search_jobs = renderer.search_jobs(search)
                    for path, job in search_jobs.items():
                        _write(staging, links, _attempt(job, path, site))
                with stopwatch.lap("attesa delle altre pagine"):
                    for state in workers.finish(pending):
                        links.merge(state)
            with stopwatch.lap("pubblicazione e mappa del sito"):
                sitemap = [SITEMAP] if renderer.urls.origin else []
                check_paths([*jobs, *search_jobs, PUBLICATION, *(pdf.path for pdf in pdfs), *sitemap])
                _write(staging, links, renderer.publication(lambda: workers.sections(staging.path)))
                for pdf in pdfs:
                    _write(staging, links, Output(pdf.path, pdf.data))
                if renderer.urls.origin:  # a sitemap lists absolute addresses (sitemaps.org)
                    _write(staging, links, renderer.sitemap([*jobs, *search_jobs, PUBLICATION]))
                shutil.rmtree(staging.path / FRAGMENTS)
            with stopwatch.lap("collegamenti interni"):
                broken = links.problems(lambda page: (staging.path / page).read_text(encoding="utf-8"))
                broken = locate_in_sources(broken, out.as_posix(), _sources(site))
            if broken:
                return BuildResult(
                    loaded.diagnostics + broken, loaded.files, stopwatch=stopwatch, failed="collegamenti"
                )
            staging.commit()
    except RenderError as exc:
        return BuildResult(loaded.diagnostics + [exc.diagnostic], loaded.files, stopwatch=stopwatch, failed="modelli")
    except (AssetsMissing, StylesMissing, StopWordsMissing, WriteError, PdfMissing) as exc:
        return BuildResult(loaded.diagnostics, loaded.files, problem=str(exc), stopwatch=stopwatch)
    return BuildResult(
        loaded.diagnostics + notes, loaded.files, len(links.pages), len(site.practices), stopwatch=stopwatch, built=True
    )


def _sources(site: Site) -> dict[str, str]:
    """Each page an editor's file makes, for pointing a broken link at the line they wrote."""
    sources = {f"pratiche/{p.slug}/index.html": p.source for p in site.practices}
    sources.update({f"festival/{e.anno}/index.html": e.source for e in site.editions})
    return sources


def _write(staging: Staging, links: LinkIndex, output: Output) -> None:
    """Write a file, gathering its links on the way."""
    staging.write(Output(output.path, stream=functools.partial(links.passing, output)))


def _attempt(job: Callable[[], T], path: str, site: Site) -> T:
    """Run a job; an error becomes a RenderError at the template line, or at the practice's file."""
    try:
        return job()
    except Exception as exc:  # reported as a Diagnostic, whatever it is
        raise RenderError(render_problem(exc, path, site)) from None


def render_problem(exc: BaseException, path: str, site: Site) -> Diagnostic:
    """Where an exception while making ``path`` comes from: the theme's template and line (Jinja puts
    them in the traceback), or else the content file the page is made of."""
    what = f"{type(exc).__name__}: {exc}"
    template = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.endswith((".html", ".xml", ".txt")) and "templates" in frame.filename
    ]
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename and lineno:  # a template's syntax error
        return Diagnostic(display_path(Path(filename)), lineno, 1, "", f"errore nel modello: {what} (pagina {path})")
    if template:
        frame = template[-1]
        return Diagnostic(
            display_path(Path(frame.filename)), frame.lineno or 1, 1, "", f"errore nel modello: {what} (pagina {path})"
        )
    source = _sources(site).get(path) or next((p.source for p in site.practices if f"/{p.slug}/" in path), "")
    return Diagnostic(source or path, 1, 1, "", f"errore imprevisto mentre si generava {path}: {what}")


# ---- the workers ----

# What a worker needs, inherited when it is forked (nothing is pickled on the way in).
_worker: dict[str, Any] = {}


def _start_worker(
    renderer: Renderer, jobs: Mapping[str, Callable[[], Output]], related: Related_, staging: Staging
) -> None:
    _worker.update(
        renderer=renderer,
        jobs=jobs,
        related=related,  # the jobs look it up: _make fills it
        staging=staging,
        by_slug={p.slug: p for p in renderer.site.practices},
    )


def _choose_related(stop_words: frozenset[str]) -> Chosen:
    """'Pratiche simili', chosen in a worker: at 10,000 practices the choice needs 80 MB for a moment,
    which the main process, about to build the search index, does better without."""
    return related_slugs(_worker["renderer"].site, stop_words)


def _make(number: int | None, paths: list[str], slugs: list[str], chosen: Chosen) -> LinkState:
    """One task: the files at ``paths``, written; the publication's sections of ``slugs``, into
    fragment ``number`` (joined in order by the main process). Returns the links the files hold.
    ``chosen``: 'Pratiche simili' of the practices whose pages are among ``paths``."""
    renderer: Renderer = _worker["renderer"]
    staging: Staging = _worker["staging"]
    _worker["related"].update(resolve(_worker["by_slug"], chosen))
    links = LinkIndex(renderer.urls, "")
    for path in paths:
        _write(staging, links, _attempt(_worker["jobs"][path], path, renderer.site))
    sections = []
    for slug in slugs:
        p = _worker["by_slug"][slug]
        sections.append(_attempt(functools.partial(renderer.publication_section, p), PUBLICATION, renderer.site))
    if number is not None:
        (staging.path / FRAGMENTS / f"{number:06d}.html").write_text("".join(sections), encoding="utf-8")
    return links.state()


FRAGMENTS = ".sezioni"  # inside the staging folder; removed before the swap


def worker_count(requested: int) -> int:
    """Worker processes for a build: ``requested``, or one per core but this one's (0), or none
    (-1, or while this process runs other threads: a lock another thread holds would stay held in a
    forked child)."""
    if requested < 0 or threading.active_count() > 1:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return requested or max(1, cores - 1)


class Workers:
    """The pages that do not need the search index, made by worker processes while this one builds
    the index (one process per core), or here, one after the other (``workers=-1``).

    Workers are forked: they start with the site and the templates already in memory. A process
    running other threads is never forked (a lock held by another thread would stay held in the
    child): the dev server and test harnesses with servers build here."""

    def __init__(
        self,
        renderer: Renderer,
        jobs: Mapping[str, Callable[[], Output]],
        related: Related_,
        stop_words: frozenset[str],
        staging: Staging,
        workers: int,
    ) -> None:
        self.renderer = renderer
        self.stop_words = stop_words
        self.args = (renderer, jobs, related, staging)
        self.count = worker_count(workers)
        self.pool: ProcessPoolExecutor | None = None
        self.sections_made = 0

    def __enter__(self) -> Workers:
        if self.count >= 1:
            self.pool = ProcessPoolExecutor(
                self.count,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker,
                initargs=self.args,
            )
        else:
            _start_worker(*self.args)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        _worker.clear()

    def start(self, paths: list[str]) -> list[Future[LinkState]] | list[LinkState]:
        """Every file at ``paths`` and every practice's section of the publication, in tasks: a
        practice's page, data and section go together (its body's HTML is then made once)."""
        by_title = [p.slug for p in self.renderer.site.by_title]
        own = {slug: [f"pratiche/{slug}/index.html", f"pratiche/{slug}/index.json"] for slug in by_title}
        grouped = {q for pair in own.values() for q in pair}
        rest = [path for path in paths if path not in grouped]
        practices: list[tuple[int, list[str], list[str]]] = []
        for n, k in enumerate(range(0, len(by_title), PRACTICES_PER_TASK)):
            slugs = by_title[k : k + PRACTICES_PER_TASK]
            practices.append((n, [q for slug in slugs for q in own[slug]], slugs))
        self.sections_made = len(practices)
        others = [rest[k : k + CHUNK] for k in range(0, len(rest), CHUNK)]
        if self.pool is None:
            chosen = related_slugs(self.renderer.site, self.stop_words)
            made = [_make(n, files, slugs, {s: chosen[s] for s in slugs}) for n, files, slugs in practices]
            return made + [_make(None, files, [], {}) for files in others]
        choosing = self.pool.submit(_choose_related, self.stop_words)
        later = [self.pool.submit(_make, None, files, [], {}) for files in others]
        chosen = choosing.result()  # meanwhile the other workers make the other pages
        first = [
            self.pool.submit(_make, n, files, slugs, {s: chosen[s] for s in slugs}) for n, files, slugs in practices
        ]
        return first + later  # the order of the tasks, not of their making

    def finish(self, pending: list[Future[LinkState]] | list[LinkState]) -> Iterable[LinkState]:
        """The tasks' links, in task order (the output does not depend on which worker made what),
        each let go once taken: kept in their futures, 10,000 pages' links would be held twice."""
        pending.reverse()
        while pending:
            item = pending.pop()
            yield item.result() if isinstance(item, Future) else item

    def sections(self, staging: Path) -> Iterable[str]:
        """The publication's sections, in the table of contents' order."""
        for number in range(self.sections_made):
            yield (staging / FRAGMENTS / f"{number:06d}.html").read_text(encoding="utf-8")
