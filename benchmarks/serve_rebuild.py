"""Dev-server rebuild after a one-file change, at 1,000 synthetic practices.

Run: .venv/bin/python benchmarks/serve_rebuild.py [--count 1000]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import write_synthetic_content  # noqa: E402

from catalogo.serve import Builder, State  # noqa: E402


class Timing(io.StringIO):
    """Collects the 'Ricostruito in X s: what' lines the builder writes."""

    def lines(self) -> list[str]:
        return [line for line in self.getvalue().splitlines() if line.startswith("[")]


def run(count: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = write_synthetic_content(Path(tmp) / "content", count=count)
        state = State()
        log = Timing()
        builder = Builder(content, ROOT / "theme", state, log)
        started = time.perf_counter()
        builder.rebuild()
        print(f"practices: {count}; first build: {time.perf_counter() - started:.2f} s")
        target = sorted((content / "practices").glob("*.md"))[count // 2]
        pages, total = [], []
        for i in range(rounds):
            text = target.read_text(encoding="utf-8")
            target.write_text(text + f"\nUna frase aggiunta alla descrizione, la numero {i}.\n", encoding="utf-8")
            log.seek(0)
            log.truncate()
            started = time.perf_counter()
            builder.rebuild()
            total.append(time.perf_counter() - started)
            first = log.lines()[0]
            pages.append(float(first.split("Ricostruito in ")[1].split(" s")[0]))
        print(f"one-file change, pages served again after: median {statistics.median(pages):.2f} s "
              f"(max {max(pages):.2f} s)")
        print(f"one-file change, search index and pages done after: median {statistics.median(total):.2f} s "
              f"(max {max(total):.2f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    run(options.count, options.rounds)
