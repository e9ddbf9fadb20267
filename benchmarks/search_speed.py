"""Search in Chromium on a built site: what a visitor waits for, and what each keystroke costs
the page's main thread, all of it: scripts, promise continuations, style, layout, paint, hit tests.

Run alone: .venv/bin/python benchmarks/search_speed.py [--count 1000] [--site DIR]
(benchmarks/run.py calls measure_search on the sites it builds).

How it measures:

* Main-thread time is Chrome's own ``TaskDuration`` (DevTools protocol, ``Performance.getMetrics``):
  the sum of every task the renderer's main thread ran, wall clock. It is read in consecutive
  laps, so no task goes uncounted: a lap starts just before a key is pressed and ends once the
  page has settled (the search's answer drawn, then two animation frames and an idle callback).
  Laps of the same wait with no key at all are the cost of measuring alone (the protocol calls,
  the settling script, the caret blinking): their median is subtracted from every keystroke.
  ``ThreadTime`` (the main thread's CPU time) is reported next to it: other processes on the
  machine lengthen tasks, not CPU time. Work a Web Worker does is not main-thread time; the
  latency figures show what the visitor waits for all the same.
* Keys are real key events (``page.keyboard``), with the pointer resting over the results, so
  the hit tests a changed list causes under it are counted.
* A keystroke: every query is first typed once, key by key, so the index shards of its
  prefixes are loaded. Then each query is cleared (Ctrl+A and Backspace: one keystroke) and
  typed again one key every ~200 ms (150 ms, then settling), a brisk typist's pace. The lap of
  a query's last key also waits one second more, so the URL update, which cerca.js makes once
  typing pauses, is counted.
* First query, on a fresh page: a new browser context (empty cache), the page loaded and idle,
  the pointer over the list; "/" focuses the field (which starts the downloads, as focusing it
  does), then the query is typed at once (Playwright's speed, a few ms a key), either right
  away or after a one-second pause (by then the documents file is parsed, as it is for anyone
  who does not start typing within a few hundred ms). Latency: from the first letter's keydown,
  and from the last's, to the end of the main thread's work on the first frame that shows the
  whole query's results (a timeout posted from that frame's animation-frame callback).
  Main-thread time: from before "/" until settled one second after the results (the URL update
  included), minus the median idle lap.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from browser import chromium, serve  # noqa: E402
from corpus import write_corpus  # noqa: E402

from catalogo.cli import main as cli  # noqa: E402

QUERIES = ["servizi sociali", "accoglienza", "poverta educativa", "l'inclusione", "anziani domiciliare", "welfare"]
FIRST_QUERIES = ["famiglie", "inclusione sociale", "disabilità", "scuola", "accoglienza", "anziani"]
WAIT_MS = 150  # after a key, before settling (a brisk typist's pace, with the settling)
FOCUS_PAUSE_MS = 1000  # a visitor's pause between focusing the box and typing
ADDRESS_MS = 1000  # after a query's last key: cerca.js updates the URL once typing pauses
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
    """Chrome's main-thread time for one page, in milliseconds, over the DevTools protocol: task time
    (TaskDuration, wall clock: what the brief's targets count) and CPU time (ThreadTime: the
    same work, but not inflated when other processes take the machine's cores)."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.last = self.read()

    def read(self) -> tuple[float, float]:
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        return metrics["TaskDuration"] * 1000, metrics["ThreadTime"] * 1000

    def lap(self) -> tuple[float, float]:
        """Task and CPU time since the previous lap: laps follow each other, so nothing goes uncounted."""
        now = self.read()
        spent = (now[0] - self.last[0], now[1] - self.last[1])
        self.last = now
        return spent


def _pointer_over_results(page: Any) -> None:
    box = page.locator("#risultati").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, min(box["y"] + 200, VIEWPORT["height"] - 50))


def _settle(page: Any, before: int | None = None, query: str | None = None) -> None:
    assert page.evaluate(SETTLE, [before, query]), f"no results shown for {query!r}"


