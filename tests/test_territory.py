"""The reference tables in content/territori and the look-ups editors rely on."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from catalogo.content.territories import load_territories

REAL = Path(__file__).resolve().parent.parent / "content" / "territori"


@pytest.fixture(scope="module")
def territories():
    found, diags = load_territories(REAL)
    assert diags == []
    return found


def test_real_tables_have_every_comune_and_ambito(territories) -> None:
    assert len(territories.comuni) == 257
    assert len(territories.ambiti) == 45
    assert sum(len(a.comuni) for a in territories.ambiti.values()) == 257
    by_province = Counter(a.provincia for a in territories.ambiti.values())
    assert by_province == {"BA": 12, "BT": 5, "BR": 4, "TA": 6, "LE": 10, "FG": 8}
    assert all(len(c.codice_istat) == 6 and c.codice_istat.isdigit() for c in territories.comuni.values())


def test_every_ambito_lies_in_one_province(territories) -> None:
    for ambito in territories.ambiti.values():
        provinces = {territories.comuni[name].provincia for name in ambito.comuni}
        assert provinces == {ambito.provincia}, ambito.nome


def test_lookups_ignore_case_accents_and_the_ambito_prefix(territories) -> None:
    assert territories.find_comune("bitonto").codice_istat == "072011"
    assert territories.find_comune("NARDO").nome == "Nardò"
    assert territories.find_ambito("Ambito di Bitonto").nome == "Bitonto"
    assert territories.find_ambito("ambito territoriale sociale di Gioia del Colle").nome == "Gioia del Colle"
    assert territories.find_ambito("Margherita di Savoia").nome == "Tavoliere Meridionale"
    assert territories.find("Ambito di Bitonto").kind == "ambito"
    assert territories.find("Bitonto").kind == "comune"
    assert territories.find("Tavoliere Meridionale").kind == "ambito"
    assert territories.find("Atlantide") is None


def test_known_memberships(territories) -> None:
    assert territories.comuni["Matino"].ambito == "Casarano"
    assert territories.comuni["Ruvo di Puglia"].ambito == "Corato"
    assert territories.comuni["Bitonto"].ambito_verificato
    assert territories.ambiti["Tavoliere Meridionale"].denominazione == "Ambito Tavoliere Meridionale"
    assert territories.ambiti["Bitonto"].denominazione == "Ambito di Bitonto"


def test_verification_levels_are_the_ones_documented(territories) -> None:
    levels = Counter(c.verifica_ambito for c in territories.comuni.values())
    assert set(levels) == {"verificata", "parziale", "dedotta"}
    with open(REAL / "ambiti.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert Counter(r["verifica"] for r in rows) == {"verificata": 25, "parziale": 8, "dedotta": 12}


def test_table_mistakes_are_reported_with_their_line(tmp_path) -> None:
    for name in ("province.csv", "ambiti.csv", "comuni.csv"):
        (tmp_path / name).write_text((REAL / name).read_text(encoding="utf-8"), encoding="utf-8")
    rows = (tmp_path / "comuni.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace(",Troia,", ",Troja,")
    (tmp_path / "comuni.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, diags = load_territories(tmp_path)
    assert [(Path(d.path).name, d.line, d.message) for d in diags] == [
        ("comuni.csv", 4, "Ambito sconosciuto 'Troja' (forse intendevi 'Troia'?)")
    ]
