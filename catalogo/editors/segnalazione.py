"""``python build.py segnalazione FILE``: a submitted issue form becomes content.

A proposal becomes ``content/practices/<slug>.md`` (keys in the contract's order, as ``new``
writes them); a territory's interest becomes one more entry of the practice's ``repliche``, added
without touching any other byte of the file (yamlinsert.py). Either change is checked with every
check of ``check`` before it is written; on any problem nothing is written, and each problem names
the form field to correct.

Each answer is read by the kind of the contract key its field fills (content/keys.py), so a key
added to the model is read back without touching this file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from catalogo.content.contract import Practice, Replica, Vocabularies
from catalogo.content.documents import display_path
from catalogo.content.keys import Key, key_at, keys_of
from catalogo.content.load import PRACTICES_DIR, load_site
from catalogo.content.territories import Territories
from catalogo.core.diagnostics import Diagnostic, errors
from catalogo.core.text import did_you_mean, fold
from catalogo.editors.formbody import BULLET, FormAnswers, parse_body, spellings, which_form
from catalogo.editors.issueforms import INTEREST_FILE, FormField, IssueForm
from catalogo.editors.scaffold import fill_automatic_dates, practice_file, practice_text, slug_of, write_new_file
from catalogo.editors.yamlinsert import add_replica, front_matter


@dataclass
class Outcome:
    """What a form would change (path -> new text), or why it cannot."""

    changed: dict[Path, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def read_lines(text: str) -> list[str]:
    """An answer given one per line: bullets and numbering that people type are dropped."""
    out = []
    for line in text.split("\n"):
        line = BULLET.sub("", line).strip()
        if line:
            out.append(line)
    return out


def read_number(text: str) -> int | float | str:
    """'2023' -> 2023; '100.000' or '100.000,50' (Italian) -> 100000 / 100000.5; anything else stays text."""
    clean = text.strip().replace("€", "").replace("euro", "").strip()
    if re.fullmatch(r"-?\d+", clean):
        return int(clean)
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+,\d+", clean):
        number = float(clean.replace(".", "").replace(",", "."))
        return int(number) if number.is_integer() else number
    return text.strip()


@dataclass(frozen=True)
class Reader:
    """Turns what a person typed into a key's value, by the key's kind."""

    vocabularies: Vocabularies
    territories: Territories

    @cached_property
    def _spellings(self) -> dict[str, dict[str, str]]:
        """Per vocabulary, how a person may write its values (from the vocabulary, so a new value is
        understood at once): made once per reader, not once per cell of a spreadsheet."""
        return {
            name: spellings((slug, term.etichetta) for slug, term in terms.items())
            for name, terms in self.vocabularies.items()
        }

    def scalar(self, key: Key, text: str) -> Any:
        text = " ".join(text.split())
        if not text:
            return None
        if key.territory:
            t = self.territories
            found = {"comune": t.find_comune, "ambito": t.find_ambito, "territorio": t.find}[key.territory](text)
            if found is None:
                return text  # check reports it, with a suggestion
            return found.riferimento if key.territory == "territorio" else found.nome
        if key.vocabulary:
            return self._spellings[key.vocabulary].get(fold(text), text)
        if key.kind in ("integer", "number", "mixed"):
            return read_number(text)
        if key.kind == "date":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return text
        if key.kind == "boolean":
            return {"sì": True, "si": True, "no": False}.get(fold(text), text)
        return text

    def value(self, key: Key, raw: Any) -> Any:
        """A field's answer as the key's value; None or empty for no answer."""
        if not isinstance(raw, str):  # a dropdown: already the vocabulary's identifiers
            return raw or None
        if key.many and key.kind == "group":
            return [self.group(key, line.split(";")) for line in read_lines(raw)]
        if key.many and key.kind in ("integer", "number"):
            return [read_number(part) for part in re.split(r"[,;\s]+", raw.strip()) if part]
        if key.many:
            return [self.scalar(key, line) for line in read_lines(raw)]
        return self.scalar(key, raw)

    def group(self, key: Key, parts: list[str]) -> dict[str, Any]:
        """One line of a list of groups: its parts are the group's keys, in order."""
        entry = {}
        for child, part in zip(key.children, parts, strict=False):
            value = self.scalar(child, part)
            if value is not None:
                entry[child.name] = value
        return entry


def contract_values(form: IssueForm, answers: FormAnswers, model: type[Any], reader: Reader) -> dict[str, Any]:
    """The answers of the fields that fill contract keys, nested as in the file; empty answers left out."""
    values: dict[str, Any] = {}
    for f in form.fields:
        if not f.key:
            continue
        value = reader.value(key_at(model, f.key), answers.values[f.id])
        if value is None or value == []:
            continue
        *groups, name = f.key.split(".")
        target = values
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = value
    return values


def _form_problems(
    problems: list[Diagnostic], answers: FormAnswers, form: IssueForm, source: str, prefix: str = ""
) -> list[Diagnostic]:
    """Problems of the written file, told as the form's fields (label and line of the body). ``prefix``:
    where the form's keys sit in the file ('repliche' for an interest)."""
    out = []
    for d in problems:
        path = re.sub(r"\[\d+\]", "", d.key)
        if prefix:
            path = path.removeprefix(prefix).lstrip(".")
        f: FormField | None = form.for_key(path) if path else None
        if f is None:
            out.append(d)  # a problem of the content that no field of the form can fix
            continue
        out.append(Diagnostic(source, answers.lines.get(f.id, 1), 1, f.label, d.message, d.severity))
    return out


