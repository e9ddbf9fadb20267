"""The spreadsheet door: the template ('modello'), the import ('importa') of .xlsx, .ods and .csv,
the round trip of the site's own CSV export, and every bad file told by row and column."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import ROOT, tree

from catalogo.content.load import load_site
from catalogo.core.urls import Urls
from catalogo.opendata.exports import CSV_COLUMNS, practices_csv

CONTENT = ROOT / "content"


def _front(path: Path) -> tuple[dict, str]:
    """A practice file's front matter (empty values left out: an import does not write them; a date as
    the contract reads it, whether YAML wrote a date or a quoted one) and body."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    values = yaml.load(front, Loader=yaml.CSafeLoader)  # libyaml: 600 files read per round trip

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v not in (None, [], {}, "")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value.isoformat() if hasattr(value, "isoformat") else value

    return {k: v for k, v in clean(values).items() if v not in (None, [], {}, "")}, body


def _empty_catalogue(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "vuoto"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))
    (target / "practices").mkdir(exist_ok=True)
    for edition in (source / "festival").glob("*.md"):
        shutil.copy(edition, target / "festival" / edition.name)
    return target


def _round_trip(run_cli, source: Path, tmp_path: Path, exported: Path | None = None) -> None:
    """The site's own CSV (``exported``, or as the build makes it), imported into an empty catalogue,
    gives back every practice file's values and text."""
    if exported is None:
        site = tmp_path / "sito"
        assert run_cli("build", "--content", source, "--out", site, "--base-url", "https://example.org/").code == 0
        exported = site / "dati/pratiche.csv"
    empty = _empty_catalogue(source, tmp_path)
    result = run_cli("importa", exported, "--content", empty)
    assert result.code == 0, result.err
    originals = sorted((source / "practices").glob("*.md"))
    assert sorted(p.name for p in (empty / "practices").glob("*.md")) == [p.name for p in originals]
    for original in originals:
        assert _front(empty / "practices" / original.name) == _front(original), original.name


def test_the_real_content_comes_back_from_its_csv(run_cli, tmp_path) -> None:
    _round_trip(run_cli, CONTENT, tmp_path)


def test_the_synthetic_catalogue_comes_back_from_its_csv(run_cli, synthetic_content, tmp_path) -> None:
    exported = tmp_path / "pratiche.csv"  # the build's own export, without the other 600 files
    exported.write_bytes(
        b"".join(practices_csv(load_site(synthetic_content).site, Urls.from_base_url("https://example.org/")))
    )
    _round_trip(run_cli, synthetic_content, tmp_path, exported)


def test_a_title_a_spreadsheet_would_run_is_exported_as_text_and_comes_back(run_cli, make_content, tmp_path) -> None:
    content = make_content()
    practice = content / "practices/sportello-prova.md"
    hostile = '=HYPERLINK("http://x.test","clic qui")'
    practice.write_text(practice.read_text("utf-8").replace("Sportello unico di prova", hostile), "utf-8")
    site = tmp_path / "sito"
    assert run_cli("build", "--content", content, "--out", site).code == 0
    rows = list(csv.reader(io.StringIO((site / "dati/pratiche.csv").read_text("utf-8-sig"))))
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert f"'{hostile}" in {cell for row in rows for cell in row}
    empty = _empty_catalogue(content, tmp_path)
    assert run_cli("importa", site / "dati/pratiche.csv", "--content", empty).code == 0
    assert _front(empty / "practices/sportello-prova.md")[0]["titolo"] == hostile


# ---- the template ----


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    import io as _io

    from catalogo.cli import main

    target = tmp_path_factory.mktemp("modello") / "modello.xlsx"
    assert main(["modello", "--out", str(target)], stdout=_io.StringIO(), stderr=_io.StringIO()) == 0
    return target


