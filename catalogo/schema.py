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
from typing import Annotated, Any
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

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
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
                raise PydanticCustomError("vocabolario", "valore non ammesso",
                                          {"vocabolario": self.name, "valore": value})
            return value

        return core_schema.with_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        out = handler(schema)
        out["x-vocabolario"] = self.name  # replaced by the real enum in jsonschema.py
        return out


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
Url = Annotated[str, Field(min_length=1, max_length=2000, json_schema_extra={"format": "uri"}),
                AfterValidator(_check_url)]
Email = Annotated[str, Field(min_length=3, max_length=254, json_schema_extra={"format": "email"}),
                  AfterValidator(_check_email)]
Phone = Annotated[str, Field(min_length=5, max_length=30), AfterValidator(_check_phone)]
Year = Annotated[int, Field(ge=FIRST_YEAR), AfterValidator(_check_year)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Misura(_Record):
    """A result with a measure, e.g. 'famiglie coinvolte: 300'."""

    indicatore: ShortText
    valore: int | float | ShortText
    note: Text | None = None


def _result_kind(value: Any) -> str:
    return "misura" if isinstance(value, (dict, Misura)) else "testo"


Risultato = Annotated[
    Annotated[Text, Tag("testo")] | Annotated[Misura, Tag("misura")],
    Discriminator(_result_kind),
]


class Replicabilita(_Record):
    livello: Annotated[str, Vocab("livello_replicabilita")]
    condizioni: Annotated[tuple[Text, ...], Field(min_length=1)]


class Risorse(_Record):
    costo_euro: Annotated[float, Field(ge=0)] | None = None
    finanziamento: tuple[Text, ...] = ()


class Contatti(_Record):
    referente: ShortText | None = None
    ruolo: ShortText | None = None
    email: Email | None = None
    telefono: Phone | None = None
    sito: Url | None = None


class Replica(_Record):
    territorio: ShortText
    stato: Annotated[str, Vocab("stato_replica")]
    anno: Year | None = None


class Practice(_Record):
    """Front matter of ``content/practices/<slug>.md``."""

    titolo: Annotated[str, Field(min_length=5, max_length=160)]
    sintesi: Annotated[str, Field(min_length=40, max_length=500)]
    comune: ShortText | None = None
    ambito: ShortText | None = None
    area_tematica: Annotated[str, Vocab("area_tematica")]
    aree_strategiche: Annotated[tuple[Annotated[str, Vocab("aree_strategiche")], ...], Field(min_length=1)]
    destinatari: Annotated[tuple[Annotated[str, Vocab("destinatari")], ...], Field(min_length=1)]
    anno_avvio: Year
    anno_fine: Year | None = None
    stato: Annotated[str, Vocab("stato")]
    risultati: Annotated[tuple[Risultato, ...], Field(min_length=1)]
    replicabilita: Replicabilita
    ostacoli: tuple[Text, ...] = ()
    miglioramenti: tuple[Text, ...] = ()
    partner: tuple[ShortText, ...] = ()
    risorse: Risorse | None = None
    contatti: Contatti | None = None
    festival: tuple[Annotated[int, Field(ge=2000, le=2100)], ...] = ()
    repliche: tuple[Replica, ...] = ()
    fonti: Annotated[tuple[Url, ...], Field(min_length=1)]
    pubblicata: dt.date

    @model_validator(mode="after")
    def _coherence(self) -> Practice:
        if self.comune is None and self.ambito is None:
            raise PydanticCustomError("territorio_mancante", "manca il territorio", {})
        if self.anno_fine is not None and self.anno_fine < self.anno_avvio:
            raise PydanticCustomError("anno_fine", "anno di fine prima dell'avvio",
                                      {"chiave": "anno_fine", "avvio": self.anno_avvio})
        if len(set(self.festival)) != len(self.festival):
            raise PydanticCustomError("ripetuto", "valore ripetuto", {"chiave": "festival"})
        if len(set(self.aree_strategiche)) != len(self.aree_strategiche):
            raise PydanticCustomError("ripetuto", "valore ripetuto", {"chiave": "aree_strategiche"})
        if len(set(self.destinatari)) != len(self.destinatari):
            raise PydanticCustomError("ripetuto", "valore ripetuto", {"chiave": "destinatari"})
        return self


class Relatore(_Record):
    nome: ShortText
    ruolo: ShortText


class Intervento(_Record):
    ora: ShortText
    titolo: ShortText
    relatori: tuple[ShortText, ...] = ()


class FestivalEdition(_Record):
    """Front matter of ``content/festival/<anno>.md``."""

    titolo: Annotated[str, Field(min_length=5, max_length=160)]
    edizione: Annotated[int, Field(ge=1)]
    data: dt.date
    ora_inizio: ShortText
    luogo: ShortText
    indirizzo: ShortText
    citta: ShortText
    organizzatori: Annotated[tuple[ShortText, ...], Field(min_length=1)]
    relatori: tuple[Relatore, ...] = ()
    programma: tuple[Intervento, ...] = ()
    enti_presentatori: tuple[ShortText, ...] = ()
    pratiche_selezionate: Annotated[int, Field(ge=0)]
    iscrizione: Url | None = None
    fonti: Annotated[tuple[Url, ...], Field(min_length=1)]


class SiteSettings(_Record):
    """``content/sito.yml``: what is not content but still belongs to the editors."""

    titolo: ShortText
    sottotitolo: ShortText
    descrizione: Text
    base_url: ShortText
    editore: ShortText
    partner: tuple[ShortText, ...] = ()
    licenza: ShortText
    licenza_url: Url
    contatto_email: Email
    repository: Url | None = None
    dichiarazione_accessibilita: Url | None = None
