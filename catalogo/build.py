"""The build, top to bottom: read and check everything, plan every file, make them (on every core),
check every internal link, then swap the new site in. Nothing is written before the content is
known to be valid, and a failed build leaves the previous site untouched.

The command line (``build``) calls ``build()``; so do the benchmarks. The dev server makes the
same files with the same Renderer, in memory (site/serve.py).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from catalogo.content import paths
from catalogo.content.documents import display_path, parse_yaml_file
from catalogo.content.load import load_site
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.npm import NODE_MODULES, NpmMissing
from catalogo.core.output import Output
from catalogo.core.stopwatch import Stopwatch
from catalogo.core.urls import Urls
from catalogo.core.workers import forked, inherited, worker_count
from catalogo.printed.pdf import PdfFile, PdfMissing, make_pdfs
from catalogo.printed.pdf import links as pdf_links
from catalogo.printed.volumes import plan_volumes
from catalogo.search.analysis import Analysed, AnalysisPart, Merger, analyse_part
from catalogo.search.assets import catalogue_assets
from catalogo.search.lunr import Analyser, clear_caches, load_stop_words
from catalogo.search.related import Choice
from catalogo.site.links import LinkIndex, LinkState, locate_in_sources
from catalogo.site.pages import Job
from catalogo.site.problems import RenderError, attempt, render_problem, sources
from catalogo.site.render import PUBLICATION_FILE, Renderer
from catalogo.site.styles import start_styles
from catalogo.site.write import Staging, WriteError, WriteFile, check_paths, write_file

THEME = Path(__file__).resolve().parent.parent / "theme"
# Work per task sent to a worker: enough to make the round trip cheap, little enough to share it out.
CHUNK = 64  # files
PRACTICES_PER_TASK = 32
FRAGMENTS = ".sezioni"  # the publication's sections, inside the staging folder; removed before the swap


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


def build(
    content: Path, out: Path, options: BuildOptions = BuildOptions(), theme: Path = THEME, write: WriteFile = write_file
) -> BuildResult:
    """Build the site in ``content`` into ``out``. ``write`` stores one file (a seam for the tests)."""
    stopwatch = Stopwatch()
    styles = start_styles(theme)  # PurgeCSS in Node, on another core while the content is read
    try:
        with stopwatch.lap("lettura e controllo"):
            loaded = load_site(content)
        if not loaded.ok or loaded.site is None:
            return BuildResult(loaded.diagnostics, loaded.files, stopwatch=stopwatch, failed="contenuti")
        site = _with_repository(loaded.site, options.repository)
        base_url = options.base_url or site.settings.base_url
        notes = [] if Urls.from_base_url(base_url).origin else [relative_base_note(content)]
        with stopwatch.lap("volumi in PDF"):
            pdfs = _volumes(site, options, theme, Urls.from_base_url(base_url))
        with stopwatch.lap("tema"):
            renderer = Renderer(site, theme, base_url, styles.result(), volumes=pdf_links(pdfs))
        with Staging(out, write) as staging:
            links = _make_site(renderer, pdfs, staging, options.workers, stopwatch)
            with stopwatch.lap("collegamenti interni"):
                broken = links.problems(lambda page: (staging.path / page).read_text(encoding="utf-8"))
                broken = locate_in_sources(broken, out.as_posix(), sources(site))
            if broken:
                return BuildResult(
                    loaded.diagnostics + broken, loaded.files, stopwatch=stopwatch, failed="collegamenti"
                )
            staging.commit()
    except RenderError as exc:
        return BuildResult(loaded.diagnostics + [exc.diagnostic], loaded.files, stopwatch=stopwatch, failed="modelli")
    except (NpmMissing, WriteError, PdfMissing) as exc:
        return BuildResult(loaded.diagnostics, loaded.files, problem=str(exc), stopwatch=stopwatch, failed="problem")
    finally:
        styles.close()
    return BuildResult(
        loaded.diagnostics + notes, loaded.files, len(links.pages), len(site.practices), stopwatch=stopwatch, built=True
    )


def _make_site(
    renderer: Renderer, pdfs: list[PdfFile], staging: Staging, workers: int, stopwatch: Stopwatch
) -> LinkIndex:
    """Every file of the site, written into ``staging``. Tasks make the files that do not need the
    search index, each practice's page, record and section of the publication, and each practice's
    analysis for the index; this process takes its share of them, builds the index from the analyses
    while the workers make the rest, then the pages that need it, the volumes and the sitemap.
    Returns every file's links."""
    site = renderer.site
    (staging.path / FRAGMENTS).mkdir()
    links = LinkIndex(renderer.urls, staging.out.as_posix())
    jobs = renderer.plan_pages()  # planned once, inherited by the workers
    renderer.load_templates()  # and compiled once
    stop_words = load_stop_words(NODE_MODULES)
    with stopwatch.lap("pratiche simili (preparazione)"):
        choice = Choice(site, stop_words)  # inherited: each task chooses for its own practices
    with Workers(renderer, jobs, (choice, stop_words), staging, links, workers, stopwatch) as pool:
        del choice  # the tasks hold it until the practices are made
        with stopwatch.lap("avvio delle pagine"):
            pool.start()
        with stopwatch.lap("pagine delle pratiche (anche qui)"):
            pool.help(until=pool.practice_tasks)
            analysed = pool.analysed()  # the publication becomes a task: every section is made
            pool.release()
        with stopwatch.lap("indice di ricerca"):
            search = catalogue_assets(site, analysed=analysed)  # meanwhile the workers make the rest
            del analysed
        with stopwatch.lap("pagine e file che usano l'indice"):
            search_jobs = renderer.search_jobs(search)
            for path, job in search_jobs.items():
                write_made(staging, links, path, job, site)
        with stopwatch.lap("altre pagine (anche qui) e attesa"):
            pool.help()
            pool.finish()
    with stopwatch.lap("volumi e mappa del sito"):
        sitemap = [paths.SITEMAP] if renderer.urls.origin else []
        practice_files = [f for p in site.practices for f in paths.practice_files(p)]
        planned = [*jobs, *practice_files, *search_jobs, PUBLICATION_FILE]
        check_paths([*planned, *(pdf.path for pdf in pdfs), *sitemap])
        for pdf in pdfs:
            write_made(staging, links, pdf.path, functools.partial(Output, pdf.path, pdf.data), site)
        if sitemap:  # a sitemap lists absolute addresses (sitemaps.org)
            write_made(staging, links, paths.SITEMAP, functools.partial(renderer.sitemap, planned), site)
        shutil.rmtree(staging.path / FRAGMENTS)
    return links


