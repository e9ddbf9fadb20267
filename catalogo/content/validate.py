"""Schema validation of parsed documents, with pydantic's errors turned into Italian diagnostics."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from catalogo.content.contract import Term, Vocabularies
from catalogo.content.documents import KeyPath, RawDoc, format_key
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.text import did_you_mean, join_quoted

M = TypeVar("M", bound=BaseModel)

# Union tags of the schema's discriminated unions: part of pydantic's error location, not of the YAML.
_UNION_TAGS = {"testo", "misura"}
_FEW = 8


def describe(value: Any) -> str:
    """How an editor would name what YAML made of a value."""
    if isinstance(value, bool):
        return "un valore sì/no (YAML legge così yes, no, on, off, true, false)"
    if isinstance(value, (int, float)):
        return "un numero"
    if isinstance(value, dt.date):
        return "una data"
    if isinstance(value, list):
        return "un elenco"
    if isinstance(value, dict):
        return "un gruppo di chiavi"
    if value is None:
        return "un valore vuoto"
    return "un testo"


def _model_at(model: type[BaseModel], path: KeyPath) -> type[BaseModel] | None:
    """The nested model whose keys live at ``path`` (for 'forse intendevi' on unknown keys)."""
    current: type[BaseModel] | None = model
    for part in path:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        current = _find_model(field.annotation) if field else None
    return current


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found:
            return found
    return None


def _message(err: Any, key_path: KeyPath, model: type[BaseModel], vocabularies: Vocabularies) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return "chiave obbligatoria mancante"
    if kind == "extra_forbidden":
        parent = _model_at(model, key_path[:-1])
        allowed = list(parent.model_fields) if parent else []
        return f"chiave sconosciuta '{key_path[-1]}'{did_you_mean(str(key_path[-1]), allowed)}"
    if kind == "vocabolario":
        vocab: dict[str, Term] = dict(vocabularies.get(ctx["vocabolario"], {}))
        text = f"'{ctx['valore']}' non è ammesso{did_you_mean(ctx['valore'], vocab)}"
        if len(vocab) <= _FEW:
            text += f"; valori ammessi: {join_quoted(vocab)}"
        return text
    if kind == "string_type":
        return f"deve essere un testo, non {describe(value)}: metti il valore tra virgolette"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "non può essere vuoto"
        return f"troppo corto: servono almeno {ctx['min_length']} caratteri (ora {len(value or '')})"
    if kind == "string_too_long":
        return f"troppo lungo: al massimo {ctx['max_length']} caratteri (ora {len(value or '')})"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"deve essere un numero intero (ad esempio 2023), non {describe(value)}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"deve essere un numero (ad esempio 15000 o 1500.50), non {describe(value)}"
    if kind == "greater_than_equal":
        return f"deve essere almeno {ctx['ge']}"
    if kind == "less_than_equal":
        return f"deve essere al massimo {ctx['le']}"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"deve essere un elenco, non {describe(value)}: una voce per riga, ognuna preceduta da '- '"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return "serve almeno una voce" if n == 1 else f"servono almeno {n} voci"
    if kind == "too_long":
        return f"al massimo {ctx.get('max_length')} voci"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        sub = _model_at(model, key_path)
        keys = f" ({join_quoted(sub.model_fields)})" if sub else ""
        return f"deve essere un gruppo di chiavi{keys}, non {describe(value)}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"deve essere una data nel formato AAAA-MM-GG (ad esempio 2024-03-27), non {describe(value)}"
    if kind == "url":
        return f"'{ctx['valore']}' non è un indirizzo web valido: scrivilo per intero, a partire da https://"
    if kind == "email":
        return f"'{ctx['valore']}' non è un indirizzo e-mail valido"
    if kind == "telefono":
        return f"'{ctx['valore']}' non è un numero di telefono valido (solo cifre, spazi e '+')"
    if kind == "anno_futuro":
        return f"{ctx['valore']} è un anno futuro: al massimo {dt.date.today().year}"
    if kind == "territorio_mancante":
        return "indica almeno una chiave tra 'comune' e 'ambito'"
    if kind == "anno_fine":
        return f"l'anno di fine non può precedere l'anno di avvio ({ctx['avvio']})"
    if kind == "ripetuto":
        return "contiene un valore ripetuto"
    if kind in ("bool_type", "bool_parsing"):
        return "deve essere sì o no (true o false)"
    return f"valore non valido: {describe(value)} non va bene qui"


def _yaml_path(loc: tuple[Any, ...]) -> KeyPath:
    """Drop the union tags pydantic puts after a list index: they are not YAML keys."""
    return tuple(
        part for i, part in enumerate(loc) if not (part in _UNION_TAGS and i > 0 and isinstance(loc[i - 1], int))
    )


def validate_model(
    doc: RawDoc, model: type[M], vocabularies: Vocabularies, already_reported: set[int] | None = None
) -> tuple[M | None, list[Diagnostic]]:
    """Validate one document; every problem becomes a diagnostic at its line."""
    try:
        record = model.model_validate(doc.data, context={"vocabolari": vocabularies})
        return record, []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    diags: list[Diagnostic] = []
    seen: set[tuple[int, int, str]] = set()
    for err in errors:
        ctx = err.get("ctx") or {}
        loc = tuple(err["loc"]) + ((ctx["chiave"],) if "chiave" in ctx else ())
        path = _yaml_path(loc)
        kind = err["type"]
        if (
            kind == "too_short"
            and isinstance(err.get("input"), (list, tuple))
            and len(err["input"]) >= ctx.get("min_length", 1)
        ):
            continue  # only a consequence of invalid items, each reported on its own
        if kind == "missing":
            line, col = doc.pos(path[:-1]) if len(path) > 1 else (doc.fm_line, 1)
        else:
            line, col = doc.pos(path, key=kind in ("extra_forbidden", "anno_fine", "ripetuto"))
        if already_reported and line in already_reported:
            continue
        key = format_key(path)
        if (line, col, key) in seen:  # a union reports one bad value once per branch
            continue
        seen.add((line, col, key))
        diags.append(Diagnostic(doc.path, line, col, key, _message(err, path, model, vocabularies)))
    return None, diags
