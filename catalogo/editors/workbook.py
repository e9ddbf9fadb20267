"""``python build.py modello``: the spreadsheet template for proposing practices without an account.

Generated from the contract: the sheet of practices has exactly the CSV export's columns, in its
order (the columns the build derives are marked and ignored on import); every vocabulary column has
a drop-down list from content/vocabolari.yml with an Italian message; an instructions sheet says
what each column takes, with the contract's labels and help; the example is the catalogue's own
first practice, never an invented one. The file is the same bytes for the same content.

Everything the file is made from is gathered first, as plain data (``_Inputs``); openpyxl then
writes it, reading nothing else. A build keeps the file under the digest of those inputs and of
this module (core/kept.py): importing openpyxl and writing the file took 0.1 s of every build's
CPU, for a file that changes only with the vocabularies, the territories or the example.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from catalogo.content.records import Site
from catalogo.core.kept import keep, kept_path, recall
from catalogo.core.urls import Urls
from catalogo.editors.spreadsheet import BODY, SHEET, SLUG, columns, derived_columns, required_columns
from catalogo.opendata.exports import CSV_COLUMNS, csv_row, practice_data

if TYPE_CHECKING:
    from openpyxl import Workbook

ROWS = 1000  # rows of the practices sheet that get the drop-down lists
DERIVED_NOTE = "Ricavata dal catalogo: non compilarla, l'importazione la ignora."
GUIDE = (
    "Una riga per pratica nel foglio «pratiche», a partire dalla riga 2; la riga 1 non va cambiata.",
    "Le colonne in giallo sono obbligatorie (basta una tra «comune» e «ambito»); quelle in grigio sono ricavate "
    "dal catalogo e non vanno compilate.",
    "Più valori nella stessa cella (aree, destinatari, risultati, fonti...): uno per riga (Alt+Invio) oppure, "
    "come nel file CSV del catalogo, un elenco JSON.",
    "Le repliche: una per riga nella cella, con territorio, stato e anno separati da punto e virgola.",
    "Ogni fatto deve trovarsi in una fonte pubblica indicata nella colonna «fonti».",
    "Il foglio «esempio» mostra una pratica vera del catalogo; il foglio «valori» i valori ammessi.",
)


@dataclass(frozen=True)
class _Check:
    """A column's drop-down list: the list it reads (a vocabulary, or the Comuni or Ambiti)."""

    source: str
    many: bool
    territory: bool
    label: str
    help: str


@dataclass(frozen=True)
class _Column:
    name: str
    width: int
    derived: bool
    required: bool  # or one of comune and ambito
    check: _Check | None


@dataclass(frozen=True)
class _Inputs:
    """All the template is made of, as data: its digest names the kept file."""

    lists: tuple[tuple[str, tuple[str, ...]], ...]  # the 'valori' sheet: vocabularies, Comuni, Ambiti
    sheet: str  # the practices sheet's name, which the importer reads
    columns: tuple[_Column, ...]  # the practices sheet
    guide: tuple[tuple[str, str, str, str], ...]  # the instructions: column, what, needed, what to write
    example: tuple[str, ...] | None  # the catalogue's first practice, as the CSV writes it
    moment: dt.datetime
    creator: str
    title: str


def _inputs(site: Site, urls: Urls) -> _Inputs:
    lists = {name: tuple(terms) for name, terms in site.vocabularies.items()}
    lists["comune"] = tuple(sorted(site.territories.comuni))
    lists["ambito"] = tuple(sorted(site.territories.ambiti))
    derived, required = set(derived_columns()), set(required_columns())
    known = columns()
    sheet = []
    for name in CSV_COLUMNS:
        key = known[name].key
        vocabulary = key.vocabulary if key else None
        territory = key.territory if key and key.territory in ("comune", "ambito") else None
        list_name = vocabulary or territory
        check = (
            _Check(list_name, key.many, territory is not None, key.label, key.help)
            if key is not None and list_name in lists
            else None
        )
        width = 40 if name in (BODY, "sintesi") else 22
        sheet.append(_Column(name, width, name in derived, name in required or name in ("comune", "ambito"), check))
    guide = []
    for name, column in known.items():
        key = column.key
        if name == SLUG:
            what, help = "Nome del file", "Facoltativo: se manca, si ricava dal titolo e dal territorio."
        elif name == BODY:
            what, help = "Testo", "Contesto, obiettivi, attività, metodo e risultati, in Markdown."
        elif key is None:
            what, help = "Ricavata", DERIVED_NOTE
        else:
            what, help = key.label, key.help
        needed = "sì" if name in required else ("una tra comune e ambito" if name in ("comune", "ambito") else "")
        guide.append((name, what, "" if name in derived else needed, help))
    example = None
    if site.practices:
        row = csv_row(practice_data(site, site.by_title[0], urls))
        example = tuple(row[name] for name in CSV_COLUMNS)
    return _Inputs(
        tuple(lists.items()),
        SHEET,
        tuple(sheet),
        tuple(guide),
        example,
        dt.datetime.combine(site.date, dt.time()),
        site.settings.editore,
        f"{site.settings.titolo}: modello per proporre pratiche",
    )


