"""The printed volumes, read back with a PDF library (pypdf) and poppler (pdftotext, pdffonts): pages,
table of contents against the real pages, bookmarks, language, tags, fonts, every title and source,
nothing cut at the margins, hostile content as text, the same bytes twice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURE_SITE, ROOT, require

from catalogo.build import THEME
from catalogo.content.load import load_site
from catalogo.core.npm import NODE_MODULES
from catalogo.core.urls import Urls
from catalogo.printed.pdf import make_pdfs
from catalogo.printed.volumes import estimated_pages, plan_volumes

LONG_URL = "https://example.org/" + "percorso-molto-lungo/" * 9 + "?parametro=" + "x" * 60
LONG_WORD = "Sovra" + "precipitevolissimevolmente" * 5
WIDE_TABLE = (
    "| "
    + " | ".join(f"Colonna {n}" for n in range(14))
    + " |\n|"
    + "---|" * 14
    + "\n| "
    + " | ".join(f"valore{n}lungo" for n in range(14))
    + " |\n"
)
LONG = f"""---
titolo: Pratica con indirizzi e parole lunghe
sintesi: Una pratica di prova con un indirizzo lunghissimo, una parola lunghissima e una tabella larga.
comune: Corato
area_tematica: processi-organizzativi
aree_strategiche: [welfare-accesso]
destinatari: [operatori]
anno_avvio: 2020
stato: attiva
festival: [2024]
risultati:
  - Una riga con la parola {LONG_WORD} che non entra in una riga.
replicabilita:
  livello: media
  condizioni:
    - Un accordo.
fonti:
  - {LONG_URL}
pubblicata: 2024-05-10
---
Vedi [la fonte]({LONG_URL}) e la parola {LONG_WORD}.

{WIDE_TABLE}"""


def _poppler() -> None:
    require(
        shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None,
        "poppler-utils (apt-get install poppler-utils)",
    )


@pytest.fixture(scope="module")
def volumes(tmp_path_factory):
    _poppler()
    root = tmp_path_factory.mktemp("volumi")
    content = root / "content"
    shutil.copytree(FIXTURE_SITE, content)
    shutil.copytree(ROOT / "content/territori/mappa", content / "territori/mappa")
    for hostile in (ROOT / "tests/fixtures/hostile").glob("*.md"):
        text = hostile.read_text(encoding="utf-8")
        if "festival:" not in text:
            text = text.replace("fonti:", "festival: [2024]\nfonti:", 1)
        (content / "practices" / hostile.name).write_text(text, encoding="utf-8")
    (content / "practices" / "lunga-corato.md").write_text(LONG, encoding="utf-8")
    loaded = load_site(content)
    assert loaded.ok, [d.format() for d in loaded.diagnostics]
    site = loaded.site
    urls = Urls.from_base_url("https://example.org/catalogo/")
    made = make_pdfs(plan_volumes(site), site, THEME, NODE_MODULES, urls, workers=-1)
    files = {}
    for pdf in made:
        target = root / f"{pdf.volume.slug}.pdf"
        target.write_bytes(pdf.data)
        files[pdf.volume.slug] = (pdf, target)
    return site, urls, files, content


def _pages_text(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")][:-1]


def test_one_volume_per_edition_and_per_area(volumes) -> None:
    site, _, files, _ = volumes
    assert list(files)[0] == "festival-2024"
    areas = {f"area-{facet.slug}" for facet in site.aree_tematiche if facet.practices}
    assert set(files) == {"festival-2024"} | areas
    festival, _ = files["festival-2024"]
    assert {p.slug for p in festival.volume.practices} == {p.slug for p in site.practices_in(2024)}


def test_the_table_of_contents_gives_the_pages_where_each_practice_begins(volumes) -> None:
    from pypdf import PdfReader

    _, _, files, _ = volumes
    pdf, path = files["festival-2024"]
    pages = _pages_text(path)
    reader = PdfReader(path)
    assert len(reader.pages) == len(pages) == pdf.pages
    toc_page = next(n for n, text in enumerate(pages) if text.startswith("Indice "))
    outline = {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }
    for p in pdf.volume.practices:
        title = " ".join(p.titolo.split())
        printed = re.search(re.escape(title) + r".*? (\d+)(?: |$)", pages[toc_page])
        assert printed, title
        first = next(n + 1 for n, text in enumerate(pages) if n > toc_page and text.startswith(title[:40]))
        assert int(printed.group(1)) == first == outline[p.titolo], title
    assert "Indice dei territori" in outline and "Enti presentatori" in outline


def test_pdf_ua_language_metadata_and_embedded_fonts(volumes) -> None:
    from pypdf import PdfReader

    site, _, files, _ = volumes
    for pdf, path in files.values():
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "it" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
        xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
        assert re.search(r'pdfuaid:part(="1"|>1<)', xmp), xmp  # declares PDF/UA-1
        assert reader.metadata.title.startswith(pdf.volume.title) and reader.metadata.author == site.settings.editore
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:]]
        assert rows and all("Titillium" in row[0] for row in rows), fonts  # no fallback font sneaked in
        assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows), fonts  # embedded, subset, unicode


def test_every_title_and_every_source_is_in_the_text(volumes) -> None:
    _, _, files, _ = volumes
    for pdf, path in files.values():
        text = " ".join(_pages_text(path)).replace(" ", "")
        for p in pdf.volume.practices:
            assert p.titolo.replace(" ", "") in text, p.slug
            for source in p.data.fonti:
                assert source.replace(" ", "") in text, source  # printed after its link, whole


def test_nothing_is_cut_at_the_margins(volumes) -> None:
    """Long addresses, long words and wide tables wrap inside the page: every word's box is within it."""
    _, _, files, _ = volumes
    _, path = files["festival-2024"]
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([0-9.]+)"', boxes).group(1))
    right = [float(x) for x in re.findall(r'<word xMin="[0-9.]+" yMin="[0-9.]+" xMax="([0-9.]+)"', boxes)]
    assert right and max(right) <= width - 20 * 72 / 25.4 + 2  # the right margin is 20 mm
    text = " ".join(_pages_text(path))
    assert "na 13" in text and "re13-" in text  # the table's last column is on the page, hyphenated to fit


