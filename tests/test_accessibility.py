"""WCAG 2.1 AA in a real browser (axe-core), 320 px without horizontal scrolling, keyboard use,
and the page budget of a practice page."""

from __future__ import annotations

import gzip
import io
import re
import shutil
from pathlib import Path

import pytest
from browser import chromium, serve
from conftest import FIXTURE_SITE, NODE_MODULES, ROOT, require

from catalogo.cli import main
from catalogo.site import render

pytestmark = pytest.mark.browser
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
PAGES = {
    "home": "",
    "catalogo": "pratiche/",
    "catalogo-filtrato": "pratiche/?q=prova&provincia=BA",
    "catalogo-pagina-2": "pratiche/pagina/2/",
    "pratica": "pratiche/centro-famiglie-prova/",
    "area": "aree/famiglie-minori/",
    "aree": "aree/",
    "territorio": "territori/ambito-corato/",
    "territori": "territori/",
    "festival": "festival/",
    "edizione": "festival/2024/",
    "mappa": "mappa/",
    "rete": "rete/",
    "pubblicazione": "pubblicazione/",
    "dati": "dati/",
    "proponi": "proponi/",
    "accessibilita": "accessibilita/",
    "404": "pagina-che-non-esiste/",
}
BUDGET = 100 * 1024


def build(root: Path) -> Path:
    shutil.copytree(FIXTURE_SITE, root / "content")
    shutil.copytree(ROOT / "content/territori/mappa", root / "content/territori/mappa")
    out = root / "catalogo"
    page_size, render.LIST_PAGE = render.LIST_PAGE, 2  # the alphabetical list in pages, as at scale
    try:
        assert (
            main(
                ["build", "--content", str(root / "content"), "--out", str(out), "--base-url", "/catalogo/"],
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            == 0
        )
    finally:
        render.LIST_PAGE = page_size
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("a11y")
    out = build(root)
    with serve(root) as origin:
        yield origin + "/catalogo/", out


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def axe_violations(page) -> list[str]:
    require(AXE.is_file(), "axe-core from npm ci")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in result["violations"]]


@pytest.mark.parametrize(
    "width", [320, 1280]
)  # 320 CSS px: WCAG 2.1 reflow (1.4.10), what the accessibility page promises
@pytest.mark.parametrize("name", list(PAGES))
def test_no_axe_violations_and_no_horizontal_scrolling(browser, site, name: str, width: int) -> None:
    origin, _ = site
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(origin + PAGES[name])
    if name == "catalogo-filtrato":
        page.wait_for_function("() => document.getElementById('conteggio').textContent.includes('trovat')")
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow}px of horizontal scrolling at {width}px"
    assert page.locator("h1").count() == 1
    context.close()


def test_keyboard_only_search_and_facets(browser, site) -> None:
    origin, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(origin + "pratiche/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Vai al contenuto"
    for _ in range(40):  # Tab until the catalogue's search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("prova")
    page.wait_for_function("() => document.getElementById('conteggio').textContent.startsWith('3 pratiche trovate')")
    for _ in range(10):  # on to the first facet checkbox
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
    first = page.evaluate("document.activeElement.id")
    assert first.startswith("f-")
    page.keyboard.press("Space")
    page.wait_for_function("t => document.getElementById(t).checked", arg=first)
    page.wait_for_function("() => !document.getElementById('conteggio').textContent.startsWith('3 pratiche')")
    # Focus is drawn: the checkbox's outline or its label's ring (Bootstrap Italia draws a box-shadow)
    # is there while it has the keyboard's focus, and goes when it loses it.
    style = """(id) => {
        const box = document.getElementById(id), label = box.nextElementSibling;
        const s = getComputedStyle(box), l = getComputedStyle(label);
        return {outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px' ? s.outlineStyle : '',
                ring: l.boxShadow !== 'none' ? l.boxShadow : '',
                labelOutline: l.outlineStyle !== 'none' && l.outlineWidth !== '0px' ? l.outlineColor : ''};
    }"""
    focused = page.evaluate(style, first)
    assert focused["outline"] or focused["ring"] or focused["labelOutline"], focused
    page.evaluate("(id) => document.getElementById(id).blur()", first)
    assert page.evaluate(style, first) != focused
    page.close()


def transfer_size(out: Path, page_path: str) -> tuple[int, dict[str, int]]:
    """Bytes a first visit transfers: gzip for text, woff2 fonts as they are."""
    html = (out / page_path / "index.html").read_bytes()
    sizes = {"html": len(gzip.compress(html, 6))}
    for href in re.findall(rb'<link rel="stylesheet" href="/catalogo/([^"]+)"', html):
        css = (out / href.decode()).read_bytes()
        sizes[href.decode()] = len(gzip.compress(css, 6))
        for font in re.findall(rb'url\("\.\./([^"]+\.woff2)"\)', css):
            sizes[font.decode()] = (out / "static" / font.decode()).stat().st_size
    for src in re.findall(rb'<script src="/catalogo/([^"]+)"', html):
        sizes[src.decode()] = len(gzip.compress((out / src.decode()).read_bytes(), 6))
    return sum(sizes.values()), sizes


def test_practice_page_fits_the_budget(site) -> None:
    _, out = site
    total, sizes = transfer_size(out, "pratiche/centro-famiglie-prova")
    assert total < BUDGET, sizes


def test_real_practice_page_fits_the_budget(tmp_path) -> None:
    out = tmp_path / "catalogo"
    assert (
        main(["build", "--out", str(out), "--base-url", "/catalogo/"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    )
    total, sizes = transfer_size(out, "pratiche/in-con-tra-bitonto")
    assert total < BUDGET, sizes
    assert not [k for k in sizes if k.endswith(".js")]  # no JavaScript at all on a practice page


@pytest.mark.parametrize("width", [360, 1280])
def test_the_network_page_as_an_image(browser, site, tmp_path, width: int) -> None:
    """/rete/ drawn at a phone's and a desktop's width: one arrow per replication, in its state's style
    (one dash pattern per state, a different one for each), inside the page's width; and a real picture
    of it is taken."""
    origin, out = site
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(origin + "rete/")
    rows = page.locator("table tbody tr").count()
    arcs = page.evaluate(
        "() => [...document.querySelectorAll('.links path')].map(p => [p.getAttribute('class'),"
        " getComputedStyle(p).strokeDasharray, p.getBoundingClientRect().width])"
    )
    assert rows >= 1 and len(arcs) == rows
    assert all(cls.startswith("rete-") and box > 0 for cls, _, box in arcs)
    dashes = {cls: {dash for c, dash, _ in arcs if c == cls} for cls, _, _ in arcs}
    assert all(len(found) == 1 for found in dashes.values()), dashes  # a state has one style
    assert len({next(iter(found)) for found in dashes.values()}) == len(dashes), dashes  # states differ
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot = tmp_path / f"rete-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000  # a real picture of the page, not an empty one
    page.close()


def test_the_axe_harness_reports_violations(browser) -> None:
    """The zero above is meaningful: the same harness catches a missing label and a low contrast."""
    page = browser.new_page()
    page.set_content(
        '<html lang="it"><head><title>x</title></head><body><main><h1>x</h1>'
        '<input type="text"><p style="color:#bbb;background:#fff">poco contrasto</p></main></body></html>'
    )
    found = " ".join(axe_violations(page))
    assert "label" in found and "color-contrast" in found
    page.close()
