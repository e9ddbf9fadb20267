"""What each command does, once the command line is read (cli.py): check, build, new, schema,
segnalazione, pdf. Each writes what it has to say to the given streams and returns the exit code."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from catalogo.build import BuildOptions, build
from catalogo.content.contract import Practice, Vocabularies
from catalogo.content.documents import display_path
from catalogo.content.external_links import check_external
from catalogo.content.keys import key_at
from catalogo.content.load import TERRITORIES_DIR, Loaded, load_site
from catalogo.content.settings import load_vocabularies
from catalogo.content.territories import Territories, load_territories
from catalogo.core.diagnostics import (
    Diagnostic,
    errors,
    format_json,
    format_text,
    report,
)
from catalogo.core.italianargs import EXIT_USAGE
from catalogo.core.npm import NODE_MODULES
from catalogo.core.text import count_it
from catalogo.core.urls import Urls
from catalogo.editors import segnalazione
from catalogo.editors.generated import generated_files
from catalogo.editors.mail import submission_text
from catalogo.editors.scaffold import Draft, ScaffoldError, check_area, check_place, check_title, write_practice
from catalogo.editors.spreadsheet import format_problem, import_table, read_table
from catalogo.editors.workbook import template
from catalogo.opendata.exports import CSV_COLUMNS
from catalogo.printed.pdf import PdfMissing, make_pdfs
from catalogo.printed.volumes import plan_volumes
from catalogo.site.problems import RenderError

EXIT_OK, EXIT_INVALID = 0, 1  # EXIT_USAGE (2) is argparse's, from italianargs


def run_pdf(args: argparse.Namespace, theme: Path, stdout: TextIO, stderr: TextIO) -> int:
    """The printed volumes, each written whole or not at all."""
    loaded = load_site(args.content)
    if not loaded.ok or loaded.site is None:
        _report(loaded, "text", stdout, stderr)
        stderr.write("PDF non generati: correggi i problemi indicati.\n")
        return EXIT_INVALID
    site = loaded.site
    urls = Urls.from_base_url(args.base_url or site.settings.base_url)
    volumes = plan_volumes(site, festival_only=args.solo_festival)
    try:
        made = make_pdfs(volumes, site, theme, NODE_MODULES, urls)
    except PdfMissing as exc:
        stderr.write(f"errore: {exc}\n")
        return EXIT_INVALID
    except RenderError as exc:
        _report(loaded, "text", stdout, stderr, [exc.diagnostic])
        stderr.write("PDF non generati: correggi i problemi indicati.\n")
        return EXIT_INVALID
    for pdf in made:
        target = args.out / f"{pdf.volume.slug}.pdf"
        if not _write_whole(target, pdf.data, stderr):
            return EXIT_INVALID
        stdout.write(
            f"Scritto {target}: {count_it(pdf.pages, 'pagina', 'pagine')}, "
            f"{count_it(len(pdf.volume.practices), 'pratica', 'pratiche')}\n"
        )
    if not made:
        stdout.write("Nessun volume: il catalogo non ha pratiche da stampare.\n")
    return EXIT_OK


def _reference_tables(content: Path) -> tuple[Vocabularies, Territories, list[Diagnostic]]:
    """The vocabularies and the territories, which a new file's values are read against, and their
    problems (the commands that write one file need these, not the whole site)."""
    vocabularies, problems = load_vocabularies(content)
    territories, more = load_territories(content / TERRITORIES_DIR)
    return vocabularies, territories, problems + more


def run_segnalazione(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """A submitted form -> content, written only when every check passes (see segnalazione.py). The
    form's text comes from an issue's body, or from an e-mail saved as a file (.eml or its text)."""
    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        stderr.write(f"catalogo: errore: non riesco a leggere {args.file}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    text, unreadable = submission_text(raw, display_path(args.file))
    if text is None:
        stderr.write(format_text(unreadable, 1) + "Nessun file modificato: correggi la segnalazione.\n")
        return EXIT_INVALID
    vocabularies, territories, problems = _reference_tables(args.content)
    outcome = (
        segnalazione.process(
            text, args.content, display_path(args.file), vocabularies, territories, args.data or dt.date.today()
        )
        if not errors(problems)
        else segnalazione.Outcome(problems=problems)
    )
    if outcome.ok:
        try:
            segnalazione.write(outcome)
        except OSError as exc:
            stderr.write(f"errore: scrittura non riuscita: {exc.strerror or exc}\n")
            return EXIT_INVALID
    written = [display_path(p) for p in outcome.changed] if outcome.ok else []
    if args.format == "json":
        stdout.write(
            json.dumps(
                {
                    "modificati": written,
                    "riepilogo": outcome.summary if outcome.ok else "",
                    "problemi": json.loads(format_json(outcome.problems)),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        if outcome.problems:
            (stderr if not outcome.ok else stdout).write(format_text(outcome.problems, 1))
        for path in written:
            stdout.write(f"Modificato {path}\n")
        if outcome.ok:
            stdout.write(outcome.summary + "\n")
        else:
            stderr.write("Nessun file modificato: correggi la segnalazione.\n")
    return EXIT_OK if outcome.ok else EXIT_INVALID


def _report(loaded: Loaded, fmt: str, stdout: TextIO, stderr: TextIO, extra: Sequence[Diagnostic] = ()) -> None:
    report(list(loaded.diagnostics) + list(extra), loaded.files, fmt, stdout, stderr)


def run_check(content: Path, fmt: str, stdout: TextIO, stderr: TextIO, external: bool = False) -> int:
    loaded = load_site(content)
    extra = check_external(loaded.site) if external and loaded.site is not None else []
    _report(loaded, "json" if fmt == "json" else "check", stdout, stderr, extra)
    return EXIT_OK if loaded.ok and not errors(extra) else EXIT_INVALID


def run_build(
    content: Path,
    out: Path,
    options: BuildOptions,
    theme: Path,
    stdout: TextIO,
    stderr: TextIO,
    timings: bool = False,
) -> int:
    started = time.perf_counter()
    result = build(content, out, options, theme)
    if result.problem:
        stderr.write(f"errore: {result.problem}\n")
        return EXIT_INVALID
    report(result.diagnostics, result.files, "text", stdout, stderr)
    if not result.built:
        reason = (
            "ci sono collegamenti interni non validi"
            if result.failed == "collegamenti"
            else "correggi i problemi indicati"
        )
        stderr.write(f"Sito non generato: {reason}. La cartella di uscita non è stata toccata.\n")
        return EXIT_INVALID
    stdout.write(
        f"Sito generato in {out}/: {count_it(result.pages, 'pagina', 'pagine')}, "
        f"{count_it(result.practices, 'pratica', 'pratiche')} ({time.perf_counter() - started:.2f} s).\n"
    )
    if timings:
        stdout.write("Tempi delle fasi:\n" + result.stopwatch.report())
    return EXIT_OK


def _ask(prompt: str, stdout: TextIO) -> str:
    stdout.write(prompt)
    stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip()


def run_new(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Scaffold a practice: flags first; on a terminal, ask for what is missing or wrong."""
    vocabularies, territories, problems = _reference_tables(args.content)
    if errors(problems):  # the draft lists the vocabularies and names a territory: they come first
        stderr.write(format_text(problems, 4) + "Scheda non creata: correggi i problemi indicati.\n")
        return EXIT_INVALID
    interactive = sys.stdin.isatty()

    def label(path: str) -> str:
        return key_at(Practice, path).label

    def obtain(value: str | None, prompt: str, check: Callable[[str], object]) -> object:
        while True:
            if not value:
                if not interactive:
                    raise EOFError
                value = _ask(prompt, stdout)
            try:
                return check(value)
            except ScaffoldError as exc:
                stderr.write(f"errore: {exc}\n")
                if not interactive:
                    raise
                value = None

    def place(text: str) -> tuple[str | None, str | None]:
        if args.ambito or text.lower().startswith("ambito"):
            return check_place(None, text, territories)
        return check_place(text, None, territories)

    try:
        titolo = obtain(args.titolo, f"{label('titolo')} della pratica: ", check_title)
        if args.comune and args.ambito:
            comune, ambito = check_place(args.comune, args.ambito, territories)
        else:
            comune, ambito = obtain(
                args.comune or args.ambito,  # type: ignore[misc]
                f"{label('comune')} (oppure «Ambito di ...» se è dell'intero Ambito): ",
                place,
            )
        if not args.area and interactive:
            stdout.write(
                f"{label('area_tematica')}, valori ammessi: " + ", ".join(vocabularies["area_tematica"]) + "\n"
            )
        area = obtain(args.area, f"{label('area_tematica')}: ", lambda a: check_area(a, vocabularies))
        answers = Draft(str(titolo), comune, ambito, str(area))
        target = write_practice(args.content, answers, vocabularies, territories, dt.date.today(), args.slug)
    except EOFError:
        stderr.write("catalogo: errore: mancano dei dati: indica --titolo, --comune o --ambito, --area\n")
        return EXIT_USAGE
    except ScaffoldError as exc:
        if interactive or str(exc).startswith("esiste"):
            stderr.write(f"errore: {exc}\n")
        return EXIT_USAGE
    stdout.write(
        f"Creata {target}: completa le righe con «DA COMPLETARE», poi guarda l'anteprima con 'python build.py serve'.\n"
    )
    return EXIT_OK


