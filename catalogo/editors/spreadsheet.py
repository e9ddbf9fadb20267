"""The spreadsheet door: ``python build.py importa FILE`` turns the rows of a spreadsheet (.xlsx, .ods)
or of a CSV into practice files. Its columns are the CSV export's (dati/pratiche.csv, and the
template ``modello`` writes), so the site's own export comes back as the files it was made from.

Every row is checked exactly as ``check`` checks a file, together with the existing content, before
anything is written; every problem is told at the spreadsheet's own row and column. Nothing in a
cell is run: formulas are refused (python-calamine reads values only, so they are found in the
file's own XML), and every cell is data for the contract's validation.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogo.content.contract import ExportedPractice, Practice
from catalogo.content.documents import SLUG_RE, display_path
from catalogo.content.keys import Key, keys_of
from catalogo.content.load import PRACTICES_DIR, load_site
from catalogo.core.diagnostics import Diagnostic, errors
from catalogo.editors.scaffold import fill_automatic_dates, practice_file, practice_text, slug_of
from catalogo.editors.segnalazione import Outcome, Reader
from catalogo.opendata.exports import flat_columns, restore

MAX_BYTES = 10 * 1024 * 1024
SLUG, BODY = "slug", "testo"  # the file's name and the practice's text: read, but not front matter
SHEET = "pratiche"  # the template's sheet of practices (else the first sheet)


@dataclass(frozen=True)
class Column:
    """A column of the export: the contract key it fills (a group's key for 'group_key'), if any."""

    name: str
    key: Key | None  # None: derived by the build, ignored on import
    group: str = ""


def columns() -> dict[str, Column]:
    """Every column of the CSV export, and what importing it fills."""
    contract = {k.name: k for k in keys_of(Practice)}
    # What a file holds, in the export's order: the export's own keys (its 'tipo') are not in it.
    keys = [contract.get(k.name, k) for k in keys_of(ExportedPractice)]
    found = {}
    for name, leaf, group in flat_columns(keys):
        imported = (group or leaf).name in contract
        found[name] = Column(name, leaf if imported else None, group.name if group else "")
    return found


def required_columns() -> list[str]:
    """The columns of the contract's required keys (a required group's required keys), but 'comune'
    and 'ambito': one of the two is enough."""
    return [
        name
        for name, leaf, group in flat_columns(keys_of(Practice))
        if (group or leaf).required and not (group or leaf).automatic and (group is None or leaf.required)
    ]


def derived_columns() -> list[str]:
    """The columns the build derives: the template marks them, the importer ignores them."""
    return [name for name, c in columns().items() if c.key is None and name not in (SLUG, BODY)]


@dataclass
class Table:
    """A sheet's rows, with their row numbers as the spreadsheet shows them (1 is the header)."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def read_table(path: Path) -> tuple[Table | None, list[Diagnostic]]:
    """The rows of a CSV, an .xlsx or an .ods file, or why they cannot be read (in Italian)."""
    shown = display_path(path)

    def problem(message: str, line: int = 1) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(shown, line, 1, "", message)]

    try:
        size = path.stat().st_size
    except OSError as exc:
        return problem(f"non riesco a leggere il file: {exc.strerror or exc}")
    if size > MAX_BYTES:
        return problem(f"file troppo grande ({size / 1024 / 1024:.1f} MB): il limite è {MAX_BYTES // 1024 // 1024} MB")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            return problem("il file CSV non è in UTF-8: salvalo come «CSV UTF-8»")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        cells = [[restore(cell) for cell in row] for row in rows]
        return _table(cells, shown)
    if suffix not in (".xlsx", ".ods", ".xls"):
        return problem("formato non riconosciuto: usa un file .xlsx, .ods o .csv (come il modello)")
    return _spreadsheet(path, shown)


def _spreadsheet(path: Path, shown: str) -> tuple[Table | None, list[Diagnostic]]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    def problem(message: str, line: int = 1, col: int = 1) -> Diagnostic:
        return Diagnostic(shown, line, col, "", message)

    try:
        book = CalamineWorkbook.from_path(str(path))
        name = SHEET if SHEET in book.sheet_names else book.sheet_names[0]
        sheet = book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except PasswordError:
        return None, [problem("il file è protetto da password: salvalo senza password e riprova")]
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        return None, [problem(f"il file non si legge come foglio di calcolo ({type(exc).__name__}): salvalo di nuovo")]
    problems = [
        problem(f"celle unite da {_ref(a)} a {_ref(b)}: separale, una cella per valore", a[0] + 1, a[1] + 1)
        for a, b in merged
    ]
    problems += [
        problem(f"la cella {_ref((row, col))} contiene una formula: scrivi il valore", row + 1, col + 1)
        for row, col in _formulas(path, name)
    ]
    cells = [[restore(v) if isinstance(v, str) else v for v in row] for row in values]
    table, more = _table(cells, shown)
    return (table if not problems else None), problems + more


def _ref(cell: tuple[int, int]) -> str:
    """(row, column) from 0 -> 'C2'."""
    row, col = cell
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _formulas(path: Path, sheet: str) -> list[tuple[int, int]]:
    """The cells of ``sheet`` that hold a formula (row, column from 0): python-calamine reads only
    their values, so an .xlsx is read again with openpyxl, and an .ods's XML is searched."""
    try:
        if zipfile.is_zipfile(path) and "content.xml" in zipfile.ZipFile(path).namelist():  # OpenDocument
            with zipfile.ZipFile(path) as archive:
                return [(0, 0)] * len(re.findall(rb"table:formula=", archive.read("content.xml")))
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=False)
        try:
            rows = book[sheet].iter_rows() if sheet in book.sheetnames else iter(())
            return [(c.row - 1, c.column - 1) for row in rows for c in row if getattr(c, "data_type", "") == "f"]
        finally:
            book.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return []


