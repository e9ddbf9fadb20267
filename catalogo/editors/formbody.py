"""The two GitHub issue forms (a practice to propose, a territory's interest in replicating one):
generated from the contract, and read back from the Markdown body GitHub makes of a submitted form.

A submitted form is a body of ``### <label>`` sections, each followed by a blank line and the
value; an empty optional field reads ``_No response_``; a multiple dropdown gives the chosen labels
joined by ``, ``; checkboxes are ``- [X] label`` / ``- [ ] label``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from catalogo.content.contract import Practice, Replica, Vocabularies
from catalogo.core.diagnostics import Diagnostic

PROPOSAL_FILE = ".github/ISSUE_TEMPLATE/proposta-pratica.yml"
INTEREST_FILE = ".github/ISSUE_TEMPLATE/interesse-replica.yml"
PROPOSAL_LABEL = "proposta di pratica"
INTEREST_LABEL = "interesse a replicare"
NO_RESPONSE = "_No response_"
MAX_BODY = 65536  # GitHub's own limit for an issue body

Kind = Literal["input", "textarea", "dropdown", "checkboxes"]


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: Kind
    description: str = ""
    required: bool = False
    options: tuple[str, ...] = ()  # what the person sees (dropdown labels, checkbox texts)
    values: tuple[str, ...] = ()  # what is stored for each dropdown option (the vocabulary's slugs)
    multiple: bool = False
    placeholder: str = ""

    def as_yaml(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"label": self.label}
        if self.description:
            attributes["description"] = self.description
        if self.kind == "dropdown":
            attributes.update(options=list(self.options), multiple=self.multiple)
        elif self.kind == "checkboxes":
            return {
                "type": "checkboxes",
                "id": self.id,
                "attributes": {"label": self.label, "options": [{"label": o, "required": True} for o in self.options]},
            }
        if self.placeholder:
            attributes["placeholder"] = self.placeholder
        return {"type": self.kind, "id": self.id, "attributes": attributes, "validations": {"required": self.required}}


@dataclass(frozen=True)
class IssueForm:
    file: str
    name: str
    description: str
    title: str
    label: str
    intro: str
    fields: tuple[FormField, ...]

    def as_yaml(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "title": self.title,
            "labels": [self.label],
            "body": [{"type": "markdown", "attributes": {"value": self.intro}}, *(f.as_yaml() for f in self.fields)],
        }

    def by_id(self, field_id: str) -> FormField:
        return next(f for f in self.fields if f.id == field_id)


def _help(name: str, model: Any = Practice) -> str:
    """The contract's help of a key (of a practice, or of one of its groups)."""
    return model.model_fields[name].description or ""


def _label(name: str, model: Any = Practice) -> str:
    """The contract's label of a key (of a practice, or of one of its groups)."""
    return model.model_fields[name].title or name


def _choice(
    id_: str,
    label: str,
    description: str,
    vocabulary: Vocabularies,
    name: str,
    multiple: bool = False,
    required: bool = True,
) -> FormField:
    terms = vocabulary[name]
    return FormField(
        id_,
        label,
        "dropdown",
        description,
        required,
        tuple(t.etichetta for t in terms.values()),
        tuple(terms),
        multiple,
    )


ONE_PER_LINE = " Uno per riga."


