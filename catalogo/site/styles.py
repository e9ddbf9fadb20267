"""The theme's CSS: Bootstrap Italia (compiled CSS only, purged) and self-hosted Titillium Web.

PurgeCSS reads the templates and scripts, not the rendered pages: content is sanitized Markdown
without class attributes, so the set of used classes depends only on the theme, and the
purged CSS is computed once per theme and reused by every page.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from catalogo.content.markup import ALLOWED_TAGS
from catalogo.core.npm import NODE_MODULES
from catalogo.core.output import Output, fingerprinted

PURGE_SCRIPT = Path(__file__).resolve().parent / "node" / "purge.js"
BOOTSTRAP_ITALIA = Path("bootstrap-italia") / "dist" / "css" / "bootstrap-italia.min.css"
FONT_DIR = Path("@fontsource") / "titillium-web" / "files"
FONT_WEIGHTS = (400, 600, 700)
# Classes only built by JavaScript or by templates from data (e.g. livello-{{ n }}).
SAFELIST = [r"^livello-", r"^visually-hidden", r"^form-check", r"^card", r"^mark$"]


class StylesMissing(Exception):
    pass


@dataclass(frozen=True)
class Styles:
    outputs: tuple[Output, ...]
    stylesheets: tuple[str, ...]  # paths, in cascade order


def _content(theme: Path) -> list[dict[str, str]]:
    files = sorted([*(theme / "templates").glob("*.html"), *(theme / "static" / "js").glob("*.js")])
    content = [{"raw": f.read_text(encoding="utf-8"), "extension": f.suffix.lstrip(".")} for f in files]
    tags = "".join(f"<{tag}></{tag}>" for tag in sorted(ALLOWED_TAGS))  # what Markdown bodies may contain
    content.append({"raw": f"<div>{tags}</div>", "extension": "html"})
    return content


class _Purge:
    """One PurgeCSS run in Node, started at once and read when needed: Node works on the other
    core while Python loads the content (a child process, not a thread: the build forks its workers)."""

    def __init__(self, css: str, content_json: str) -> None:
        self._result: str | None = None
        self._error: StylesMissing | None = None
        self._proc: subprocess.Popen[str] | None = None
        node = shutil.which("node")
        if node is None:
            self._error = StylesMissing("serve Node.js per preparare il CSS: installalo ed esegui 'npm ci'")
            return
        request = json.dumps({"css": css, "content": json.loads(content_json), "safelist": SAFELIST})
        try:
            self._proc = subprocess.Popen(
                [node, str(PURGE_SCRIPT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin:/usr/local/bin"},
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

    def result(self) -> str:
        if self._error is not None:
            raise self._error
        if self._result is None:
            assert self._proc is not None
            out, err = self._proc.communicate(timeout=300)
            if self._proc.returncode != 0:
                self._error = StylesMissing(f"PurgeCSS non ha funzionato ({err.strip()[:300]}): esegui 'npm ci'")
                raise self._error
            self._result = out
        return self._result


_purges: dict[tuple[str, str], _Purge] = {}


def _pending(css: str, content_json: str) -> _Purge:
    """The run for this CSS and theme, started now unless it already was (the dev server reuses it)."""
    key = (hashlib.sha256(css.encode("utf-8")).hexdigest(), content_json)
    if key not in _purges:
        if len(_purges) >= 4:
            _purges.pop(next(iter(_purges)))
        _purges[key] = _Purge(css, content_json)
    return _purges[key]


def _purge(css: str, content_json: str) -> str:
    return _pending(css, content_json).result()


def start_styles(theme: Path, node_modules: Path = NODE_MODULES) -> None:
    """Start purging the CSS now; build_styles picks up the result (or the error) later."""
    try:
        css = (node_modules / BOOTSTRAP_ITALIA).read_text(encoding="utf-8")
        content = json.dumps(_content(theme))
    except OSError:
        return  # build_styles reports it
    _pending(css, content)


def build_styles(theme: Path, node_modules: Path = NODE_MODULES) -> Styles:
    try:
        css = (node_modules / BOOTSTRAP_ITALIA).read_text(encoding="utf-8")
        fonts = {
            w: (node_modules / FONT_DIR / f"titillium-web-latin-{w}-normal.woff2").read_bytes() for w in FONT_WEIGHTS
        }
    except OSError as exc:
        raise StylesMissing(
            f"mancano bootstrap-italia o @fontsource/titillium-web in {node_modules}: esegui 'npm ci'"
        ) from exc
    purged = _purge(css, json.dumps(_content(theme))).encode("utf-8")
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
    fonts_css = "".join(faces).encode("utf-8")
    italia = fingerprinted("static/css/bootstrap-italia.css", purged)
    faces_out = fingerprinted("static/css/titillium-web.css", fonts_css)
    licences = [
        Output(
            "static/fonts/LICENSE-titillium-web.txt",
            (node_modules / "@fontsource" / "titillium-web" / "LICENSE").read_bytes(),
        ),
        Output("static/css/LICENSE-bootstrap-italia.txt", (node_modules / "bootstrap-italia" / "LICENSE").read_bytes()),
    ]
    return Styles((italia, faces_out, *outputs, *licences), (faces_out.path, italia.path))