def _table(cells: list[list[Any]], shown: str) -> tuple[Table | None, list[Diagnostic]]:
    """Header and data rows; an empty row between two rows of data is a problem (a row lost by a
    sort, or a practice split in two), empty rows at the end are not."""
    if not cells or not any(_cell_text(c).strip() for c in cells[0]):
        return None, [Diagnostic(shown, 1, 1, "", "manca la riga di intestazione con i nomi delle colonne")]
    header = [_cell_text(c).strip() for c in cells[0]]
    rows = [(n, row) for n, row in enumerate(cells[1:], start=2)]
    while rows and not any(_cell_text(c).strip() for c in rows[-1][1]):
        rows.pop()
    problems = [
        Diagnostic(shown, n, 1, "", "riga vuota tra le schede: toglila (o scrivi la scheda che manca)")
        for n, row in rows
        if not any(_cell_text(c).strip() for c in row)
    ]
    return (Table(header, rows) if not problems else None), problems


class _Row:
    """One row as a practice: its front matter, its text, its file name."""

    def __init__(self, reader: Reader, table: Table, known: dict[str, Column], number: int, cells: list[Any]) -> None:
        self.number = number
        self.problems: list[Diagnostic] = []
        self.values: dict[str, Any] = {}
        by_name = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(table.header)}
        derived_ambito = _cell_text(by_name.get("ambito_derivato", "")).strip().lower() == "sì"
        for name, raw in by_name.items():
            column = known.get(name)
            if column is None or column.key is None or (column.name == "ambito" and derived_ambito):
                continue
            value = self._value(reader, column.key, raw)
            if value in (None, "", [], {}):
                continue
            if column.group:
                self.values.setdefault(column.group, {})[column.key.name] = value
            else:
                self.values[column.key.name] = value
        self.body = _cell_text(by_name.get(BODY, "")).strip("\n")
        given = _cell_text(by_name.get(SLUG, "")).strip()
        self.slug = given or slug_of(self.values)

    def _value(self, reader: Reader, key: Key, raw: Any) -> Any:
        """A cell as the key's value: a date or a number as the spreadsheet gives it, a list as a JSON
        array or one value per line, anything else as a person would write it in the form."""
        if not isinstance(raw, str):
            if key.kind == "integer" and isinstance(raw, float) and raw.is_integer():
                return int(raw)
            if key.kind in ("number", "mixed") and isinstance(raw, float):
                return int(raw) if raw.is_integer() else raw
            if key.kind == "date" and hasattr(raw, "isoformat"):
                return raw
            raw = _cell_text(raw)
        text = raw.strip()
        if key.many and text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = None
            if isinstance(items, list):
                return [self._item(reader, key, item) for item in items]
        if key.many and key.vocabulary:
            return [reader.scalar(key, part) for part in re.split(r"[;\n]+", text) if part.strip()]
        return reader.value(key, text)

    def _item(self, reader: Reader, key: Key, item: Any) -> Any:
        """One item of a JSON array: a group's values read key by key (the export's 'tipo' and empty
        values left out), a sentence or a number as it is."""
        if isinstance(item, dict):
            children = {
                c.name: c for c in (key.children or next((v.children for _, v in key.variants if v.children), ()))
            }
            out = {}
            for name, value in item.items():
                child = children.get(name)
                if child is None or value in (None, "", []):
                    continue
                out[name] = reader.scalar(child, value) if isinstance(value, str) else value
            return out
        if isinstance(item, str) and not key.variants:
            return reader.scalar(key, item)
        return item


