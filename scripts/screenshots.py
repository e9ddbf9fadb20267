"""Screenshots of every page type at 360 px and 1280 px, for review (written to screenshots/, not committed).

Run: .venv/bin/python scripts/screenshots.py [--content content]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium, serve  # noqa: E402

from catalogo.cli import main  # noqa: E402

PAGES = {
    "home": "", "catalogo": "pratiche/", "pratica": None, "area": "aree/", "territori": "territori/",
    "festival": "festival/", "edizione": "festival/2024/", "mappa": "mappa/", "pubblicazione": "pubblicazione/",
    "dati": "dati/", "proponi": "proponi/", "404": "pagina-inesistente/",
}


def run(content: Path, target: Path) -> None:
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "catalogo"
        assert main(["build", "--content", str(content), "--out", str(out), "--base-url", "/catalogo/"],
                    stdout=io.StringIO(), stderr=sys.stderr) == 0
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    options = parser.parse_args()
    run(options.content, options.out)
