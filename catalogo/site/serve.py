"""``python build.py serve``: build in memory, serve on 127.0.0.1, rebuild on change, reload the page.

Pages are served from memory (nothing is written to ``_site``). While the content is invalid
the server keeps running and every page shows the list of problems until the file is fixed.
"""

from __future__ import annotations

import html
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from catalogo.content.load import BuildCache, load_site
from catalogo.content.records import Site
from catalogo.core.diagnostics import Diagnostic, errors
from catalogo.core.npm import NpmMissing
from catalogo.core.output import Output
from catalogo.core.text import count_it
from catalogo.core.urls import Urls
from catalogo.editors.decap import Backend
from catalogo.editors.localeditor import CMS_BRANCH, LocalEditor
from catalogo.search.assets import CatalogueAssets, catalogue_assets
from catalogo.search.related import related_practices
from catalogo.site.links import check_links
from catalogo.site.problems import RenderError, attempt
from catalogo.site.render import Renderer
from catalogo.site.styles import PendingStyles, start_styles

RELOAD_PATH = "/__catalogo__/ricarica.js"
VERSION_PATH = "/__catalogo__/versione"
RELOAD_SCRIPT = b"""/* Dev server only: reloads the page when the site is rebuilt. */
(function () {
  "use strict";
  var current = null;
  function check() {
    fetch("/__catalogo__/versione", { cache: "no-store" }).then(function (r) { return r.text(); })
      .then(function (v) {
        if (current !== null && v !== current) { location.reload(); }
        current = v;
      }).catch(function () {}).then(function () { setTimeout(check, 700); });
  }
  check();
})();
"""
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".csv": "text/csv; charset=utf-8",
    ".woff2": "font/woff2",
    ".yml": "text/yaml; charset=utf-8",
    ".wasm": "application/wasm",
}


class LazyFiles(Mapping[str, bytes]):
    """The site's files, each made when first asked for: after an edit the page in the browser
    is back in the time it takes to render that page, not the whole site (Hugo's 'fast render').
    A file that cannot be made raises RenderError, at its template's line."""

    def __init__(self, jobs: dict[str, Callable[[], Output]], site: Site) -> None:
        self._jobs = jobs
        self._site = site
        self._made: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __getitem__(self, path: str) -> bytes:
        job = self._jobs[path]  # KeyError: no such file
        with self._lock:
            if path not in self._made:  # a problem page when it cannot be made
                self._made[path] = attempt(lambda: job().content(), path, self._site)
            return self._made[path]

    def __contains__(self, path: object) -> bool:
        return path in self._jobs  # without making the file (Mapping's own would)

    def __iter__(self) -> Iterator[str]:
        return iter(self._jobs)

    def __len__(self) -> int:
        return len(self._jobs)


@dataclass
class State:
    """The last build, swapped whole under a lock: requests never see half a rebuild."""

    files: Mapping[str, bytes] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, files: Mapping[str, bytes] | None, problems: list[Diagnostic]) -> None:
        with self.lock:
            if files is not None:
                self.files = files
            self.problems = problems
            self.version += 1


def error_page(problems: list[Diagnostic]) -> bytes:
    items = "\n".join(
        f"<li><code>{html.escape(d.path)}:{d.line}:{d.col}</code> <strong>{html.escape(d.severity)}</strong>"
        f"{': ' + html.escape(d.key) if d.key else ''}: {html.escape(d.message)}</li>"
        for d in sorted(problems)
    )
    return f"""<!doctype html>
<html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contenuti da correggere</title>
<link rel="stylesheet" href="/__catalogo__/errori.css"></head>
<body><main><h1>Contenuti da correggere</h1>
<p>Il sito non può essere generato: correggi questi problemi e salva il file. La pagina si aggiorna da sola.</p>
<ol>{items}</ol></main>
<script src="{RELOAD_PATH}" defer></script></body></html>
""".encode()


ERROR_CSS = b"""body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; line-height: 1.5; }
h1 { color: #a61c1c; } li { margin: 0.5rem 0; } code { background: #f0f0f0; padding: 0 0.25em; }"""