def _write_whole(target: Path, data: bytes, stderr: TextIO) -> bool:
    """``data`` in ``target``, whole or not at all (a temporary sibling, then a rename); False, with
    an Italian message, when the disk says no."""
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        stderr.write(f"errore: scrittura di {target} non riuscita: {exc.strerror or exc}\n")
        return False
    return True


def run_schema(content: Path, dest: Path, stdout: TextIO, stderr: TextIO) -> int:
    loaded = load_site(content)
    if loaded.site is None:
        _report(loaded, "text", stdout, stderr)
        return EXIT_INVALID
    for name, text in generated_files(loaded.site).items():
        target = dest / name
        if not _write_whole(target, text.encode("utf-8"), stderr):
            return EXIT_INVALID
        stdout.write(f"Scritto {target}\n")
    return EXIT_OK


def run_modello(content: Path, out: Path, stdout: TextIO, stderr: TextIO) -> int:
    """The spreadsheet template, from the contract and the content (editors/workbook.py)."""
    loaded = load_site(content)
    if not loaded.ok or loaded.site is None:
        _report(loaded, "text", stdout, stderr)
        stderr.write("Modello non scritto: correggi i problemi indicati.\n")
        return EXIT_INVALID
    site = loaded.site
    data = template(site, Urls.from_base_url(site.settings.base_url))
    if not _write_whole(out, data, stderr):
        return EXIT_INVALID
    stdout.write(f"Scritto {out}: il modello con {len(CSV_COLUMNS)} colonne.\n")
    return EXIT_OK