def _volumes(site: Site, options: BuildOptions, theme: Path, urls: Urls) -> list[PdfFile]:
    if not options.pdf:
        return []
    volumes = plan_volumes(site, festival_only=options.pdf == "festival")
    return make_pdfs(volumes, site, theme, NODE_MODULES, urls, options.workers)


def _with_repository(site: Site, repository: str | None) -> Site:
    """The site with the GitHub repository the command line names instead of the settings' one."""
    if not repository:
        return site
    return dataclasses.replace(site, settings=site.settings.model_copy(update={"repository": repository}))


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


def write_made(staging: Staging, links: LinkIndex, path: str, job: Callable[[], Output], site: Site) -> None:
    """Make a file and write it, gathering its links on the way. A file written in pieces is made
    while it is written: a mistake then is still a RenderError at the template's line (or at the
    content file), never a traceback; a failing disk stays a WriteError."""
    try:
        output = job()
        staging.write(Output(output.path, stream=functools.partial(links.passing, output)))
    except (WriteError, RenderError):
        raise
    except Exception as exc:  # reported as a Diagnostic, whatever it is
        raise RenderError(render_problem(exc, path, site)) from None


# ---- the workers ----


@dataclass
class _Inherited:
    """What a task needs, inherited by the workers when they are forked (and used here too)."""

    renderer: Renderer
    jobs: dict[str, Job]
    staging: Staging
    by_slug: dict[str, PracticeRecord]
    stop_words: frozenset[str]
    choice: Choice | None  # let go by this process once its practices are made (80 MB at 10,000)
    sections: int = 0  # the publication's fragments
    analyser: tuple[int, Analyser] | None = None  # (process id, its Analyser): terms are per process
    sent: int = 0  # the terms this process's tasks have sent so far


# One task: (fragment number or None, files, the practices' slugs, position of the first in by_title).
Task = tuple[int | None, list[str], list[str], int]
Made = tuple[int, float, LinkState, AnalysisPart | None]  # process id, seconds, links, analysis


def _task(number: int | None, files: list[str], slugs: list[str], first: int) -> Made:
    """One task: the files at ``files``; the pages and records of the practices ``slugs`` (by_title
    from position ``first``), with their 'Pratiche simili', their sections of the publication, into
    fragment ``number`` (joined in order by the publication's task), and their analysis for the
    search index. Returns the links the files hold."""
    started = time.process_time()
    state: _Inherited = inherited()
    renderer, site = state.renderer, state.renderer.site
    links = LinkIndex(renderer.urls, "")
    for path in files:
        job = functools.partial(_publication, state) if path == PUBLICATION_FILE else state.jobs[path]
        write_made(state.staging, links, path, job, site)
    if not slugs:
        return os.getpid(), time.process_time() - started, links.state(), None
    assert state.choice is not None  # practices' tasks come before release()
    related = state.choice.related(slugs)
    practices = [state.by_slug[slug] for slug in slugs]
    sections = []
    for p in practices:
        for path, job in renderer.practice_files(p, related[p.slug]).items():
            write_made(state.staging, links, path, job, site)
        sections.append(attempt(functools.partial(renderer.publication_section, p), PUBLICATION_FILE, site))
    (state.staging.path / FRAGMENTS / f"{number:06d}.html").write_text("".join(sections), encoding="utf-8")
    if state.analyser is None or state.analyser[0] != os.getpid():
        state.analyser, state.sent = (os.getpid(), Analyser(state.stop_words)), 0
    part = analyse_part(site, state.analyser[1], state.sent, first, practices)
    state.sent = part[1]
    return os.getpid(), time.process_time() - started, links.state(), part