def proposal_form(vocabularies: Vocabularies) -> IssueForm:
    """Every key of a practice as a field, so a valid form becomes a file ``check`` accepts."""
    from catalogo.content.contract import Contatti, Replicabilita, Risorse

    def nested(id_: str, model: Any, name: str, kind: Kind, required: bool = False, placeholder: str = "") -> FormField:
        """A field for a key inside a group (replicabilita, risorse, contatti), with its label and help."""
        return FormField(id_, _label(name, model), kind, _help(name, model), required, placeholder=placeholder)

    text = [
        FormField("titolo", _label("titolo"), "input", _help("titolo"), True),
        FormField("sintesi", _label("sintesi"), "textarea", _help("sintesi"), True),
        FormField(
            "comune",
            _label("comune"),
            "input",
            _help("comune") + " Lascialo vuoto se la pratica è dell'intero Ambito.",
            placeholder="Ad esempio: Bitonto",
        ),
        FormField("ambito", _label("ambito"), "input", _help("ambito"), placeholder="Ad esempio: Bitonto"),
        _choice("area_tematica", _label("area_tematica"), _help("area_tematica"), vocabularies, "area_tematica"),
        _choice(
            "aree_strategiche",
            _label("aree_strategiche"),
            _help("aree_strategiche"),
            vocabularies,
            "aree_strategiche",
            multiple=True,
        ),
        _choice("destinatari", _label("destinatari"), _help("destinatari"), vocabularies, "destinatari", multiple=True),
        FormField("anno_avvio", _label("anno_avvio"), "input", _help("anno_avvio"), True, placeholder="2023"),
        FormField("anno_fine", _label("anno_fine"), "input", _help("anno_fine")),
        _choice("stato", _label("stato"), _help("stato"), vocabularies, "stato"),
        FormField("risultati", _label("risultati"), "textarea", "I risultati ottenuti, una frase per riga.", True),
        _choice(
            "livello",
            _label("livello", Replicabilita),
            _help("livello", Replicabilita),
            vocabularies,
            "livello_replicabilita",
        ),
        nested("condizioni", Replicabilita, "condizioni", "textarea", True),
        FormField("ostacoli", _label("ostacoli"), "textarea", _help("ostacoli") + ONE_PER_LINE),
        FormField("miglioramenti", _label("miglioramenti"), "textarea", _help("miglioramenti") + ONE_PER_LINE),
        FormField("partner", _label("partner"), "textarea", _help("partner") + ONE_PER_LINE),
        nested("costo_euro", Risorse, "costo_euro", "input", placeholder="100000"),
        nested("finanziamento", Risorse, "finanziamento", "textarea"),
        nested("referente", Contatti, "referente", "input"),
        nested("ruolo", Contatti, "ruolo", "input"),
        nested("email", Contatti, "email", "input"),
        nested("telefono", Contatti, "telefono", "input"),
        nested("sito", Contatti, "sito", "input", placeholder="https://"),
        FormField(
            "festival", _label("festival"), "input", _help("festival") + " Separati da virgole.", placeholder="2024"
        ),
        FormField(
            "repliche",
            _label("repliche"),
            "textarea",
            _help("repliche") + " Una per riga: il territorio, "
            "lo stato (interesse, in corso o realizzata) e l'anno, separati da punto e virgola.",
            placeholder="Ambito di Corato; interesse; 2025",
        ),
        FormField("fonti", _label("fonti"), "textarea", _help("fonti") + " Una per riga.", True),
        FormField(
            "descrizione",
            "Descrizione",
            "textarea",
            "Contesto, obiettivi, attività, metodo e risultati, in "
            "parole semplici. Puoi usare i titoletti (## Contesto) e gli elenchi (- voce).",
        ),
        FormField(
            "conferme",
            "Conferme",
            "checkboxes",
            options=(
                "I fatti indicati si trovano nelle fonti pubbliche elencate.",
                "I contatti sono istituzionali (nessun dato personale non pubblicato).",
            ),
        ),
    ]
    return IssueForm(
        PROPOSAL_FILE,
        "Proponi una buona pratica",
        "Segnala una pratica di welfare locale di un Comune o di un Ambito territoriale sociale della Puglia: "
        "diventa una proposta di scheda che la redazione controlla prima della pubblicazione.",
        "Proposta: ",
        PROPOSAL_LABEL,
        "Compila i campi: sono gli stessi della scheda del catalogo e non servono competenze tecniche. Indica solo "
        "fatti che si trovano in fonti pubbliche e contatti istituzionali. Dopo l'invio un controllo automatico "
        "risponde qui: se qualcosa non va, dice quale campo correggere (modifica la segnalazione e il controllo "
        "riparte); se è tutto in ordine, prepara la scheda per la redazione.",
        tuple(text),
    )


def interest_form(vocabularies: Vocabularies) -> IssueForm:
    """A Comune or an Ambito that wants to replicate a practice: becomes an entry of its 'repliche'."""
    return IssueForm(
        INTEREST_FILE,
        "Il mio territorio vuole replicare una pratica",
        "Un Comune o un Ambito territoriale sociale dichiara l'interesse a replicare una pratica del catalogo, "
        "o racconta una replica in corso o realizzata.",
        "Interesse a replicare: ",
        INTEREST_LABEL,
        "Con questo modulo il tuo territorio entra nella rete di chi replica la pratica: dopo il controllo della "
        "redazione compare nella scheda della pratica e nella pagina del territorio. Un controllo automatico "
        "risponde qui: se qualcosa non va, dice quale campo correggere.",
        (
            FormField(
                "pratica",
                "Pratica",
                "input",
                "La pratica da replicare: l'indirizzo della sua pagina nel "
                "catalogo, oppure il nome in fondo all'indirizzo (/pratiche/<nome>/). È già compilato se "
                "arrivi dal pulsante della pagina della pratica.",
                True,
            ),
            FormField(
                "territorio",
                _label("territorio", Replica),
                "input",
                _help("territorio", Replica) + " Usa il nome ufficiale.",
                True,
                placeholder="Ad esempio: Ambito di Corato",
            ),
            _choice("stato", _label("stato", Replica), _help("stato", Replica), vocabularies, "stato_replica"),
            FormField("anno", _label("anno", Replica), "input", _help("anno", Replica), placeholder="2025"),
            FormField(
                "fonte",
                _label("fonte", Replica),
                "input",
                _help("fonte", Replica),
                placeholder="https://",
            ),
            FormField(
                "contatto",
                "Contatto istituzionale",
                "input",
                "Un ufficio e un indirizzo istituzionale, "
                "per la redazione: resta in questa segnalazione (pubblica su GitHub) e non entra nella "
                "scheda.",
                True,
            ),
            FormField(
                "conferme",
                "Conferme",
                "checkboxes",
                options=("Scrivo a nome del territorio indicato, o con il suo accordo.",),
            ),
        ),
    )


