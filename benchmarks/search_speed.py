"""Search in Chromium on a built site: what a visitor waits for, and what each keystroke costs
the page's main thread, all of it: scripts, promise continuations, style, layout, paint, hit tests.

Run alone: .venv/bin/python benchmarks/search_speed.py [--count 1000] [--site DIR]
(benchmarks/run.py calls measure_search on the sites it builds).

How it measures:

* Main-thread time is Chrome's own ``TaskDuration`` (DevTools protocol, ``Performance.getMetrics``):
  the sum of every task the renderer's main thread ran. It is read before a key is pressed and
  again once the page has settled (the search's update rendered, then two animation frames and
  an idle callback). The same reading around no key at all, over the same wait, is the cost of
  measuring alone (the protocol calls, the settling script, the caret blinking): its median is
  subtracted from every sample. Work a Web Worker does is not main-thread time; the latency
  figures below show what the visitor waits for anyway.
* Keys are real key events (``page.keyboard``), with the pointer resting over the results, so
  the hit tests a changed list causes under it are counted.
* A keystroke: the shards of the words typed are already loaded (each query is typed once
  beforehand); each query is cleared (Ctrl+A, Backspace: one keystroke) and typed one key at a
  time, waiting for the page to settle after each, so every key renders.
* First query: a fresh browser context (empty cache), the page loaded and idle, the pointer
  over the list; "/" focuses the field (which starts the download of the documents file, as
  focusing it does), then the query is typed at once. Latency: from the first letter's keydown
  to the end of the main thread's work on the first frame that shows the whole query's results
  (a timeout posted from that frame's animation-frame callback). Main-thread time: from before
  "/" until settled, everything included (downloads arriving, parsing, the index, the list).
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
FIRST_QUERIES = ["famiglie", "inclusione sociale", "disabilità", "scuola", "accoglienza", "anziani"]
WAIT_MS = 150  # after a key: past the search's debounce, before settling
VIEWPORT = {"width": 1280, "height": 900}

# Installed before the page's own scripts. It records when each rendered update reaches the
# screen: cerca.js ends every update with performance.measure('cerca-aggiornamento', {detail:
# {q}}); the frame after it is the first to show it.
PROBE = """
window.__frames = [];
window.__keys = [];
document.addEventListener('keydown', (e) => { window.__keys.push(e.timeStamp); }, true);
const measure = performance.measure.bind(performance);
performance.measure = (name, options) => {
  const entry = measure(name, options);
  if (name === 'cerca-aggiornamento') {
    const record = { q: options && options.detail ? options.detail.q : null, end: performance.now(), shown: null };
    window.__frames.push(record);
    requestAnimationFrame(() => setTimeout(() => { record.shown = performance.now(); }, 0));
  }
  return entry;
};
"""

# Resolves once the page has settled: (optionally) a new update rendered, then two frames and
# an idle period. Timeouts keep a keystroke that renders nothing from hanging the benchmark.
SETTLE = """([before, query]) => new Promise((resolve) => {
  const settle = () => requestAnimationFrame(() => requestAnimationFrame(() =>
    requestIdleCallback(() => resolve(true), { timeout: 1000 })));
  const started = performance.now();
  const ready = () => window.__frames.slice(before).some((f) => f.shown !== null && (query === null || f.q === query));
  const poll = () => {
    if (before === null || ready()) { settle(); }
    else if (performance.now() - started > 10000) { resolve(false); }
    else { setTimeout(poll, 10); }
  };
  poll();
})"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


class MainThread:
    """Chrome's main-thread task time of one page, in milliseconds, over the DevTools protocol."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")

    def task_ms(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration") * 1000


def _pointer_over_results(page: Any) -> None:
    box = page.locator("#risultati").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, min(box["y"] + 200, VIEWPORT["height"] - 50))


def _frames(page: Any) -> int:
    return page.evaluate("window.__frames.length")


def _sample(page: Any, main: MainThread, key: str | None) -> tuple[float, bool]:
    """Main-thread ms from before ``key`` (None: no key, the cost of measuring) to settled."""
    before = _frames(page) if key else None
    started = main.task_ms()
    if key:
        page.keyboard.press(key)
    page.wait_for_timeout(WAIT_MS)
    settled = page.evaluate(SETTLE, [before, None])
    return main.task_ms() - started, settled


def _first_query(browser: Any, url: str, query: str) -> dict[str, float]:
    context = browser.new_context(viewport=VIEWPORT)  # an empty cache: nothing downloaded yet
    page = context.new_page()
    page.add_init_script(PROBE)
    main = MainThread(page)
    page.goto(url)
    _pointer_over_results(page)
    page.evaluate(SETTLE, [None, None])
    idle = []
    for _ in range(3):
        started = main.task_ms()
        page.wait_for_timeout(WAIT_MS)
        page.evaluate(SETTLE, [None, None])
        idle.append(main.task_ms() - started)
    started = main.task_ms()
    page.keyboard.press("/")
    page.keyboard.type(query)
    assert page.evaluate(SETTLE, [0, query]), f"no results shown for {query!r}"
    spent = main.task_ms() - started - statistics.median(idle)
    frame = page.evaluate("(q) => window.__frames.find((f) => f.q === q)", query)
    keys = page.evaluate("window.__keys")  # "/", then the query's letters
    fetched = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/search/indice'))
        .reduce((sum, e) => sum + e.encodedBodySize, 0)""")
    context.close()
    return {"latency": frame["shown"] - keys[1], "after_last_key": frame["shown"] - keys[-1], "main": spent,
            "bytes": fetched}  # fmt: skip


