"""Open data, feeds, map, publication and related practices."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURE_SITE, ROOT

from catalogo.cli import main
from catalogo.export import CSV_COLUMNS
from catalogo.pipeline import load_site
from catalogo.related import related_practices
from catalogo.search import load_stop_words

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("export")
    shutil.copytree(FIXTURE_SITE, root / "content")
    assert (
        main(
            [
                "build",
                "--content",
                str(root / "content"),
                "--out",
                str(root / "sito"),
                "--base-url",
                "https://example.org/catalogo/",
            ],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    return root / "sito"


def test_json_export_has_every_practice_and_field(site: Path) -> None:
    data = json.loads((site / "dati/pratiche.json").read_text(encoding="utf-8"))
    assert data["versione_schema"] == "1.0" and data["licenza"] == "CC BY 4.0"
    practices = data["pratiche"]
    assert [p["slug"] for p in practices] == ["andria-prova", "centro-famiglie-prova", "sportello-prova"]
    first = practices[1]
    assert list(first)[:4] == ["versione_schema", "slug", "url", "titolo"]
    assert first["url"] == "https://example.org/catalogo/pratiche/centro-famiglie-prova/"
    assert (first["comune"], first["codice_istat_comune"], first["ambito"], first["provincia"]) == (
        "Bitonto",
        "072011",
        "Bitonto",
        "BA",
    )
    assert first["risultati"][1] == {"indicatore": "Famiglie seguite", "valore": 1250, "note": "in due anni"}
    assert first["repliche"][0] == {
        "territorio": "Ambito di Corato",
        "tipo": "ambito",
        "stato": "interesse",
        "anno": 2024,
    }
    assert first["testo"].startswith("## Contesto")
    andria = practices[0]
    assert andria["ambito_derivato"] is True and andria["ambito_verificato"] is False
    for p in practices:  # every practice also has its own file, with the same record
        own = json.loads((site / "pratiche" / p["slug"] / "index.json").read_text(encoding="utf-8"))
        assert own == p


def test_csv_export_round_trips(site: Path) -> None:
    raw = (site / "dati/pratiche.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read the accents
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert tuple(rows[0]) == CSV_COLUMNS
    family = rows[1]
    assert family["aree_strategiche"] == "famiglie-minori; inclusione-poverta"
    assert family["risultati"] == (
        "Un risultato descritto a parole.; Famiglie seguite: 1250 (in due anni); Tempo medio di attesa: 7 giorni"
    )
    assert family["risorse_costo_euro"] == "45000.5" and family["contatti_email"] == "ufficio@example.org"
    assert family["repliche"] == "Ambito di Corato (interesse, 2024); Comune di Andria (realizzata)"
    assert rows[0]["ambito_verificato"] == "no"


def test_dcat_description_has_the_mandatory_fields(site: Path) -> None:
    data = json.loads((site / "dati/catalogo.jsonld").read_text(encoding="utf-8"))
    for key in (
        "dct:identifier",
        "dct:title",
        "dct:description",
        "dct:publisher",
        "dct:rightsHolder",
        "dcat:theme",
        "dct:modified",
        "dct:accrualPeriodicity",
        "dcat:distribution",
        "dcat:contactPoint",
    ):
        assert data[key], key
    assert "dcatapit:Dataset" in data["@type"]
    formats = {d["dct:format"]["@id"].rsplit("/", 1)[1] for d in data["dcat:distribution"]}
    assert formats == {"JSON", "CSV"}
    for distribution in data["dcat:distribution"]:
        assert distribution["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
        url = distribution["dcat:downloadURL"]["@id"]
        assert url.startswith("https://example.org/catalogo/dati/")
        assert (site / url.removeprefix("https://example.org/catalogo/")).is_file()


def test_feed_lists_every_practice_newest_first(site: Path) -> None:
    root = ET.fromstring((site / "feed.xml").read_bytes())
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries][0] in (
        "Sportello unico di prova",
        "Pratica di prova ad Andria",
    )
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True) and len(entries) == 3
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.startswith("https://example.org/catalogo/pratiche/") for link in links)
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3


def test_sitemap_and_robots(site: Path) -> None:
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    # Every page but the 404 and the web editor, which no search engine should list.
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html" and p.relative_to(site).parts[0] != "admin")
    assert len(locs) == len(pages)
    for slug in ("andria-prova", "centro-famiglie-prova", "sportello-prova"):
        assert f"https://example.org/catalogo/pratiche/{slug}/" in locs
    assert not any("/admin/" in loc for loc in locs)
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/catalogo/sitemap.xml" in robots
    assert "Disallow: /catalogo/admin/" in robots.splitlines()


def test_practice_page_metadata(site: Path) -> None:
    html = (site / "pratiche/centro-famiglie-prova/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:url" content="https://example.org/catalogo/pratiche/centro-famiglie-prova/">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Article" and data["headline"] == "Centro per le famiglie di prova"
    assert "Pratiche simili" in html


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "sito"
    assert (
        main(
            ["build", "--content", str(ROOT / "content"), "--out", str(out), "--base-url", "/catalogo/"],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        == 0
    )
    return out


def test_map_has_one_linked_shape_per_ambito(real_site: Path) -> None:
    site = real_site
    html = (site / "mappa/index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # well-formed
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">\s*<path class="livello-(\d)" d="M', svg)
    assert len(links) == 45
    for href, _label, _level in links:
        assert (site / href.removeprefix("/catalogo/") / "index.html").is_file()
    shaded = {label: level for _, label, level in links}
    assert shaded["Ambito di Bitonto: 1 pratica"] == "1"  # In.Con.Tra
    assert shaded["Ambito di Lecce: 0 pratiche"] == "0"
    assert len(re.findall(r"<tr><th scope=\"row\">", html)) == 45  # the same data as a table


def test_publication_has_every_practice_on_its_own_page(site: Path) -> None:
    html = (site / "pubblicazione/index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="practice print-page" aria-labelledby="([a-z0-9-]+)">', html)
    assert sections == ["centro-famiglie-prova", "andria-prova", "sportello-prova"]
    for slug in sections:
        assert f'<a href="#{slug}">' in html
    assert len(set(re.findall(r' id="([^"]+)"', html))) == len(re.findall(r' id="([^"]+)"', html))  # unique ids


def test_related_practices_are_deterministic_and_explained() -> None:
    site = load_site(FIXTURE_SITE).site
    stops = load_stop_words(Path(__file__).resolve().parent.parent / "node_modules")
    first = related_practices(site, stops)
    assert first == related_practices(site, stops)
    centro = [(r.practice.slug, r.reason) for r in first["centro-famiglie-prova"]]
    assert centro[0] == ("andria-prova", "Stessa area del V Piano, stessi destinatari, temi simili")
    assert all(len(v) <= 4 for v in first.values())


def test_home_counts_replications(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    # Interests, replications in progress and done, counted apart (the fixture: one interest, one done).
    assert "<strong>1</strong> territorio interessato a replicare una pratica" in html
    assert "<strong>0</strong> repliche in corso" in html
    assert "<strong>1</strong> replica realizzata" in html