def forms(vocabularies: Vocabularies) -> tuple[IssueForm, IssueForm]:
    return proposal_form(vocabularies), interest_form(vocabularies)


def form_url(repository: str, form: str, **values: str) -> str:
    """The address of a new issue from ``form`` with fields filled in (GitHub reads field ids and
    'title' from the query)."""
    from urllib.parse import urlencode

    query = urlencode({"template": form.rsplit("/", 1)[-1], **values})
    return f"{repository.rstrip('/')}/issues/new?{query}"


# ---- reading a submitted form ----


@dataclass
class Answers:
    """What a submitted form says, by field id, with the body line of each field's heading."""

    form: IssueForm
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def which_form(text: str, vocabularies: Vocabularies) -> IssueForm | None:
    """The form a body was submitted from, told by the first heading that is a form's first field."""
    firsts = {form.fields[0].label: form for form in forms(vocabularies)}
    for match in re.finditer(r"^### (.+?)\s*$", text, re.M):
        if match.group(1) in firsts:
            return firsts[match.group(1)]
    return None


def parse_body(form: IssueForm, text: str, path: str) -> tuple[Answers, list[Diagnostic]]:
    """The answers of a body, or every problem at once: missing or unknown headings, a dropdown value
    that is not one of the options, a required field left empty, a checkbox left unticked."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    answers = Answers(form)
    problems: list[Diagnostic] = []
    if len(text.encode("utf-8")) > MAX_BODY:
        return answers, [
            Diagnostic(
                path,
                1,
                1,
                "",
                f"la segnalazione è troppo lunga ({len(text) // 1024} KB): il limite è {MAX_BODY // 1024} KB",
            )
        ]
    lines = text.split("\n")
    headings = [(n, m.group(1)) for n, line in enumerate(lines) if (m := re.fullmatch(r"### (.+?)\s*", line))]
    labels = {f.label: f for f in form.fields}
    # Headings are matched in the form's order: a '### Titolo' typed inside a long answer is text.
    found: dict[str, int] = {}
    position = 0
    for f in form.fields:
        for index in range(position, len(headings)):
            if headings[index][1] == f.label:
                found[f.id] = index
                position = index + 1
                break
    starts = sorted(found.values())
    for f in form.fields:
        if f.id not in found:
            problems.append(
                Diagnostic(
                    path,
                    1,
                    1,
                    f.label,
                    f"manca la sezione «### {f.label}» del modulo: "
                    "non cambiare i titoli delle sezioni quando modifichi la segnalazione",
                )
            )
            continue
        index = found[f.id]
        line, _ = headings[index]
        later = [headings[i][0] for i in starts if i > index]
        end = later[0] if later else len(lines)
        raw = "\n".join(lines[line + 1 : end]).strip()
        answers.lines[f.id] = line + 1
        value, problem = _value(f, raw)
        if problem:
            problems.append(Diagnostic(path, line + 1, 1, f.label, problem))
        answers.values[f.id] = value
    # A heading of its own before the form's first one is not part of any answer: say so. (After it,
    # a '### ...' line is text of the answer it is in, as GitHub shows it.)
    first = min((headings[i][0] for i in found.values()), default=len(lines))
    for line, label in headings:
        if line < first and label not in labels:
            problems.append(
                Diagnostic(
                    path,
                    line + 1,
                    1,
                    "",
                    f"sezione sconosciuta «{label[:80]}»: questo modulo non la prevede e il suo testo non viene usato",
                    "avviso",
                )
            )
    return answers, problems


def _value(f: FormField, raw: str) -> tuple[Any, str]:
    empty = raw in ("", NO_RESPONSE, "None")
    if f.kind == "checkboxes":
        ticked = {m.group(2).strip() for m in re.finditer(r"^- \[([xX ])\] (.+)$", raw, re.M) if m.group(1) != " "}
        missing = [o for o in f.options if o not in ticked]
        return [o for o in f.options if o in ticked], (f"conferma mancante: «{missing[0]}»" if missing else "")
    if empty:
        return ([] if f.multiple else ""), ("campo obbligatorio lasciato vuoto" if f.required else "")
    if f.kind == "dropdown":
        chosen, rest = [], raw
        while rest:
            match = next(
                (
                    o
                    for o in sorted(f.options, key=len, reverse=True)
                    if rest.startswith(o) and rest[len(o) : len(o) + 2] in ("", ", ")
                ),
                None,
            )
            if match is None:
                return ([] if f.multiple else ""), (
                    f"«{raw[:80]}» non è tra le scelte del modulo: scegli tra " + ", ".join(f"«{o}»" for o in f.options)
                )
            chosen.append(f.values[f.options.index(match)])
            rest = rest[len(match) + 2 :]
        if not f.multiple and len(chosen) > 1:
            return "", "scegli una sola voce"
        return (chosen if f.multiple else chosen[0]), ""
    return raw, ""


def dump_form(form: IssueForm) -> str:
    import yaml

    header = "# Generato da 'python build.py schema' a partire dallo schema e da content/vocabolari.yml.\n"
    return header + yaml.safe_dump(form.as_yaml(), allow_unicode=True, sort_keys=False, width=110)
