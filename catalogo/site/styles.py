"""The theme's CSS: Bootstrap Italia (compiled CSS only, purged) and self-hosted Titillium Web.

PurgeCSS reads the templates and scripts, not the rendered pages: content is sanitized Markdown
without class attributes, so the set of used classes depends only on the theme, and the
purged CSS is computed once per theme and reused by every page.

It is kept between builds (core/kept.py), by the digest of everything the purge reads: a build of
an unchanged theme starts no Node at all (0.7 s of CPU at 1,000 practices, and the build's peak
memory was Node's).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from catalogo.content.markup import ALLOWED_TAGS
from catalogo.core.kept import keep, kept_path, recall
from catalogo.core.npm import NODE_MODULES, NpmMissing
from catalogo.core.output import Output, fingerprinted
from catalogo.core.processes import node_command, start, stop

PURGE_SCRIPT = Path(__file__).resolve().parent / "node" / "purge.js"
BOOTSTRAP_ITALIA = Path("bootstrap-italia") / "dist" / "css" / "bootstrap-italia.min.css"
FONT_DIR = Path("@fontsource") / "titillium-web" / "files"
FONT_WEIGHTS = (400, 600, 700)
# Classes only built by JavaScript or by templates from data (e.g. livello-{{ n }}).
SAFELIST = [r"^livello-", r"^visually-hidden", r"^form-check", r"^card", r"^mark$"]


class StylesMissing(NpmMissing):
    pass


@dataclass(frozen=True)
class Styles:
    outputs: tuple[Output, ...]
    stylesheets: tuple[str, ...]  # paths, in cascade order


def _content(theme: Path) -> list[dict[str, str]]:
    """What PurgeCSS keeps the rules of: the templates, the scripts, and every tag a body may hold."""
    files = sorted([*(theme / "templates").glob("*.html"), *(theme / "static" / "js").glob("*.js")])
    content = [{"raw": f.read_text(encoding="utf-8"), "extension": f.suffix.lstrip(".")} for f in files]
    tags = "".join(f"<{tag}></{tag}>" for tag in sorted(ALLOWED_TAGS))  # what Markdown bodies may contain
    content.append({"raw": f"<div>{tags}</div>", "extension": "html"})
    return content


class PendingStyles:
    """The theme's CSS being purged: PurgeCSS in Node, started at once and read when the pages need it,
    so Node works on another core while Python reads the content (a child process, not a thread: the
    build forks its workers). The dev server keeps one between rebuilds (``start_styles(previous=)``)."""

    def __init__(self, theme: Path, node_modules: Path) -> None:
        self.theme = theme
        self.node_modules = node_modules
        self.key = ""
        self.by_node = False  # False when an earlier build's purge answered the same request
        self._result: Styles | None = None
        self._error: StylesMissing | None = None
        self._proc: subprocess.Popen[str] | None = None
        try:
            request, self.key = _request(theme, node_modules)
        except OSError:
            self._error = StylesMissing(f"mancano bootstrap-italia o purgecss in {node_modules}: esegui 'npm ci'")
            return
        self._cached = kept_path("catalogo-purge", self.key, ".css", node_modules)
        purged = recall(self._cached)
        if purged is not None:
            try:
                self._result = _styles(purged, node_modules)
            except StylesMissing as exc:
                self._error = exc  # result()'s to raise
            return
        self.by_node = True
        command = node_command(PURGE_SCRIPT)
        if command is None:
            self._error = StylesMissing("serve Node.js per preparare il CSS: installalo ed esegui 'npm ci'")
            return
        try:
            self._proc = start(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env={"NODE_PATH": str(node_modules), "PATH": "/usr/bin:/bin:/usr/local/bin"},
            )
        except OSError as exc:
            self._error = StylesMissing(
                f"non riesco ad avviare Node.js ({exc.strerror}): installalo ed esegui 'npm ci'"
            )
            return
        stdin, self._proc.stdin = self._proc.stdin, None  # written and closed here, not by communicate()
        assert stdin is not None
        try:
            stdin.write(request)  # Node reads it all before it starts: this returns at once
            stdin.close()
        except BrokenPipeError:
            pass  # Node stopped early: result() reports why

    def result(self) -> Styles:
        """The purged CSS with the fonts; raises StylesMissing (in Italian) when it cannot be made."""
        if self._error is not None:
            raise self._error
        if self._result is None:
            assert self._proc is not None
            out, err = self._proc.communicate(timeout=300)
            if self._proc.returncode != 0:
                self._error = StylesMissing(f"PurgeCSS non ha funzionato ({err.strip()[:300]}): esegui 'npm ci'")
                raise self._error
            self._result = _styles(out.encode("utf-8"), self.node_modules)
            keep(self._cached, out.encode("utf-8"))
        return self._result

    def close(self) -> None:
        """Stop Node if it is still purging (a build that ends early), and let go of its pipes."""
        if self._proc is not None and self._result is None and self._error is None:
            stop(self._proc)
            self._proc.communicate()


def start_styles(
    theme: Path, node_modules: Path = NODE_MODULES, previous: PendingStyles | None = None
) -> PendingStyles:
    """Start purging the theme's CSS, unless ``previous`` already did for the same CSS and theme."""
    if previous is not None:
        try:
            same = previous.key == _request(theme, node_modules)[1]
        except OSError:
            same = False
        if same:
            return previous
        previous.close()
    return PendingStyles(theme, node_modules)


def _request(theme: Path, node_modules: Path) -> tuple[str, str]:
    """What PurgeCSS is asked, and the digest of all the purge reads: the request, the script and
    PurgeCSS's version. The same digest gives the same CSS."""
    css = (node_modules / BOOTSTRAP_ITALIA).read_text(encoding="utf-8")
    request = json.dumps({"css": css, "content": _content(theme), "safelist": SAFELIST})
    digest = hashlib.sha256(request.encode("utf-8"))
    digest.update(PURGE_SCRIPT.read_bytes())
    digest.update((node_modules / "purgecss" / "package.json").read_bytes())
    return request, digest.hexdigest()


def _styles(purged: bytes, node_modules: Path) -> Styles:
    try:
        fonts = {
            w: (node_modules / FONT_DIR / f"titillium-web-latin-{w}-normal.woff2").read_bytes() for w in FONT_WEIGHTS
        }
        licences = [
            Output(
                "static/fonts/LICENSE-titillium-web.txt",
                (node_modules / "@fontsource" / "titillium-web" / "LICENSE").read_bytes(),
            ),
            Output(
                "static/css/LICENSE-bootstrap-italia.txt", (node_modules / "bootstrap-italia" / "LICENSE").read_bytes()
            ),
        ]
    except OSError as exc:
        raise StylesMissing(
            f"mancano bootstrap-italia o @fontsource/titillium-web in {node_modules}: esegui 'npm ci'"
        ) from exc
    outputs = []
    faces = []
    for weight, data in fonts.items():
        font = fingerprinted(f"static/fonts/titillium-web-latin-{weight}-normal.woff2", data)
        outputs.append(font)
        path = font.path
        faces.append(
            f'@font-face{{font-family:"Titillium Web";font-style:normal;font-weight:{weight};'
            f'font-display:swap;src:url("../{path.removeprefix("static/")}") format("woff2");'
            "unicode-range:U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,"
            "U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD}\n"
        )
    italia = fingerprinted("static/css/bootstrap-italia.css", purged)
    faces_out = fingerprinted("static/css/titillium-web.css", "".join(faces).encode("utf-8"))
    return Styles((italia, faces_out, *outputs, *licences), (faces_out.path, italia.path))
