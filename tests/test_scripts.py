"""The data-preparation scripts run from a clone: their inputs are in the repository (with their
sources and licences), and they give back the committed territory tables and map byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, require_node, tree


def _run(script: str, dest: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--dest", str(dest)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )


def test_the_territory_tables_come_from_the_inputs_in_the_repository(tmp_path: Path) -> None:
    _run("prepare_territories.py", tmp_path)
    committed = {k: v for k, v in tree(ROOT / "content" / "territori").items() if k.endswith(".csv")}
    assert tree(tmp_path) == committed


def test_the_map_comes_from_the_boundaries_in_the_repository(tmp_path: Path) -> None:
    require_node()
    _run("prepare_map.py", tmp_path)
    assert tree(tmp_path) == tree(ROOT / "content" / "territori" / "mappa")


def test_every_input_says_where_it_comes_from() -> None:
    sources = (ROOT / "scripts" / "riferimenti" / "SOURCES.md").read_text(encoding="utf-8")
    for data in sorted((ROOT / "scripts" / "riferimenti").glob("*.*")):
        if data.name != "SOURCES.md":
            assert f"## {data.name}" in sources or data.name in sources, data.name
    assert "CC BY 4.0" in sources