class Builder:
    """Incremental rebuilds: unchanged files are not parsed or validated again, and the pages are
    served before the (slower) search index is rebuilt. A mistake in the content or in a template
    becomes the problem page; the next save rebuilds."""

    def __init__(self, content: Path, theme: Path, state: State, log: TextIO, editor: Backend | None = None) -> None:
        self.content = content
        self.editor = editor  # the web editor's backend: decap-server on this machine
        self.theme = theme
        self.state = state
        self.log = log
        self.cache = BuildCache()
        self.search: CatalogueAssets | None = None
        self.styles: PendingStyles | None = None

    def close(self) -> None:
        """Stop what the rebuilds started (a PurgeCSS run still going)."""
        if self.styles is not None:
            self.styles.close()

    def rebuild(self, pages_only: bool = False) -> None:
        """Pages first, made on request with the previous search index; then the index and every
        page, whose internal links are checked (``pages_only``: the first step alone)."""
        started = time.perf_counter()
        self.styles = start_styles(self.theme, previous=self.styles)
        loaded = load_site(self.content, drafts=True, cache=self.cache)
        if not loaded.ok or loaded.site is None:
            self.state.publish(None, loaded.diagnostics)
            self._report(loaded.diagnostics, started, "contenuti non validi: il browser mostra i problemi")
            return
        site = loaded.site
        try:
            reported = self._pages_first(site, loaded.diagnostics, started)
            if reported:
                started = time.perf_counter()
            if not pages_only:
                self.search = catalogue_assets(site, previous=self.search, keep_analysis=True)
                self._render(site, self.search, loaded.diagnostics, started, quiet=reported)
        except NpmMissing as exc:
            self._fail([Diagnostic("node_modules", 1, 1, "", str(exc))], started, "mancano i file del tema o di lunr")
        except RenderError as exc:
            self._fail(loaded.diagnostics + [exc.diagnostic], started, "errore in un modello")

    def _renderer(self, site: Site) -> Renderer:
        assert self.styles is not None
        return Renderer(site, self.theme, "/", self.styles.result(), editor=self.editor)

    def _pages_first(self, site: Site, problems: list[Diagnostic], started: float) -> bool:
        """The pages, made on request, with the previous search index (none yet: nothing to do)."""
        if self.search is None:
            return False
        try:
            renderer = self._renderer(site)
            jobs = renderer.plan(self.search, related_practices(site, self.search.stop_words))
        except NpmMissing:
            raise
        except Exception:  # the full render below reports it at its line
            return False
        self.state.publish(LazyFiles(jobs, site), problems)
        self._report(problems, started, f"pagine: {count_it(len(site.practices), 'pratica', 'pratiche')}")
        return True

    def _render(
        self, site: Site, search: CatalogueAssets, problems: list[Diagnostic], started: float, quiet: bool = False
    ) -> None:
        renderer = self._renderer(site)
        outputs = []
        for path, job in renderer.plan(search, related_practices(site, search.stop_words)).items():
            output = attempt(job, path, site)
            outputs.append(Output(output.path, attempt(output.content, path, site)))  # streamed files too
        broken = check_links(outputs, Urls.from_base_url("/"), "sito")
        if errors(broken):
            self._fail(problems + broken, started, "collegamenti interni non validi")
            return
        self.state.publish({o.path: o.data for o in outputs}, problems + broken)
        made = f"{count_it(len(site.practices), 'pratica', 'pratiche')}, {count_it(len(outputs), 'file', 'file')}"
        self._report([] if quiet else problems + broken, started, f"indice di ricerca, pagine e collegamenti: {made}")

    def _fail(self, problems: list[Diagnostic], started: float, what: str) -> None:
        self.state.publish(None, problems)
        self._report(problems, started, what)

    def _report(self, problems: list[Diagnostic], started: float, what: str) -> None:
        for d in sorted(problems):
            self.log.write(d.format() + "\n")
        self.log.write(f"[{time.strftime('%H:%M:%S')}] Ricostruito in {time.perf_counter() - started:.2f} s: {what}.\n")
        self.log.flush()


