"""Stage timings for 'build --tempi' and the benchmarks: where a build spends its time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from catalogo.core.text import count_it


class Stopwatch:
    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        # Per kind of task, per side (this process or the workers): how many, and their seconds.
        self.tasks: dict[str, dict[bool, tuple[int, float]]] = {}

    def task(self, kind: str, here: bool, seconds: float) -> None:
        """A task of the build made ``here`` or in a worker: the two sides of the work, side by side."""
        sides = self.tasks.setdefault(kind, {})
        count, total = sides.get(here, (0, 0.0))
        sides[here] = (count + 1, total + seconds)

    @contextmanager
    def lap(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.laps.append((name, time.perf_counter() - started))

    def report(self) -> str:
        width = max((len(name) for name in [*(name for name, _ in self.laps), *self.tasks]), default=0)
        laps = "".join(f"  {name:<{width}}  {seconds:6.2f} s\n" for name, seconds in self.laps)
        if not self.tasks:
            return laps
        return (
            laps
            + "Compiti, tempo di CPU in questo processo; negli altri processi:\n"
            + "".join(
                f"  {kind:<{width}}  {_side(sides.get(True))}; {_side(sides.get(False))}\n"
                for kind, sides in self.tasks.items()
            )
        )


def _side(tasks: tuple[int, float] | None) -> str:
    count, seconds = tasks or (0, 0.0)
    return f"{count_it(count, 'compito', 'compiti'):>11} {seconds:6.2f} s"
