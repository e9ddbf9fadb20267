"""Hostile content, a strict CSP, fuzzing of the loader, and the output folder's safety."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import chromium, serve
from conftest import FIXTURE_SITE, ROOT, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogo.cli import main
from catalogo.content.contract import Practice
from catalogo.content.documents import parse_document
from catalogo.content.load import load_site
from catalogo.content.validate import validate_model

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
BASE = "/catalogo/"
DANGEROUS_TAGS = {"iframe", "object", "embed", "style", "base", "frame", "frameset", "applet", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


def build(content: Path, out: Path, base: str = BASE) -> None:
    assert (
        main(
            ["build", "--content", str(content), "--out", str(out), "--base-url", base],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("ostile")
    shutil.copytree(FIXTURE_SITE, root / "content")
    for file in HOSTILE.glob("*.md"):
        shutil.copy(file, root / "content" / "practices" / file.name)
    build(root / "content", root / "catalogo")
    return root


class Audit(HTMLParser):
    """Everything in a page that could run code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.data_blocks: list[str] = []
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        own_form = tag == "form" and (values.get("action") or BASE).startswith(BASE)  # the site's search forms
        if tag in DANGEROUS_TAGS and not own_form:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        if tag == "script":
            if values.get("type") == "application/ld+json":
                self._in_data = True
            elif not (values.get("src") or "").startswith(BASE + "static/"):
                self.problems.append(f"script {values}")
        if tag == "a" and (values.get("href") or "").startswith(("http://", "https://")):
            rel = (values.get("rel") or "").split()
            if not {"noopener", "noreferrer"} <= set(rel):
                self.problems.append(f"outbound link without rel=noopener noreferrer: {values.get('href')}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name == "style":
                self.problems.append("style attribute")
            if name in URL_ATTRIBUTES and value is not None:
                plain = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                if plain.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{name}={value}")

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_blocks.append(data)


def test_hostile_content_is_inert_in_every_page(hostile_site: Path) -> None:
    pages = sorted((hostile_site / "catalogo").rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        audit = Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.problems == [], page
        for block in audit.data_blocks:
            assert "</" not in block
            json.loads(block)
    practice = (hostile_site / "catalogo/pratiche/xss-campi/index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=1" in practice  # shown as text, not dropped
    assert "{{ 7*7 }}" in practice  # content is never a template


def test_hostile_content_in_the_data_files(hostile_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "catalogo"
    build(hostile_site / "content", site, "https://example.org/catalogo/")  # the feed and sitemap need it
    ET.fromstring((site / "feed.xml").read_bytes())
    ET.fromstring((site / "sitemap.xml").read_bytes())
    data = json.loads((site / "dati/pratiche.json").read_text(encoding="utf-8"))
    titles = {p["slug"]: p["titolo"] for p in data["pratiche"]}
    assert titles["xss-campi"].startswith("</script><script>")  # data keeps the text as written
    docs = json.loads(next((site / "static/search").glob("documenti.*.json")).read_text(encoding="utf-8"))
    assert any("window.__pwned=1" in d["t"] for d in docs["pratiche"])
    svg = (site / "mappa/index.html").read_text(encoding="utf-8")
    assert "<script" not in svg.split("<main", 1)[1]


def _watch(page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"dialogs": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


@pytest.mark.browser
def test_hostile_pages_run_no_script_in_chromium(hostile_site: Path) -> None:
    with serve(hostile_site) as origin, chromium() as browser:
        page = browser.new_page()
        seen = _watch(page)
        pages = sorted((hostile_site / "catalogo").rglob("index.html"))
        for file in pages:
            path = file.parent.relative_to(hostile_site / "catalogo").as_posix()
            page.goto(f"{origin}{BASE}{'' if path == '.' else path + '/'}")
            assert page.evaluate("window.__pwned") is None, path
        page.goto(f"{origin}{BASE}pratiche/")
        page.fill("#q", "ambito")  # highlighted results are built from the hostile titles
        page.wait_for_function("() => document.getElementById('conteggio').textContent.includes('trovat')")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        assert page.locator(".results ul:visible mark").count() > 0
        assert seen == {"dialogs": [], "errors": []}
        page.close()


@pytest.mark.browser
def test_every_page_loads_with_no_csp_violation(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    shutil.copytree(ROOT / "content/territori/mappa", content / "territori/mappa")
    build(content, tmp_path / "catalogo")
    site = tmp_path / "catalogo"
    policy = html.unescape(
        re.search(
            r'http-equiv="Content-Security-Policy" content="([^"]+)"', (site / "index.html").read_text(encoding="utf-8")
        ).group(1)
    )
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "script-src 'self'" in policy
    with serve(tmp_path) as origin, chromium() as browser:
        page = browser.new_page()
        seen = _watch(page)
        for file in sorted(site.rglob("*.html")):
            assert 'http-equiv="Content-Security-Policy"' in file.read_text(encoding="utf-8"), file
            path = file.relative_to(site).as_posix().removesuffix("index.html")
            page.goto(f"{origin}{BASE}{path}")
            page.wait_for_load_state("load")
            assert page.evaluate("window.__csp") == [], path
        page.goto(f"{origin}{BASE}pratiche/?q=famiglie&stato=attiva")  # the search scripts at work
        page.wait_for_function("() => document.getElementById('conteggio').textContent.includes('trovat')")
        assert page.evaluate("window.__csp") == []
        page.goto(f"{origin}{BASE}pubblicazione/")
        assert page.is_visible("button[data-stampa]") and page.evaluate("window.__csp") == []
        assert seen == {"dialogs": [], "errors": []}
        page.close()


# ---- property tests: the loader and validator never raise on what editors may write ----

VALID = (ROOT / "tests/fixtures/site/practices/centro-famiglie-prova.md").read_bytes()
VALID_FRONT = yaml.safe_load(VALID.decode("utf-8").split("---\n")[1])
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_well_formed(raw: bytes) -> None:
    doc, diags = parse_document(raw, "p.md", "p")
    for d in diags:
        assert d.path == "p.md" and d.line >= 1 and d.col >= 1 and d.message
    if doc is not None:
        record, problems = validate_model(doc, Practice, load_vocabularies())
        assert (record is None) == bool(problems)
        for d in problems:
            assert d.path == "p.md" and d.line >= 1 and d.message


_VOCAB = None


def load_vocabularies():
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = load_site(FIXTURE_SITE).site.vocabularies
    return _VOCAB


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    _assert_well_formed(raw)


@SETTINGS
@given(st.text(max_size=1500))
def test_random_front_matter_text_never_raises(text: str) -> None:
    _assert_well_formed(f"---\n{text}\n---\ncorpo\n".encode("utf-8", "surrogatepass"))


yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=60)
    | st.dates(min_value=dt.date(1900, 1, 1)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


@SETTINGS
@given(st.sampled_from(sorted(VALID_FRONT)), yaml_values)
def test_mutated_valid_practice_never_raises(key: str, value: object) -> None:
    front = dict(VALID_FRONT)
    front[key] = value
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\ncorpo\n"
    _assert_well_formed(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.integers(0, len(VALID) - 1), st.integers(0, 255), st.integers(1, 40))
def test_corrupted_valid_file_never_raises(position: int, byte: int, length: int) -> None:
    _assert_well_formed(VALID[:position] + bytes([byte]) * length + VALID[position + length :])


# ---- the output folder ----


def test_two_parallel_builds_into_one_folder_do_not_interleave(make_content, tmp_path: Path) -> None:
    content = make_content()
    out = tmp_path / "sito"
    command = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out)]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    for proc in procs:
        proc.communicate(timeout=180)
        assert proc.returncode == 0
    reference = tmp_path / "riferimento"
    build_plain(content, reference)
    assert tree(out) == tree(reference)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "riferimento", "sito"]


def build_plain(content: Path, out: Path) -> None:
    assert (
        main(["build", "--content", str(content), "--out", str(out)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    )


def test_external_links_are_checked_only_on_request(make_content, run_cli) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.send_response(200 if self.path.startswith("/ok") else 404)
            self.end_headers()

        do_GET = do_HEAD

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    content = make_content()
    practice = content / "practices" / "sportello-prova.md"
    text = practice.read_text(encoding="utf-8").replace(
        "  - https://example.org/sportello",
        f"  - http://127.0.0.1.nip.test:{port}/ok\n  - http://localhost.localdomain.test:{port}/no",
    )
    practice.write_text(text, encoding="utf-8")
    for p in content.glob("*/*.md"):  # keep only loopback addresses, so the test needs no network
        p.write_text(
            re.sub(r"https://example\.org/[^\s\"]*", f"http://127.0.0.1:{port}/ok", p.read_text(encoding="utf-8"))
            .replace(f"127.0.0.1.nip.test:{port}", f"127.0.0.1:{port}")
            .replace(f"localhost.localdomain.test:{port}", f"127.0.0.1:{port}"),
            encoding="utf-8",
        )
    plain = run_cli("check", "--content", content)
    assert plain.code == 0  # without the option nothing is fetched
    checked = run_cli("check", "--content", content, "--link-esterni")
    server.shutdown()
    server.server_close()
    assert checked.code == 1
    line = next(n for n, t in enumerate(practice.read_text(encoding="utf-8").splitlines(), 1) if f"{port}/no" in t)
    assert (
        f"{practice}:{line}:5: errore: collegamento esterno non valido 'http://127.0.0.1:{port}/no': "
        "il server risponde 404" in checked.err
    )
    assert checked.err.count("collegamento esterno non valido") == 1
