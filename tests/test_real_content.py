"""The published content itself: it must pass the checks and say what the sources say."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import ROOT

from catalogo.content.load import load_site


@pytest.fixture(scope="module")
def site():
    loaded = load_site(ROOT / "content")
    assert [d.format() for d in loaded.diagnostics] == []
    assert loaded.site is not None
    return loaded.site


def test_check_passes_on_the_real_content(run_cli) -> None:
    result = run_cli("check", "--content", ROOT / "content")
    assert result.code == 0, result.err


def test_in_con_tra_is_documented_with_its_sources(site) -> None:
    p = next(p for p in site.practices if p.slug == "in-con-tra-bitonto")
    assert p.comune.nome == "Bitonto" and p.ambito.nome == "Bitonto" and p.provincia.sigla == "BA"
    assert p.data.risorse.costo_euro == 100_000
    assert p.data.festival == (2024,)
    assert any("bitontoviva.it" in u for u in p.data.fonti)
    assert any("dabitonto.com" in u for u in p.data.fonti)
    assert "Palombaio" in p.body_html and "Mariotto" in p.body_html


def test_festival_2024_matches_the_sources(site) -> None:
    (edition,) = site.editions
    e = edition.data
    assert (edition.anno, e.edizione, e.data, e.ora_inizio) == (2024, 1, dt.date(2024, 3, 27), "9:30")
    assert e.citta == "Bari" and "Fiera del Levante" in e.luogo and "Padiglione 152" in e.indirizzo
    assert e.pratiche_selezionate == 21
    assert [r.nome for r in e.relatori] == ["Fiorenza Pascazio", "Rosa Barone", "Valentina Romano"]
    comuni = sorted(t.nome for t in edition.enti if t.kind == "comune")
    ambiti = sorted(t.nome for t in edition.enti if t.kind == "ambito")
    assert comuni == [
        "Andria",
        "Bari",
        "Bitonto",
        "Cerignola",
        "Matino",
        "Molfetta",
        "Putignano",
        "Ruvo di Puglia",
        "San Severo",
        "Taranto",
        "Trani",
        "Troia",
    ]
    assert ambiti == [
        "Conversano",
        "Corato",
        "Fasano",
        "Francavilla Fontana",
        "Galatina",
        "Gioia del Colle",
        "Maglie",
        "Modugno",
    ]


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def test_the_real_site_builds_and_names_no_address_without_a_source(run_cli, tmp_path) -> None:
    """Every e-mail address a page or an export shows is written in the content or the settings,
    which name their sources: an address from nowhere sends people's messages nowhere."""
    result = run_cli("build", "--out", tmp_path / "sito", "--repository", "https://github.com/esempio/catalogo")
    assert result.code == 0, result.err
    site = tmp_path / "sito"
    assert (site / "pratiche/in-con-tra-bitonto/index.html").is_file()
    assert (site / "festival/2024/index.html").is_file()
    sources = " ".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "content").rglob("*") if p.suffix in (".md", ".yml", ".csv")
    )
    shown = {
        address
        for page in site.rglob("*")
        if page.suffix in (".html", ".json", ".csv", ".xml", ".jsonld")
        for address in EMAIL.findall(page.read_text(encoding="utf-8"))
    }
    assert {address for address in shown if address not in sources} == set()
    assert "welfare@anci.puglia.it" in shown  # the Avviso's address, quoted with its source in sito.yml
