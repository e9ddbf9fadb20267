"""Map, publication and the practice page's door to the interest form, in a real browser."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from browser import chromium, serve
from conftest import FIXTURE_SITE, ROOT

from catalogo.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    root = tmp_path_factory.mktemp("pagine")
    shutil.copytree(FIXTURE_SITE, root / "content")
    shutil.copytree(ROOT / "content" / "territori" / "mappa", root / "content" / "territori" / "mappa")
    assert (
        main(
            [
                "build",
                "--content",
                str(root / "content"),
                "--out",
                str(root / "catalogo"),
                "--base-url",
                "/catalogo/",
                "--repository",
                "https://github.com/esempio/catalogo",
            ],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    with serve(root) as url:
        yield url + "/catalogo/"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_map_renders_and_links_are_keyboard_reachable(browser, origin) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(origin + "mappa/")
    box = page.locator("figure.map svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    shapes = page.locator("figure.map a")
    assert shapes.count() == 4  # the fixture's four Ambiti
    shapes.first.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("Ambito")
    page.screenshot(path=str(ROOT / ".pytest_cache" / "mappa.png"))
    assert errors == []
    page.close()


def test_publication_prints_one_practice_per_page(browser, origin) -> None:
    page = browser.new_page()
    page.goto(origin + "pubblicazione/")
    assert page.is_visible("button[data-stampa]")  # the print button appears with JavaScript
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 2 + 3  # cover, table of contents, then each of the 3 practices on its own page
    page.emulate_media(media="print")
    assert page.is_hidden("button[data-stampa]") and page.is_hidden(".site-nav")
    after = page.evaluate("getComputedStyle(document.querySelector('.print-page')).breakBefore")
    assert after == "page"
    page.close()


def test_a_practice_page_opens_the_interest_form_filled_in(browser, origin) -> None:
    """Two clicks and a form: the link opens GitHub's new issue page with the practice already in the
    form's 'pratica' field (github.com is answered here: the test makes no request outside)."""
    from urllib.parse import parse_qs, urlsplit

    page = browser.new_page()
    requested: list[str] = []

    def github(route) -> None:
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>GitHub</title>")

    page.route("https://github.com/**", github)
    page.goto(origin + "pratiche/sportello-prova/")
    page.get_by_role("link", name="Dichiara l'interesse con il modulo").click()
    page.wait_for_url("https://github.com/**")
    (url,) = requested
    parts = urlsplit(url)
    assert parts.path == "/esempio/catalogo/issues/new"
    assert parse_qs(parts.query) == {
        "template": ["interesse-replica.yml"],
        "pratica": ["sportello-prova"],
        "title": ["Interesse a replicare: Sportello unico di prova"],
    }
    page.close()