def measure_search(root: Path, base: str) -> dict[str, Any]:
    """``root`` is served over loopback; the site lives at ``base`` (e.g. /catalogo/) under it."""
    with serve(root) as origin, chromium() as browser:
        url = origin + base + "pratiche/"
        first = [_first_query(browser, url, query) for query in FIRST_QUERIES]

        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.add_init_script(PROBE)
        main = MainThread(page)
        page.goto(url)
        _pointer_over_results(page)
        page.keyboard.press("/")
        for query in QUERIES:  # the shards of these words load on this first pass
            page.keyboard.press("Control+A")
            page.keyboard.type(query)
            assert page.evaluate(SETTLE, [0, query]), f"no results shown for {query!r}"
        costs: list[float] = []
        latencies: list[float] = []
        measuring: list[float] = []
        for query in QUERIES:
            measuring += [_sample(page, main, None)[0] for _ in range(3)]
            page.keyboard.press("Control+A")
            for key in ["Backspace", *query]:
                before = _frames(page)
                spent, settled = _sample(page, main, key)
                assert settled, f"the page never settled after {key!r} in {query!r}"
                costs.append(spent)
                latencies.append(
                    page.evaluate(
                        "(n) => { const f = window.__frames[n]; return f.shown - window.__keys.at(-1); }", before
                    )
                )
        context.close()
    overhead = statistics.median(measuring)
    costs = [c - overhead for c in costs]
    return {
        "first_query_ms": statistics.median(f["latency"] for f in first),
        "first_query_after_last_key_ms": statistics.median(f["after_last_key"] for f in first),
        "first_query_main_ms": statistics.median(f["main"] for f in first),
        "first_query_bytes": statistics.median(f["bytes"] for f in first),
        "keystroke_median_ms": statistics.median(costs),
        "keystroke_p95_ms": percentile(costs, 0.95),
        "keystroke_max_ms": max(costs),
        "keystroke_latency_median_ms": statistics.median(latencies),
        "keystroke_latency_p95_ms": percentile(latencies, 0.95),
        "keystrokes": len(costs),
        "measuring_ms": overhead,
    }


def report(count: int, result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"practices: {count}",
            f"first query on a fresh page ({len(FIRST_QUERIES)} queries, median): "
            f"{result['first_query_ms']:.0f} ms from the first letter's keydown to the frame showing its results "
            f"({result['first_query_after_last_key_ms']:.0f} ms after the last letter); "
            f"main thread {result['first_query_main_ms']:.0f} ms from '/' to settled; "
            f"{result['first_query_bytes'] / 1024:.0f} KB of index downloaded",
            f"keystroke, shards loaded ({result['keystrokes']} keystrokes), whole main thread: "
            f"median {result['keystroke_median_ms']:.1f} ms, p95 {result['keystroke_p95_ms']:.1f} ms, "
            f"max {result['keystroke_max_ms']:.1f} ms (measuring alone: {result['measuring_ms']:.1f} ms, subtracted)",
            f"keystroke latency, keydown to the frame showing its results (60 ms debounce included): "
            f"median {result['keystroke_latency_median_ms']:.0f} ms, p95 {result['keystroke_latency_p95_ms']:.0f} ms",
        ]
    )


def build(content: Path, out: Path) -> None:
    command = ["build", "--content", str(content), "--out", str(out), "--base-url", "/catalogo/"]
    assert cli(command, stdout=io.StringIO(), stderr=sys.stderr) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--site", type=Path, help="keep the corpus and the site in this folder (reused if there)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.site or Path(tmp)
        content = root / "content"
        if not (content / "practices").is_dir():
            write_corpus(content, args.count)
        build(content, root / "catalogo")
        result = measure_search(root, "/catalogo/")
    print(report(args.count, result))


if __name__ == "__main__":
    main()
