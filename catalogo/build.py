"""The build, top to bottom: read and check everything, plan every file, make them (on every core),
check every internal link, then swap the new site in. Nothing is written before the content is
known to be valid, and a failed build leaves the previous site untouched.

The command line (``build``) calls ``build()``; so do the benchmarks. The dev server makes the
same files with the same Renderer, in memory (site/serve.py).
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from catalogo.content import paths
from catalogo.content.documents import display_path, parse_yaml_file
from catalogo.content.load import load_site
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.npm import NODE_MODULES
from catalogo.core.output import Output
from catalogo.core.stopwatch import Stopwatch
from catalogo.core.urls import Urls
from catalogo.core.workers import forked, inherited, worker_count
from catalogo.printed.pdf import PdfFile, PdfMissing, make_pdfs
from catalogo.printed.pdf import links as pdf_links
from catalogo.printed.volumes import plan_volumes
from catalogo.search.assets import AssetsMissing, catalogue_assets
from catalogo.search.lunr import StopWordsMissing, load_stop_words
from catalogo.search.related import Chosen, related_slugs, resolve
from catalogo.site.links import LinkIndex, LinkState, locate_in_sources
from catalogo.site.pages import Job
from catalogo.site.problems import RenderError, render_problem, sources
from catalogo.site.render import PUBLICATION_FILE, Renderer
from catalogo.site.styles import StylesMissing, start_styles
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
    except (AssetsMissing, StylesMissing, StopWordsMissing, WriteError, PdfMissing) as exc:
        return BuildResult(loaded.diagnostics, loaded.files, problem=str(exc), stopwatch=stopwatch, failed="problem")
    finally:
        styles.close()
    return BuildResult(
        loaded.diagnostics + notes, loaded.files, len(links.pages), len(site.practices), stopwatch=stopwatch, built=True
    )


def _make_site(
    renderer: Renderer, pdfs: list[PdfFile], staging: Staging, workers: int, stopwatch: Stopwatch
) -> LinkIndex:
    """Every file of the site, written into ``staging``: the pages that do not need the search index
    in worker processes while this one builds the index; then the pages that need it, the
    publication, the volumes and the sitemap. Returns every file's links."""
    site = renderer.site
    (staging.path / FRAGMENTS).mkdir()
    links = LinkIndex(renderer.urls, staging.out.as_posix())
    jobs = renderer.plan_pages()  # planned once, inherited by the workers
    practice_files = [
        f for p in site.practices for f in (paths.page_file(paths.practice_path(p)), paths.practice_data_path(p))
    ]
    with Workers(renderer, jobs, load_stop_words(NODE_MODULES), staging, workers) as pool:
        with stopwatch.lap("pratiche simili e avvio delle pagine"):
            pending = pool.start()  # pages, data and publication sections
        with stopwatch.lap("indice di ricerca"):
            search = catalogue_assets(site)  # meanwhile, here
        with stopwatch.lap("pagine e file che usano l'indice"):
            search_jobs = renderer.search_jobs(search)
            for path, job in search_jobs.items():
                write_made(staging, links, path, job, site)
        with stopwatch.lap("attesa delle altre pagine"):
            for state in pool.finish(pending):
                links.merge(state)
    with stopwatch.lap("pubblicazione e mappa del sito"):
        sitemap = [paths.SITEMAP] if renderer.urls.origin else []
        planned = [*jobs, *practice_files, *search_jobs, PUBLICATION_FILE]
        check_paths([*planned, *(pdf.path for pdf in pdfs), *sitemap])
        publication = functools.partial(renderer.publication, lambda: pool.sections(staging.path))
        write_made(staging, links, PUBLICATION_FILE, publication, site)
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


def _attempt(job: Callable[[], str], path: str, site: Site) -> str:
    try:
        return job()
    except Exception as exc:  # reported as a Diagnostic, whatever it is
        raise RenderError(render_problem(exc, path, site)) from None


# ---- the workers ----


@dataclass(frozen=True)
class _Inherited:
    """What a worker needs, inherited when it is forked."""

    renderer: Renderer
    jobs: dict[str, Job]
    staging: Staging
    by_slug: dict[str, PracticeRecord]


def _choose_related(stop_words: frozenset[str]) -> Chosen:
    """'Pratiche simili', chosen in a worker: at 10,000 practices the choice needs 80 MB for a moment,
    which the main process, about to build the search index, does better without."""
    state: _Inherited = inherited()
    return related_slugs(state.renderer.site, stop_words)


def _task(number: int | None, files: list[str], slugs: list[str], chosen: Chosen) -> LinkState:
    """One task: the files at ``files``; the pages and records of the practices ``slugs``, with their
    'Pratiche simili' (``chosen``), and their sections of the publication, into fragment ``number``
    (joined in order by the main process). Returns the links the files hold."""
    state: _Inherited = inherited()
    renderer, site = state.renderer, state.renderer.site
    links = LinkIndex(renderer.urls, "")
    for path in files:
        write_made(state.staging, links, path, state.jobs[path], site)
    related = resolve(state.by_slug, chosen)
    sections = []
    for slug in slugs:
        p = state.by_slug[slug]
        for path, job in renderer.practice_files(p, related[slug]).items():
            write_made(state.staging, links, path, job, site)
        sections.append(_attempt(functools.partial(renderer.publication_section, p), PUBLICATION_FILE, site))
    if number is not None:
        (state.staging.path / FRAGMENTS / f"{number:06d}.html").write_text("".join(sections), encoding="utf-8")
    return links.state()


class Workers:
    """The files that do not need the search index, made by worker processes while this one builds
    the index (one process per core), or here, one after the other (``workers=-1``, or in a process
    running threads: see core/workers.py)."""

    def __init__(
        self, renderer: Renderer, jobs: dict[str, Job], stop_words: frozenset[str], staging: Staging, workers: int
    ) -> None:
        self.renderer = renderer
        self.jobs = jobs
        self.stop_words = stop_words
        self.state = _Inherited(renderer, jobs, staging, {p.slug: p for p in renderer.site.practices})
        self.count = worker_count(workers)
        self.sections_made = 0
        self._forked = forked(self.count, self.state)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        self.pool = self._forked.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._forked.__exit__(*exc)  # type: ignore[arg-type]

    def start(self) -> list[Future[LinkState]] | list[LinkState]:
        """Every planned file and every practice's files and section of the publication, in tasks: a
        practice's page, record and section go together (its body's HTML is then made once)."""
        by_title = [p.slug for p in self.renderer.site.by_title]
        practices = [
            (n, by_title[k : k + PRACTICES_PER_TASK]) for n, k in enumerate(range(0, len(by_title), PRACTICES_PER_TASK))
        ]
        self.sections_made = len(practices)
        rest = list(self.jobs)
        others = [rest[k : k + CHUNK] for k in range(0, len(rest), CHUNK)]
        if self.pool is None:
            chosen = related_slugs(self.renderer.site, self.stop_words)
            made = [_task(n, [], slugs, {s: chosen[s] for s in slugs}) for n, slugs in practices]
            return made + [_task(None, files, [], {}) for files in others]
        choosing = self.pool.submit(_choose_related, self.stop_words)
        later = [self.pool.submit(_task, None, files, [], {}) for files in others]
        chosen = choosing.result()  # meanwhile the other workers make the other pages
        first = [self.pool.submit(_task, n, [], slugs, {s: chosen[s] for s in slugs}) for n, slugs in practices]
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
