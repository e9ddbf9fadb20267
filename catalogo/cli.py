"""Command line: ``python build.py build|check``. Exit 0 ok, 1 invalid content, 2 bad usage."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from catalogo.build import THEME, BuildOptions, build
from catalogo.content.contract import Practice
from catalogo.content.documents import display_path
from catalogo.content.external_links import check_external
from catalogo.content.keys import key_at
from catalogo.content.load import TERRITORIES_DIR, Loaded, load_site
from catalogo.content.settings import load_vocabularies
from catalogo.content.territories import load_territories
from catalogo.core.diagnostics import (
    Diagnostic,
    errors,
    format_github,
    format_json,
    format_step_summary,
    format_text,
)
from catalogo.core.npm import NODE_MODULES
from catalogo.core.text import count_it
from catalogo.core.urls import Urls
from catalogo.editors import segnalazione
from catalogo.editors.decap import github_repo
from catalogo.editors.generated import generated_files
from catalogo.editors.scaffold import Draft, ScaffoldError, check_area, check_place, check_title, write_practice
from catalogo.printed.pdf import PdfMissing, make_pdfs
from catalogo.printed.volumes import plan_volumes
from catalogo.site.serve import serve

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
DEFAULT_CONTENT = Path("content")
DEFAULT_OUT = Path("_site")

_ARGPARSE_ITALIAN = [
    (r"unrecognized arguments: (.*)", r"opzioni non riconosciute: \1"),
    (r"the following arguments are required: (.*)", r"mancano gli argomenti obbligatori: \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"argomento \1: valore non ammesso \2 (scegli tra \3)",
    ),
    (r"argument (\S+): expected one argument", r"l'opzione \1 richiede un valore"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"comando sconosciuto \1 (scegli tra \2)"),
    (r"ambiguous option: (.*)", r"opzione ambigua: \1"),
]


class ItalianHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: object, groups: object, prefix: str | None = None) -> None:
        # argparse passes an empty prefix when it makes a subcommand's name: keep it empty
        super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)  # type: ignore[arg-type]


class ItalianParser(argparse.ArgumentParser):
    """argparse with Italian headings and error messages."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", ItalianHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "comandi"
        self._optionals.title = "opzioni"
        self.add_argument("-h", "--help", action="help", help="mostra questo aiuto ed esce")

    def error(self, message: str) -> NoReturn:
        for pattern, italian in _ARGPARSE_ITALIAN:
            if re.search(pattern, message):
                message = re.sub(pattern, italian, message)
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: errore: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = ItalianParser(
        prog="catalogo",
        description="Costruisce il Catalogo delle buone pratiche del welfare locale: "
        "controlla le schede e genera il sito statico.",
        epilog="Codici di uscita: 0 tutto bene, 1 contenuti non validi, 2 uso errato del comando.",
    )
    commands = parser.add_subparsers(
        dest="command", metavar="{build,check,new,serve,schema,segnalazione,pdf}", parser_class=ItalianParser
    )
    commands.required = True

    build = commands.add_parser(
        "build",
        help="controlla i contenuti e genera il sito",
        description="Controlla tutti i contenuti e genera il sito nella cartella di uscita.",
    )
    build.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    build.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="CARTELLA",
        help="cartella in cui scrivere il sito (predefinita: _site)",
    )
    build.add_argument(
        "--base-url",
        metavar="URL",
        help="indirizzo a cui il sito sarà pubblicato, ad esempio "
        "https://example.org/catalogo/ (predefinito: base_url di content/sito.yml)",
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

    pdf = commands.add_parser(
        "pdf",
        help="genera i volumi in PDF della pubblicazione",
        description="Genera un volume in PDF per ogni edizione del festival e per ogni area tematica "
        "dell'Avviso (diviso per provincia se supera le 400 pagine), con indice, segnalibri e testo accessibile.",
    )
    pdf.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    pdf.add_argument(
        "--out",
        type=Path,
        default=Path("_pubblicazione"),
        metavar="CARTELLA",
        help="dove scrivere i PDF (predefinita: _pubblicazione)",
    )
    pdf.add_argument("--base-url", metavar="URL", help="indirizzo del sito, per i collegamenti alle sue pagine")
    pdf.add_argument("--solo-festival", action="store_true", help="solo i volumi delle edizioni del festival")

    check = commands.add_parser(
        "check",
        help="controlla i contenuti senza scrivere nulla",
        description="Controlla tutte le schede e segnala ogni problema con file e riga.",
    )
    check.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="formato dei problemi: text (una riga per problema) o json",
    )
    check.add_argument(
        "--link-esterni",
        action="store_true",
        help="controlla anche che fonti e collegamenti esterni rispondano (serve la rete; richiede qualche minuto)",
    )

    new = commands.add_parser(
        "new",
        help="crea la scheda di una nuova pratica",
        description="Crea content/practices/<nome>.md con tutte le chiavi, i valori "
        "ammessi nei commenti e lo schema del testo. Chiede ciò che manca.",
    )
    new.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    new.add_argument("--titolo", help="titolo della pratica")
    new.add_argument("--comune", help="Comune che ha realizzato la pratica")
    new.add_argument("--ambito", help="Ambito territoriale sociale, se la pratica è dell'intero Ambito")
    new.add_argument("--area", metavar="AREA", help="area tematica dell'Avviso, ad esempio processi-organizzativi")
    new.add_argument("--slug", help="nome del file (senza .md); predefinito: ricavato da titolo e territorio")

    serve = commands.add_parser(
        "serve",
        help="anteprima locale che si aggiorna a ogni modifica",
        description="Genera il sito in memoria, lo serve su 127.0.0.1 e lo rigenera "
        "a ogni modifica di content/ o theme/; la pagina nel browser si ricarica da sola.",
    )
    serve.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    serve.add_argument("--port", type=int, default=8000, metavar="N", help="porta (predefinita: 8000)")

    schema = commands.add_parser(
        "schema",
        help="rigenera lo schema JSON e frontmatter.json",
        description="Rigenera schema/pratica.schema.json e frontmatter.json dallo schema "
        "del programma e dai vocabolari di content/.",
    )
    schema.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    schema.add_argument(
        "--dest",
        type=Path,
        default=Path("."),
        metavar="CARTELLA",
        help="dove scrivere i due file (predefinita: la cartella corrente)",
    )
    report = commands.add_parser(
        "segnalazione",
        help="trasforma un modulo inviato su GitHub in una scheda o in una replica",
        description="Legge il testo di una segnalazione inviata con il modulo «Proponi una buona pratica» o «Il mio "
        "territorio vuole replicare una pratica» (come GitHub lo scrive nella issue), controlla tutto come 'check' e "
        "scrive la nuova scheda, oppure aggiunge la replica alla scheda della pratica. Se qualcosa non va elenca i "
        "problemi, campo per campo, e non cambia nulla.",
    )
    report.add_argument("file", type=Path, metavar="FILE", help="il testo della segnalazione")
    report.add_argument(
        "--content",
        type=Path,
        default=DEFAULT_CONTENT,
        metavar="CARTELLA",
        help="cartella dei contenuti (predefinita: content)",
    )
    report.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="formato del risultato: text o json (file modificati, problemi, riepilogo)",
    )
    report.add_argument(
        "--data",
        type=_iso_date,
        metavar="AAAA-MM-GG",
        help="data di pubblicazione di una nuova scheda (predefinita: oggi)",
    )
    return parser


