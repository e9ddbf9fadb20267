"""load -> validate -> link -> model: everything is checked before anything is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogo.content.contract import FestivalEdition, Practice, Vocabularies
from catalogo.content.crosscheck import (
    SECOND_PRACTICE_AREA,
    Presented,
    check_candidacy,
    check_festival_years,
    check_replicas,
    place_practice,
    resolve_presenters,
    resolve_replicas,
)
from catalogo.content.documents import RawDoc, load_folder, scan_folder
from catalogo.content.gitdates import last_changes
from catalogo.content.maps import load_map
from catalogo.content.markup import render_markdown
from catalogo.content.records import EditionRecord, PracticeRecord, Site
from catalogo.content.settings import load_settings, load_vocabularies
from catalogo.content.territories import COLUMNS as TERRITORY_TABLES
from catalogo.content.territories import Territories, load_territories
from catalogo.content.validate import validate_model
from catalogo.core.diagnostics import Diagnostic, errors

CONTENT_DIR = "content"  # the content folder inside the repository (GitHub links, the web editor)
PRACTICES_DIR = "practices"
FESTIVAL_DIR = "festival"
TERRITORIES_DIR = "territori"
YEAR_RE = re.compile(r"^[0-9]{4}$")


PLACEHOLDER = "DA COMPLETARE"


@dataclass
class BuildCache:
    """What the dev server keeps between rebuilds: unchanged files are not parsed or validated again."""

    parsed: dict[str, Any] = field(default_factory=dict)
    # Keyed on everything a validation depends on: the file, its text, the lines already reported
    # for it, and the vocabularies (a term renamed in vocabolari.yml changes every result).
    validated: dict[tuple[str, str, frozenset[int], object], tuple[Any, list[Diagnostic]]] = field(default_factory=dict)
    terms: object = None  # the vocabularies' names and values, at this rebuild


@dataclass
class Loaded:
    site: Site | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return self.site is not None and not errors(self.diagnostics)


def _lines(diags: list[Diagnostic], doc: RawDoc) -> set[int]:
    return {d.line for d in diags if d.path == doc.path}


def placeholders(doc: RawDoc, severity: str) -> list[Diagnostic]:
    """Lines still holding the scaffold's 'DA COMPLETARE' markers (see scaffold.py)."""
    return [
        Diagnostic(
            doc.path,
            number,
            line.index(PLACEHOLDER) + 1,
            "",
            "segnaposto da completare: scrivi il contenuto vero al posto di 'DA COMPLETARE' "
            "(e togli il commento, se c'è)",
            severity,  # type: ignore[arg-type]
        )
        for number, line in enumerate(doc.text.split("\n"), start=1)
        if PLACEHOLDER in line
    ]


def _validate(
    doc: RawDoc, model: type[Any], vocabularies: Any, reported: set[int], cache: BuildCache | None
) -> tuple[Any, list[Diagnostic]]:
    if cache is None:
        return validate_model(doc, model, vocabularies, reported)
    key = (doc.path, doc.text, frozenset(reported), cache.terms)
    if key not in cache.validated:
        cache.validated[key] = validate_model(doc, model, vocabularies, reported)
    return cache.validated[key]