def import_table(
    table: Table, source: str, content: Path, reader: Reader, today: Any, replace: bool = False
) -> Outcome:
    """Every row of ``table`` as a practice file, checked with the existing content; nothing written."""
    problems: list[Diagnostic] = []
    known = columns()

    def at(line: int, column: str, message: str) -> Diagnostic:
        col = table.header.index(column) + 1 if column in table.header else 1
        return Diagnostic(source, line, col, column, message)

    for name in table.header:
        if name and name not in known:
            problems.append(at(1, name, f"colonna sconosciuta «{name}»: usa le intestazioni del modello"))
    for name in required_columns():
        if name not in table.header:
            problems.append(at(1, name, "colonna obbligatoria mancante"))
    if "comune" not in table.header and "ambito" not in table.header:
        problems.append(at(1, "comune", "manca sia la colonna «comune» sia la colonna «ambito»"))
    if errors(problems):
        return Outcome(problems=problems)
    rows = [_Row(reader, table, known, number, cells) for number, cells in table.rows]
    pending: dict[str, bytes] = {}
    by_file: dict[str, _Row] = {}
    changed: dict[Path, str] = {}
    for row in rows:
        fill_automatic_dates(row.values, today)
        if not SLUG_RE.match(row.slug):
            problems.append(
                at(row.number, SLUG, f"nome della scheda non valido «{row.slug}»: minuscole, cifre e trattini")
            )
            continue
        target = practice_file(content, row.slug)
        relative = f"{PRACTICES_DIR}/{row.slug}.md"
        if relative in pending:
            problems.append(at(row.number, SLUG, f"la scheda «{row.slug}» è già nella riga {by_file[relative].number}"))
            continue
        if target.exists() and not replace:
            problems.append(
                at(row.number, SLUG, f"esiste già la scheda {display_path(target)}: per sostituirla usa --sostituisci")
            )
            continue
        text = practice_text(row.values, row.body)
        pending[relative] = text.encode("utf-8")
        by_file[relative] = row
        changed[target] = text
    loaded = load_site(content, pending=pending)
    shown = {display_path(practice_file(content, r.slug)): r for r in by_file.values()}
    for d in loaded.diagnostics:
        owner = shown.get(d.path)
        if owner is None:
            if d.severity == "errore":
                problems.append(d)  # a problem of the existing content: it stops the import too
            continue
        column = _column_of(d.key, table.header)
        problems.append(
            Diagnostic(
                source, owner.number, (table.header.index(column) + 1) if column else 1, column, d.message, d.severity
            )
        )
    return Outcome(changed if not errors(problems) else {}, problems)


def _column_of(key: str, header: list[str]) -> str:
    """The column a problem of the written file belongs to: 'risorse.costo_euro' -> 'risorse_costo_euro',
    'repliche[2].territorio' -> 'repliche'."""
    path = re.sub(r"\[\d+\]", "", key)
    for candidate in (path.replace(".", "_"), path.split(".")[0]):
        if candidate in header:
            return candidate
    return ""


def format_problem(d: Diagnostic) -> str:
    """'FILE: riga N, colonna <header>: errore: ...' (the spreadsheet's own rows and columns)."""
    where = f"riga {d.line}" + (f", colonna {d.key}" if d.key else "")
    return f"{d.path}: {where}: {d.severity}: {d.message}"
