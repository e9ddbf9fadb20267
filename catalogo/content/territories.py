"""Comuni, Ambiti and Province of Puglia: the reference tables in ``content/territori/``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from catalogo.content.documents import display_path
from catalogo.core.diagnostics import Diagnostic
from catalogo.core.text import fold, slugify, suggest

VERIFIED = "verificata"
VERIFICATION_LEVELS = ("verificata", "parziale", "dedotta")


@dataclass(frozen=True)
class Provincia:
    sigla: str
    nome: str
    denominazione: str

    kind = "provincia"

    @property
    def slug(self) -> str:
        return "provincia-" + slugify(self.sigla)


@dataclass(frozen=True)
class Comune:
    codice_istat: str
    nome: str
    provincia: str  # sigla
    ambito: str  # Ambito name
    verifica_ambito: str
    lat: float
    lon: float

    kind = "comune"

    @property
    def riferimento(self) -> str:
        """How content names it where a Comune or an Ambito may stand (repliche, enti presentatori)."""
        return self.nome

    @property
    def slug(self) -> str:
        return slugify(self.nome)

    @property
    def denominazione(self) -> str:
        return f"Comune di {self.nome}"

    @property
    def ambito_verificato(self) -> bool:
        return self.verifica_ambito == VERIFIED


@dataclass(frozen=True)
class Ambito:
    nome: str
    altri_nomi: tuple[str, ...]
    capofila: str
    provincia: str
    verifica: str
    fonte: str
    note: str
    comuni: tuple[str, ...] = ()

    kind = "ambito"

    @property
    def riferimento(self) -> str:
        """How content names it where a Comune or an Ambito may stand: 'Ambito di X' (find() reads it)."""
        return f"Ambito di {self.nome}"

    @property
    def slug(self) -> str:
        return "ambito-" + slugify(self.nome)

    @property
    def denominazione(self) -> str:
        return f"Ambito di {self.nome}" if self.nome == self.capofila else f"Ambito {self.nome}"


Territorio = Comune | Ambito


@dataclass(frozen=True)
class Territories:
    province: dict[str, Provincia]
    comuni: dict[str, Comune]  # by name
    ambiti: dict[str, Ambito]  # by name
    _comune_index: dict[str, Comune] = field(repr=False, default_factory=dict)
    _ambito_index: dict[str, Ambito] = field(repr=False, default_factory=dict)

    @classmethod
    def create(
        cls, province: dict[str, Provincia], comuni: dict[str, Comune], ambiti: dict[str, Ambito]
    ) -> Territories:
        members: dict[str, list[str]] = {}
        for c in comuni.values():
            members.setdefault(c.ambito, []).append(c.nome)
        full = {
            name: Ambito(
                a.nome,
                a.altri_nomi,
                a.capofila,
                a.provincia,
                a.verifica,
                a.fonte,
                a.note,
                tuple(sorted(members.get(name, []), key=fold)),
            )
            for name, a in ambiti.items()
        }
        comune_index = {fold(c.nome): c for c in comuni.values()}
        ambito_index: dict[str, Ambito] = {}
        for a in full.values():
            for alias in (a.nome, *a.altri_nomi):
                ambito_index[fold(alias)] = a
        return cls(province, comuni, full, comune_index, ambito_index)

    def find_comune(self, text: str) -> Comune | None:
        return self._comune_index.get(fold(text.strip()))

    def find_ambito(self, text: str) -> Ambito | None:
        key = fold(text.strip())
        for prefix in ("ambito territoriale sociale di ", "ambito territoriale di ", "ambito di ", "ambito "):
            if key.startswith(prefix):
                key = key[len(prefix) :]
                break
        return self._ambito_index.get(key)

    def find(self, text: str) -> Territorio | None:
        """A replication's territory: 'Ambito di X' names an Ambito, a bare name a Comune first."""
        if fold(text.strip()).startswith("ambito"):
            return self.find_ambito(text)
        return self.find_comune(text) or self.find_ambito(text)

    def suggest_comune(self, text: str) -> list[str]:
        return suggest(text, self.comuni)

    def suggest_ambito(self, text: str) -> list[str]:
        names = [a.nome for a in self.ambiti.values()]
        bare = text.strip()
        found = self.find_ambito(bare)
        return [found.nome] if found else suggest(bare.split(" di ")[-1], names)

    def provincia_of(self, territory: Territorio) -> Provincia:
        return self.province[territory.provincia]


def _rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[Diagnostic]]:
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return [], [Diagnostic(shown, 1, 1, "", "tabella dei territori mancante")]
    except UnicodeDecodeError:
        return [], [Diagnostic(shown, 1, 1, "", "il file non è in UTF-8: salvalo con codifica UTF-8")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = [(reader.line_num, row) for row in reader]
    return rows, []


def load_territories(folder: Path) -> tuple[Territories, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    province: dict[str, Provincia] = {}
    comuni: dict[str, Comune] = {}
    ambiti: dict[str, Ambito] = {}

    def problem(path: Path, line: int, key: str, message: str) -> None:
        diags.append(Diagnostic(display_path(path), line, 1, key, message))

    path = folder / "province.csv"
    rows, errs = _rows(path)
    diags += errs
    for _, row in rows:
        province[row["sigla"]] = Provincia(row["sigla"], row["nome"], row["denominazione"])

    path = folder / "ambiti.csv"
    rows, errs = _rows(path)
    diags += errs
    for line, row in rows:
        if row.get("provincia") not in province:
            problem(path, line, "provincia", f"provincia sconosciuta '{row.get('provincia')}'")
        if row.get("verifica") not in VERIFICATION_LEVELS:
            problem(
                path,
                line,
                "verifica",
                f"'{row.get('verifica')}' non è ammesso: usa 'verificata', 'parziale' o 'dedotta'",
            )
        if row["nome"] in ambiti:
            problem(path, line, "nome", f"Ambito ripetuto '{row['nome']}'")
        aliases = tuple(a.strip() for a in (row.get("altri_nomi") or "").split(";") if a.strip())
        ambiti[row["nome"]] = Ambito(
            row["nome"],
            aliases,
            row["capofila"],
            row["provincia"],
            row["verifica"],
            row.get("fonte") or "",
            row.get("note") or "",
        )

    path = folder / "comuni.csv"
    rows, errs = _rows(path)
    diags += errs
    for line, row in rows:
        if row.get("ambito") not in ambiti:
            found = suggest(row.get("ambito") or "", ambiti)
            hint = f" (forse intendevi '{found[0]}'?)" if found else ""
            problem(path, line, "ambito", f"Ambito sconosciuto '{row.get('ambito')}'{hint}")
        if row.get("provincia") not in province:
            problem(path, line, "provincia", f"provincia sconosciuta '{row.get('provincia')}'")
        if row.get("verifica_ambito") not in VERIFICATION_LEVELS:
            problem(
                path,
                line,
                "verifica_ambito",
                f"'{row.get('verifica_ambito')}' non è ammesso: usa 'verificata', 'parziale' o 'dedotta'",
            )
        if row["nome"] in comuni:
            problem(path, line, "nome", f"Comune ripetuto '{row['nome']}'")
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (TypeError, ValueError):
            problem(path, line, "lat", "coordinate non valide")
            lat = lon = 0.0
        comuni[row["nome"]] = Comune(
            row["codice_istat"], row["nome"], row["provincia"], row["ambito"], row["verifica_ambito"], lat, lon
        )
    return Territories.create(province, comuni, ambiti), diags
