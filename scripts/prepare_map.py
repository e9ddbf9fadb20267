"""Simplified boundaries of the Ambiti and the provinces for /mappa/ (run by hand, output committed:
``python scripts/prepare_map.py [--dest FOLDER]``).

Source: scripts/riferimenti/puglia_comuni_limits.geojson (openpolis / ISTAT, CC BY 4.0; see
scripts/riferimenti/SOURCES.md). Each Comune
gets its Ambito from content/territori/comuni.csv, then mapshaper (npm) dissolves the Comuni
into Ambiti and provinces and simplifies the shapes (Visvalingam, 4% of the points kept, shapes
never removed), with coordinates rounded to about 100 m.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "scripts" / "riferimenti" / "puglia_comuni_limits.geojson"
TARGET = ROOT / "content" / "territori" / "mappa"
# mapshaper from npm (package.json, devDependencies): 'npm ci' installs it.
MAPSHAPER = [str(ROOT / "node_modules" / ".bin" / "mapshaper")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Genera i confini semplificati di Ambiti e province.")
    parser.add_argument("--dest", type=Path, default=TARGET, help="cartella di destinazione")
    target = parser.parse_args(argv).dest
    with open(ROOT / "content" / "territori" / "comuni.csv", encoding="utf-8", newline="") as fh:
        ambito_of = {row["codice_istat"]: row["ambito"] for row in csv.DictReader(fh)}
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    for feature in data["features"]:
        props = feature["properties"]
        feature["properties"] = {"ambito": ambito_of[props["com_istat_code"]], "provincia": props["prov_acr"]}
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        joined = Path(tmp) / "comuni.json"
        joined.write_text(json.dumps(data), encoding="utf-8")
        for field, name in (("ambito", "ambiti"), ("provincia", "province")):
            subprocess.run(
                [
                    *MAPSHAPER,
                    str(joined),
                    "-dissolve",
                    field,
                    "-simplify",
                    "visvalingam",
                    "4%",
                    "keep-shapes",
                    "-o",
                    "format=geojson",
                    "precision=0.001",
                    str(target / f"{name}.geojson"),
                ],
                check=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