def _index_bytes(root: Path, paths: list[str]) -> int:
    """The size of the index files requested (each counted once: two workers may ask for the same)."""
    return sum((root / p.lstrip("/")).stat().st_size for p in set(paths) if "/search/indice" in p)


def _first_query(browser: Any, root: Path, url: str, query: str, pause_ms: int) -> dict[str, float]:
    context = browser.new_context(viewport=VIEWPORT)  # an empty cache: nothing downloaded yet
    requested: list[str] = []
    context.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page = context.new_page()
    page.add_init_script(PROBE)
    main = MainThread(page)
    page.goto(url)
    _pointer_over_results(page)
    _settle(page)
    main.lap()
    idle = []
    for _ in range(3):
        page.wait_for_timeout(WAIT_MS)
        _settle(page)
        idle.append(main.lap())
    page.keyboard.press("/")
    page.wait_for_timeout(pause_ms)
    page.keyboard.type(query)
    _settle(page, 0, query)
    frame = page.evaluate("(q) => window.__frames.find((f) => f.q === q)", query)
    keys = page.evaluate("window.__keys")  # "/", then the query's letters
    page.wait_for_timeout(ADDRESS_MS)  # the URL follows once typing pauses
    _settle(page)
    spent = main.lap()
    context.close()
    return {
        "latency": frame["shown"] - keys[1],
        "after_last_key": frame["shown"] - keys[-1],
        "main": spent[0] - statistics.median(i[0] for i in idle),
        "cpu": spent[1] - statistics.median(i[1] for i in idle),
        "bytes": _index_bytes(root, requested),
    }


def measure_search(root: Path, base: str) -> dict[str, Any]:
    """``root`` is served over loopback; the site lives at ``base`` (e.g. /catalogo/) under it."""
    with serve(root) as origin, chromium() as browser:
        url = origin + base + "pratiche/"
        first = [_first_query(browser, root, url, query, 0) for query in FIRST_QUERIES]
        paused = [_first_query(browser, root, url, query, FOCUS_PAUSE_MS) for query in FIRST_QUERIES]

        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.add_init_script(PROBE)
        main = MainThread(page)
        page.goto(url)
        _pointer_over_results(page)
        page.keyboard.press("/")
        for query in QUERIES:  # the shards of every prefix typed load on this first pass
            page.keyboard.press("Control+A")
            for key in ["Backspace", *query] if page.input_value("#q") else query:
                before = page.evaluate("window.__frames.length")
                page.keyboard.press(key)
                _settle(page, before)
        page.wait_for_timeout(ADDRESS_MS)
        _settle(page)
        costs: list[float] = []
        latencies: list[float] = []
        measuring: list[float] = []
        labels: list[str] = []
        main.lap()
        for query in QUERIES:
            for _ in range(3):  # the same wait with no key: the cost of measuring alone
                page.evaluate("window.__frames.length")
                page.wait_for_timeout(WAIT_MS)
                _settle(page)
                measuring.append(main.lap())
            for i, key in enumerate(["Backspace", *query]):
                before = page.evaluate("window.__frames.length")
                if key == "Backspace":
                    page.keyboard.press("Control+A")  # clearing the box: select all, then delete
                page.keyboard.press(key)
                page.wait_for_timeout(WAIT_MS)
                _settle(page, before)
                if i == len(query):  # the query's last key: the URL follows in this lap
                    page.wait_for_timeout(ADDRESS_MS)
                    _settle(page)
                costs.append(main.lap())
                labels.append(f"{query!r} {key}")
                latencies.append(
                    page.evaluate(
                        "(n) => { const f = window.__frames[n]; return f.shown - window.__keys.at(-1); }", before
                    )
                )
        context.close()
    overhead = statistics.median(m[0] for m in measuring)
    cpu_overhead = statistics.median(m[1] for m in measuring)
    cpu = [c[1] - cpu_overhead for c in costs]
    costs = [c[0] - overhead for c in costs]
    return {
        "first_query_ms": statistics.median(f["latency"] for f in first),
        "first_query_after_last_key_ms": statistics.median(f["after_last_key"] for f in first),
        "first_query_main_ms": statistics.median(f["main"] for f in first),
        "first_query_cpu_ms": statistics.median(f["cpu"] for f in first),
        "first_query_bytes": statistics.median(f["bytes"] for f in first),
        "paused_query_ms": statistics.median(f["latency"] for f in paused),
        "paused_query_after_last_key_ms": statistics.median(f["after_last_key"] for f in paused),
        "paused_query_main_ms": statistics.median(f["main"] for f in paused),
        "paused_query_cpu_ms": statistics.median(f["cpu"] for f in paused),
        "keystroke_median_ms": statistics.median(costs),
        "keystroke_p95_ms": percentile(costs, 0.95),
        "keystroke_max_ms": max(costs),
        "keystroke_cpu_median_ms": statistics.median(cpu),
        "keystroke_cpu_p95_ms": percentile(cpu, 0.95),
        "keystroke_latency_median_ms": statistics.median(latencies),
        "keystroke_latency_p95_ms": percentile(latencies, 0.95),
        "keystrokes": len(costs),
        "keystroke_worst": sorted(zip(zip(costs, cpu, strict=True), labels, strict=True))[-5:],
        "measuring_ms": overhead,
        "load": os.getloadavg(),
    }