def test_hostile_content_is_printed_as_text(volumes) -> None:
    _, _, files, _ = volumes
    _, path = files["festival-2024"]
    text = " ".join(_pages_text(path))
    assert "</script><script>window.__pwned=1</script>" in text.replace(" ", "")
    assert "<style>body{display:none}</style>" in text.replace(" ", "")


def test_the_same_content_gives_the_same_bytes(volumes) -> None:
    site, urls, files, content = volumes
    again = make_pdfs(plan_volumes(site, festival_only=True), site, THEME, NODE_MODULES, urls, workers=-1)
    assert again[0].data == files["festival-2024"][0].data


def test_large_volumes_are_split_by_province_and_say_so(synthetic_content) -> None:
    site = load_site(synthetic_content).site
    whole = {v.title: v for v in plan_volumes(site)}
    split = plan_volumes(site, max_pages=10)
    for volume in split:
        assert sum(estimated_pages(p) for p in volume.practices) <= 10 or len(volume.practices) == 1
    for title, volume in whole.items():
        parts = [v for v in split if v.title == title]
        slugs = [p.slug for v in parts for p in v.practices]
        assert sorted(slugs) == sorted(p.slug for p in volume.practices)  # each practice once, none lost
        assert len({v.slug for v in parts}) == len(parts)
        if sum(estimated_pages(p) for p in volume.practices) > 10:
            assert len(parts) > 1 and all(v.part.startswith(("Città", "Provincia")) for v in parts)
        else:
            assert parts == [volume]
    assert any(", parte 1 di " in v.part for v in split)  # a province too large for one volume: in parts


def test_the_volumes_say_nothing_about_forms_and_give_each_practice_its_address(volumes) -> None:
    site, urls, files, _ = volumes
    _, path = files["festival-2024"]
    text = " ".join(_pages_text(path))
    for web_only in ("modulo", "Dichiara l'interesse", "pulsante", "non è ancora attivo", "Correggi questa scheda"):
        assert web_only not in text
    for p in site.practices_in(2024):
        assert urls.absolute(f"pratiche/{p.slug}/") in text.replace(" ", "")
