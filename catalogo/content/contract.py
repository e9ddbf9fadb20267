"""The content contract: one pydantic declaration for validation, typed records and JSON Schema.

Controlled values (areas, destinatari, stato...) are plain strings marked with the name of
their vocabulary; the vocabulary itself lives in ``content/vocabolari.yml`` and reaches the
validators through the validation context, so editors change it without touching code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Tag,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

SCHEMA_VERSION = "1.0"
FIRST_YEAR = 1990

EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ./-]{4,20}[0-9]$")


@dataclass(frozen=True)
class Term:
    slug: str
    etichetta: str
    descrizione: str = ""


Vocabularies = Mapping[str, Mapping[str, Term]]


@dataclass(frozen=True)
class Vocab:
    """Marks a string field as taking its values from the named vocabulary."""

    name: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def check(value: str, info: ValidationInfo) -> str:
            vocab = (info.context or {}).get("vocabolari", {}).get(self.name)
            if vocab is not None and value not in vocab:
                raise PydanticCustomError(
                    "vocabolario", "valore non ammesso", {"vocabolario": self.name, "valore": value}
                )
            return value

        return core_schema.with_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        out = handler(schema)
        out["x-vocabolario"] = self.name  # replaced by the real enum in jsonschema.py
        return out


@dataclass(frozen=True)
class Place:
    """Marks a string naming a territory of the reference tables: a 'comune', an 'ambito', or either
    ('territorio': a Comune, or 'Ambito di' and the Ambito's name). Forms offer the names, readers
    normalise them, checks resolve them."""

    kind: Literal["comune", "ambito", "territorio"]


@dataclass(frozen=True)
class Item:
    """How one item of a list is called, as the editors' buttons say: «Aggiungi risultato»."""

    singular: str


@dataclass(frozen=True)
class Variant:
    """The label of one kind of item in a list that takes two kinds (a result: a sentence or a measure)."""

    label: str


@dataclass(frozen=True)
class After:
    """Where a derived key of the exported data goes: right after this key (the records and the CSV
    keep the contract's order, with each derived value beside the key it comes from)."""

    key: str


@dataclass(frozen=True)
class Automatic:
    """A key the tools fill in (the date a practice enters the catalogue): the forms do not ask for it."""


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or any(c in value for c in ' <>"\\{}|^`'):
        raise PydanticCustomError("url", "indirizzo web non valido", {"valore": value})
    return value


def _check_email(value: str) -> str:
    if not EMAIL_RE.match(value):
        raise PydanticCustomError("email", "indirizzo e-mail non valido", {"valore": value})
    return value


def _check_phone(value: str) -> str:
    if not PHONE_RE.match(value):
        raise PydanticCustomError("telefono", "numero di telefono non valido", {"valore": value})
    return value


def _check_year(value: int) -> int:
    if value > dt.date.today().year:
        raise PydanticCustomError("anno_futuro", "anno nel futuro", {"valore": value})
    return value


Text = Annotated[str, Field(min_length=1, max_length=2000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
Url = Annotated[
    str, Field(min_length=1, max_length=2000, json_schema_extra={"format": "uri"}), AfterValidator(_check_url)
]
Email = Annotated[
    str, Field(min_length=3, max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_check_email)
]
Phone = Annotated[str, Field(min_length=5, max_length=30), AfterValidator(_check_phone)]
Year = Annotated[int, Field(ge=FIRST_YEAR), AfterValidator(_check_year)]


def _italian_description(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """A group's description in the JSON Schema is its Italian 'descrizione', never the class docstring
    (written for developers, in English)."""
    schema.pop("description", None)
    if getattr(model, "group_help", ""):
        schema["description"] = model.group_help  # type: ignore[attr-defined]


class _Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, json_schema_extra=_italian_description
    )
    group_help: ClassVar[str] = ""  # what a group of keys is, in Italian, for the JSON Schema and the editors


def about(title: str, help: str = "", default: Any = ...) -> Any:
    """Italian label and help of a key: the JSON Schema, the web editor, the issue forms and the
    proposal page all take them from here."""
    return Field(default, title=title, description=help or None)


class Misura(_Record):
    """A result with a measure: what was measured and its value."""

    group_help: ClassVar[str] = "Un risultato misurato: indicatore, valore ed eventuali note."

    indicatore: ShortText = about("Indicatore", "Che cosa è stato misurato, ad esempio «Famiglie coinvolte».")
    valore: int | float | ShortText = about("Valore", "Il numero o il valore misurato.")
    note: Text | None = about("Note", "Quando e come è stato misurato.", None)


def _result_kind(value: Any) -> str:
    return "misura" if isinstance(value, (dict, Misura)) else "testo"


Risultato = Annotated[
    Annotated[Text, Tag("testo"), Variant("Risultato descritto")]
    | Annotated[Misura, Tag("misura"), Variant("Risultato misurato")],
    Discriminator(_result_kind),
]


class Replicabilita(_Record):
    group_help: ClassVar[str] = (
        "Livello di replicabilità e condizioni perché un altro territorio possa replicare la pratica."
    )

    livello: Annotated[str, Vocab("livello_replicabilita")] = about(
        "Livello di replicabilità", "Quanto è facile per un altro territorio replicare la pratica."
    )
    condizioni: Annotated[tuple[Text, ...], Field(min_length=1), Item("condizione")] = about(
        "Condizioni per replicarla", "Che cosa serve a un altro territorio per replicarla: una condizione per voce."
    )


class Risorse(_Record):
    group_help: ClassVar[str] = "Costo complessivo in euro e fonti di finanziamento."

    costo_euro: Annotated[float, Field(ge=0)] | None = about(
        "Costo in euro", "Il costo complessivo della pratica.", None
    )
    finanziamento: Annotated[tuple[Text, ...], Item("finanziamento")] = about(
        "Fonti di finanziamento", "Da dove vengono le risorse: una fonte per voce.", ()
    )


class Contatti(_Record):
    group_help: ClassVar[str] = "Contatti istituzionali (ufficio, indirizzo istituzionale)."

    referente: ShortText | None = about(
        "Referente", "L'ufficio o la persona indicata pubblicamente come referente.", None
    )
    ruolo: ShortText | None = about("Ruolo", "Il ruolo del referente.", None)
    email: Email | None = about("E-mail", "Un indirizzo istituzionale.", None)
    telefono: Phone | None = about("Telefono", "Un numero istituzionale.", None)
    sito: Url | None = about("Sito web", "La pagina istituzionale della pratica o dell'ufficio.", None)


class Replica(_Record):
    group_help: ClassVar[str] = "Un territorio che ha replicato la pratica o ha espresso interesse."

    territorio: Annotated[ShortText, Place("territorio")] = about(
        "Territorio", "Il Comune, oppure «Ambito di» e il nome dell'Ambito."
    )
    stato: Annotated[str, Vocab("stato_replica")] = about(
        "Stato della replica", "Interesse espresso, replica in corso o replica realizzata."
    )
    anno: Year | None = about("Anno", "L'anno dell'interesse o della replica.", None)
    fonte: Url | None = about(
        "Fonte", "Una fonte pubblica dell'interesse o della replica (delibera, notizia), se c'è.", None
    )


class Practice(_Record):
    """Front matter of ``content/practices/<slug>.md``."""

    titolo: Annotated[str, Field(min_length=5, max_length=160)] = about(
        "Titolo", "Il nome della pratica, come la chiamano il Comune o l'Ambito (5-160 caratteri)."
    )
    sintesi: Annotated[str, Field(min_length=40, max_length=500)] = about(
        "Sintesi", "Che cosa fa la pratica, per chi e con quali risultati, in 40-500 caratteri, senza formattazione."
    )
    comune: Annotated[ShortText, Place("comune")] | None = about(
        "Comune",
        "Il Comune che ha realizzato la pratica, con il nome ufficiale ISTAT. "
        "Lascialo vuoto se la pratica è dell'intero Ambito.",
        None,
    )
    ambito: Annotated[ShortText, Place("ambito")] | None = about(
        "Ambito territoriale sociale",
        "L'Ambito territoriale sociale, se la pratica è dell'intero Ambito. Per un Comune si ricava da solo.",
        None,
    )
    area_tematica: Annotated[str, Vocab("area_tematica")] = about(
        "Area tematica dell'Avviso", "L'area tematica dell'Avviso in cui la pratica è stata candidata."
    )
    aree_strategiche: Annotated[tuple[Annotated[str, Vocab("aree_strategiche")], ...], Field(min_length=1)] = about(
        "Aree strategiche del V Piano", "Una o più aree strategiche del V Piano regionale delle Politiche sociali."
    )
    destinatari: Annotated[tuple[Annotated[str, Vocab("destinatari")], ...], Field(min_length=1)] = about(
        "Destinatari", "A chi si rivolge la pratica."
    )
    anno_avvio: Year = about("Anno di avvio", "Anno di avvio della pratica.")
    anno_fine: Year | None = about("Anno di conclusione", "Anno di conclusione, se la pratica è conclusa.", None)
    stato: Annotated[str, Vocab("stato")] = about(
        "Stato", "Se la pratica è attiva, conclusa o diventata un servizio stabile."
    )
    risultati: Annotated[tuple[Risultato, ...], Field(min_length=1), Item("risultato")] = about(
        "Risultati", "I risultati ottenuti: una frase, oppure indicatore, valore e note."
    )
    replicabilita: Replicabilita = about(
        "Replicabilità", "Quanto è replicabile la pratica e che cosa serve a un altro territorio per farlo."
    )
    ostacoli: Annotated[tuple[Text, ...], Item("ostacolo")] = about(
        "Ostacoli superati", "Gli ostacoli incontrati e come sono stati superati.", ()
    )
    miglioramenti: Annotated[tuple[Text, ...], Item("miglioramento")] = about(
        "Spazio di miglioramento", "Che cosa si potrebbe migliorare.", ()
    )
    partner: Annotated[tuple[ShortText, ...], Item("partner")] = about(
        "Partner", "Enti, associazioni e servizi che hanno collaborato.", ()
    )
    risorse: Risorse | None = about("Risorse", "Costo complessivo in euro e fonti di finanziamento.", None)
    contatti: Contatti | None = about("Contatti", "Contatti istituzionali per chi vuole saperne di più.", None)
    festival: tuple[Annotated[int, Field(ge=2000, le=2100)], ...] = about(
        "Festival", "Gli anni delle edizioni del Festival in cui la pratica è stata presentata.", ()
    )
    repliche: Annotated[tuple[Replica, ...], Item("replica")] = about(
        "Repliche", "I territori che hanno replicato la pratica o hanno espresso interesse.", ()
    )
    fonti: Annotated[tuple[Url, ...], Field(min_length=1), Item("fonte")] = about(
        "Fonti", "Le fonti pubbliche (indirizzi web) dei fatti riportati nella scheda."
    )
    pubblicata: Annotated[dt.date, Automatic()] = about(
        "Data di pubblicazione", "La data in cui la scheda è entrata nel catalogo (AAAA-MM-GG)."
    )

    @model_validator(mode="after")
    def _coherence(self) -> Practice:
        if self.comune is None and self.ambito is None:
            raise PydanticCustomError("territorio_mancante", "manca il territorio", {})
        if self.anno_fine is not None and self.anno_fine < self.anno_avvio:
            raise PydanticCustomError(
                "anno_fine", "anno di fine prima dell'avvio", {"chiave": "anno_fine", "avvio": self.anno_avvio}
            )
        if len(set(self.festival)) != len(self.festival):
            raise PydanticCustomError("ripetuto", "valore ripetuto", {"chiave": "festival"})
        if len(set(self.aree_strategiche)) != len(self.aree_strategiche):
            raise PydanticCustomError("ripetuto", "valore ripetuto", {"chiave": "aree_strategiche"})
        if len(set(self.destinatari)) != len(self.destinatari):
            raise PydanticCustomError("ripetuto", "valore ripetuto", {"chiave": "destinatari"})
        return self


class ExportedReplica(Replica):
    tipo: Annotated[Literal["comune", "ambito"], After("territorio")] = about(
        "Tipo di territorio", "Se il territorio è un Comune o un Ambito."
    )


class ExportedPractice(Practice):
    """A practice as the open data export it (dati/pratiche.json, pratiche/<slug>/index.json): every
    key of the contract, written whole, and what the build derives."""

    versione_schema: Annotated[str, After("")] = about(
        "Versione dello schema", "La versione del formato dei dati esportati."
    )
    slug: Annotated[str, After("versione_schema")] = about(
        "Nome", "Il nome della scheda, come nell'indirizzo della sua pagina."
    )
    url: Annotated[str, After("slug")] = about("Indirizzo", "L'indirizzo della pagina della pratica.")
    codice_istat_comune: Annotated[str | None, After("comune")] = about(
        "Codice ISTAT del Comune", "Il codice ISTAT del Comune, se c'è.", None
    )
    ambito_derivato: Annotated[bool, After("ambito")] = about(
        "Ambito ricavato", "Vero se l'Ambito è ricavato dal Comune e non scritto nella scheda."
    )
    ambito_verificato: Annotated[bool, After("ambito_derivato")] = about(
        "Appartenenza verificata",
        "Falso se l'appartenenza del Comune all'Ambito è da verificare nelle tabelle dei territori.",
    )
    provincia: Annotated[str, After("ambito_verificato")] = about("Provincia", "La sigla della provincia.")
    provincia_nome: Annotated[str, After("provincia")] = about("Nome della provincia", "Il nome della provincia.")
    repliche: Annotated[tuple[ExportedReplica, ...], Item("replica")] = about(
        "Repliche", "I territori che hanno replicato la pratica o hanno espresso interesse.", ()
    )
    aggiornata: Annotated[dt.date, After("pubblicata")] = about(
        "Aggiornata", "L'ultimo aggiornamento della scheda (AAAA-MM-GG)."
    )
    testo: Annotated[str, After("aggiornata")] = about("Testo", "Il testo della pratica in Markdown.")


class Relatore(_Record):
    nome: ShortText = about("Nome", "Nome e cognome, come nelle fonti.")
    ruolo: ShortText = about("Ruolo", "Il ruolo pubblico, ad esempio «Presidente di ANCI Puglia».")


class Intervento(_Record):
    ora: ShortText = about("Ora", "Ad esempio 10:30.")
    titolo: ShortText = about("Titolo", "Il titolo dell'intervento.")
    relatori: Annotated[tuple[ShortText, ...], Item("relatore")] = about("Relatori", "Chi interviene.", ())


class FestivalEdition(_Record):
    """Front matter of ``content/festival/<anno>.md``."""

    titolo: Annotated[str, Field(min_length=5, max_length=160)] = about(
        "Titolo", "Il nome del festival, ad esempio «Festival delle buone pratiche del welfare locale»."
    )
    edizione: Annotated[int, Field(ge=1)] = about("Edizione", "Il numero dell'edizione: 1 per la prima.")
    data: dt.date = about("Data", "Il giorno del festival (AAAA-MM-GG): il nome del file è il suo anno.")
    ora_inizio: ShortText = about("Ora di inizio", "Ad esempio 9:30.")
    luogo: ShortText = about("Luogo", "Ad esempio «Fiera del Levante».")
    indirizzo: ShortText = about("Indirizzo", "Via, padiglione o sala.")
    citta: ShortText = about("Città", "La città che ospita il festival.")
    organizzatori: Annotated[tuple[ShortText, ...], Field(min_length=1), Item("organizzatore")] = about(
        "Organizzatori", "Gli enti che promuovono e organizzano il festival."
    )
    relatori: Annotated[tuple[Relatore, ...], Item("relatore")] = about(
        "Relatori", "Chi interviene, con il ruolo pubblico.", ()
    )
    programma: Annotated[tuple[Intervento, ...], Item("intervento")] = about(
        "Programma", "Gli interventi in ordine di orario.", ()
    )
    enti_presentatori: Annotated[tuple[Annotated[ShortText, Place("territorio")], ...], Item("ente")] = about(
        "Enti presentatori", "I Comuni e gli Ambiti che presentano le pratiche («Ambito di ...» per un Ambito).", ()
    )
    pratiche_selezionate: Annotated[int, Field(ge=0)] = about(
        "Pratiche selezionate", "Quante pratiche sono state annunciate per l'edizione."
    )
    iscrizione: Url | None = about("Pagina di iscrizione", "L'indirizzo web per iscriversi, se c'è.", None)
    fonti: Annotated[tuple[Url, ...], Field(min_length=1), Item("fonte")] = about(
        "Fonti", "Le fonti pubbliche (indirizzi web) dei fatti riportati."
    )


class SiteSettings(_Record):
    """``content/sito.yml``: what is not content but still belongs to the editors."""

    titolo: ShortText
    sottotitolo: ShortText
    descrizione: Text
    base_url: ShortText
    editore: ShortText
    # The body that owns the data (the 'Banca dati regionale' is the Regione's), and its code in the
    # Indice delle Pubbliche Amministrazioni: empty until the publishers give the real one.
    titolare_dati: ShortText
    titolare_codice_ipa: Annotated[str, Field(pattern=r"^[a-z0-9_]{2,20}$")] | None = None
    partner: tuple[ShortText, ...] = ()
    licenza: ShortText
    licenza_url: Url
    # Empty until the publishers name a real address: the site then offers the routes that exist.
    contatto_email: Email | None = None
    # The GitHub repository of the catalogue (https://github.com/<owner>/<name>): issue forms and the
    # web editor need it. The deploy workflow passes the repository it builds from.
    repository: Url | None = None
    ramo: ShortText = "main"  # the branch the site is published from
    # The web editor's login (see CONTRIBUTING.md, "Con l'editor web"): the address of an OAuth
    # service for GitHub, and its path when it is not 'auth'.
    editor_auth_url: Url | None = None
    editor_auth_endpoint: ShortText | None = None
    dichiarazione_accessibilita: Url | None = None
