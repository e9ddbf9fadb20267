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
        """A replication's territory: 'Ambito di X' names an Ambito, a bare name (or 'Comune di X', as
        the exports write it) a Comune first."""
        folded = fold(text.strip())
        if folded.startswith("ambito"):
            return self.find_ambito(text)
        if folded.startswith("comune di "):
            return self.find_comune(text.strip()[len("comune di ") :])
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


# The columns each reference table must have (more are allowed: sources, notes).
COLUMNS = {
    "province.csv": ("sigla", "nome", "denominazione"),
    "ambiti.csv": ("nome", "capofila", "provincia", "verifica"),
    "comuni.csv": ("codice_istat", "nome", "provincia", "ambito", "verifica_ambito", "lat", "lon"),
}


def _rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[Diagnostic]]:
    """The rows of a reference table with their line numbers; a missing column or a short row is a
    problem at its line, and the row is left out."""
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return [], [Diagnostic(shown, 1, 1, "", "tabella dei territori mancante")]
    except UnicodeDecodeError:
        return [], [Diagnostic(shown, 1, 1, "", "il file non è in UTF-8: salvalo con codifica UTF-8")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    needed = COLUMNS[path.name]
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        listed = ", ".join(f"'{c}'" for c in missing)
        return [], [Diagnostic(shown, 1, 1, "", f"colonne mancanti nella prima riga: {listed}")]
    rows, problems = [], []
    for row in reader:
        empty = [c for c in needed if not (row.get(c) or "").strip()]
        if empty:
            problems.append(
                Diagnostic(shown, reader.line_num, 1, empty[0], f"riga incompleta: manca il valore di '{empty[0]}'")
            )
            continue
        rows.append((reader.line_num, row))
    if not rows and not problems:
        problems.append(Diagnostic(shown, 1, 1, "", "la tabella non ha righe"))
    return rows, problems


def load_territories(folder: Path) -> tuple[Territories, list[Diagnostic]]:
    """The three reference tables; a row with a problem is reported and left out, so nothing that
    reads the tables meets a Comune whose Ambito or province does not exist."""
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
        before = len(diags)
        if row["provincia"] not in province:
            problem(path, line, "provincia", f"provincia sconosciuta '{row['provincia']}'")
        if row["verifica"] not in VERIFICATION_LEVELS:
            problem(
                path, line, "verifica", f"'{row['verifica']}' non è ammesso: usa 'verificata', 'parziale' o 'dedotta'"
            )
        if row["nome"] in ambiti:
            problem(path, line, "nome", f"Ambito ripetuto '{row['nome']}'")
        if len(diags) > before:
            continue
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
        before = len(diags)
        if row["ambito"] not in ambiti:
            found = suggest(row["ambito"], ambiti)
            hint = f" (forse intendevi '{found[0]}'?)" if found else ""
            problem(path, line, "ambito", f"Ambito sconosciuto '{row['ambito']}'{hint}")
        if row["provincia"] not in province:
            problem(path, line, "provincia", f"provincia sconosciuta '{row['provincia']}'")
        if row["verifica_ambito"] not in VERIFICATION_LEVELS:
            problem(
                path,
                line,
                "verifica_ambito",
                f"'{row['verifica_ambito']}' non è ammesso: usa 'verificata', 'parziale' o 'dedotta'",
            )
        if row["nome"] in comuni:
            problem(path, line, "nome", f"Comune ripetuto '{row['nome']}'")
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            problem(path, line, "lat", "coordinate non valide")
        if len(diags) > before:
            continue
        comuni[row["nome"]] = Comune(
            row["codice_istat"], row["nome"], row["provincia"], row["ambito"], row["verifica_ambito"], lat, lon
        )
    return Territories.create(province, comuni, ambiti), diags
