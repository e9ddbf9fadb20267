"""Derive content/territori/*.csv from the reference tables in scripts/riferimenti/ (run by hand:
``python scripts/prepare_territories.py [--dest FOLDER]``).

The inputs are in the repository with their sources and licences (scripts/riferimenti/SOURCES.md);
the output is committed, and a test checks that this script gives it back byte for byte.
Memberships live in one place (comuni.csv, column `ambito`), so an editor corrects a Comune's
Ambito in one row.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "scripts" / "riferimenti"
TARGET = ROOT / "content" / "territori"

# The Ambito the source calls by its former capofila: named as it is called since 2023.
RENAMED = {"Margherita di Savoia (Tavoliere Meridionale)": ("Tavoliere Meridionale", "Margherita di Savoia")}
VERIFICATION = {"verified": "verificata", "partial": "parziale", "inferred": "dedotta"}
PROVINCES = [
    ("BA", "Bari", "Città metropolitana di Bari"),
    ("BT", "Barletta-Andria-Trani", "Provincia di Barletta-Andria-Trani"),
    ("BR", "Brindisi", "Provincia di Brindisi"),
    ("FG", "Foggia", "Provincia di Foggia"),
    ("LE", "Lecce", "Provincia di Lecce"),
    ("TA", "Taranto", "Provincia di Taranto"),
]


def read(name: str) -> list[dict[str, str]]:
    with open(SOURCE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(target: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with open(target / name, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Genera le tabelle dei territori da scripts/riferimenti/.")
    parser.add_argument("--dest", type=Path, default=TARGET, help="cartella di destinazione")
    target = parser.parse_args(argv).dest
    target.mkdir(parents=True, exist_ok=True)
    ambiti = read("ambiti_puglia.csv")
    lookup = {r["istat_code"]: r for r in read("comune_ambito_lookup.csv")}
    comuni = read("comuni_puglia.csv")

    def name_of(ambito: str) -> str:
        return RENAMED.get(ambito, (ambito, ""))[0]

    write(target, "province.csv", ["sigla", "nome", "denominazione"], [list(p) for p in PROVINCES])
    write(
        target,
        "ambiti.csv",
        ["nome", "altri_nomi", "capofila", "provincia", "verifica", "fonte", "note"],
        [
            [
                name_of(a["ambito"]),
                RENAMED.get(a["ambito"], ("", ""))[1],
                a["capofila"],
                a["province"],
                VERIFICATION[a["verification"]],
                a["source"],
                a["note"],
            ]
            for a in ambiti
        ],
    )
    write(
        target,
        "comuni.csv",
        ["codice_istat", "nome", "provincia", "ambito", "verifica_ambito", "lat", "lon"],
        [
            [
                c["istat_code"],
                c["name"],
                c["province_code"],
                name_of(lookup[c["istat_code"]]["ambito"]),
                VERIFICATION[lookup[c["istat_code"]]["ambito_verification"]],
                c["lat"],
                c["lon"],
            ]
            for c in comuni
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
