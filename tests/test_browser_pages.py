"""Map and publication in a real browser: they render, and the publication prints one practice per page."""

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
    assert main(["build", "--content", str(root / "content"), "--out", str(root / "catalogo"), "--base-url",
                 "/catalogo/"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
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
