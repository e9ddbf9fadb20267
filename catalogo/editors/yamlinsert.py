"""``python build.py segnalazione FILE``: a submitted issue form becomes content.

A proposal becomes ``content/practices/<slug>.md`` (keys in the contract's order, as ``new``
writes them); a territory's interest becomes one more entry of the practice's ``repliche``, added
without touching any other byte of the file. Either change is checked with every check of
``check`` before it is written; on any problem nothing is written, and each problem names the
form field to correct.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalogo.content.contract import Vocabularies
from catalogo.content.documents import FM_BOUNDARY, display_path
from catalogo.content.load import PRACTICES_DIR, load_site
from catalogo.content.territories import Territories
from catalogo.core.diagnostics import Diagnostic, errors
from catalogo.core.text import did_you_mean, fold
from catalogo.editors.issueforms import INTEREST_FILE, Answers, IssueForm, parse_body, which_form
from catalogo.editors.scaffold import Answers as Draft
from catalogo.editors.scaffold import practice_path, practice_text, slug_for, write_new_file

# Which form field a problem of the written file belongs to, by its key (or key prefix).
PROPOSAL_FIELDS = {
    "replicabilita.livello": "livello",
    "replicabilita.condizioni": "condizioni",
    "replicabilita": "condizioni",
    "risorse.costo_euro": "costo_euro",
    "risorse.finanziamento": "finanziamento",
    **{f"contatti.{k}": k for k in ("referente", "ruolo", "email", "telefono", "sito")},
}


@dataclass
class Outcome:
    """What a form would change (path -> new text), or why it cannot."""

    changed: dict[Path, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def _lines(text: str) -> list[str]:
    """An answer given one per line: bullets and numbering that people type are dropped."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line).strip()
        if line:
            out.append(line)
    return out


def _number(text: str) -> int | float | str:
    """'2023' -> 2023; '100.000' or '100.000,50' (Italian) -> 100000 / 100000.5; anything else stays text."""
    clean = text.strip().replace("€", "").replace("euro", "").strip()
    if re.fullmatch(r"-?\d+", clean):
        return int(clean)
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+,\d+", clean):
        number = float(clean.replace(".", "").replace(",", "."))
        return int(number) if number.is_integer() else number
    return text.strip()


def replica_states(vocabularies: Vocabularies) -> dict[str, str]:
    """How a person may write a replication's state (folded): its identifier, with a space for the
    underscore, or its label; from the vocabulary, so a new state is understood at once."""
    return {
        fold(name): slug
        for slug, term in vocabularies["stato_replica"].items()
        for name in (slug, slug.replace("_", " "), term.etichetta)
    }


def _proposal(
    answers: Answers, vocabularies: Vocabularies, territories: Territories, today: dt.date
) -> tuple[dict[str, Any], str]:
    v = answers.values
    values: dict[str, Any] = {"titolo": v["titolo"], "sintesi": " ".join(v["sintesi"].split())}
    for key, find in (("comune", territories.find_comune), ("ambito", territories.find_ambito)):
        if v[key]:
            found = find(v[key])
            values[key] = found.nome if found is not None else v[key]
    values.update(
        area_tematica=v["area_tematica"],
        aree_strategiche=v["aree_strategiche"],
        destinatari=v["destinatari"],
        anno_avvio=_number(v["anno_avvio"]),
    )
    if v["anno_fine"]:
        values["anno_fine"] = _number(v["anno_fine"])
    values.update(
        stato=v["stato"],
        risultati=_lines(v["risultati"]),
        replicabilita={"livello": v["livello"], "condizioni": _lines(v["condizioni"])},
    )
    for key in ("ostacoli", "miglioramenti", "partner"):
        if _lines(v[key]):
            values[key] = _lines(v[key])
    risorse: dict[str, Any] = {}
    if v["costo_euro"]:
        risorse["costo_euro"] = _number(v["costo_euro"])
    if _lines(v["finanziamento"]):
        risorse["finanziamento"] = _lines(v["finanziamento"])
    if risorse:
        values["risorse"] = risorse
    contatti = {k: v[k].strip() for k in ("referente", "ruolo", "email", "telefono", "sito") if v[k].strip()}
    if contatti:
        values["contatti"] = contatti
    if v["festival"].strip():
        values["festival"] = [_number(y) for y in re.split(r"[,;\s]+", v["festival"].strip()) if y]
    repliche = []
    states = replica_states(vocabularies)
    for line in _lines(v["repliche"]):
        parts = [p.strip() for p in line.split(";")]
        entry: dict[str, Any] = {"territorio": parts[0]}
        found = territories.find(parts[0])
        if found is not None:
            entry["territorio"] = found.riferimento
        entry["stato"] = states.get(
            fold(parts[1]) if len(parts) > 1 else "", parts[1] if len(parts) > 1 else "interesse"
        )
        if len(parts) > 2 and parts[2]:
            entry["anno"] = _number(parts[2])
        repliche.append(entry)
    if repliche:
        values["repliche"] = repliche
    values.update(fonti=_lines(v["fonti"]), pubblicata=today)
    return values, v["descrizione"]