def report(count: int, result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"practices: {count}",
            f"first query on a fresh page, typed at once right after focusing ({len(FIRST_QUERIES)} queries, "
            f"median): {result['first_query_ms']:.0f} ms from the first letter's keydown to the frame showing its "
            f"results, {result['first_query_after_last_key_ms']:.0f} ms from the last letter's; main thread from "
            f"'/' to settled: {result['first_query_main_ms']:.0f} ms of tasks, {result['first_query_cpu_ms']:.0f} ms "
            f"of CPU; {result['first_query_bytes'] / 1024:.0f} KB of index downloaded",
            f"first query on a fresh page, typed at once {FOCUS_PAUSE_MS} ms after focusing (the downloads focusing "
            f"starts are done): {result['paused_query_ms']:.0f} ms from the first letter, "
            f"{result['paused_query_after_last_key_ms']:.0f} ms from the last; main thread "
            f"{result['paused_query_main_ms']:.0f} ms of tasks, {result['paused_query_cpu_ms']:.0f} ms of CPU",
            f"keystroke, shards loaded ({result['keystrokes']} keystrokes), whole main thread, tasks: "
            f"median {result['keystroke_median_ms']:.1f} ms, p95 {result['keystroke_p95_ms']:.1f} ms, "
            f"max {result['keystroke_max_ms']:.1f} ms (measuring alone: {result['measuring_ms']:.1f} ms, subtracted); "
            f"CPU: median {result['keystroke_cpu_median_ms']:.1f} ms, p95 {result['keystroke_cpu_p95_ms']:.1f} ms",
            "slowest keystrokes (tasks): "
            + ", ".join(f"{label} {ms[0]:.0f} ms" for ms, label in result["keystroke_worst"]),
            f"keystroke latency, keydown to the frame showing its results: "
            f"median {result['keystroke_latency_median_ms']:.0f} ms, p95 {result['keystroke_latency_p95_ms']:.0f} ms",
            "load average at the end (other processes on the machine slow the tasks, not the CPU time): "
            + " ".join(f"{x:.1f}" for x in result["load"]),
        ]
    )


def build(content: Path, out: Path) -> None:
    command = ["build", "--content", str(content), "--out", str(out), "--base-url", "/catalogo/"]
    assert cli(command, stdout=io.StringIO(), stderr=sys.stderr) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument(
        "--site",
        type=Path,
        help="build in this folder and keep it (a corpus already there is reused; the site is built again)",
    )
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
