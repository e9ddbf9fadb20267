"""The contract is the one source: a key added to the model reaches every door and output.

The test adds an optional key to ``Practice`` in a copy of the project, runs ``build.py schema`` as
an editor would, and finds the key in the JSON Schema, the web editor, the issue form (read back
by 'segnalazione'), the 'new' draft, every export and the practice page.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import project_copy, require_node
from test_segnalazione import GOOD_PROPOSAL

from catalogo.content.contract import ExportedPractice, Practice
from catalogo.content.keys import keys_of

NEW_KEY = (
    '    sito_progetto: Url | None = about("Sito del progetto", '
    "\"L'indirizzo del sito dedicato al progetto, se c'è.\", None)\n"
)
VALUE = "https://example.org/progetto-sportello"


def _project_copy(tmp_path: Path) -> Path:
    """The code, theme and fixture content in a folder of their own, with the key added."""
    copy = project_copy(tmp_path)
    contract = copy / "catalogo" / "content" / "contract.py"
    text = contract.read_text(encoding="utf-8")
    anchor = '    @model_validator(mode="after")\n    def _coherence(self) -> Practice:'
    assert text.count(anchor) == 1
    contract.write_text(text.replace(anchor, NEW_KEY + "\n" + anchor), encoding="utf-8")
    return copy


def _run(copy: Path, *commands: list[str]) -> list[tuple[int, str]]:
    """The commands, one after the other, in one interpreter running the copy's code (as an editor
    runs them, with the changed contract): each one's exit code and error output."""
    env = {**os.environ, "PYTHONPATH": str(copy)}
    env.pop("GITHUB_ACTIONS", None)
    script = (
        "import io, json, sys\nfrom catalogo.cli import main\nresults = []\n"
        "for argv in json.loads(sys.argv[1]):\n"
        "    err = io.StringIO()\n"
        "    results.append((main(argv, stdout=io.StringIO(), stderr=err), err.getvalue()))\n"
        "print(json.dumps(results))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps(commands)],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return [tuple(result) for result in json.loads(proc.stdout)]


def _body(form: dict, answers: dict) -> str:
    """The Markdown GitHub writes for a submitted form (from the form's YAML)."""
    parts = []
    for item in form["body"]:
        if item["type"] == "markdown":
            continue
        attributes, value = item["attributes"], answers.get(item["id"], "")
        if item["type"] == "checkboxes":
            text = "\n".join(f"- [X] {option['label']}" for option in attributes["options"])
        elif item["type"] == "dropdown":
            text = ", ".join(value) or "_No response_"
        else:
            text = value or "_No response_"
        parts.append(f"### {attributes['label']}\n\n{text}")
    return "\n\n".join(parts) + "\n"


def test_a_key_added_to_the_model_reaches_every_door_and_output(tmp_path: Path) -> None:
    require_node()
    copy = _project_copy(tmp_path)
    ((code, err),) = _run(copy, ["schema", "--content", "content"])
    assert code == 0, err

    # The JSON Schema, the web editor and Front Matter CMS (already derived before).
    assert "sito_progetto" in json.loads((copy / "schema/pratica.schema.json").read_text("utf-8"))["properties"]
    cms = yaml.safe_load((copy / "schema/cms.yml").read_text("utf-8"))
    fields = {f["name"]: f for f in cms["collections"][0]["fields"]}
    assert fields["sito_progetto"]["label"] == "Sito del progetto"
    assert "https://" in fields["sito_progetto"]["pattern"][1]
    assert "sito_progetto" in (copy / "frontmatter.json").read_text("utf-8")

    # The proposal form asks for it ('segnalazione' reads it back below, into a new file).
    form = yaml.safe_load((copy / ".github/ISSUE_TEMPLATE/proposta-pratica.yml").read_text("utf-8"))
    asked = next(item for item in form["body"] if item.get("id") == "sito_progetto")
    assert asked["type"] == "input" and asked["attributes"]["label"] == "Sito del progetto"
    (tmp_path / "modulo.md").write_text(_body(form, {**GOOD_PROPOSAL, "sito_progetto": VALUE}), encoding="utf-8")
    # A practice giving it, for the exports and the page; the 'new' draft in a content of its own
    # (a draft stops a build).
    practice = copy / "content/practices/sportello-prova.md"
    practice.write_text(practice.read_text("utf-8").replace("\n---\n", f"\nsito_progetto: {VALUE}\n---\n", 1), "utf-8")
    shutil.copytree(copy / "content", copy / "bozze")
    report, new, built = _run(
        copy,
        ["segnalazione", str(tmp_path / "modulo.md"), "--content", "content", "--data", "2026-05-10"],
        [
            "new",
            "--content",
            "bozze",
            "--titolo",
            "Laboratori di quartiere",
            "--comune",
            "Corato",
            "--area",
            "innovazione-socio-educativa",
        ],
        ["build", "--content", "content", "--out", str(tmp_path / "sito"), "--base-url", "https://example.org/"],
    )
    assert report[0] == 0, report[1]
    made = yaml.safe_load(
        (copy / "content/practices/sportello-di-prossimita-per-le-famiglie-palo-del-colle.md")
        .read_text("utf-8")
        .split("---\n")[1]
    )
    assert made["sito_progetto"] == VALUE

    # The 'new' draft has it, with its help.
    assert new[0] == 0, new[1]
    draft = (copy / "bozze/practices/laboratori-di-quartiere-corato.md").read_text("utf-8")
    assert "# L'indirizzo del sito dedicato al progetto, se c'è.\nsito_progetto:\n" in draft

    # Every export and the practice page.
    assert built[0] == 0, built[1]
    site = tmp_path / "sito"
    records = json.loads((site / "dati/pratiche.json").read_text("utf-8"))["pratiche"]
    assert next(r for r in records if r["slug"] == "sportello-prova")["sito_progetto"] == VALUE
    assert all("sito_progetto" in r for r in records)  # written whole: null where a file does not give it
    one = json.loads((site / "pratiche/sportello-prova/index.json").read_text("utf-8"))
    assert one["sito_progetto"] == VALUE
    rows = list(csv.DictReader(io.StringIO((site / "dati/pratiche.csv").read_text("utf-8-sig"))))
    assert next(r for r in rows if r["slug"] == "sportello-prova")["sito_progetto"] == VALUE
    exported = json.loads((site / "dati/schema/pratica-export.schema.json").read_text("utf-8"))
    assert "sito_progetto" in exported["properties"] and "sito_progetto" in exported["required"]
    page = (site / "pratiche/sportello-prova/index.html").read_text("utf-8")
    assert "<dt>Sito del progetto</dt>" in page
    assert f'<a href="{VALUE}" rel="noopener noreferrer">{VALUE}</a>' in page


def test_export_order_keeps_each_derived_key_beside_its_source() -> None:
    names = [k.name for k in keys_of(ExportedPractice)]
    assert names[:3] == ["versione_schema", "slug", "url"]
    assert names[names.index("comune") + 1] == "codice_istat_comune"
    assert names[names.index("ambito") + 1 : names.index("ambito") + 5] == [
        "ambito_derivato",
        "ambito_verificato",
        "provincia",
        "provincia_nome",
    ]
    contract = [k.name for k in keys_of(Practice)]
    assert [n for n in names if n in contract] == contract  # the contract's keys keep their order