def _form_problems(
    problems: list[Diagnostic], answers: Answers, form: IssueForm, source: str, key_to_field: Mapping[str, str]
) -> list[Diagnostic]:
    """Problems of the written file, told as the form's fields (label and line of the body)."""
    out = []
    for d in problems:
        base = re.sub(r"\[\d+\]", "", d.key)
        field_id = key_to_field.get(base) or key_to_field.get(base.split(".")[0]) or base.split(".")[0]
        try:
            f = form.by_id(field_id)
        except StopIteration:
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
    if form.file == INTEREST_FILE:
        outcome = _interest(answers, form, content, source, territories)
    else:
        outcome = _propose(answers, form, content, source, vocabularies, territories, today)
    outcome.problems = problems + outcome.problems
    return outcome


def _check(content: Path, target: Path, text: str) -> list[Diagnostic]:
    """Every check of 'check', on the content as it would be with ``text`` written at ``target``."""
    relative = target.relative_to(content).as_posix()
    loaded = load_site(content, pending={relative: text.encode("utf-8")})
    shown = display_path(target)
    return [d for d in loaded.diagnostics if d.path == shown or d.severity == "errore"]


def _propose(
    answers: Answers,
    form: IssueForm,
    content: Path,
    source: str,
    vocabularies: Vocabularies,
    territories: Territories,
    today: dt.date,
) -> Outcome:
    values, body = _proposal(answers, vocabularies, territories, today)
    comune, ambito = values.get("comune"), values.get("ambito")
    slug = slug_for(
        Draft(
            values["titolo"],
            comune if isinstance(comune, str) else None,
            ambito if isinstance(ambito, str) else None,
            values["area_tematica"],
        )
    )
    target = practice_path(content, slug or "pratica")
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
    problems = _form_problems(_check(content, target, text), answers, form, source, PROPOSAL_FIELDS)
    place = comune or (f"Ambito di {ambito}" if ambito else "")
    return Outcome({target: text}, problems, f"Nuova pratica «{values['titolo']}» ({place}): {display_path(target)}")


def practice_slug(text: str) -> str:
    """'https://…/pratiche/centro-famiglie/' or '/pratiche/centro-famiglie/' or 'centro-famiglie'."""
    match = re.search(r"/pratiche/([^/?#\s]+)", text)
    return (match.group(1) if match else text).strip().strip("/").lower()


def _interest(answers: Answers, form: IssueForm, content: Path, source: str, territories: Territories) -> Outcome:
    v = answers.values

    def problem(field_id: str, message: str) -> Outcome:
        return Outcome(problems=[Diagnostic(source, answers.lines[field_id], 1, form.by_id(field_id).label, message)])

    slug = practice_slug(v["pratica"])
    target = practice_path(content, slug)
    if not re.fullmatch(r"[a-z0-9-]+", slug) or not target.is_file():
        known = [p.stem for p in (content / PRACTICES_DIR).glob("*.md")]
        return problem(
            "pratica",
            f"non c'è nel catalogo una pratica «{v['pratica'][:120]}»"
            f"{did_you_mean(slug, known)}: copia l'indirizzo della pagina della pratica",
        )
    found = territories.find(v["territorio"])
    if found is None:
        names = [c.riferimento for c in territories.comuni.values()]
        names += [a.riferimento for a in territories.ambiti.values()]
        return problem(
            "territorio",
            f"territorio sconosciuto «{v['territorio'][:120]}»"
            f"{did_you_mean(v['territorio'], names)}: scrivi il nome di un Comune pugliese oppure "
            "«Ambito di» e il nome dell'Ambito",
        )
    old = target.read_text(encoding="utf-8")
    front = _front_matter(old)
    for existing in front.get("repliche") or []:
        if isinstance(existing, dict) and territories.find(str(existing.get("territorio", ""))) == found:
            return problem(
                "territorio",
                f"{found.denominazione} è già tra le repliche di questa pratica "
                f"(stato: {existing.get('stato')}): per aggiornarla lo fa la redazione nella scheda",
            )
    entry: dict[str, Any] = {"territorio": found.riferimento, "stato": v["stato"]}
    if v["anno"]:
        entry["anno"] = _number(v["anno"])
    if v["fonte"]:
        entry["fonte"] = v["fonte"].strip()
    text = add_replica(old, entry)
    keys = {"repliche": "territorio", **{f"repliche.{k}": k for k in ("territorio", "stato", "anno", "fonte")}}
    new_index = len(front.get("repliche") or [])
    checked = [
        d
        for d in _check(content, target, text)
        if d.key.startswith(f"repliche[{new_index + 1}]")
        or d.severity == "errore"
        and not d.key.startswith("repliche[")
    ]
    problems = _form_problems(checked, answers, form, source, keys)
    titolo = front.get("titolo", slug)
    return Outcome(
        {target: text},
        problems,
        f"{found.denominazione}: {v['stato'].replace('_', ' ')} a replicare «{titolo}» ({display_path(target)})",
    )