def template(site: Site, urls: Urls) -> bytes:
    """The template as an .xlsx file, the same bytes for the same content (fixed dates and zip times):
    the one an earlier build made from the same inputs, or a new one."""
    inputs = _inputs(site, urls)
    digest = hashlib.sha256(repr(dataclasses.astuple(inputs)).encode("utf-8"))
    digest.update(Path(__file__).read_bytes())  # how the file is written
    digest.update(importlib.metadata.version("openpyxl").encode("utf-8"))
    path = kept_path("catalogo-modello", digest.hexdigest(), ".xlsx")
    data = recall(path)
    if data is None:
        data = _write(inputs)
        keep(path, data)
    return data


def _write(inputs: _Inputs) -> bytes:
    """openpyxl's file of ``inputs``, and nothing else."""
    from openpyxl import Workbook  # here: 80 ms of import that a kept file saves

    book = Workbook()
    ranges = _vocabulary_sheet(book, inputs)
    _practices_sheet(book, inputs, ranges)
    _instructions(book, inputs)
    _example(book, inputs)
    book.active = 1  # the practices sheet opens first
    book.properties.created = book.properties.modified = inputs.moment
    book.properties.creator = inputs.creator
    book.properties.title = inputs.title
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue(), inputs.moment)


def _vocabulary_sheet(book: Workbook, inputs: _Inputs) -> dict[str, str]:
    """One column per vocabulary (and the Comuni and Ambiti): the ranges the drop-down lists read."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet("valori")
    ranges = {}
    for number, (name, values) in enumerate(inputs.lists, start=1):
        letter = get_column_letter(number)
        sheet.cell(1, number, name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, number, value)
        ranges[name] = f"valori!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _practices_sheet(book: Workbook, inputs: _Inputs, ranges: dict[str, str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.active
    sheet.title = inputs.sheet
    for number, column in enumerate(inputs.columns, start=1):
        cell = sheet.cell(1, number, column.name)
        cell.font = Font(bold=True)
        if column.derived:
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
            cell.comment = Comment(DERIVED_NOTE, "catalogo")
        elif column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        sheet.column_dimensions[get_column_letter(number)].width = column.width
        check = column.check
        if check is None:
            continue
        validation = DataValidation(
            type="list",
            formula1=f"={ranges[check.source]}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning" if check.many or check.territory else "stop",
            errorTitle="Valore non previsto",
            error=(
                "Più valori: scrivili uno per riga nella cella, o separati da punto e virgola."
                if check.many
                else "Scegli un valore dall'elenco (foglio «valori»)."
            ),
            promptTitle=check.label,
            prompt=check.help[:250],
        )
        validation.add(f"{get_column_letter(number)}2:{get_column_letter(number)}{ROWS}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def _instructions(book: Workbook, inputs: _Inputs) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet("istruzioni", 0)
    sheet.append(["Come compilare il modello"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in GUIDE:
        sheet.append([line])
    sheet.append([])
    sheet.append(["Colonna", "Che cosa contiene", "Obbligatoria", "Che cosa scrivere"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in inputs.guide:
        sheet.append(list(row))
    for letter, width in zip("ABCD", (26, 30, 16, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _example(book: Workbook, inputs: _Inputs) -> None:
    """The catalogue's first practice, as the export writes it: an example no one invented."""
    from openpyxl.styles import Font

    if inputs.example is None:
        return
    sheet = book.create_sheet("esempio")
    sheet.append([column.name for column in inputs.columns])
    sheet.append(list(inputs.example))
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _fixed_zip(data: bytes, moment: dt.datetime) -> bytes:
    """The same archive with every entry's time fixed (a zip keeps the time it was written) and the
    document's 'modified' date the content's (openpyxl writes the clock's when it saves)."""
    out = io.BytesIO()
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", content
                )
            target.writestr(fixed, content)
    return out.getvalue()
