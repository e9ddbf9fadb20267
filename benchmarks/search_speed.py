"""Search benchmark at 1,000 synthetic practices: index size, build time, and per-keystroke work in Chromium.

Run: .venv/bin/python benchmarks/search_speed.py [--count 1000]
Reports numbers; asserts nothing (speed is measured here, never in unit tests).
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium, serve  # noqa: E402
from synthetic import write_synthetic_content  # noqa: E402

from catalogo.catalogue import catalogue_assets  # noqa: E402
from catalogo.cli import main as cli  # noqa: E402
from catalogo.pipeline import load_site  # noqa: E402

QUERIES = ["servizi sociali", "accoglienza", "poverta educativa", "l'inclusione", "anziani domiciliare", "welfare"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content = write_synthetic_content(root / "content", count=count)
        started = time.perf_counter()
        site = load_site(content).site
        loaded = time.perf_counter()
        assets = catalogue_assets(site)
        indexed = time.perf_counter()
        index = next(o.data for o in assets.outputs if o.path == assets.index)
        docs = next(o.data for o in assets.outputs if o.path == assets.documents)
        print(f"practices: {count}")
        print(f"load+validate: {loaded - started:.2f} s; index build: {indexed - loaded:.2f} s")
        print(f"index: {len(index) / 1024:.0f} KB raw, {len(gzip.compress(index, 6)) / 1024:.0f} KB gzip -6, "
              f"{len(gzip.compress(index, 9)) / 1024:.0f} KB gzip -9")
        print(f"documents: {len(docs) / 1024:.0f} KB raw, {len(gzip.compress(docs, 6)) / 1024:.0f} KB gzip")
        out = root / "catalogo"
        started = time.perf_counter()
        assert cli(["build", "--content", str(content), "--out", str(out), "--base-url", "/catalogo/"],
                   stdout=io.StringIO(), stderr=sys.stderr) == 0
        print(f"full build: {time.perf_counter() - started:.2f} s")
        with serve(root) as origin, chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # Also time style and layout: force them where cerca.js ends its measure.
            page.add_init_script("""
                window.__withLayout = [];
                const measure = performance.measure.bind(performance);
                performance.measure = (name, options) => {
                  if (name === 'cerca-aggiornamento') {
                    void document.body.offsetHeight;
                    window.__withLayout.push(performance.now() - options.start);
                  }
                  return measure(name, options);
                };""")
            page.goto(origin + "/catalogo/pratiche/")
            load_ms = page.evaluate("""async () => {
                const f = document.getElementById('ricerca');
                const docs = await fetch(f.dataset.documenti).then(r => r.json());
                CatalogoRicerca(lunr, docs);  // registers the pipeline functions the index names
                const idx = await fetch(f.dataset.indice).then(r => r.json());
                const t = performance.now(); lunr.Index.load(idx); return performance.now() - t; }""")
            print(f"lunr.Index.load in Chromium: {load_ms:.1f} ms")
            page.focus("#q")
            page.wait_for_timeout(1500)  # documents and index fetched on focus
            for query in QUERIES:
                page.fill("#q", "")
                for ch in query:
                    page.keyboard.type(ch)
                    page.wait_for_timeout(90)  # past the 60 ms debounce: every keystroke renders
            samples = page.evaluate(
                "performance.getEntriesByName('cerca-aggiornamento').map(e => e.duration)")
            with_layout = page.evaluate("window.__withLayout")
            print(f"keystroke updates measured: {len(samples)}")
            for label, values in (("script (search, facet counts, DOM)", samples),
                                  ("script + style + layout", with_layout)):
                print(f"{label}: median {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
                      f"max {max(values):.1f} ms (one frame at 60 Hz: 16.7 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    run(parser.parse_args().count)