# ---- one more entry in 'repliche', every other byte as the editor wrote it ----


def _split(text: str) -> tuple[int, int, int] | None:
    """Where the front matter starts and ends, and where the body starts (None: no front matter)."""
    opening = FM_BOUNDARY.match(text)
    closing = FM_BOUNDARY.search(text, opening.end()) if opening else None
    return (opening.end(), closing.start(), closing.end()) if opening and closing else None


def _front_matter(text: str) -> dict[str, Any]:
    parts = _split(text)
    data = yaml.safe_load(text[parts[0] : parts[1]]) if parts else None
    return data if isinstance(data, dict) else {}


def _scalar_dump(value: Any, flow: bool) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=flow).rstrip(
        "\n"
    )


def add_replica(text: str, entry: dict[str, Any]) -> str:
    """``text`` with ``entry`` appended to its 'repliche' list: an insertion, nothing rewritten.

    Handles the shapes a practice file can have: no 'repliche' key, 'repliche: []', an empty
    'repliche:', a flow list and a block list (at its own indentation, after a trailing comment).
    The result is read back: the list must have grown by exactly that entry, all else the same.
    """
    new = _inserted(text, entry)
    before, after = _front_matter(text), _front_matter(new)
    grown = {**before, "repliche": [*(before.get("repliche") or []), entry]}
    if after != grown or _body(new) != _body(text):
        raise ValueError("inserimento in 'repliche' non riuscito: la scheda va aggiornata a mano")
    return new


def _body(text: str) -> str:
    parts = _split(text)
    return text[parts[2] :] if parts else text


def _inserted(text: str, entry: dict[str, Any]) -> str:
    parts = _split(text)
    assert parts is not None
    start, end, _ = parts
    root = yaml.compose(text[start:end])
    assert isinstance(root, yaml.MappingNode)
    keys = [k.value for k, _ in root.value]

    def line_end(index: int) -> int:
        newline = text.find("\n", index)
        return len(text) if newline < 0 else newline + 1

    def block(column: int) -> str:
        item = _scalar_dump([entry], flow=False)
        return "".join(" " * column + line + "\n" for line in item.split("\n"))

    if "repliche" not in keys:
        from catalogo.content.contract import Practice

        order = list(Practice.model_fields)
        after = [k for k in order[order.index("repliche") + 1 :] if k in keys]
        if after:
            node = next(k for k, _ in root.value if k.value == after[0])
            at = start + node.start_mark.index - node.start_mark.column
        else:
            at = end
        return text[:at] + "repliche:\n" + block(2) + text[at:]
    node = next(v for k, v in root.value if k.value == "repliche")
    if isinstance(node, yaml.SequenceNode) and node.flow_style and node.value:
        close = start + node.end_mark.index - 1  # the ']'
        return text[:close] + ", " + _scalar_dump(entry, flow=True) + text[close:]
    if isinstance(node, yaml.SequenceNode) and node.value:
        first = node.value[0]
        line_start = text.rfind("\n", 0, start + first.start_mark.index) + 1
        dash = text.index("-", line_start)
        last = node.value[-1]
        while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and last.value:
            # A collection ends where the next token starts (after blank lines): its last scalar does not.
            last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
        at = line_end(start + last.end_mark.index - 1)
        return text[:at] + block(dash - line_start) + text[at:]
    # 'repliche: []', 'repliche: null' or an empty 'repliche:': the list starts on the next line,
    # and the empty value, if written, goes.
    key = next(k for k, _ in root.value if k.value == "repliche")
    at = line_end(start + key.start_mark.index)
    left, right = start + node.start_mark.index, start + node.end_mark.index
    if right > left and text[right:at].strip() == "":
        left = len(text[:left].rstrip(" "))
    return text[:left] + text[right:at] + block(2 + key.start_mark.column) + text[at:]


def write(outcome: Outcome) -> None:
    """Write the change: a new file never over an existing one, an edited file atomically."""
    for path, text in outcome.changed.items():
        if not path.exists():
            write_new_file(path, text)
            continue
        temporary = path.with_name(f".{path.name}.segnalazione")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
