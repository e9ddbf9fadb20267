"""The two GitHub issue forms (a practice to propose, a territory's interest in replicating one),
generated from the contract: each form field is one key of the contract (``FormField.key``), with
its label, help and vocabulary, so a key added to the model is asked for without touching this file.

formbody.py reads a submitted form back; segnalazione.py turns it into content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

import yaml
from pydantic import BaseModel

from catalogo.content.contract import Practice, Replica, Vocabularies
from catalogo.content.keys import LONG_TEXT, Key, keys_of

PROPOSAL_FILE = ".github/ISSUE_TEMPLATE/proposta-pratica.yml"
INTEREST_FILE = ".github/ISSUE_TEMPLATE/interesse-replica.yml"
PROPOSAL_LABEL = "proposta di pratica"
INTEREST_LABEL = "interesse a replicare"
NO_RESPONSE = "_No response_"
ONE_PER_LINE = " Una voce per riga."

FieldKind = Literal["input", "textarea", "dropdown", "checkboxes"]


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: FieldKind
    description: str = ""
    required: bool = False
    options: tuple[str, ...] = ()  # what the person sees (dropdown labels, checkbox texts)
    values: tuple[str, ...] = ()  # what is stored for each dropdown option (the vocabulary's slugs)
    multiple: bool = False
    placeholder: str = ""
    key: str = ""  # the contract key it fills ('risorse.costo_euro'); empty for the form's own fields

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

    def for_key(self, path: str) -> FormField | None:
        """The field that fills a contract key, or the group or list it is part of."""
        keyed = [f for f in self.fields if f.key]
        return (
            next((f for f in keyed if f.key == path), None)
            or next((f for f in keyed if f.key.startswith(path + ".")), None)
            or next((f for f in keyed if path.startswith(f.key + ".")), None)
        )


def field_id(path: str) -> str:
    """GitHub allows letters, digits, '-' and '_' in a field's id: 'risorse.costo_euro' -> 'risorse-costo_euro'."""
    return path.replace(".", "-")


def _dropdown(key: Key, vocabularies: Vocabularies, required: bool, help: str) -> FormField:
    terms = vocabularies[key.vocabulary or ""]
    return FormField(
        field_id(key.path),
        key.label,
        "dropdown",
        help,
        required,
        tuple(t.etichetta for t in terms.values()),
        tuple(terms),
        key.many,
        key=key.path,
    )


def _parts(key: Key, vocabularies: Vocabularies) -> str:
    """How a line of a list of groups is written: 'territorio; stato della replica (interesse, ...); anno'."""
    described = []
    for child in key.children:
        text = child.label.lower()
        if child.vocabulary:
            text += " (" + ", ".join(t.etichetta.lower() for t in vocabularies[child.vocabulary].values()) + ")"
        described.append(text)
    return "; ".join(described)


def fields_of(key: Key, vocabularies: Vocabularies, required: bool | None = None) -> list[FormField]:
    """The form fields that fill ``key``: one per value, a group's keys one by one."""
    required = key.required if required is None else required
    help = key.help
    if key.territory:
        help += " Usa il nome ufficiale."
    if key.kind == "group" and not key.many:
        return [f for child in key.children for f in fields_of(child, vocabularies, required and child.required)]
    if key.vocabulary:
        return [_dropdown(key, vocabularies, required, help)]
    kind: FieldKind = "input"
    placeholder = ""
    if key.many and key.kind == "group":
        kind = "textarea"
        help += f" Una voce per riga: {_parts(key, vocabularies)}, separati da punto e virgola."
    elif key.many and key.kind == "mixed":
        kind, help = "textarea", help + " Nel modulo: una frase per riga."
    elif key.many and key.kind in ("integer", "number"):
        help += " Più valori separati da virgole."
    elif key.many:
        kind, help = "textarea", help + ONE_PER_LINE
    elif key.kind == "text" and (key.max_length or 0) > LONG_TEXT:
        kind = "textarea"
    elif key.kind == "url":
        placeholder = "https://"
    elif key.kind == "date":
        placeholder = "AAAA-MM-GG"
    return [FormField(field_id(key.path), key.label, kind, help, required, placeholder=placeholder, key=key.path)]


def _contract_fields(model: type[BaseModel], vocabularies: Vocabularies) -> list[FormField]:
    fields = [f for key in keys_of(model) if not key.automatic for f in fields_of(key, vocabularies)]
    labels = [f.label for f in fields]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:  # a body's sections are found by their headings: two alike would be read as one
        raise ValueError(f"two fields of the form share a label: {repeated}")
    return fields


def proposal_form(vocabularies: Vocabularies) -> IssueForm:
    """Every key of a practice as a field, so a valid form becomes a file ``check`` accepts."""
    fields = [
        *_contract_fields(Practice, vocabularies),
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
        tuple(fields),
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
            *_contract_fields(Replica, vocabularies),
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
    query = urlencode({"template": form.rsplit("/", 1)[-1], **values})
    return f"{repository.rstrip('/')}/issues/new?{query}"


def dump_form(form: IssueForm) -> str:
    header = "# Generato da 'python build.py schema' a partire dallo schema e da content/vocabolari.yml.\n"
    return header + yaml.safe_dump(form.as_yaml(), allow_unicode=True, sort_keys=False, width=110)