def make_handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "catalogo-serve"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == RELOAD_PATH:
                return self._send(200, RELOAD_SCRIPT, TYPES[".js"])
            if path == "/__catalogo__/errori.css":
                return self._send(200, ERROR_CSS, TYPES[".css"])
            with state.lock:
                files, problems, version = state.files, state.problems, state.version
            if path == VERSION_PATH:
                return self._send(200, str(version).encode(), "text/plain")
            relative = path.lstrip("/")
            if relative == "" or relative.endswith("/"):
                relative += "index.html"
            if errors(problems) and relative.endswith(".html"):
                return self._send(500, error_page(problems), TYPES[".html"])
            try:
                body = files.get(relative)
            except RenderError as exc:  # this page's template is wrong: say where, keep serving
                return self._send(500, error_page([exc.diagnostic]), TYPES[".html"])
            status = 200
            if body is None and f"{relative}/index.html" in files:
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            if body is None:
                status, relative, body = 404, "404.html", files.get("404.html", b"Pagina non trovata")
            suffix = Path(relative).suffix
            if suffix == ".html" and not relative.startswith("admin/"):  # a reload would lose the form
                body = body.replace(b"</body>", f'<script src="{RELOAD_PATH}" defer></script>\n</body>'.encode(), 1)
            return self._send(status, body, TYPES.get(suffix, "application/octet-stream"))

    return Handler


@contextmanager
def _handling(handler: Any, signals: tuple[signal.Signals, ...]) -> Iterator[None]:
    """``handler`` for ``signals`` in this block, the previous ones after it (only the main thread
    may set them: elsewhere, as in a test's thread, the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _signals_stop() -> AbstractContextManager[None]:
    """SIGTERM (kill, systemd, a container's stop) and SIGHUP (a closed terminal) stop the server as
    Ctrl+C does, so its cleanup runs and nothing it started is left behind."""
    return _handling(_interrupt, (signal.SIGTERM, signal.SIGHUP))


def _shielded() -> AbstractContextManager[None]:
    """Cleanup that a second Ctrl+C or SIGTERM cannot cut short."""
    return _handling(signal.SIG_IGN, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))


def serve(content: Path, theme: Path, port: int, out: TextIO) -> int:
    """Run until Ctrl+C, SIGTERM or SIGHUP; returns the exit code. Whatever happens, the local editor,
    the HTTP server and any Node process a rebuild started are stopped before this returns."""
    editor: LocalEditor | str | None = None
    builder: Builder | None = None
    server: ThreadingHTTPServer | None = None
    with _signals_stop():
        try:
            editor = LocalEditor.start(content)
            if isinstance(editor, str):
                out.write(f"Editor web non disponibile: {editor}.\n")
                backend = Backend(unavailable=editor)
            else:
                backend = editor.backend()
                if editor.warning:
                    out.write(f"Attenzione: {editor.warning}.\n")
            state = State()
            builder = Builder(content, theme, state, out, editor=backend)
            builder.rebuild()
            try:
                server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(state))
            except OSError as exc:
                out.write(f"errore: non riesco ad aprire la porta {port} ({exc.strerror}): prova con --port\n")
                return 2
            _announce(server, content, theme, editor, out)
            _watch(builder, content, theme)
        except KeyboardInterrupt:
            pass
        finally:
            with _shielded():
                if server is not None:
                    server.shutdown()
                    server.server_close()
                if builder is not None:
                    builder.close()
                if isinstance(editor, LocalEditor):
                    editor.stop()
    out.write("Anteprima fermata.\n")
    return 0


def _announce(server: ThreadingHTTPServer, content: Path, theme: Path, editor: LocalEditor | str, out: TextIO) -> None:
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    out.write(f"Anteprima su {origin}/ (Ctrl+C per fermare). Osservo {content} e {theme}.\n")
    if not isinstance(editor, str):
        out.write(
            f"Editor web su {origin}/admin/: ogni scheda salvata diventa un ramo '{CMS_BRANCH}/...' "
            f"del repository locale (decap-server sulla porta {editor.port}).\n"
        )
    out.flush()


def _watch(builder: Builder, content: Path, theme: Path) -> None:
    """Rebuild on every change until interrupted."""
    from watchfiles import watch

    for _changes in watch(content, theme, debounce=200, raise_interrupt=True):
        builder.rebuild()
