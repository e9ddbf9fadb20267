"""No mistake ends in a traceback: a mistake in any kind of template, whatever path makes the file
(a worker's page, the main process's list page, the publication and its sections, every page's
base, a printed volume), and in any content or settings file, whatever command reads it, is a
problem at its file and line, exit 1, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, require_node, tree

from catalogo import cli
from catalogo.build import THEME

# (template, the line after which the mistake goes, extra options): one per way a file is made.
TEMPLATES = [
    ("practices.html", "{% block main %}", ()),  # the catalogue's list: made by the main process
    ("territory.html", "{% block main %}", ()),  # a page made by a worker
    ("publication.html", "{% block main %}", ()),  # the publication, written in pieces
    ("publication_section.html", '{% from "practice_content.html" import practice_content %}', ()),
    ("base.html", "<main", ()),  # every page
    ("volume.html", "<body", ("--pdf", "festival")),  # a printed volume
]


def _broken(tmp_path: Path, name: str, after: str) -> tuple[Path, int]:
    theme = tmp_path / "tema"
    shutil.copytree(THEME, theme)
    template = theme / "templates" / name
    lines = template.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.lstrip().startswith(after)) + 1
    lines.insert(at, "{{ non_esiste.per_niente }}")
    template.write_text("\n".join(lines), encoding="utf-8")
    return theme, at + 1


@pytest.mark.parametrize(("name", "after", "extra"), TEMPLATES, ids=[t[0] for t in TEMPLATES])
def test_a_mistake_in_any_template_is_a_problem_at_its_line(
    run_cli, make_content, tmp_path, monkeypatch, name: str, after: str, extra: tuple[str, ...]
) -> None:
    require_node()
    theme, line = _broken(tmp_path, name, after)
    monkeypatch.setattr(cli, "THEME", theme)  # the public name the command reads its theme from
    out = tmp_path / "sito"
    result = run_cli("build", "--content", make_content(), "--out", out, "--base-url", "https://example.org/", *extra)
    assert result.code == 1 and "Traceback" not in result.err + result.out
    assert f"templates/{name}:{line}:1: errore: errore nel modello: UndefinedError: 'non_esiste'" in result.err
    assert "Sito non generato" in result.err and not out.exists()


def test_a_mistake_in_the_volumes_template_stops_the_pdf_command_at_its_line(
    run_cli, make_content, tmp_path, monkeypatch
) -> None:
    theme, line = _broken(tmp_path, "volume.html", "<body")
    monkeypatch.setattr(cli, "THEME", theme)
    result = run_cli("pdf", "--content", make_content(), "--out", tmp_path / "volumi", "--solo-festival")
    assert result.code == 1 and "Traceback" not in result.err + result.out
    assert f"templates/volume.html:{line}:1: errore: errore nel modello: UndefinedError" in result.err
    assert not (tmp_path / "volumi").exists()


# A broken copy of each kind of content and settings file.
BROKEN = {
    "sito.yml": [b"", b"- una\n- lista\n", b"titolo: [1, 2]\nbase_url: 3\n", b"\xff\xfe"],
    "vocabolari.yml": [b"", b"area_tematica: 3\n", b"- a\n"],
    "festival/2024.md": [b"---\n- a\n---\n", b"---\ndata: domani\n---\n", b"nessun front matter"],
    "practices/sportello-prova.md": [b"", b"---\ntitolo: [\n---\n", b"---\nrepliche: 3\n---\n"],
    "territori/comuni.csv": [
        b"",
        b"nome\nBari\n",
        b"codice_istat,nome,provincia,ambito,verifica_ambito,lat,lon\n1,X\n",
    ],
    "territori/ambiti.csv": [b"", b"foo,bar\n1,2\n"],
    "territori/province.csv": [b"", b"sigla\n"],
    "territori/mappa/ambiti.geojson": [b"{", b'{"features": [{"properties": {}}]}', b"[1, 2]"],
}
COMMANDS = {
    "check": (),
    "build": ("--out", "{tmp}/sito"),
    "new": ("--titolo", "Laboratori di quartiere", "--comune", "Bitonto", "--area", "processi-organizzativi"),
    "schema": ("--dest", "{tmp}/generati"),
    "pdf": ("--out", "{tmp}/volumi", "--solo-festival"),
}


# 'new' reads only what a draft lists and names: the vocabularies and the territories.
READS = {"new": ("vocabolari.yml", "territori/comuni.csv", "territori/ambiti.csv", "territori/province.csv")}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_broken_content_or_settings_file_is_a_problem_for_every_command(
    run_cli, make_content, tmp_path, command: str
) -> None:
    require_node()
    for name, variants in BROKEN.items():
        if name not in READS.get(command, BROKEN):
            continue
        for data in variants:
            content = make_content()
            if "mappa" in name:  # the map lives in the real content; the rest in the fixture site
                shutil.copytree(ROOT / "content" / "territori" / "mappa", content / "territori" / "mappa")
            before = tree(content)
            (content / name).parent.mkdir(parents=True, exist_ok=True)
            (content / name).write_bytes(data)
            args = [a.format(tmp=tmp_path) for a in COMMANDS[command]]
            result = run_cli(command, "--content", content, *args)
            said = result.err + result.out
            assert result.code == 1, (name, data, said)
            assert "Traceback" not in said and f"{name.rsplit('/', 1)[-1]}:" in said, (name, data, said)
            for made in ("sito", "generati", "volumi"):
                assert not (tmp_path / made).exists(), (name, data, made)
            assert {k: v for k, v in tree(content).items() if k != name} == {
                k: v for k, v in before.items() if k != name
            }  # nothing else written
