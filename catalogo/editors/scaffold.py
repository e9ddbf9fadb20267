"""``python build.py new``: a new practice file with every key, the allowed values, and markers.

Every line the editor still has to fill carries 'DA COMPLETARE'; ``check`` and ``build``
refuse them, ``serve`` shows them as warnings so the draft can be previewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from catalogo.content.contract import Practice, Vocabularies
from catalogo.content.keys import keys_of
from catalogo.content.load import PLACEHOLDER, PRACTICES_DIR
from catalogo.content.territories import Territories
from catalogo.core.text import did_you_mean, slugify

MAX_SLUG = 60


@dataclass(frozen=True)
class Draft:
    titolo: str
    comune: str | None
    ambito: str | None
    area: str


class ScaffoldError(Exception):
    """An answer that cannot be used, explained in Italian."""


def check_title(titolo: str) -> str:
    titolo = titolo.strip()
    limits = Practice.model_fields["titolo"].metadata
    low = next(m.min_length for m in limits if hasattr(m, "min_length"))
    high = next(m.max_length for m in limits if hasattr(m, "max_length"))
    if not low <= len(titolo) <= high:
        raise ScaffoldError(f"il titolo deve avere da {low} a {high} caratteri (ora {len(titolo)})")
    return titolo


def check_place(comune: str | None, ambito: str | None, territories: Territories) -> tuple[str | None, str | None]:
    """Official names of the Comune and/or Ambito, or a 'forse intendevi' explanation."""
    if not comune and not ambito:
        raise ScaffoldError("indica il Comune (--comune) o l'Ambito territoriale sociale (--ambito)")
    official_comune = official_ambito = None
    if comune:
        found = territories.find_comune(comune)
        if found is None:
            raise ScaffoldError(f"Comune sconosciuto '{comune}'{did_you_mean(comune, territories.comuni)}")
        official_comune = found.nome
    if ambito:
        found_ambito = territories.find_ambito(ambito)
        if found_ambito is None:
            names = territories.suggest_ambito(ambito)
            hint = f" (forse intendevi '{names[0]}'?)" if names else ""
            raise ScaffoldError(f"Ambito sconosciuto '{ambito}'{hint}")
        official_ambito = found_ambito.nome
    return official_comune, official_ambito


def check_area(area: str, vocabularies: Vocabularies) -> str:
    areas = vocabularies["area_tematica"]
    if area not in areas:
        raise ScaffoldError(
            f"area tematica '{area}' non ammessa{did_you_mean(area, areas)}; valori ammessi: {', '.join(areas)}"
        )
    return area


def slug_of(values: Mapping[str, Any]) -> str:
    """The file name a new practice's values give it (a form's, a spreadsheet row's)."""
    comune, ambito = values.get("comune"), values.get("ambito")
    return slug_for(
        Draft(
            str(values.get("titolo", "")),
            comune if isinstance(comune, str) else None,
            ambito if isinstance(ambito, str) else None,
            str(values.get("area_tematica", "")),
        )
    )


def fill_automatic_dates(values: dict[str, Any], today: dt.date) -> None:
    """The dates the tools fill in (the day the practice enters the catalogue), unless given."""
    for key in keys_of(Practice):
        if key.automatic and key.kind == "date":
            values.setdefault(key.name, today)


def slug_for(answers: Draft) -> str:
    slug = slugify(f"{answers.titolo} {answers.comune or answers.ambito}")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


TEMPLATES = Path(__file__).resolve().parent / "templates"


def _yaml_scalar(value: object) -> str:
    """A value as YAML reads it back, quoted only where YAML would read it as something else."""
    text = yaml.safe_dump(value, allow_unicode=True, width=100_000, default_flow_style=True)
    return text.removesuffix("\n").removesuffix("\n...")


def render(draft: Draft, vocabularies: Vocabularies, territories: Territories, today: dt.date) -> str:
    """The text of the new practice file, from the contract's keys (templates/nuova-pratica.md)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,  # YAML and Markdown, never HTML; values go through the 'yaml' filter
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = _yaml_scalar
    answers: dict[str, object] = {"titolo": draft.titolo, "area_tematica": draft.area}
    own = ""
    if draft.comune:
        answers["comune"] = draft.comune
        own = territories.ambiti[territories.comuni[draft.comune].ambito].denominazione
    else:
        answers["ambito"] = draft.ambito or ""
    return env.get_template("nuova-pratica.md").render(
        keys=keys_of(Practice),
        answers=answers,
        own_ambito=own,
        today=today,
        todo=PLACEHOLDER,
        choices=lambda name: ", ".join(vocabularies[name]),
        first=lambda name: next(iter(vocabularies[name])),
    )


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the files of the catalogue are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def practice_text(values: Mapping[str, Any], body: str) -> str:
    """A complete practice file: the given keys in the contract's order (the order ``new`` writes
    them in), strings quoted only where YAML would read them as something else."""
    ordered = {key: values[key] for key in Practice.model_fields if key in values}
    front = yaml.dump(
        ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=False
    )
    text = body.strip("\n")
    return f"---\n{front}---\n" + (text + "\n" if text else "")


def practice_file(content: Path, slug: str) -> Path:
    return content / PRACTICES_DIR / f"{slug}.md"


def write_new_file(target: Path, text: str) -> None:
    """A new practice file: never one that exists, even when two writers race ('x')."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def write_practice(
    content: Path,
    answers: Draft,
    vocabularies: Vocabularies,
    territories: Territories,
    today: dt.date,
    slug: str | None = None,
) -> Path:
    slug = slug or slug_for(answers)
    target = practice_file(content, slug)
    if target.exists():
        raise ScaffoldError(f"esiste già {target}: scegli un altro titolo o indica un nome con --slug")
    write_new_file(target, render(answers, vocabularies, territories, today))
    return target
