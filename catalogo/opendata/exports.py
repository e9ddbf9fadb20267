"""Open data: every practice as JSON (the whole catalogue, and one record per practice) and as CSV,
in the export model's order (contract.py's ExportedPractice)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from catalogo.content.contract import SCHEMA_VERSION, ExportedPractice
from catalogo.content.keys import Key, keys_of
from catalogo.content.paths import practice_path
from catalogo.content.records import PracticeRecord, Site
from catalogo.core.urls import Urls


def _ordered(keys: tuple[Key, ...], values: dict[str, Any]) -> dict[str, Any]:
    """A record's values in its keys' order, a missing group written whole (its keys, empty)."""
    out: dict[str, Any] = {}
    for key in keys:
        value = values.get(key.name)
        if key.kind == "group" and not key.many:
            value = _ordered(key.children, value or {})
        elif key.kind == "group":
            value = [_ordered(key.children, item) for item in value or []]
        elif value is None and key.many:
            value = []
        out[key.name] = value
    return out


def practice_data(site: Site, p: PracticeRecord, urls: Urls) -> dict[str, Any]:
    """Every key of the contract, written whole, and the derived ones, in the export model's order
    (keys_of(ExportedPractice)): a key added to the contract is exported without touching this."""
    d = p.data
    values = d.model_dump(mode="json")
    values.update(
        versione_schema=SCHEMA_VERSION,
        slug=p.slug,
        url=urls.absolute(practice_path(p)) or urls.url(practice_path(p)),
        # The reference tables' names, whatever spelling the file used; the Ambito even when derived.
        comune=p.comune.nome if p.comune else None,
        codice_istat_comune=p.comune.codice_istat if p.comune else None,
        ambito=p.ambito.nome,
        ambito_derivato=d.ambito is None,
        ambito_verificato=p.ambito_verificato,
        provincia=p.provincia.sigla,
        provincia_nome=p.provincia.nome,
        repliche=[
            {**r.replica.model_dump(mode="json"), "territorio": r.territorio.denominazione, "tipo": r.territorio.kind}
            for r in p.repliche
        ],
        aggiornata=p.aggiornata.isoformat(),
        testo=p.body,
    )
    return _ordered(keys_of(ExportedPractice), values)


def _indented(data: Any) -> bytes:
    """json.dumps(data, ensure_ascii=False, indent=2), byte for byte, by orjson: a quarter of the
    time (json's C encoder does not indent, so every record went through its Python one). A number
    orjson does not write (an integer beyond 64 bits) leaves it to json."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def json_file(data: Any) -> bytes:
    """A JSON file as the site publishes them: indented by 2, UTF-8 as is, a newline at the end."""
    return _indented(data) + b"\n"


def practices_json(site: Site, urls: Urls) -> Iterator[bytes]:
    """dati/pratiche.json, one practice at a time: the same bytes as json.dumps(..., indent=2) of
    the whole document, without the whole document in memory."""
    head = json.dumps(
        {
            "versione_schema": SCHEMA_VERSION,
            "aggiornato": site.aggiornato.isoformat() if site.aggiornato else None,
            "licenza": site.settings.licenza,
            "licenza_url": site.settings.licenza_url,
            "pratiche": [],
        },
        ensure_ascii=False,
        indent=2,
    )
    if not site.practices:
        yield (head + "\n").encode("utf-8")
        return
    yield (head.removesuffix("[]\n}") + "[\n").encode("utf-8")
    last = len(site.practices) - 1
    for i, p in enumerate(site.practices):
        item = _indented(practice_data(site, p, urls)).replace(b"\n", b"\n    ")
        yield b"    " + item + (b",\n" if i < last else b"\n")
    yield b"  ]\n}\n"


def practice_json(site: Site, p: PracticeRecord, urls: Urls) -> bytes:
    return json_file(practice_data(site, p, urls))


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection"): such a
# text cell starts with an apostrophe, which spreadsheets show as text and the importer takes away.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    """A text cell no spreadsheet runs: an apostrophe before a formula's first character (and before
    an apostrophe, so that restore() gives back exactly what was written)."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def restore(text: str) -> str:
    """A cell as neutralise() wrote it, back to its value."""
    return text[1:] if text.startswith(QUOTE) else text


# json.dumps(value, ensure_ascii=False), with its encoder made once rather than per cell.
_json_list = json.JSONEncoder(ensure_ascii=False).encode


def _cell(value: Any) -> str:
    """One CSV cell: lists (and the objects inside them) as a JSON array, so that no item can be
    confused with a separator and every list comes back whole; empty for no value; 'sì'/'no'; text
    never read as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, list):
        return _json_list(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return neutralise(str(value))


def flat_columns(keys: Iterable[Key]) -> Iterator[tuple[str, Key, Key | None]]:
    """Keys as CSV columns: (column, the key it holds, its group or None). A group (not a list of
    them) gives a 'group_key' column per key; the spreadsheet template and its importer read the
    same columns."""
    for key in keys:
        if key.kind == "group" and not key.many:
            for child in key.children:
                yield f"{key.name}_{child.name}", child, key
        else:
            yield key.name, key, None


# The CSV's columns in the export's order, and those whose cells hold a JSON array (the lists).
CSV_COLUMNS = tuple(name for name, _, _ in flat_columns(keys_of(ExportedPractice)))
JSON_COLUMNS = tuple(name for name, leaf, _ in flat_columns(keys_of(ExportedPractice)) if leaf.many)


def csv_row(record: dict[str, Any]) -> dict[str, str]:
    """A record as a CSV row: nested groups become 'group_key' columns (the spreadsheet template's too)."""
    row: dict[str, str] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                row[f"{key}_{sub}"] = _cell(sub_value)
        else:
            row[key] = _cell(value)
    return row


CSV_ROWS_PER_PIECE = 100


def practices_csv(site: Site, urls: Urls) -> Iterator[bytes]:
    """dati/pratiche.csv, a hundred practices at a time: one row per practice, lists as JSON arrays,
    UTF-8 with BOM so spreadsheets read the accents. Whole, the CSV of 10,000 practices with their
    text (78 MB) took 310 MB more at its peak, in the worker that wrote it: the build's peak."""
    out = io.StringIO()
    out.write("\ufeff")
    # csv.writer, not DictWriter: its rows as map(row.get, columns) are read in C, where DictWriter
    # ran a Python generator per cell (0.18 s to 0.16 s for 1,000 practices). A cell without a
    # value is None, which the writer leaves empty, as DictWriter's restval "".
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for start in range(0, len(site.practices), CSV_ROWS_PER_PIECE):
        chunk = site.practices[start : start + CSV_ROWS_PER_PIECE]
        writer.writerows(map(csv_row(practice_data(site, p, urls)).get, CSV_COLUMNS) for p in chunk)
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
    if out.tell():  # no practices: the header alone
        yield out.getvalue().encode("utf-8")
