"""The search page in a real browser (Debian's Chromium), served under a sub-path."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import chromium, serve
from conftest import FIXTURE_SITE, ITALIAN_WORDS, ROOT, require
from corpus import write_corpus
from lunr_reference import load, search

from catalogo.cli import main
from catalogo.content.load import load_site
from catalogo.search.assets import catalogue_assets

pytestmark = pytest.mark.browser
BASE = "/catalogo/"


def build_site(content: Path, root: Path) -> Path:
    out = root / "catalogo"
    assert (
        main(
            ["build", "--content", str(content), "--out", str(out), "--base-url", f"https://example.org{BASE}"],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    shutil.copytree(FIXTURE_SITE, root / "content")
    build_site(root / "content", root)
    with serve(root) as origin:
        yield origin + BASE


@pytest.fixture
def page(browser, fixture_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    pg.problems = problems
    yield pg
    context.close()
    assert problems == [], "the console must stay clean"


def titles(pg) -> list[str]:
    return pg.locator(".results ul:visible .card-title").all_inner_texts()


def wait_for_count(pg, text: str) -> None:
    pg.wait_for_function("t => document.getElementById('conteggio').textContent.startsWith(t)", arg=text)


def test_typing_a_title_word_finds_it_and_hides_the_others(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/")
    assert len(titles(page)) == 3
    entries = page.evaluate("history.length")
    page.locator("#q").press_sequentially("sportel", delay=20)
    wait_for_count(page, "1 pratica trovata")
    assert titles(page) == ["Sportello unico di prova"]
    assert page.locator(".results ul:visible mark").first.inner_text() == "Sportello"
    assert page.get_attribute("#conteggio", "aria-live") == "polite"
    page.wait_for_function("() => location.search === '?q=sportel'")  # once typing pauses
    assert page.evaluate("history.length") == entries + 1  # one entry for the search, not one per key


def test_back_right_after_typing_returns_to_the_full_list(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/")
    page.locator("#q").press_sequentially("sportello", delay=20)
    wait_for_count(page, "1 pratica trovata")
    page.go_back()  # at once: typing has not paused, yet the search has its history entry
    wait_for_count(page, "3 pratiche trovate")
    assert urlsplit(page.url).path == BASE + "pratiche/" and urlsplit(page.url).query == ""
    assert page.input_value("#q") == ""


def test_the_address_catches_up_before_a_result_is_followed(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/")
    page.locator("#q").press_sequentially("sportello", delay=20)
    wait_for_count(page, "1 pratica trovata")
    page.click(".results ul:visible .card-title a")  # at once: typing has not paused yet
    page.wait_for_url("**/pratiche/sportello-prova/")
    page.go_back()
    wait_for_count(page, "1 pratica trovata")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["sportello"]}
    assert page.input_value("#q") == "sportello"


def test_accent_free_and_elided_queries(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/?q=povertà")
    wait_for_count(page, "2 pratiche trovate")
    accented = titles(page)
    page.goto(fixture_site + "pratiche/?q=poverta")
    wait_for_count(page, "2 pratiche trovate")
    assert titles(page) == accented
    page.fill("#q", "l’apostrofo")
    wait_for_count(page, "1 pratica trovata")
    assert titles(page) == ["Centro per le famiglie di prova"]
    page.fill("#q", "equipe")
    wait_for_count(page, "1 pratica trovata")


def test_facets_combine_with_the_query_and_show_live_counts(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/")
    page.fill("#q", "prova")
    wait_for_count(page, "3 pratiche trovate")
    page.click("label[for='f-provincia-BT']")
    wait_for_count(page, "1 pratica trovata")
    assert titles(page) == ["Pratica di prova ad Andria"]
    assert page.inner_text("label[for='f-provincia-BA'] [data-conteggio]") == "(2)"  # what choosing it would add
    assert page.inner_text("label[for='f-stato-conclusa'] [data-conteggio]") == "(1)"
    page.click("label[for='f-provincia-BA']")
    wait_for_count(page, "3 pratiche trovate")
    page.click("label[for='f-stato-attiva']")
    wait_for_count(page, "1 pratica trovata")
    assert titles(page) == ["Sportello unico di prova"]
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["prova"], "provincia": ["BA", "BT"], "stato": ["attiva"]}  # in the form's order
    page.click("button[type=reset]")
    wait_for_count(page, "3 pratiche trovate")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["prova"]}


def test_url_state_round_trips_and_the_back_button_works(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/?q=famiglie&area=modalita-erogazione&ordine=data")
    wait_for_count(page, "1 pratica trovata")
    assert page.input_value("#q") == "famiglie"
    assert page.is_checked("#f-area-modalita-erogazione")
    assert page.input_value("#ordine") == "data"
    page.click("label[for='f-area-modalita-erogazione']")
    wait_for_count(page, "2 pratiche trovate")
    assert "area=" not in page.url
    page.go_back()
    wait_for_count(page, "1 pratica trovata")
    assert page.is_checked("#f-area-modalita-erogazione")
    page.go_forward()
    wait_for_count(page, "2 pratiche trovate")
    shared = page.url
    page.goto(fixture_site)  # another page, then the shared address again
    page.goto(shared)
    wait_for_count(page, "2 pratiche trovate")


def test_sorting_without_a_query(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/?ordine=data")
    wait_for_count(page, "3 pratiche trovate, dalla più recente")
    assert titles(page)[-1] == "Centro per le famiglie di prova"  # published first, listed last


def test_keyboard_slash_focuses_and_escape_clears(page, fixture_site) -> None:
    page.goto(fixture_site + "pratiche/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("sportello")
    wait_for_count(page, "1 pratica trovata")
    page.keyboard.press("Escape")
    wait_for_count(page, "3 pratiche trovate")
    assert page.input_value("#q") == ""


def test_index_loads_once_and_only_when_needed(page, fixture_site) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))
    page.goto(fixture_site + "pratiche/")
    assert not [p for p in requested if "/static/search/" in p]
    page.click("label[for='f-stato-attiva']")  # facets need the documents, not the index
    wait_for_count(page, "1 pratica trovata")
    assert not [p for p in requested if "/indice." in p]
    for word in ("prova", "sportello", "famiglie"):
        page.fill("#q", word)
        page.wait_for_timeout(150)
    assert len([p for p in requested if "/indice." in p]) == 1
    assert len([p for p in requested if "/documenti." in p]) == 1


# Counts the page's requests to the search worker that it has not answered yet.
IN_FLIGHT = """
window.__inFlight = 0;
window.__mostInFlight = 0;
window.Worker = class extends window.Worker {
  constructor(url, options) {
    super(url, options);
    this.addEventListener("message", () => { window.__inFlight -= 1; });
  }
  postMessage(message, transfer) {
    if (message && message.tipo === "cerca") {
      window.__inFlight += 1;
      window.__mostInFlight = Math.max(window.__mostInFlight, window.__inFlight);
    }
    return super.postMessage(message, transfer);
  }
};
"""


def test_keys_typed_while_the_worker_is_busy_wait_for_it_and_the_last_query_is_answered(page, fixture_site) -> None:
    """The worker gets one request at a time: the keys typed while it waits (here for a slow
    download of the documents) are one request once it answers, the query as it stands then."""
    page.add_init_script(IN_FLIGHT)

    def slow(route) -> None:
        page.wait_for_timeout(600)
        route.continue_()

    page.route("**/static/search/documenti.*.json", slow)
    page.goto(fixture_site + "pratiche/")
    page.locator("#q").press_sequentially("sportello unico", delay=60)  # not a burst: each key asks
    wait_for_count(page, "1 pratica trovata")
    assert titles(page) == ["Sportello unico di prova"]
    page.wait_for_function("() => window.__inFlight === 0")
    assert page.evaluate("window.__mostInFlight") == 1


def test_header_search_goes_to_the_catalogue(page, fixture_site) -> None:
    page.goto(fixture_site + "festival/")
    page.fill("#cerca-header", "sportello")
    page.press("#cerca-header", "Enter")
    wait_for_count(page, "1 pratica trovata")
    assert urlsplit(page.url).path == BASE + "pratiche/"


def test_without_javascript_every_practice_and_the_facet_pages_are_there(browser, fixture_site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(fixture_site + "pratiche/?q=sportello")
    assert len(page.locator("#risultati .card").all()) == 3
    assert page.is_hidden("#filtri")
    links = page.locator(".filters-static a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert BASE + "aree/modalita-erogazione/" in links and BASE + "territori/provincia-bt/" in links
    assert BASE + "festival/2024/" in links
    page.fill("#cerca-header", "famiglie")
    page.press("#cerca-header", "Enter")
    assert urlsplit(page.url).query == "q=famiglie"
    context.close()


def _browser_results(page, queries: list[str]) -> dict[str, list[str]]:
    """ricerca.js in the page, over the shards each query fetches from the server."""
    page.wait_for_function("() => window.lunr && window.CatalogoRicerca")
    return page.evaluate(
        """async (queries) => {
          const form = document.getElementById('ricerca');
          const [docs, manifest] = await Promise.all([form.dataset.documenti, form.dataset.indice]
            .map(u => fetch(u).then(r => r.json())));
          const core = window.CatalogoRicerca(window.lunr, docs);
          const shards = core.shardedIndex(manifest, p => fetch(form.dataset.base + p).then(r => r.json()));
          const out = {};
          for (const q of queries) out[q] = core.search(await shards.prepare(q), q).map(r => r.ref);
          return out;
        }""",
        queries,
    )


def _python_results(content: Path, queries: list[str]) -> dict[str, list[str]]:
    """lunr.py on the whole index of the same content."""
    assets = catalogue_assets(load_site(content).site)
    index = load(assets)
    return {q: [ref for ref, _ in search(index, q, assets.stop_words)] for q in queries}


QUERIES = [
    "prova",
    "poverta",
    "povertà",
    "l'apostrofo",
    "famiglie",
    "welfare accesso",
    "bitonto",
    "2024",
    "sabato",
    "frazioni",
    "palombaio",
    "in.con.tra",
    "comunità",
    "comunita",
    "associazioni",
    "zona",
    "xyz",
]


@pytest.mark.parametrize("which", ["fixture", "real", "synthetic-1000"])
def test_the_browser_returns_what_lunr_py_returns(browser, tmp_path, which) -> None:
    if which == "synthetic-1000":
        require(ITALIAN_WORDS.is_file(), "Debian's witalian word list")
        content = write_corpus(tmp_path / "content", 1000, body_words=(100, 400))
    else:
        content = FIXTURE_SITE if which == "fixture" else ROOT / "content"
    site = build_site(content, tmp_path)
    queries = list(QUERIES)
    if which == "synthetic-1000":
        first_titles = json.loads(next((site / "static/search").glob("documenti.*.json")).read_text())["pratiche"][:30]
        queries += [d["t"].split()[0] for d in first_titles] + [d["t"].split()[1][:4] for d in first_titles]
    expected = _python_results(content, queries)
    with serve(tmp_path) as origin:
        page = browser.new_page()
        page.goto(origin + BASE + "pratiche/")
        got = _browser_results(page, queries)
        page.close()
    assert got == expected
    assert sum(1 for refs in expected.values() if refs) >= 3