def process(
    text: str, content: Path, source: str, vocabularies: Vocabularies, territories: Territories, today: dt.date
) -> Outcome:
    """Read a submitted form, make the change in memory and check it; nothing is written here."""
    form = which_form(text, vocabularies)
    if form is None:
        return Outcome(
            problems=[
                Diagnostic(
                    source,
                    1,
                    1,
                    "",
                    "non è una segnalazione inviata con uno dei moduli "
                    "del catalogo (proposta di pratica o interesse a replicare): non "
                    "cambiare i titoli delle sezioni",
                )
            ]
        )
    answers, problems = parse_body(form, text, source)
    if errors(problems):
        return Outcome(problems=problems)
    reader = Reader(vocabularies, territories)
    if form.file == INTEREST_FILE:
        outcome = _interest(answers, form, content, source, reader)
    else:
        outcome = _propose(answers, form, content, source, reader, today)
    outcome.problems = problems + outcome.problems
    return outcome


def _check(content: Path, target: Path, text: str) -> list[Diagnostic]:
    """Every check of 'check', on the content as it would be with ``text`` written at ``target``."""
    relative = target.relative_to(content).as_posix()
    loaded = load_site(content, pending={relative: text.encode("utf-8")})
    shown = display_path(target)
    return [d for d in loaded.diagnostics if d.path == shown or d.severity == "errore"]


def _propose(
    answers: FormAnswers, form: IssueForm, content: Path, source: str, reader: Reader, today: dt.date
) -> Outcome:
    values = contract_values(form, answers, Practice, reader)  # a form has no automatic key
    fill_automatic_dates(values, today)
    body = answers.values["descrizione"]
    slug = slug_of(values)
    target = practice_file(content, slug or "pratica")
    if target.exists():
        return Outcome(
            problems=[
                Diagnostic(
                    source,
                    answers.lines["titolo"],
                    1,
                    form.by_id("titolo").label,
                    f"esiste già la scheda {display_path(target)}: se è la stessa pratica, "
                    "la redazione la aggiornerà; altrimenti cambia il titolo",
                )
            ]
        )
    text = practice_text(values, body)
    problems = _form_problems(_check(content, target, text), answers, form, source)
    comune, ambito = values.get("comune"), values.get("ambito")
    place = comune or (f"Ambito di {ambito}" if ambito else "")
    return Outcome({target: text}, problems, f"Nuova pratica «{values['titolo']}» ({place}): {display_path(target)}")


def practice_slug(text: str) -> str:
    """'https://…/pratiche/centro-famiglie/' or '/pratiche/centro-famiglie/' or 'centro-famiglie'."""
    match = re.search(r"/pratiche/([^/?#\s]+)", text)
    return (match.group(1) if match else text).strip().strip("/").lower()


def _interest(answers: FormAnswers, form: IssueForm, content: Path, source: str, reader: Reader) -> Outcome:
    v = answers.values
    territories = reader.territories

    def problem(field_id: str, message: str) -> Outcome:
        return Outcome(problems=[Diagnostic(source, answers.lines[field_id], 1, form.by_id(field_id).label, message)])

    slug = practice_slug(v["pratica"])
    target = practice_file(content, slug)
    if not re.fullmatch(r"[a-z0-9-]+", slug) or not target.is_file():
        known = [p.stem for p in (content / PRACTICES_DIR).glob("*.md")]
        return problem(
            "pratica",
            f"non c'è nel catalogo una pratica «{v['pratica'][:120]}»"
            f"{did_you_mean(slug, known)}: copia l'indirizzo della pagina della pratica",
        )
    place = form.for_key(next(k.path for k in keys_of(Replica) if k.territory))
    assert place is not None
    found = territories.find(v[place.id])
    if found is None:
        names = [c.riferimento for c in territories.comuni.values()]
        names += [a.riferimento for a in territories.ambiti.values()]
        return problem(
            place.id,
            f"territorio sconosciuto «{v[place.id][:120]}»"
            f"{did_you_mean(v[place.id], names)}: scrivi il nome di un Comune pugliese oppure "
            "«Ambito di» e il nome dell'Ambito",
        )
    old = target.read_text(encoding="utf-8")
    front = front_matter(old)
    for existing in front.get("repliche") or []:
        if isinstance(existing, dict) and territories.find(str(existing.get(place.key, ""))) == found:
            return problem(
                place.id,
                f"{found.denominazione} è già tra le repliche di questa pratica "
                f"(stato: {existing.get('stato')}): per aggiornarla lo fa la redazione nella scheda",
            )
    entry = contract_values(form, answers, Replica, reader)
    text = add_replica(old, entry)
    new_index = len(front.get("repliche") or [])
    checked = [
        d
        for d in _check(content, target, text)
        if d.key.startswith(f"repliche[{new_index + 1}]")
        or d.severity == "errore"
        and not d.key.startswith("repliche[")
    ]
    problems = _form_problems(checked, answers, form, source, prefix="repliche")
    titolo = front.get("titolo", slug)
    said = str(entry.get("stato")).replace("_", " ")
    return Outcome(
        {target: text}, problems, f"{found.denominazione}: {said} a replicare «{titolo}» ({display_path(target)})"
    )


def write(outcome: Outcome) -> None:
    """Write the change: a new file never over an existing one, an edited file atomically."""
    for path, text in outcome.changed.items():
        if not path.exists():
            write_new_file(path, text)
            continue
        temporary = path.with_name(f".{path.name}.segnalazione")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
