"""``python build.py new``: a new practice file with every key, the allowed values, and markers.

Every line the editor still has to fill carries 'DA COMPLETARE'; ``check`` and ``build``
refuse them, ``serve`` shows them as warnings so the draft can be previewed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from catalogo.content.contract import Practice, Vocabularies
from catalogo.content.load import PLACEHOLDER, PRACTICES_DIR
from catalogo.content.territories import Territories
from catalogo.core.text import did_you_mean, slugify

MAX_SLUG = 60


@dataclass(frozen=True)
class Answers:
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


def check_answers(answers: Answers, vocabularies: Vocabularies, territories: Territories) -> Answers:
    """Normalise all the answers (official names) or explain the first one that is wrong."""
    comune, ambito = check_place(answers.comune, answers.ambito, territories)
    return Answers(check_title(answers.titolo), comune, ambito, check_area(answers.area, vocabularies))


def slug_for(answers: Answers) -> str:
    slug = slugify(f"{answers.titolo} {answers.comune or answers.ambito}")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML string


def _choices(vocabularies: Vocabularies, name: str) -> str:
    return ", ".join(vocabularies[name])


def render(answers: Answers, vocabularies: Vocabularies, territories: Territories, today: dt.date) -> str:
    """The text of the new practice file."""
    todo = PLACEHOLDER
    first = {
        name: next(iter(vocabularies[name]))
        for name in ("aree_strategiche", "destinatari", "stato", "livello_replicabilita")
    }
    if answers.comune:
        own = territories.ambiti[territories.comuni[answers.comune].ambito]
        place = (
            f"comune: {_quote(answers.comune)}\n"
            f"# ambito: si ricava dal Comune ({own.denominazione}); scrivilo solo se la pratica è "
            "dell'intero Ambito\n"
        )
    else:
        place = f"ambito: {_quote(answers.ambito or '')}\n"
    lines = [
        "---",
        f"titolo: {_quote(answers.titolo)}",
        "# sintesi: da 40 a 500 caratteri, testo semplice",
        f'sintesi: "{todo}: che cosa fa la pratica, per chi e con quali risultati."',
        place.rstrip("\n"),
        f"# area_tematica: {_choices(vocabularies, 'area_tematica')}",
        f"area_tematica: {answers.area}",
        f"# aree_strategiche (una o più): {_choices(vocabularies, 'aree_strategiche')}",
        "aree_strategiche:",
        f"  - {first['aree_strategiche']}  # {todo}",
        f"# destinatari (uno o più): {_choices(vocabularies, 'destinatari')}",
        "destinatari:",
        f"  - {first['destinatari']}  # {todo}",
        f"anno_avvio: {today.year}  # {todo}",
        "# anno_fine: solo se la pratica è conclusa",
        "anno_fine:",
        f"# stato: {_choices(vocabularies, 'stato')}",
        f"stato: {first['stato']}  # {todo}",
        "# risultati: una frase per risultato, oppure indicatore, valore e note",
        "risultati:",
        f'  - "{todo}: un risultato ottenuto."',
        "  # - indicatore: Famiglie coinvolte",
        "  #   valore: 120",
        "  #   note: nel primo anno",
        "replicabilita:",
        f"  # livello: {_choices(vocabularies, 'livello_replicabilita')}",
        f"  livello: {first['livello_replicabilita']}  # {todo}",
        "  condizioni:",
        f'    - "{todo}: che cosa serve a un altro territorio per replicarla."',
        "# ostacoli: gli ostacoli incontrati e come sono stati superati",
        "ostacoli: []",
        "# miglioramenti: che cosa si potrebbe migliorare",
        "miglioramenti: []",
        "partner: []",
        "risorse:",
        "  costo_euro:",
        "  finanziamento: []",
        "# contatti: contatti istituzionali (un ufficio, un indirizzo istituzionale)",
        "contatti:",
        "  referente:",
        "  ruolo:",
        "  email:",
        "  telefono:",
        "  sito:",
        "# festival: gli anni in cui la pratica è stata presentata al Festival, ad esempio [2024]",
        "festival: []",
        f"# repliche: territorio, stato ({_choices(vocabularies, 'stato_replica')}) e anno",
        "repliche: []",
        "# fonti: indirizzi web pubblici dei fatti riportati",
        "fonti:",
        f"  - https://www.example.org/  # {todo}: l'indirizzo di una fonte pubblica",
        f"pubblicata: {today.isoformat()}",
        "---",
        "## Contesto",
        "",
        f"{todo}: il territorio e il bisogno a cui risponde la pratica.",
        "",
        "## Obiettivi",
        "",
        f"{todo}: che cosa si voleva ottenere.",
        "",
        "## Attività",
        "",
        f"{todo}: che cosa è stato fatto, da chi, per chi.",
        "",
        "## Metodo",
        "",
        f"{todo}: come è stato organizzato il lavoro, con quali strumenti e partner.",
        "",
        "## Risultati",
        "",
        f"{todo}: che cosa è cambiato, con dati e fonti quando ci sono.",
        "",
    ]
    return "\n".join(lines)


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


def practice_path(content: Path, slug: str) -> Path:
    return content / PRACTICES_DIR / f"{slug}.md"


def write_new_file(target: Path, text: str) -> None:
    """A new practice file: never one that exists, even when two writers race ('x')."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def write_practice(
    content: Path,
    answers: Answers,
    vocabularies: Vocabularies,
    territories: Territories,
    today: dt.date,
    slug: str | None = None,
) -> Path:
    slug = slug or slug_for(answers)
    target = practice_path(content, slug)
    if target.exists():
        raise ScaffoldError(f"esiste già {target}: scegli un altro titolo o indica un nome con --slug")
    write_new_file(target, render(answers, vocabularies, territories, today))
    return target
