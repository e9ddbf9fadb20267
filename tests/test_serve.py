"""The dev server: rebuilds, the problem page, recovery, reloads, and stopping with nothing left.

'serve' runs as the editors run it, in a process of its own; a broken theme is tried in a copy of
the project, as a theme's author would break it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, children_of, project_copy, require_node


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _wait_version(base: str, after: str | None, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, version = _get(base + "__catalogo__/versione")
            if status == 200 and version != after:
                return version
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise AssertionError("the dev server did not rebuild in time")


@pytest.fixture
def server(make_content):
    content = make_content()
    proc, base = _start(ROOT, "--content", str(content))
    try:
        version = _wait_version(base, None)
        yield proc, content, base, version
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_serve_rebuilds_shows_problems_and_recovers(server) -> None:
    proc, content, base, version = server
    status, page = _get(base + "pratiche/sportello-prova/")
    assert status == 200 and "<h1>Sportello unico di prova</h1>" in page
    assert '<script src="/__catalogo__/ricarica.js" defer></script>' in page
    practice = content / "practices" / "sportello-prova.md"
    good = practice.read_text(encoding="utf-8")
    practice.write_text(good.replace("stato: attiva", "stato: attivo"), encoding="utf-8")
    version = _wait_version(base, version)
    status, page = _get(base + "pratiche/sportello-prova/")
    assert status == 500
    assert "Contenuti da correggere" in page
    assert "sportello-prova.md:9:8</code> <strong>errore</strong>: stato: &#x27;attivo&#x27; non è ammesso" in page
    practice.write_text(good.replace("Sportello unico di prova", "Sportello unico rinnovato"), encoding="utf-8")
    _wait_version(base, version)
    status, page = _get(base + "pratiche/sportello-prova/")
    assert status == 200 and "<h1>Sportello unico rinnovato</h1>" in page
    assert _get(base + "non-esiste/")[0] == 404
    out = _interrupt(proc)
    assert proc.returncode == 0
    assert "Anteprima su http://127.0.0.1:" in out and _stopped_cleanly(out)
    assert "sportello-prova.md:9:8: errore: stato: 'attivo' non è ammesso" in out


@pytest.mark.browser
def test_serve_reloads_the_open_page(server, browser_factory) -> None:
    _, content, base, version = server
    with browser_factory() as browser:
        page = browser.new_page()
        page.goto(base + "pratiche/sportello-prova/")
        page.wait_for_timeout(800)  # the reload script has read the current version
        practice = content / "practices" / "sportello-prova.md"
        practice.write_text(
            practice.read_text(encoding="utf-8").replace("Sportello unico di prova", "Sportello ricaricato"),
            encoding="utf-8",
        )
        page.wait_for_function(
            "() => document.querySelector('h1').textContent === 'Sportello ricaricato'", timeout=20000
        )


@pytest.fixture
def browser_factory():
    from browser import chromium

    return chromium


def _wait_status(url: str, status: int, timeout: float = 60) -> tuple[int, str]:
    """The page once it answers with ``status`` (a rebuild publishes in two steps)."""
    deadline = time.monotonic() + timeout
    while True:
        found = _get(url)
        if found[0] == status or time.monotonic() > deadline:
            assert found[0] == status, found
            return found
        time.sleep(0.1)


def _descendants(pid: int) -> dict[int, str]:
    found = children_of(pid)
    for child in list(found):
        found.update(_descendants(child))
    return found


def _interrupt(proc: subprocess.Popen[str]) -> str:
    """Ctrl+C to 'serve', and what it printed."""
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    return out


def _stopped_cleanly(out: str) -> bool:
    return "Traceback" not in out and out.rstrip().endswith("Anteprima fermata.")


def _start(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "build.py" if (cwd / "build.py").exists() else str(ROOT / "build.py"),
            "serve",
            *args,
            "--port",
            str(port),
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}/"


def test_a_broken_template_is_the_problem_page_and_the_next_save_recovers(tmp_path: Path) -> None:
    copy = project_copy(tmp_path)
    template = copy / "theme" / "templates" / "practice_content.html"
    good = template.read_text(encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    proc, base = _start(copy, "--content", "content", env=env)
    try:
        _wait_version(base, None)
        template.write_text(good.replace("{{ d.sintesi }}", "{{ d.sintesi }}{{ non_esiste.x }}"), encoding="utf-8")
        status, page = _wait_status(base + "pratiche/sportello-prova/", 500)
        assert "Contenuti da correggere" in page
        line = next(n for n, text in enumerate(template.read_text("utf-8").split("\n"), 1) if "non_esiste" in text)
        assert f"practice_content.html:{line}:1</code> <strong>errore</strong>" in page
        assert "errore nel modello: UndefinedError" in page
        assert proc.poll() is None  # still serving
        template.write_text(good, encoding="utf-8")
        status, page = _wait_status(base + "pratiche/sportello-prova/", 200)
        assert "<h1>Sportello unico di prova</h1>" in page
    finally:
        out = _interrupt(proc)
    assert _stopped_cleanly(out)


def test_a_missing_npm_package_is_a_problem_for_build_and_serve_which_recover(tmp_path: Path) -> None:
    """Without lunr-languages (the Italian stop words) 'build' and 'serve' say to run 'npm ci', in
    Italian and without a traceback; 'serve' shows it as its problem page, keeps serving, and
    recovers once the package is back and a file is saved."""
    require_node()
    copy = project_copy(tmp_path)
    (copy / "node_modules").unlink()
    (copy / "node_modules").mkdir()
    for package in ROOT.joinpath("node_modules").iterdir():
        if package.name != "lunr-languages":
            (copy / "node_modules" / package.name).symlink_to(package)
    env = {**os.environ, "PYTHONPATH": str(copy)}
    built = subprocess.run(
        [sys.executable, "build.py", "build", "--content", "content", "--out", str(tmp_path / "sito")],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert "lunr-languages" in built.stderr and "esegui 'npm ci'" in built.stderr
    assert not (tmp_path / "sito").exists()
    proc, base = _start(copy, "--content", "content", env=env)
    try:
        _wait_version(base, None)
        status, page = _wait_status(base, 500)
        assert "lunr-languages/lunr.it.js: esegui &#x27;npm ci&#x27;" in page, page
        (copy / "node_modules" / "lunr-languages").symlink_to(ROOT / "node_modules" / "lunr-languages")
        practice = copy / "content" / "practices" / "sportello-prova.md"
        practice.write_text(practice.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        status, page = _wait_status(base + "pratiche/sportello-prova/", 200)
        assert "<h1>Sportello unico di prova</h1>" in page
    finally:
        out = _interrupt(proc)
    assert _stopped_cleanly(out)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_stopping_serve_in_a_build_leaves_no_process_behind(make_content, synthetic_content, tmp_path, sig) -> None:
    """decap-server and every Node process end with 'serve', however it is stopped; by Ctrl+C or
    SIGTERM it stops promptly even in the middle of a build of 300 practices: 'serve' starts the
    web editor's server, then builds; the signal comes once decap-server runs and the site does
    not answer yet."""
    require_node()
    repo = tmp_path / "redazione"
    repo.mkdir()
    content = make_content(base=synthetic_content)
    content.rename(repo / "content")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=Prova", "-c", "user.email=prova@example.org", "commit", "-qm", "Contenuti")
    proc, base = _start(repo, "--content", "content")
    try:
        deadline = time.monotonic() + 60
        started = _descendants(proc.pid)
        while not any("decap-server" in command for command in started.values()):
            assert time.monotonic() < deadline and proc.poll() is None, "decap-server did not start"
            time.sleep(0.02)
            started = _descendants(proc.pid)
        with pytest.raises(urllib.error.URLError):  # still building: the site is not served yet
            _get(base + "__catalogo__/versione")
        proc.send_signal(sig)
        if sig != signal.SIGKILL:
            proc.wait(timeout=3)  # the issue asks for 2 s; a busy CI machine gets one more
    finally:
        if proc.poll() is None:
            proc.kill()
        out, _ = proc.communicate()
    if sig != signal.SIGKILL:
        assert _stopped_cleanly(out) and "Anteprima su" not in out
    deadline = time.monotonic() + 3  # Node's orphan guard looks every 0.2 s
    while (left := [pid for pid in started if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [started[pid] for pid in left]
