"""argparse in Italian: headings, the usage prefix and the error messages a person sees, with exit
code 2 for bad usage (the command line's own convention)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

EXIT_USAGE = 2

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