def _publication(state: _Inherited) -> Output:
    """The printable publication, once every section is in its fragment."""
    fragments = state.staging.path / FRAGMENTS
    count = state.sections
    return state.renderer.publication(
        lambda: ((fragments / f"{n:06d}.html").read_text(encoding="utf-8") for n in range(count))
    )


class Workers:
    """Tasks made by worker processes and by this one (one process per core), or here alone
    (``workers=-1``, or in a process running threads: see core/workers.py).

    Tasks wait in a queue: each worker is given two at a time (a callback gives it the next), so this
    process can take the others whenever it has nothing else to do. Results are taken in task order,
    so the output does not depend on which process made what."""

    def __init__(
        self,
        renderer: Renderer,
        jobs: dict[str, Job],
        related: tuple[Choice, frozenset[str]],  # 'Pratiche simili' and the index's stop words
        staging: Staging,
        links: LinkIndex,
        workers: int,
        stopwatch: Stopwatch,
    ) -> None:
        self.renderer = renderer
        self.jobs = jobs
        self.links = links  # where the tasks' links go, in task order
        self.merger = Merger(len(renderer.site.practices))  # where their analyses go
        by_slug = {p.slug: p for p in renderer.site.practices}
        self.state = _Inherited(renderer, jobs, staging, by_slug, related[1], related[0])
        self.count = worker_count(workers)
        self.stopwatch = stopwatch
        self.practice_tasks = 0
        self.publication = -1  # its task's number, once it is one
        self.taken = 0  # the tasks whose results were taken
        self.queue: deque[tuple[int, Task]] = deque()
        self.results: list[Future[Made] | Made | None] = []
        self.lock = threading.RLock()
        self.closed = False
        self._forked = forked(self.count, self.state)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        self.pool = self._forked.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.closed = True
        self._forked.__exit__(*exc)  # type: ignore[arg-type]

    def start(self) -> None:
        """Every planned file, and every practice's files, section and analysis, in tasks: a
        practice's page, record, section and analysis go together (its text is then read once)."""
        by_title = [p.slug for p in self.renderer.site.by_title]
        tasks: list[Task] = [
            (n, [], by_title[k : k + PRACTICES_PER_TASK], k)
            for n, k in enumerate(range(0, len(by_title), PRACTICES_PER_TASK))
        ]
        self.state.sections = self.practice_tasks = len(tasks)  # before the workers are forked
        rest = list(self.jobs)
        tasks += [(None, rest[k : k + CHUNK], [], 0) for k in range(0, len(rest), CHUNK)]
        self.results = [None] * len(tasks)
        self.queue.extend(enumerate(tasks))
        with self.lock:
            for _ in range(2 * self.count):
                self._feed()

    def _feed(self) -> None:
        """One more task for a worker (the lock held)."""
        if self.pool is None or self.closed or not self.queue:
            return
        number, task = self.queue.popleft()
        future = self.pool.submit(_task, *task)
        self.results[number] = future
        future.add_done_callback(self._done)

    def _done(self, _: Future[Made]) -> None:
        with self.lock:
            self._feed()

    def help(self, until: int | None = None) -> None:
        """Make waiting tasks here (only those numbered below ``until``), while there are."""
        while True:
            with self.lock:
                if not self.queue or (until is not None and self.queue[0][0] >= until):
                    return
                number, task = self.queue.popleft()
            self.results[number] = _task(*task)
            self._take(wait=False)

    def _take(self, wait: bool, upto: int | None = None) -> None:
        """Take the tasks' results in task order, as far as they are made (all below ``upto`` if
        ``wait``): their links into the build's LinkIndex, their analyses into the Merger, each let
        go at once (10,000 pages' links held per task would take twice the room)."""
        upto = len(self.results) if upto is None else upto
        while self.taken < upto:
            item = self.results[self.taken]
            if item is None or (isinstance(item, Future) and not item.done() and not wait):
                return
            process, seconds, state, part = item.result() if isinstance(item, Future) else item
            self.results[self.taken] = None
            kind = (
                "pratiche" if part is not None else "pubblicazione" if self.taken == self.publication else "altri file"
            )
            self.stopwatch.task(kind, process == os.getpid(), seconds)
            self.links.merge(state)
            if part is not None:
                self.merger.add(process, part)
            del item, state, part
            self.taken += 1

    def analysed(self) -> Analysed:
        """Every practice's analysis, once the practices' tasks are made; the publication then
        becomes one more task, every section being in its fragment."""
        self._take(wait=True, upto=self.practice_tasks)
        with self.lock:
            self.publication = len(self.results)
            self.results.append(None)
            self.queue.append((self.publication, (None, [PUBLICATION_FILE], [], 0)))
            self._feed()
        analysed, self.merger = self.merger.analysed(), Merger(0)
        return analysed

    def release(self) -> None:
        """This process's practices are made: let go of what only their tasks needed."""
        self.state.choice, self.state.analyser = None, None
        clear_caches()

    def finish(self) -> None:
        """Every task's links, once every task is made."""
        self._take(wait=True)
