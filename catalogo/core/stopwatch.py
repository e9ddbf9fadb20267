"""Stage timings for 'build --tempi' and the benchmarks: where a build spends its time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Stopwatch:
    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []

    @contextmanager
    def lap(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.laps.append((name, time.perf_counter() - started))

    def report(self) -> str:
        width = max((len(name) for name, _ in self.laps), default=0)
        return "".join(f"  {name:<{width}}  {seconds:6.2f} s\n" for name, seconds in self.laps)
