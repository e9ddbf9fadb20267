"""The command line: the options of each command (in Italian), then the command (commands.py). Exit 0
ok, 1 invalid content, 2 bad usage."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from catalogo.build import THEME, BuildOptions
from catalogo.commands import (
    EXIT_INVALID,
    EXIT_USAGE,
    run_build,
    run_check,
    run_importa,
    run_modello,
    run_new,
    run_pdf,
    run_schema,
    run_segnalazione,
)
from catalogo.core.italianargs import ItalianParser
from catalogo.editors.decap import github_repo

DEFAULT_CONTENT = Path("content")


def _content_option() -> argparse.ArgumentParser:
    """--content, shared by every command (a parent parser)."""
    parent = argparse.ArgumentParser(add_help=False)  # its group merges into each command's 'opzioni'
    parent.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    return parent


# Each command: its name, its one-line help and its description.
COMMANDS = {
    "build": (
        "controlla i contenuti e genera il sito",
        "Controlla tutti i contenuti e genera il sito nella cartella di uscita.",
    ),
    "check": (
        "controlla i contenuti senza scrivere nulla",
        "Controlla tutte le schede e segnala ogni problema con file e riga.",
    ),
    "new": (
        "crea la scheda di una nuova pratica",
        "Crea content/practices/<nome>.md con tutte le chiavi, i valori ammessi nei commenti e lo schema del "
        "testo. Chiede ciò che manca.",
    ),
    "serve": (
        "anteprima locale che si aggiorna a ogni modifica",
        "Genera il sito in memoria, lo serve su 127.0.0.1 e lo rigenera a ogni modifica di content/ o theme/; la "
        "pagina nel browser si ricarica da sola.",
    ),
    "schema": (
        "rigenera lo schema JSON, i moduli e la configurazione dell'editor",
        "Rigenera dallo schema del programma e dai contenuti i file generati: schema/pratica.schema.json, "
        "frontmatter.json, i moduli di segnalazione di GitHub e schema/cms.yml.",
    ),
    "segnalazione": (
        "trasforma un modulo inviato su GitHub in una scheda o in una replica",
        "Legge il testo di una segnalazione inviata con il modulo «Proponi una buona pratica» o «Il mio "
        "territorio vuole replicare una pratica» (come GitHub lo scrive nella issue), controlla tutto come "
        "'check' e scrive la nuova scheda, oppure aggiunge la replica alla scheda della pratica. Se qualcosa non "
        "va elenca i problemi, campo per campo, e non cambia nulla.",
    ),
    "modello": (
        "scrive il modello in foglio di calcolo per proporre pratiche",
        "Scrive il modello .xlsx con le colonne del file CSV del catalogo, gli elenchi a tendina dei vocabolari e un "
        "foglio di istruzioni: chi non ha un account GitHub propone pratiche compilandolo.",
    ),
    "importa": (
        "trasforma le righe di un foglio di calcolo in schede",
        "Legge un file .xlsx, .ods o .csv con le colonne del modello (o del file CSV del catalogo), controlla ogni "
        "riga come 'check' insieme ai contenuti esistenti e scrive una scheda per riga. Se qualcosa non va elenca "
        "i problemi per riga e colonna e non scrive nulla.",
    ),
    "pdf": (
        "genera i volumi in PDF della pubblicazione",
        "Genera un volume in PDF per ogni edizione del festival e per ogni area tematica dell'Avviso (diviso per "
        "provincia se supera le 400 pagine), con indice, segnalibri e testo accessibile.",
    ),
}


def make_parser() -> argparse.ArgumentParser:
    parser = ItalianParser(
        prog="catalogo",
        description="Costruisce il Catalogo delle buone pratiche del welfare locale: "
        "controlla le schede e genera il sito statico.",
        epilog="Codici di uscita: 0 tutto bene, 1 contenuti non validi, 2 uso errato del comando.",
    )
    commands = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}", parser_class=ItalianParser)
    commands.required = True
    content = _content_option()
    sub = {
        name: commands.add_parser(name, help=short, description=long, parents=[content])  # type: ignore[list-item]
        for name, (short, long) in COMMANDS.items()
    }
    build, pdf = sub["build"], sub["pdf"]
    for command, default in ((build, "_site"), (pdf, "_pubblicazione")):
        command.add_argument(
            "--out",
            type=Path,
            default=Path(default),
            metavar="CARTELLA",
            help=f"cartella in cui scrivere (predefinita: {default})",
        )
        command.add_argument(
            "--base-url",
            metavar="URL",
            help="indirizzo a cui il sito sarà pubblicato, ad esempio https://example.org/catalogo/ "
            "(predefinito: base_url di content/sito.yml)",
        )
    build.add_argument(
        "--repository",
        metavar="URL",
        help="repository GitHub del catalogo, ad esempio https://github.com/<proprietario>/<nome> "
        "(predefinito: repository di content/sito.yml); serve ai moduli e all'editor web",
    )
    build.add_argument(
        "--tempi", action="store_true", help="mostra quanto tempo richiede ciascuna fase della generazione"
    )
    build.add_argument(
        "--pdf",
        nargs="?",
        const="tutti",
        choices=("tutti", "festival"),
        help="genera anche i volumi in PDF della pubblicazione: tutti (predefinito), oppure solo quelli "
        "delle edizioni del festival",
    )
    pdf.add_argument("--solo-festival", action="store_true", help="solo i volumi delle edizioni del festival")
    check = sub["check"]
    check.add_argument("--format", choices=("text", "json"), default="text", help="formato dei problemi: text o json")
    check.add_argument(
        "--link-esterni",
        action="store_true",
        help="controlla anche che fonti e collegamenti esterni rispondano (serve la rete; richiede qualche minuto)",
    )
    new = sub["new"]
    new.add_argument("--titolo", help="titolo della pratica")
    new.add_argument("--comune", help="Comune che ha realizzato la pratica")
    new.add_argument("--ambito", help="Ambito territoriale sociale, se la pratica è dell'intero Ambito")
    new.add_argument("--area", metavar="AREA", help="area tematica dell'Avviso, ad esempio processi-organizzativi")
    new.add_argument("--slug", help="nome del file (senza .md); predefinito: ricavato da titolo e territorio")
    sub["modello"].add_argument(
        "--out",
        type=Path,
        default=Path("modello-pratiche.xlsx"),
        metavar="FILE",
        help="dove scrivere il modello (predefinito: modello-pratiche.xlsx)",
    )
    importa = sub["importa"]
    importa.add_argument("file", type=Path, metavar="FILE", help="il foglio di calcolo (.xlsx, .ods) o il file .csv")
    importa.add_argument("--sostituisci", action="store_true", help="sostituisci le schede che esistono già")
    importa.add_argument(
        "--data",
        type=_iso_date,
        metavar="AAAA-MM-GG",
        help="data di pubblicazione delle schede che non la indicano (predefinita: oggi)",
    )
    sub["serve"].add_argument("--port", type=int, default=8000, metavar="N", help="porta (predefinita: 8000)")
    sub["schema"].add_argument(
        "--dest",
        type=Path,
        default=Path("."),
        metavar="CARTELLA",
        help="dove scrivere i file (predefinita: la cartella corrente)",
    )
    report = sub["segnalazione"]
    report.add_argument("file", type=Path, metavar="FILE", help="il testo della segnalazione")
    report.add_argument("--format", choices=("text", "json"), default="text", help="formato del risultato: text o json")
    report.add_argument(
        "--data",
        type=_iso_date,
        metavar="AAAA-MM-GG",
        help="data di pubblicazione di una nuova scheda (predefinita: oggi)",
    )
    return parser


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"data non valida '{text}': usa AAAA-MM-GG") from None


def _content_folder(path: Path, parser: argparse.ArgumentParser) -> None:
    if not path.is_dir():
        parser.error(f"la cartella dei contenuti '{path}' non esiste")


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """The command line. A failure that is nobody's mistake but the program's own is said in one
    Italian line too (the details with CATALOGO_DEBUG=1): a person running it never gets a traceback."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        return _main(argv, stdout, stderr)
    except KeyboardInterrupt:
        stderr.write("Interrotto: nessun file è stato cambiato a metà.\n")
        return 130
    except Exception as exc:  # a defect: said plainly, the traceback only on request
        if os.environ.get("CATALOGO_DEBUG"):
            raise
        stderr.write(
            f"catalogo: errore imprevisto del programma ({type(exc).__name__}: {exc}). Non è un errore dei "
            "contenuti: segnalalo a chi cura il programma (CATALOGO_DEBUG=1 mostra i dettagli).\n"
        )
        return EXIT_INVALID