def run_importa(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """A spreadsheet's rows -> practice files, written only when every row passes every check."""
    vocabularies, territories, problems = _reference_tables(args.content)
    if errors(problems):
        stderr.write(format_text(problems, 4) + "Nessuna scheda scritta: correggi i problemi indicati.\n")
        return EXIT_INVALID
    table, unreadable = read_table(args.file)
    if table is None:
        stderr.write("".join(format_problem(d) + "\n" for d in sorted(unreadable)))
        stderr.write("Nessuna scheda scritta: correggi il file e riprova.\n")
        return EXIT_INVALID
    reader = segnalazione.Reader(vocabularies, territories)
    result = import_table(
        table, display_path(args.file), args.content, reader, args.data or dt.date.today(), args.sostituisci
    )
    if result.problems:
        (stderr if not result.ok else stdout).write("".join(format_problem(d) + "\n" for d in sorted(result.problems)))
    if not result.ok:
        stderr.write("Nessuna scheda scritta: correggi il file e riprova.\n")
        return EXIT_INVALID
    try:
        segnalazione.write(result)
    except OSError as exc:
        stderr.write(f"errore: scrittura non riuscita: {exc.strerror or exc}\n")
        return EXIT_INVALID
    for path in result.changed:
        stdout.write(f"Scritta {display_path(path)}\n")
    made = len(result.changed)
    verb = "Importata" if made == 1 else "Importate"
    stdout.write(f"{verb} {count_it(made, 'scheda', 'schede')} da {display_path(args.file)}.\n")
    return EXIT_OK
