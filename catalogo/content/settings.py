"""Site settings (``content/sito.yml``) and vocabularies (``content/vocabolari.yml``)."""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

from catalogo.content.contract import SiteSettings, Term, Vocabularies
from catalogo.content.documents import display_path, parse_yaml_file
from catalogo.content.validate import validate_model
from catalogo.core.diagnostics import Diagnostic

SETTINGS_FILE = "sito.yml"
VOCABULARIES_FILE = "vocabolari.yml"
REQUIRED_VOCABULARIES = (
    "area_tematica",
    "aree_strategiche",
    "destinatari",
    "stato",
    "livello_replicabilita",
    "stato_replica",
)
_TERM_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def _missing_file(path: Path) -> Diagnostic:
    return Diagnostic(display_path(path), 1, 1, "", "file mancante: serve per costruire il sito")


def load_settings(content: Path) -> tuple[SiteSettings | None, list[Diagnostic]]:
    path = content / SETTINGS_FILE
    if not path.is_file():
        return None, [_missing_file(path)]
    doc, diags = parse_yaml_file(path.read_bytes(), display_path(path))
    if doc is None:
        return None, diags
    settings, problems = validate_model(doc, SiteSettings, {})
    return settings, diags + problems


def load_vocabularies(content: Path) -> tuple[Vocabularies, list[Diagnostic]]:
    path = content / VOCABULARIES_FILE
    if not path.is_file():
        return {}, [_missing_file(path)]
    shown = display_path(path)
    doc, diags = parse_yaml_file(path.read_bytes(), shown)
    if doc is None:
        return {}, diags
    result: dict[str, MappingProxyType[str, Term]] = {}

    def problem(keypath: tuple[Any, ...], message: str, key: bool = False) -> None:
        line, col = doc.pos(keypath, key=key)
        diags.append(Diagnostic(shown, line, col, ".".join(map(str, keypath)), message))

    for name in REQUIRED_VOCABULARIES:
        if name not in doc.data:
            problem((), f"manca il vocabolario '{name}'")
    for name, terms in doc.data.items():
        if not isinstance(terms, dict) or not terms:
            problem((name,), "deve elencare i valori ammessi, uno per riga")
            continue
        parsed: dict[str, Term] = {}
        for slug, spec in terms.items():
            if not _TERM_RE.match(slug):
                problem((name, slug), "identificativo non valido: minuscole, cifre e '-'", key=True)
            if isinstance(spec, dict) and isinstance(spec.get("etichetta"), str):
                extra = set(spec) - {"etichetta", "descrizione"}
                if extra:
                    problem(
                        (name, slug, sorted(extra)[0]),
                        "chiave sconosciuta: ammesse 'etichetta' e 'descrizione'",
                        key=True,
                    )
                parsed[slug] = Term(slug, spec["etichetta"], str(spec.get("descrizione") or ""))
            else:
                problem((name, slug), "serve almeno 'etichetta: ...'")
        result[name] = MappingProxyType(parsed)
    return MappingProxyType(result), diags
