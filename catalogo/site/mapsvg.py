"""/mappa/: the Ambiti shaded by number of practices (content/maps.py reads the boundaries)."""

from __future__ import annotations

# Shading classes by number of practices (the legend repeats them in words).
CLASSES = ((0, 0, "nessuna pratica"), (1, 1, "1 pratica"), (2, 3, "2 o 3 pratiche"), (4, 10**9, "4 o più pratiche"))


def shade(count: int) -> int:
    """The class (0-3) of a number of practices."""
    return next(i for i, (low, high, _) in enumerate(CLASSES) if low <= count <= high)