def _main(argv: Sequence[str] | None, stdout: TextIO, stderr: TextIO) -> int:
    parser = make_parser()
    try:  # argparse writes its help and its errors to sys.stdout and sys.stderr: here, to ours
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
            _content_folder(args.content, parser)
    except SystemExit as exc:
        return int(exc.code or 0)
    base = getattr(args, "base_url", None)  # build and pdf
    if base is not None and not (base.startswith("/") or re.match(r"^https?://[^/]+", base)):
        stderr.write(
            f"catalogo: errore: --base-url deve essere un indirizzo completo "
            f"(https://...) o un percorso che inizia con '/', non '{base}'\n"
        )
        return EXIT_USAGE
    if args.command == "check":
        return run_check(args.content, args.format, stdout, stderr, args.link_esterni)
    if args.command == "new":
        return run_new(args, stdout, stderr)
    if args.command == "serve":
        # Imported here: the server's modules (http.server imports ssl) are 25 ms of every other
        # command's start (python -X importtime).
        from catalogo.site.serve import serve

        return serve(args.content, THEME, args.port, stdout)
    if args.command == "schema":
        return run_schema(args.content, args.dest, stdout, stderr)
    if args.command == "segnalazione":
        return run_segnalazione(args, stdout, stderr)
    if args.command == "pdf":
        return run_pdf(args, THEME, stdout, stderr)
    if args.command == "modello":
        return run_modello(args.content, args.out, stdout, stderr)
    if args.command == "importa":
        return run_importa(args, stdout, stderr)
    if args.repository is not None and github_repo(args.repository) is None:
        stderr.write(
            f"catalogo: errore: --repository deve essere l'indirizzo di un repository GitHub "
            f"(https://github.com/<proprietario>/<nome>), non '{args.repository}'\n"
        )
        return EXIT_USAGE
    return run_build(
        args.content,
        args.out,
        BuildOptions(base, args.repository, pdf=args.pdf or ""),
        THEME,
        stdout,
        stderr,
        timings=args.tempi,
    )
