"""The command line: exit codes, Italian output, JSON and GitHub formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BROKEN = "---\ntitolo: x\n---\n"


def run_script(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def test_help_is_in_italian(run_cli) -> None:
    proc = run_script("--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith(
        "uso: catalogo [-h]\n              {build,check,new,serve,schema,segnalazione,modello,importa,pdf}"
    )
    assert "controlla i contenuti senza scrivere nulla" in proc.stdout
    assert "mostra questo aiuto ed esce" in proc.stdout
    build_help = run_cli("build", "--help")  # main() writes its help to the streams it is given
    assert build_help.code == 0 and build_help.err == ""
    assert build_help.out.startswith(
        "uso: catalogo build [--content CARTELLA] [-h]"
    )  # the prefix once, not "uso: uso:"
    assert "--base-url URL" in build_help.out and "cartella in cui scrivere (predefinita: _site)" in build_help.out


def test_bad_usage_exits_2_in_italian_without_traceback(run_cli, tmp_path) -> None:
    unknown = run_script("build", "--nonesiste")  # as a person runs it
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "catalogo: errore: opzioni non riconosciute: --nonesiste" in unknown.stderr
    missing = run_cli("check", "--content", tmp_path / "manca")  # the rest in this process: its errors in err
    assert missing.code == 2
    assert f"errore: la cartella dei contenuti '{tmp_path / 'manca'}' non esiste" in missing.err
    wrong_format = run_cli("check", "--format", "xml")
    assert wrong_format.code == 2 and "valore non ammesso 'xml'" in wrong_format.err
    no_command = run_cli()
    assert no_command.code == 2 and no_command.err.startswith("uso: catalogo")
    for command in ("build", "pdf"):  # every command that takes it
        bad_base = run_cli(command, "--base-url", "esempio", "--out", tmp_path / command)
        assert bad_base.code == 2 and "--base-url deve essere un indirizzo completo" in bad_base.err
        assert not (tmp_path / command).exists()


def test_a_refused_write_is_an_italian_problem(run_cli, make_content, tmp_path) -> None:
    """modello, schema and pdf write whole files; a folder that cannot be made ends in a message."""
    blocker = tmp_path / "un-file"
    blocker.write_text("non una cartella", encoding="utf-8")
    content = make_content()
    for args in (("modello", "--out", blocker / "modello.xlsx"), ("schema", "--dest", blocker)):
        result = run_cli(*args, "--content", content)
        assert result.code == 1 and "Traceback" not in result.err
        assert f"errore: scrittura di {blocker}/" in result.err and "non riuscita: " in result.err


def test_check_valid_content(run_cli, make_content, tmp_path) -> None:
    result = run_cli("check", "--content", make_content())
    assert result.code == 0
    assert result.out == "Nessun problema in 6 file.\n"
    assert not (tmp_path / "_site").exists()


def test_check_invalid_content_lists_problems_then_summary(run_cli, make_content) -> None:
    folder = make_content({"practices/rotta.md": BROKEN, "practices/altra.md": b"---\nt: \xff\n---\n"})
    result = run_cli("check", "--content", folder)
    assert result.code == 1
    lines = result.err.splitlines()
    assert (
        lines[0] == f"{folder}/practices/altra.md:2:4: errore: il file non è in UTF-8: salvalo con codifica "
        "UTF-8 (in genere l'opzione «UTF-8» di «Salva con nome»)"
    )
    assert lines[1].startswith(f"{folder}/practices/rotta.md:1:1: errore: ")
    assert lines[-1] == f"{len(lines) - 1} errori in 8 file."
    assert "Traceback" not in result.err


def test_json_format_has_the_same_problems(run_cli, make_content) -> None:
    folder = make_content({"practices/rotta.md": BROKEN})
    text = run_cli("check", "--content", folder)
    as_json = run_cli("check", "--content", folder, "--format", "json")
    assert as_json.code == 1
    items = json.loads(as_json.out)
    assert [
        f"{i['path']}:{i['line']}:{i['col']}: {i['severity']}: {i['key']}: {i['message']}".replace(": : ", ": ")
        for i in items
    ] == text.err.splitlines()[:-1]
    assert set(items[0]) == {"path", "line", "col", "key", "message", "severity"}


def test_github_annotations_and_step_summary(run_cli, make_content, monkeypatch, tmp_path) -> None:
    folder = make_content({"practices/rotta.md": BROKEN})
    summary = tmp_path / "summary.md"
    summary.write_text("# Prima\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli("check", "--content", folder)
    annotations = [line for line in result.out.splitlines() if line.startswith("::error ")]
    problems = result.err.splitlines()[:-1]
    assert len(annotations) == len(problems) > 1
    assert annotations[0].startswith(f"::error file={folder}/practices/rotta.md,line=1,col=1,title=")
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("# Prima\n## Controllo dei contenuti\n")
    assert written.count(f"| {folder}/practices/rotta.md |") == len(problems)


def test_build_refuses_invalid_content_and_leaves_output_alone(run_cli, make_content, tmp_path) -> None:
    out = tmp_path / "sito"
    result = run_cli("build", "--content", make_content({"practices/rotta.md": BROKEN}), "--out", out)
    assert result.code == 1
    assert result.err.endswith(
        "Sito non generato: correggi i problemi indicati. La cartella di uscita non è stata toccata.\n"
    )
    assert not out.exists()


def test_build_reports_what_it_wrote(run_cli, make_content, tmp_path) -> None:
    result = run_cli("build", "--content", make_content(), "--out", tmp_path / "sito", "--base-url", "https://a.it/")
    assert result.code == 0
    pages = len(list((tmp_path / "sito").rglob("*.html")))
    assert result.out.startswith(f"Sito generato in {tmp_path / 'sito'}/: {pages} pagine, 3 pratiche (")
    assert (tmp_path / "sito" / "index.html").is_file()


def test_console_script_equals_build_py(tmp_path) -> None:
    script = Path(sys.executable).parent / "catalogo"
    proc = subprocess.run([str(script), "check"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == run_script("check").stdout