def run_pdf(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
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
        made = make_pdfs(volumes, site, THEME, NODE_MODULES, urls)
    except PdfMissing as exc:
        stderr.write(f"errore: {exc}\n")
        return EXIT_INVALID
    args.out.mkdir(parents=True, exist_ok=True)
    for pdf in made:
        target = args.out / f"{pdf.volume.slug}.pdf"
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(pdf.data)
        os.replace(temporary, target)
        stdout.write(
            f"Scritto {target}: {count_it(pdf.pages, 'pagina', 'pagine')}, "
            f"{count_it(len(pdf.volume.practices), 'pratica', 'pratiche')}\n"
        )
    if not made:
        stdout.write("Nessun volume: il catalogo non ha pratiche da stampare.\n")
    return EXIT_OK


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"data non valida '{text}': usa AAAA-MM-GG") from None


def run_segnalazione(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """A submitted form -> content, written only when every check passes (see segnalazione.py)."""
    try:
        text = args.file.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        stderr.write(f"catalogo: errore: non riesco a leggere {args.file}: {getattr(exc, 'strerror', None) or exc}\n")
        return EXIT_USAGE
    vocabularies, problems = load_vocabularies(args.content)
    territories, more = load_territories(args.content / TERRITORIES_DIR)
    outcome = (
        segnalazione.process(
            text, args.content, display_path(args.file), vocabularies, territories, args.data or dt.date.today()
        )
        if not errors(problems + more)
        else segnalazione.Outcome(problems=problems + more)
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
    diags = list(loaded.diagnostics) + list(extra)
    if fmt == "json":
        stdout.write(format_json(diags))
    elif diags or fmt == "check":
        (stderr if errors(diags) else stdout).write(format_text(diags, loaded.files))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        stdout.write(format_github(diags))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(format_step_summary(diags, loaded.files))


def _content_folder(path: Path, parser: argparse.ArgumentParser) -> None:
    if not path.is_dir():
        parser.error(f"la cartella dei contenuti '{path}' non esiste")


def run_check(content: Path, fmt: str, stdout: TextIO, stderr: TextIO, external: bool = False) -> int:
    loaded = load_site(content)
    extra = check_external(loaded.site) if external and loaded.site is not None else []
    _report(loaded, "json" if fmt == "json" else "check", stdout, stderr, extra)
    return EXIT_OK if loaded.ok and not errors(extra) else EXIT_INVALID


def run_build(
    content: Path, out: Path, options: BuildOptions, stdout: TextIO, stderr: TextIO, timings: bool = False
) -> int:
    started = time.perf_counter()
    result = build(content, out, options, THEME)
    if result.problem:
        stderr.write(f"errore: {result.problem}\n")
        return EXIT_INVALID
    _report(Loaded(None, result.diagnostics, result.files), "text", stdout, stderr)
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
    vocabularies, problems = load_vocabularies(args.content)
    territories, more = load_territories(args.content / TERRITORIES_DIR)
    if errors(problems + more):  # the draft lists the vocabularies and names a territory: they come first
        stderr.write(format_text(problems + more, 4) + "Scheda non creata: correggi i problemi indicati.\n")
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


def run_schema(content: Path, dest: Path, stdout: TextIO, stderr: TextIO) -> int:
    loaded = load_site(content)
    if loaded.site is None:
        _report(loaded, "text", stdout, stderr)
        return EXIT_INVALID
    for name, text in generated_files(loaded.site).items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        stdout.write(f"Scritto {target}\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        _content_folder(args.content, parser)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command == "check":
        return run_check(args.content, args.format, stdout, stderr, args.link_esterni)
    if args.command == "new":
        return run_new(args, stdout, stderr)
    if args.command == "serve":
        return serve(args.content, THEME, args.port, stdout)
    if args.command == "schema":
        return run_schema(args.content, args.dest, stdout, stderr)
    if args.command == "segnalazione":
        return run_segnalazione(args, stdout, stderr)
    if args.command == "pdf":
        return run_pdf(args, stdout, stderr)
    base = args.base_url
    if base is not None and not (base.startswith("/") or re.match(r"^https?://[^/]+", base)):
        stderr.write(
            f"catalogo: errore: --base-url deve essere un indirizzo completo "
            f"(https://...) o un percorso che inizia con '/', non '{base}'\n"
        )
        return EXIT_USAGE
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
        stdout,
        stderr,
        timings=args.tempi,
    )
