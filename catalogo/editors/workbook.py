"""``python build.py modello``: the spreadsheet template for proposing practices without an account.

Generated from the contract: the sheet of practices has exactly the CSV export's columns, in its
order (the columns the build derives are marked and ignored on import); every vocabulary column has
a drop-down list from content/vocabolari.yml with an Italian message; an instructions sheet says
what each column takes, with the contract's labels and help; the example is the catalogue's own
first practice, never an invented one. The file is the same bytes for the same content.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from catalogo.content.records import Site
from catalogo.core.urls import Urls
from catalogo.editors.spreadsheet import BODY, SHEET, SLUG, columns, derived_columns, required_columns
from catalogo.opendata.exports import CSV_COLUMNS, csv_row, practice_data

ROWS = 1000  # rows of the practices sheet that get the drop-down lists
DERIVED = PatternFill("solid", fgColor="D9D9D9")
REQUIRED = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)


def _vocabulary_sheet(book: Workbook, site: Site) -> dict[str, str]:
    """One column per vocabulary (and the Comuni and Ambiti): the ranges the drop-down lists read."""
    sheet = book.create_sheet("valori")
    ranges = {}
    lists = {name: list(terms) for name, terms in site.vocabularies.items()}
    lists["comune"] = sorted(site.territories.comuni)
    lists["ambito"] = sorted(site.territories.ambiti)
    for number, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(number)
        sheet.cell(1, number, name).font = BOLD
        for row, value in enumerate(values, start=2):
            sheet.cell(row, number, value)
        ranges[name] = f"valori!${letter}$2:${letter}${len(values) + 1}"
    return ranges


DERIVED_NOTE = "Ricavata dal catalogo: non compilarla, l'importazione la ignora."


def _practices_sheet(book: Workbook, ranges: dict[str, str]) -> None:
    sheet = book.active
    sheet.title = SHEET
    derived, required = set(derived_columns()), set(required_columns())
    known = columns()
    for number, name in enumerate(CSV_COLUMNS, start=1):
        cell = sheet.cell(1, number, name)
        cell.font = BOLD
        if name in derived:
            cell.fill = DERIVED
            cell.comment = Comment(DERIVED_NOTE, "catalogo")
        elif name in required or name in ("comune", "ambito"):
            cell.fill = REQUIRED
        sheet.column_dimensions[get_column_letter(number)].width = 40 if name in (BODY, "sintesi") else 22
        key = known[name].key
        vocabulary = key.vocabulary if key else None
        territory = key.territory if key and key.territory in ("comune", "ambito") else None
        source = ranges.get(vocabulary or territory or "")
        if not source or key is None:
            continue
        many = key.many
        check = DataValidation(
            type="list",
            formula1=f"={source}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning" if many or territory else "stop",
            errorTitle="Valore non previsto",
            error=(
                "Più valori: scrivili uno per riga nella cella, o separati da punto e virgola."
                if many
                else "Scegli un valore dall'elenco (foglio «valori»)."
            ),
            promptTitle=key.label,
            prompt=key.help[:250],
        )
        check.add(f"{get_column_letter(number)}2:{get_column_letter(number)}{ROWS}")
        sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"


def _instructions(book: Workbook) -> None:
    sheet = book.create_sheet("istruzioni", 0)
    sheet.append(["Come compilare il modello"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        "Una riga per pratica nel foglio «pratiche», a partire dalla riga 2; la riga 1 non va cambiata.",
        "Le colonne in giallo sono obbligatorie (basta una tra «comune» e «ambito»); quelle in grigio sono ricavate "
        "dal catalogo e non vanno compilate.",
        "Più valori nella stessa cella (aree, destinatari, risultati, fonti...): uno per riga (Alt+Invio) oppure, "
        "come nel file CSV del catalogo, un elenco JSON.",
        "Le repliche: una per riga nella cella, con territorio, stato e anno separati da punto e virgola.",
        "Ogni fatto deve trovarsi in una fonte pubblica indicata nella colonna «fonti».",
        "Il foglio «esempio» mostra una pratica vera del catalogo; il foglio «valori» i valori ammessi.",
    ):
        sheet.append([line])
    sheet.append([])
    sheet.append(["Colonna", "Che cosa contiene", "Obbligatoria", "Che cosa scrivere"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    derived, required = set(derived_columns()), set(required_columns())
    for name, column in columns().items():
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
        sheet.append([name, what, "" if name in derived else needed, help])
    for letter, width in zip("ABCD", (26, 30, 16, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _example(book: Workbook, site: Site, urls: Urls) -> None:
    """The catalogue's first practice, as the export writes it: an example no one invented."""
    if not site.practices:
        return
    sheet = book.create_sheet("esempio")
    sheet.append(list(CSV_COLUMNS))
    row = csv_row(practice_data(site, site.by_title[0], urls))
    sheet.append([row[name] for name in CSV_COLUMNS])
    for cell in sheet[1]:
        cell.font = BOLD


def template(site: Site, urls: Urls) -> bytes:
    """The template as an .xlsx file, the same bytes for the same content (fixed dates and zip times)."""
    book = Workbook()
    ranges = _vocabulary_sheet(book, site)
    _practices_sheet(book, ranges)
    _instructions(book)
    _example(book, site, urls)
    book.active = 1  # the practices sheet opens first
    moment = dt.datetime.combine(site.date, dt.time())
    book.properties.created = book.properties.modified = moment
    book.properties.creator = site.settings.editore
    book.properties.title = f"{site.settings.titolo}: modello per proporre pratiche"
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue(), moment)


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
