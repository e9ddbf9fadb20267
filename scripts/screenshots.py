"""Screenshots of every page type at 360 px and 1280 px, for review (written to screenshots/, not committed);
of the web editor for CONTRIBUTING.md (written to docs/editor/, committed); and of the printed festival
volume: its cover, table of contents and first practice, rasterised by pdftoppm (screenshots/).

Run: .venv/bin/python scripts/screenshots.py [--content content] [--editor | --pdf]
"""

from __future__ import annotations

import argparse
import io
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium, serve  # noqa: E402

from catalogo.cli import main  # noqa: E402

PAGES = {
    "home": "",
    "catalogo": "pratiche/",
    "pratica": None,
    "area": "aree/",
    "territori": "territori/",
    "festival": "festival/",
    "edizione": "festival/2024/",
    "mappa": "mappa/",
    "pubblicazione": "pubblicazione/",
    "dati": "dati/",
    "proponi": "proponi/",
    "404": "pagina-inesistente/",
}


def run(content: Path, target: Path) -> None:
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "catalogo"
        assert (
            main(
                ["build", "--content", str(content), "--out", str(out), "--base-url", "/catalogo/"],
                stdout=io.StringIO(),
                stderr=sys.stderr,
            )
            == 0
        )
        practice = sorted((out / "pratiche").glob("*/index.html"))[0].parent.name
        with serve(Path(tmp)) as origin, chromium() as browser:
            for name, path in PAGES.items():
                path = f"pratiche/{practice}/" if path is None else path
                for width in (360, 1280):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(f"{origin}/catalogo/{path}")
                    file = target / f"{name}-{width}.png"
                    page.screenshot(path=str(file), full_page=True)
                    page.close()
                    print(file)


def editor(content: Path, target: Path) -> None:
    """The web editor as 'serve' offers it: the list, a new practice's form, a practice with its preview."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        shutil.copytree(content, repo / "content")
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "-A"],
            ["-c", "user.name=Redazione", "-c", "user.email=", "commit", "-qm", "x"],
        ):
            subprocess.run(["git", "-C", str(repo), *args], check=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--content", "content", "--port", str(port)],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if "Editor web" in line:
                    assert "non disponibile" not in line, line
                    break
            base = f"http://127.0.0.1:{port}/admin/"
            with chromium() as browser:
                context = browser.new_context(viewport={"width": 1280, "height": 860})
                page = context.new_page()
                page.goto(base)
                page.get_by_role("button", name="Accedi").click()
                page.locator('a[href^="#/collections/pratiche/entries/"] h2').first.wait_for()
                shots = [
                    ("editor-elenco.png", None),
                    ("editor-modulo.png", "#/collections/pratiche/new"),
                    (
                        "editor-anteprima.png",
                        "#/collections/pratiche/entries/" + sorted((content / "practices").glob("*.md"))[0].stem,
                    ),
                ]
                for name, route in shots:
                    if route:  # a page of its own: a change of the address's '#' part alone keeps the old form
                        page = context.new_page()
                        page.goto(base + route)
                        page.locator('[id^="titolo-field-"]').wait_for()
                        time.sleep(1.5)  # the preview pane renders after the form
                    page.screenshot(path=str(target / name))
                    print(target / name)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def volume(content: Path, target: Path) -> None:
    """The first festival volume: cover, table of contents and first practice, as PNG (pdftoppm)."""
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        assert (
            main(
                ["pdf", "--content", str(content), "--out", tmp, "--solo-festival"],
                stdout=io.StringIO(),
                stderr=sys.stderr,
            )
            == 0
        )
        (pdf,) = sorted(Path(tmp).glob("festival-*.pdf"))[:1]
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = text.split("\f")
        toc = next(n for n, page in enumerate(pages, 1) if page.lstrip().startswith("Indice"))
        for name, page in (("volume-copertina", 1), ("volume-indice", toc), ("volume-pratica", toc + 1)):
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    str(pdf),
                    str(target / name),
                ],
                check=True,
            )
            print(target / f"{name}.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--editor", action="store_true", help="only the web editor, into docs/editor/")
    parser.add_argument("--pdf", action="store_true", help="only the printed festival volume, into --out")
    options = parser.parse_args()
    if options.editor:
        editor(options.content, ROOT / "docs" / "editor")
    elif options.pdf:
        volume(options.content, options.out)
    else:
        run(options.content, options.out)