def _terms(vocabularies: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What validation reads of the vocabularies: each one's name and allowed values."""
    return tuple((name, tuple(terms)) for name, terms in vocabularies.items())


@dataclass
class _Reading:
    """What the stages of load_site share while they read: the reference data and every problem."""

    content: Path
    vocabularies: Vocabularies
    territories: Territories
    dates: dict[Path, dt.datetime]
    cache: BuildCache | None
    pending: Mapping[str, bytes]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 2  # sito.yml and vocabolari.yml
    folders: dict[Path, Path] = field(default_factory=dict)  # as written -> resolved

    def waiting(self, folder: str) -> dict[str, bytes]:
        """The pending files of a folder, by name."""
        return {n.split("/", 1)[1]: data for n, data in self.pending.items() if n.startswith(folder + "/")}

    def changed(self, doc: RawDoc) -> dt.datetime | None:
        """The date git gives the file: its folder resolved once, not each of its files (a lstat
        per part of the path, 30 ms at 1,000 practices)."""
        if not self.dates:
            return None
        path = Path(doc.path)
        folder = self.folders.get(path.parent)
        if folder is None:
            folder = self.folders[path.parent] = path.parent.resolve()
        return self.dates.get(folder / path.name)


def load_site(
    content: Path, *, drafts: bool = False, cache: BuildCache | None = None, pending: Mapping[str, bytes] | None = None
) -> Loaded:
    """Read and check the whole content folder; the Site is None when anything is wrong.

    ``drafts`` (the dev server) turns unfilled 'DA COMPLETARE' markers into warnings, so a
    practice just scaffolded with ``new`` can be previewed. ``pending`` ('practices/x.md' ->
    bytes) is checked as if written: 'segnalazione' validates a change before making it.
    """
    settings, problems = load_settings(content)
    vocabularies, more = load_vocabularies(content)
    problems += more
    if cache is not None:
        cache.terms = _terms(vocabularies)
    territories, more = load_territories(content / TERRITORIES_DIR)
    if errors(more):  # every practice names a territory: the tables first
        return Loaded(None, problems + more, 2 + len(TERRITORY_TABLES))
    map_data, even_more = load_map(content)
    reading = _Reading(
        content, vocabularies, territories, last_changes(content), cache, pending or {}, problems + more + even_more
    )
    editions, years = _editions(reading)
    records = _practices(reading, years, drafts)
    diags = reading.diagnostics
    if settings is None or errors(diags):
        return Loaded(None, diags, reading.files)
    newest = [r.aggiornata for r in records] + [e.aggiornata for e in editions]
    newest += [
        d.date() for p, d in reading.dates.items() if p.parent.name == TERRITORIES_DIR or p.parent == content.resolve()
    ]
    site = Site(
        settings,
        vocabularies,
        territories,
        tuple(records),
        tuple(sorted(editions, key=lambda e: e.anno)),
        max(newest) if newest else None,
        map_data,
    )
    return Loaded(site, diags, reading.files)


def _editions(reading: _Reading) -> tuple[list[EditionRecord], set[int]]:
    """The festival's editions, and the years the practices may name (a file that did not validate
    still names its year: its practices are not told the year does not exist)."""
    parsed = reading.cache.parsed if reading.cache is not None else None
    festival = load_folder(
        reading.content / FESTIVAL_DIR,
        slug_re=YEAR_RE,
        cache=parsed,
        pending=reading.waiting(FESTIVAL_DIR),
        slug_hint="il nome è l'anno dell'edizione, ad esempio 2024.md",
    )
    reading.diagnostics += festival.diagnostics
    reading.files += festival.files
    editions: list[EditionRecord] = []
    for doc in festival.docs:
        reported = _lines(festival.diagnostics, doc)
        edition, problems = _validate(doc, FestivalEdition, reading.vocabularies, reported, reading.cache)
        reading.diagnostics += problems
        if edition is None:
            continue
        enti, problems = resolve_presenters(doc, edition, reading.territories)
        reading.diagnostics += problems
        editions.append(
            EditionRecord(
                int(doc.stem) if doc.stem.isdigit() else edition.data.year,
                doc.path,
                edition,
                render_markdown(doc.body),
                enti,
                _updated(reading.changed(doc), edition.data),
            )
        )
    years = {e.anno for e in editions} | {int(d.stem) for d in festival.docs if d.stem.isdigit()}
    return editions, years


def _practices(reading: _Reading, years: set[int], drafts: bool) -> list[PracticeRecord]:
    """Every practice, one file at a time, checked on its own and against the reference tables, the
    festival's years and the Avviso's candidacy rule."""
    records: list[PracticeRecord] = []
    presented: list[Presented] = []
    territories, vocabularies = reading.territories, reading.vocabularies
    for scanned in scan_folder(
        reading.content / PRACTICES_DIR,
        cache=reading.cache.parsed if reading.cache is not None else None,
        pending=reading.waiting(PRACTICES_DIR),
        slug_hint="usa solo lettere minuscole senza accenti, cifre e trattini, ad esempio 'centro-famiglie-bitonto.md'",
    ):
        reading.diagnostics += scanned.diagnostics
        reading.files += scanned.counted
        if scanned.doc is None:
            continue
        doc = scanned.doc
        fm, problems = _validate(doc, Practice, vocabularies, _lines(scanned.diagnostics, doc), reading.cache)
        reading.diagnostics += problems + placeholders(doc, "avviso" if drafts else "errore")
        placement, problems = place_practice(doc, territories)
        replica_problems = check_replicas(doc, placement, territories)
        reading.diagnostics += problems + replica_problems + check_festival_years(doc, years)
        if fm is None or placement is None or replica_problems:
            continue
        changed = reading.changed(doc)
        presenter = (placement.comune or placement.ambito).denominazione
        for i, year in enumerate(fm.festival):
            line, col = doc.pos(("festival", i))
            presented.append(Presented(doc.path, line, col, f"festival[{i + 1}]", presenter, year, fm.area_tematica))
        records.append(
            PracticeRecord(
                slug=doc.stem,
                source=doc.path,
                data=fm,
                comune=placement.comune,
                ambito=placement.ambito,
                ambito_verificato=placement.ambito_verificato,
                provincia=placement.provincia,
                repliche=resolve_replicas(fm, territories),
                aggiornata=_updated(changed, fm.pubblicata),
                body=doc.body,
                changed=changed,
            )
        )
    if "area_tematica" in vocabularies and SECOND_PRACTICE_AREA in vocabularies["area_tematica"]:
        label = vocabularies["area_tematica"][SECOND_PRACTICE_AREA].etichetta
        reading.diagnostics += check_candidacy(presented, label)
    return records


def _updated(changed: dt.datetime | None, floor: dt.date) -> dt.date:
    """The file's last commit date, never earlier than the date the content itself states."""
    return max(changed.date(), floor) if changed else floor
