"""Search in Chromium on a built site: what a visitor waits for, and what each keystroke costs.

Run alone: .venv/bin/python benchmarks/search_speed.py [--count 1000]
(benchmarks/run.py calls measure_search on the sites it builds).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from browser import chromium, serve  # noqa: E402
from corpus import write_corpus  # noqa: E402

from catalogo.cli import main as cli  # noqa: E402

QUERIES = ["servizi sociali", "accoglienza", "poverta educativa", "l'inclusione", "anziani domiciliare", "welfare"]
FIRST_QUERIES = ["famiglie", "inclusione sociale", "disabilità", "scuola"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def measure_search(root: Path, base: str) -> dict[str, Any]:
    """``root`` is served over loopback; the site lives at ``base`` (e.g. /catalogo/) under it."""
    with serve(root) as origin, chromium() as browser:
        first = []
        fetched = []
        for query in FIRST_QUERIES:  # a fresh page each: manifest and shards not yet loaded
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(origin + base + "pratiche/")
            page.focus("#q")
            page.wait_for_function(
                "() => performance.getEntriesByType('resource').some(e => e.name.includes('/search/indice.'))"
            )
            elapsed = page.evaluate(
                """(query) => new Promise((resolve) => {
                const input = document.getElementById('q');
                const before = performance.getEntriesByName('cerca-aggiornamento').length;
                const started = performance.now();
                input.value = query;
                input.dispatchEvent(new Event('input', { bubbles: true }));
                const poll = () => {
                  const done = performance.getEntriesByName('cerca-aggiornamento');
                  if (done.length > before) { resolve(performance.now() - started); } else { setTimeout(poll, 2); }
                };
                poll();
            })""",
                query,
            )
            first.append(elapsed)
            fetched.append(
                page.evaluate("""() => performance.getEntriesByType('resource')
                .filter(e => e.name.includes('/search/indice'))
                .reduce((sum, e) => sum + e.encodedBodySize, 0)""")
            )
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
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
        page.goto(origin + base + "pratiche/")
        page.focus("#q")
        for query in QUERIES:  # warm: the shards of these words load on the first pass
            page.fill("#q", query)
            page.wait_for_timeout(400)
        page.evaluate("window.__withLayout = []")
        for query in QUERIES:
            page.fill("#q", "")
            for ch in query:
                page.keyboard.type(ch)
                page.wait_for_timeout(90)  # past the 60 ms debounce: every keystroke renders
        with_layout = page.evaluate("window.__withLayout")
    return {
        "first_query_ms": statistics.median(first),
        "first_query_bytes": statistics.median(fetched),
        "keystroke_median_ms": statistics.median(with_layout),
        "keystroke_p95_ms": percentile(with_layout, 0.95),
        "keystrokes": len(with_layout),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content = write_corpus(root / "content", count)
        assert (
            cli(
                ["build", "--content", str(content), "--out", str(root / "catalogo"), "--base-url", "/catalogo/"],
                stdout=io.StringIO(),
                stderr=sys.stderr,
            )
            == 0
        )
        result = measure_search(root, "/catalogo/")
    print(f"practices: {count}")
    print(
        f"first query on a fresh page (debounce, manifest and shard downloads on loopback, search, DOM): "
        f"median {result['first_query_ms']:.0f} ms, {result['first_query_bytes'] / 1024:.0f} KB of index"
    )
    print(
        f"keystroke with the shards loaded (search, facet counts, DOM, style, layout) over "
        f"{result['keystrokes']} keystrokes: median {result['keystroke_median_ms']:.1f} ms, "
        f"p95 {result['keystroke_p95_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()