def test_a_template_is_kept_for_the_next_build_and_made_again_when_its_content_changes(
    make_content, run_cli, tmp_path
) -> None:
    """The same content gives the kept file, in a process that never imports openpyxl; a new
    vocabulary value or a new first practice (the example) gives a new file that holds it."""
    content = make_content()

    def make(name: str) -> Path:
        assert run_cli("modello", "--content", content, "--out", tmp_path / name).code == 0
        return tmp_path / name

    first = make("primo.xlsx")  # made, or kept by an earlier run
    script = (
        "import io, sys; from catalogo.cli import main; "
        "code = main(['modello', '--content', sys.argv[1], '--out', sys.argv[2]], stdout=io.StringIO(), "
        "stderr=io.StringIO()); print(code, 'openpyxl' in sys.modules)"
    )
    again = tmp_path / "di-nuovo.xlsx"
    done = subprocess.run([sys.executable, "-c", script, content, again], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["0", "False"]
    assert again.read_bytes() == first.read_bytes()
    vocabularies = content / "vocabolari.yml"
    vocabularies.write_text(
        vocabularies.read_text(encoding="utf-8").replace(
            "destinatari:\n", "destinatari:\n  nuovo-destinatario:\n    etichetta: Nuovo destinatario\n", 1
        ),
        encoding="utf-8",
    )
    values = openpyxl.load_workbook(make("nuovo-valore.xlsx"))["valori"]
    column = [c.value for c in values[1]].index("destinatari") + 1
    assert "nuovo-destinatario" in [values.cell(row, column).value for row in range(2, values.max_row + 1)]
    practice = content / "practices" / "sportello-prova.md"
    practice.write_text(
        practice.read_text(encoding="utf-8").replace("titolo: Sportello unico di prova", "titolo: A come sportello"),
        encoding="utf-8",
    )
    example = openpyxl.load_workbook(make("nuovo-esempio.xlsx"))["esempio"]
    assert example.cell(2, [c.value for c in example[1]].index("titolo") + 1).value == "A come sportello"


def test_the_template_has_the_csv_columns_lists_and_instructions(template: Path) -> None:
    from catalogo.content.contract import Practice
    from catalogo.content.keys import keys_of

    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["istruzioni", "pratiche", "valori", "esempio"]
    sheet = book["pratiche"]
    header = [c.value for c in sheet[1]]
    assert header == list(CSV_COLUMNS)
    # The columns the build derives are marked, with a note that the import ignores them.
    for name in ("versione_schema", "url", "provincia", "provincia_nome", "codice_istat_comune", "aggiornata"):
        cell = sheet.cell(1, header.index(name) + 1)
        assert cell.fill.fgColor.rgb.endswith("D9D9D9") and "ignora" in cell.comment.text, name
    # Every vocabulary column has its drop-down list, from the vocabularies, with an Italian message.
    lists = {}
    for check in sheet.data_validations.dataValidation:
        column = header[
            openpyxl.utils.column_index_from_string(str(check.sqref).split(":")[0].rstrip("0123456789")) - 1
        ]
        lists[column] = check
    vocabulary_columns = {
        k.path.replace(".", "_") for top in keys_of(Practice) for k in top.walk() if k.vocabulary and "." not in k.path
    } | {"replicabilita_livello"}
    assert vocabulary_columns <= set(lists)
    values = book["valori"]
    for column in vocabulary_columns:
        check = lists[column]
        assert check.type == "list" and check.formula1.startswith("=valori!$") and check.showErrorMessage
        assert check.error and "valor" in check.error.lower() and check.errorTitle == "Valore non previsto"
    stato = lists["stato"].formula1.split("!")[1].replace("$", "").split(":")
    # the drop-down list of 'stato' is the vocabulary's values, in its order
    assert [row[0].value for row in values[stato[0] : stato[1]]] == list(load_site(CONTENT).site.vocabularies["stato"])
    named = {c.value for row in values.iter_rows(min_row=2) for c in row if c.value}
    assert {"attiva", "conclusa", "strutturata", "welfare-accesso"} <= named
    # The instructions name every column with the contract's label and help.
    instructions = {row[0]: row for row in book["istruzioni"].iter_rows(values_only=True) if row and row[0]}
    assert set(CSV_COLUMNS) <= set(instructions)
    assert instructions["sintesi"][1] == "Sintesi" and "40-500 caratteri" in instructions["sintesi"][3]
    # The one example is the real practice.
    example = [c.value for c in book["esempio"][2]]
    assert example[header.index("slug")] == "in-con-tra-bitonto" and book["esempio"].max_row == 2


def test_the_template_is_the_same_bytes_and_is_published(template: Path, run_cli, tmp_path) -> None:
    again = tmp_path / "di-nuovo.xlsx"
    assert run_cli("modello", "--out", again).code == 0
    assert again.read_bytes() == template.read_bytes()
    site = tmp_path / "sito"
    assert run_cli("build", "--out", site).code == 0
    assert (site / "dati/modello-pratiche.xlsx").read_bytes() == template.read_bytes()
    for page in ("dati/index.html", "proponi/index.html"):
        assert 'href="/dati/modello-pratiche.xlsx"' in (site / page).read_text("utf-8"), page


def test_the_filled_template_and_an_ods_file_become_practices(template: Path, run_cli, tmp_path) -> None:
    site = tmp_path / "sito"
    assert run_cli("build", "--out", site, "--base-url", "https://example.org/").code == 0
    rows = list(csv.reader(io.StringIO((site / "dati/pratiche.csv").read_text("utf-8-sig"))))
    book = openpyxl.load_workbook(template)
    sheet = book["pratiche"]
    for row in rows[1:]:
        sheet.append([int(v) if v.isdigit() else v for v in row])  # numbers as numbers, as a person types them
    filled = tmp_path / "compilato.xlsx"
    book.save(filled)
    ods = tmp_path / "compilato.ods"
    ods.write_bytes(_ods(rows))
    for source in (filled, ods):
        empty = _empty_catalogue(CONTENT, tmp_path / source.suffix.strip("."))
        result = run_cli("importa", source, "--content", empty)
        assert result.code == 0, result.err
        made = empty / "practices/in-con-tra-bitonto.md"
        assert _front(made) == _front(CONTENT / "practices/in-con-tra-bitonto.md"), source.name


def _ods(rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet with these rows (numbers as numbers)."""
    from xml.sax.saxutils import escape

    cells = []
    for row in rows:
        out = []
        for value in row:
            if value.isdigit():
                out.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
                )
            else:
                paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in value.split("\n"))
                out.append(f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>')
        cells.append("<table:table-row>" + "".join(out) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="pratiche">'
        + "".join(cells)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


# ---- bad files ----


def _sheet(tmp_path: Path, template: Path, rows: list[list], change=None) -> Path:
    book = openpyxl.load_workbook(template)
    sheet = book["pratiche"]
    for row in rows:
        sheet.append(row)
    if change:
        change(sheet)
    target = tmp_path / "proposte.xlsx"
    book.save(target)
    return target


def _row(**values) -> list:
    """A good row of the template, with ``values`` changed (by column)."""

    good = {
        "titolo": "Sportello di prossimità per le famiglie",
        "sintesi": "Uno sportello comunale che accoglie, orienta e accompagna le famiglie verso i servizi.",
        "comune": "Palo del Colle",
        "area_tematica": "modalita-erogazione",
        "aree_strategiche": "welfare-accesso",
        "destinatari": "famiglie",
        "anno_avvio": 2023,
        "stato": "attiva",
        "risultati": "Oltre 300 famiglie accolte nel primo anno.",
        "replicabilita_livello": "alta",
        "replicabilita_condizioni": "Un ufficio comunale dedicato.",
        "fonti": "https://example.org/notizia-sportello",
        "pubblicata": "2026-05-10",
        "testo": "## Contesto\n\nUn quartiere periferico.",
    }
    good.update(values)
    return [good.get(name) for name in CSV_COLUMNS]


def _import(run_cli, make_content, source: Path):
    content = make_content()
    before = tree(content)
    result = run_cli("importa", source, "--content", content)
    return result, content, before


def test_a_good_row_becomes_a_practice_check_accepts(template, run_cli, make_content, tmp_path) -> None:
    result, content, _ = _import(run_cli, make_content, _sheet(tmp_path, template, [_row()]))
    assert result.code == 0, result.err
    assert (content / "practices/sportello-di-prossimita-per-le-famiglie-palo-del-colle.md").is_file()
    assert run_cli("check", "--content", content).code == 0


BAD = {
    "wrong type": ([_row(anno_avvio="duemila")], "riga 2, colonna anno_avvio: errore: deve essere un numero intero"),
    "unknown value": (
        [_row(area_tematica="innovazione")],
        "riga 2, colonna area_tematica: errore: 'innovazione' non è ammesso",
    ),
    "empty row in the middle": (
        [_row(), [None] * 3, _row(titolo="Un altro sportello di prova")],
        "riga 3: errore: riga vuota tra le schede",
    ),
    "formula": ([_row(titolo="=CONCAT(A1,B1)")], "contiene una formula: scrivi il valore"),
}


@pytest.mark.parametrize("kind", BAD)
def test_each_bad_spreadsheet_is_told_by_row_and_column_and_nothing_is_written(
    template, run_cli, make_content, tmp_path, kind: str
) -> None:
    rows, message = BAD[kind]
    result, content, before = _import(run_cli, make_content, _sheet(tmp_path, template, rows))
    assert result.code == 1 and message in result.err, result.err
    assert result.err.rstrip().endswith("Nessuna scheda scritta: correggi il file e riprova.")
    assert "Traceback" not in result.err and tree(content) == before


def test_a_missing_column_merged_cells_a_huge_file_and_a_password_are_problems(
    template, run_cli, make_content, tmp_path
) -> None:
    import msoffcrypto.format.ooxml

    cases = {}
    book = openpyxl.load_workbook(template)
    title = CSV_COLUMNS.index("titolo")
    book["pratiche"].delete_cols(title + 1)
    book["pratiche"].append(_row()[:title] + _row()[title + 1 :])
    cases["missing column"] = (
        tmp_path / "senza-titolo.xlsx",
        book,
        "colonna titolo: errore: colonna obbligatoria mancante",
    )
    merged = _sheet(
        tmp_path, template, [_row(), _row(titolo="Un altro sportello di prova")], lambda s: s.merge_cells("D2:D3")
    )
    cases["merged"] = (merged, None, "celle unite da D2 a D3")
    big = tmp_path / "enorme.csv"
    big.write_bytes(b"titolo\n" + b"x" * (10 * 1024 * 1024 + 1))
    cases["10 MB"] = (big, None, "file troppo grande")
    protected = tmp_path / "protetto.xlsx"
    plain = io.BytesIO()
    with open(template, "rb") as source:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("segreta", plain)
    protected.write_bytes(plain.getvalue())
    cases["password"] = (protected, None, "protetto da password")
    for name, (path, workbook, message) in cases.items():
        if workbook is not None:
            workbook.save(path)
        result, content, before = _import(run_cli, make_content, path)
        assert result.code == 1 and message in result.err, (name, result.err)
        assert "Traceback" not in result.err and tree(content) == before, name


def test_an_existing_practice_is_replaced_only_when_asked(run_cli, make_content, tmp_path) -> None:
    content = make_content()
    site = tmp_path / "sito"
    assert run_cli("build", "--content", content, "--out", site).code == 0
    refused = run_cli("importa", site / "dati/pratiche.csv", "--content", content)
    assert refused.code == 1 and "esiste già la scheda" in refused.err and "--sostituisci" in refused.err
    replaced = run_cli("importa", site / "dati/pratiche.csv", "--content", content, "--sostituisci")
    assert replaced.code == 0, replaced.err
    assert run_cli("check", "--content", content).code == 0
