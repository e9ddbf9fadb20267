"""What readers get on each page: complete, Italian, accessible structure, every field shown."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from catalogo.content.contract import Practice
from catalogo.content.markup import render_markdown
from catalogo.site import render


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False
        self.feed(text)
        self.text = " ".join(" ".join(self.text_parts).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_h1 = tag == "h1" or self._in_h1
        if tag == "h1":
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self._in_h1:
            self.h1[-1] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    import io
    import shutil

    from conftest import FIXTURE_SITE

    from catalogo.cli import main

    root = tmp_path_factory.mktemp("pages")
    shutil.copytree(FIXTURE_SITE, root / "content")
    assert (
        main(
            ["build", "--content", str(root / "content"), "--out", str(root / "sito")],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    return root / "sito"


def page(site: Path, path: str) -> Page:
    return Page((site / path).read_text(encoding="utf-8"))


def test_every_page_is_complete_italian_html(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for file in pages:
        text = file.read_text(encoding="utf-8")
        assert text.startswith('<!doctype html>\n<html lang="it">'), file
        p = Page(text)
        title = p.find("title")
        assert title and re.search(r"<title>[^<]{5,}</title>", text), file
        description = p.find("meta", name="description")
        assert description and len(description[0]["content"] or "") >= 20, file
        assert len(p.h1) == 1 and p.h1[0].strip(), file
        assert p.find("main", id="contenuto") and p.find("a", href="#contenuto"), file
        assert "CC BY 4.0" in p.text and "openpolis / ISTAT" in p.text, file
        for script in p.find("script"):  # external deferred scripts, or JSON-LD data that never runs
            assert (script.get("src") and "defer" in script) or script.get("type") == "application/ld+json", file
        inline = re.findall(r"<script([^>]*)>[^<]", text)
        assert all('type="application/ld+json"' in attrs for attrs in inline), file
        assert "style=" not in text and " on" not in re.sub(r"[^<]*(<[^>]*>)?", lambda m: m.group(1) or "", text)


def test_breadcrumbs_and_update_date(site: Path) -> None:
    html = (site / "pratiche/centro-famiglie-prova/index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="breadcrumb-container[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    assert re.findall(r'href="([^"]+)"', nav.group(1)) == ["/", "/pratiche/"]
    assert '<span aria-current="page">Centro per le famiglie di prova</span>' in nav.group(1)
    p = Page(html)
    assert "Ultimo aggiornamento: 2 aprile 2024" in p.text
    home = page(site, "index.html")
    assert "Ultimo aggiornamento: 10 maggio 2024" in home.text  # the newest content date, not the clock


def test_practice_page_shows_every_field_of_the_contract(site: Path) -> None:
    text = page(site, "pratiche/centro-famiglie-prova/index.html").text
    shown = {
        "titolo": ["Centro per le famiglie di prova"],
        "sintesi": ["usa ogni chiave del contratto"],
        "comune": ["Comune Bitonto"],
        "ambito": ["Ambito territoriale sociale Ambito di Bitonto", "Provincia Città metropolitana di Bari"],
        "area_tematica": ["Area tematica dell'Avviso Modalità di erogazione dei servizi"],
        "aree_strategiche": ["Famiglie e minori", "Inclusione sociale e contrasto alle povertà"],
        "destinatari": ["Famiglie", "Bambini e ragazzi"],
        "anno_avvio": ["dal 2021 al 2023"],
        "anno_fine": ["dal 2021 al 2023"],
        "stato": ["Stato Diventata servizio stabile"],
        "risultati": [
            "Un risultato descritto a parole.",
            "Famiglie seguite: 1.250 (in due anni)",
            "Tempo medio di attesa: 7 giorni",
        ],
        "replicabilita": [
            "Livello di replicabilità: Alta",
            "Un'équipe di assistenti sociali.",
            "Una sede accessibile.",
        ],
        "ostacoli": ["Ostacoli superati Poca conoscenza del servizio"],
        "miglioramenti": ["Spazio di miglioramento Aprire anche il sabato."],
        "partner": ["Partner Associazione di prova"],
        "risorse": ["Costo 45.000,50 euro", "Finanziamento Fondo di prova"],
        "contatti": [
            "Referente Ufficio di piano di prova",
            "Ruolo Ufficio",
            "E-mail ufficio@example.org",
            "Telefono +39 080 000 0000",
            "Sito https://example.org/ufficio",
        ],
        "festival": ["Presentata al Festival delle buone pratiche 2024"],
        "repliche": ["Ambito di Corato : interesse espresso (2024)", "Comune di Andria : replica realizzata"],
        "fonti": ["https://example.org/fonte-1", "https://example.org/fonte-2?a=1&b=2"],
        "pubblicata": ["Nel catalogo dal 2 aprile 2024"],
    }
    assert set(shown) == set(Practice.model_fields), "a new contract field needs a place on the page"
    for field, snippets in shown.items():
        for snippet in snippets:
            assert snippet in text, (field, snippet)
    assert "Testo con grassetto , un collegamento e l'apostrofo." in text  # the Markdown body


def test_markdown_body_is_sanitized(site: Path) -> None:
    html = (site / "pratiche/centro-famiglie-prova/index.html").read_text(encoding="utf-8")
    assert "alert" not in html and "onclick" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']
    assert '<a href="https://example.org/esterno" rel="noopener noreferrer">collegamento</a>' in html


def test_body_headings_start_below_the_page_title() -> None:
    """Each heading one level down (the page's h1 is the title), its closing tag too, raw HTML
    headings included; '<hr>' and text that only looks like a tag stay as they are."""
    html = render_markdown('# Uno\n\n##### Cinque\n\n###### Sei\n\n<h1 class="x">Grezzo</h1>\n\n---\n\na &lt;h2 b')
    assert html == ("<h2>Uno</h2>\n<h6>Cinque</h6>\n<h6>Sei</h6>\n<h2>Grezzo</h2>\n<hr>\n<p>a &lt;h2 b</p>")


def test_listing_area_territory_and_festival_pages(site: Path) -> None:
    listing = page(site, "pratiche/index.html")
    assert [
        a["href"]
        for a in listing.find("a")
        if (a.get("href") or "").startswith("/pratiche/") and a["href"] != "/pratiche/"
    ] == ["/pratiche/centro-famiglie-prova/", "/pratiche/andria-prova/", "/pratiche/sportello-prova/"]
    assert "Ambito di Corato" in listing.text and "Procedure amministrative e gare d'appalto" in listing.text
    area = page(site, "aree/famiglie-minori/index.html")
    assert "2 pratiche." in area.text
    empty = page(site, "aree/contrasto-violenza/index.html")
    assert "Nessuna pratica di quest'area nel catalogo, per ora." in empty.text
    ambito = page(site, "territori/ambito-corato/index.html")
    assert "Sportello unico di prova" in ambito.text
    assert "Pratiche che questo territorio sta replicando Centro per le famiglie di prova" in ambito.text
    andria = page(site, "territori/andria/index.html")
    assert "appartenenza da verificare" in andria.text
    edition = page(site, "festival/2024/index.html")
    assert "Il catalogo documenta finora 2 pratiche delle 3 selezionate per questa edizione" in edition.text
    assert "Comune di Bitonto" in edition.text and "Mario Rossi, Presidente di prova" in edition.text
    missing = page(site, "404.html")
    assert missing.h1 == ["Pagina non trovata"]


def test_escaping_of_front_matter_text(make_content, run_cli, tmp_path) -> None:
    content = make_content()
    practice = content / "practices" / "sportello-prova.md"
    practice.write_text(
        practice.read_text(encoding="utf-8").replace(
            "titolo: Sportello unico di prova", 'titolo: "<img src=x onerror=alert(1)> & co"'
        ),
        encoding="utf-8",
    )
    assert run_cli("build", "--content", content, "--out", tmp_path / "sito").code == 0
    html = (tmp_path / "sito/pratiche/sportello-prova/index.html").read_text(encoding="utf-8")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in html
    assert unescape("&lt;img") == "<img"


def test_the_alphabetical_list_comes_in_pages(make_content, run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(render, "LIST_PAGE", 2)
    out = tmp_path / "sito"
    result = run_cli("build", "--content", make_content(), "--out", out, "--base-url", "https://example.org/catalogo/")
    assert result.code == 0, result.err  # every page link was checked
    first = (out / "pratiche/index.html").read_text(encoding="utf-8")
    second = (out / "pratiche/pagina/2/index.html").read_text(encoding="utf-8")
    assert first.count('<article class="card') == 2 and second.count('<article class="card') == 1
    assert "Pagina 1 di 2 dell'elenco" in first and 'href="/catalogo/pratiche/pagina/2/" rel="next"' in first
    assert "<title>Pratiche, pagina 2" in second and 'href="/catalogo/pratiche/" rel="prev"' in second
    assert 'aria-current="page">2</a>' in second and 'id="ricerca"' in second  # search works from any page
    assert "/catalogo/pratiche/pagina/2/" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert not (out / "pratiche/pagina/3").exists()


# The nouns the pages count, and the adjectives that follow them, singular and plural.
NOUNS = {"pratica": "pratiche", "Comune": "Comuni", "Ambito": "Ambiti", "replica": "repliche", "edizione": "edizioni"}
NOUNS |= {"pagina": "pagine", "territorio": "territori", "documentata": "documentate", "selezionata": "selezionate"}
ADJECTIVES = {"documentata": "documentate", "selezionata": "selezionate", "realizzata": "realizzate"}
ADJECTIVES |= {"interessato": "interessati", "territoriale": "territoriali", "in": "in"}


BLOCKS = {
    "p",
    "li",
    "td",
    "th",
    "tr",
    "dt",
    "dd",
    "div",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "caption",
    "option",
    "title",
}


class Blocks(HTMLParser):
    """A page's text, one line per block element (a number and its noun may be in two inline ones)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(text)
        self.lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append("\n" if tag in BLOCKS else "")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append("\n" if tag in BLOCKS else "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_every_count_agrees_with_its_noun(make_content, run_cli, tmp_path) -> None:
    """'1 pratica documentata', '2 pratiche documentate': the two words after every number agree with
    it, on a catalogue of one practice."""
    content = make_content({"practices/andria-prova.md": None, "practices/sportello-prova.md": None})
    out = tmp_path / "sito"
    assert run_cli("build", "--content", content, "--out", out).code == 0
    wrong = []
    for page in sorted(out.rglob("*.html")):
        text = "\n".join(Blocks(page.read_text(encoding="utf-8")).lines)
        for m in re.finditer(r"(?<![\d.,])(\d[\d.]*) (\w+)(?: (\w+))?", text.replace("\n", " | ")):
            one = m.group(1) == "1"
            noun, adjective = m.group(2), m.group(3)
            if noun not in NOUNS and noun not in NOUNS.values():
                continue  # not a count: a year, a date, a number of something else
            agrees = (noun in NOUNS) if one else (noun in NOUNS.values())
            if adjective in ADJECTIVES or adjective in ADJECTIVES.values():
                agrees = agrees and ((adjective in ADJECTIVES) if one else (adjective in ADJECTIVES.values()))
            if not agrees:
                wrong.append((page.relative_to(out).as_posix(), m.group(0)))
    assert wrong == []
    home = Page((out / "index.html").read_text(encoding="utf-8")).text
    assert "1 pratica documentata" in home and "1 Comune" in home


def test_the_network_page_shows_who_replicates_what_from_whom(make_content, run_cli, tmp_path) -> None:
    out = tmp_path / "sito"
    assert run_cli("build", "--content", make_content(), "--out", out).code == 0
    page = Page((out / "rete/index.html").read_text(encoding="utf-8"))
    assert page.h1 == ["La rete delle repliche"]
    # The fixture's replications: the Ambito di Corato wants to replicate Bitonto's family centre, Andria did.
    assert "Centro per le famiglie di prova Comune di Bitonto Ambito di Corato Interesse espresso 2024" in page.text
    assert "3 territori in rete 2 legami" in page.text  # Bitonto, Corato and Andria
    for start in ("index.html", "territori/ambito-corato/index.html"):
        links = [a.get("href") for _, a in Page((out / start).read_text(encoding="utf-8")).tags if _ == "a"]
        assert "/rete/" in links, start  # from the menu, the home page and the territory pages
    corato = re.sub(r" ([,.;:)])", r"\1", Page((out / "territori/ambito-corato/index.html").read_text("utf-8")).text)
    assert "In rete con" in corato and "Comune di Bitonto, dove è nata Centro per le famiglie di prova" in corato


def test_an_empty_network_says_so_and_points_to_the_ways_in(make_content, run_cli, tmp_path) -> None:
    content = make_content()
    practice = content / "practices/centro-famiglie-prova.md"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(re.sub(r"repliche:\n(?:  .*\n)+", "", text), encoding="utf-8")
    out = tmp_path / "sito"
    assert run_cli("build", "--content", content, "--out", out).code == 0
    page = Page((out / "rete/index.html").read_text(encoding="utf-8"))
    assert "La rete è ancora vuota" in page.text and not page.find("table")
    assert {"/pratiche/", "/proponi/"} <= {a.get("href") for _, a in page.tags if _ == "a"}
