"""The maps' drawing: /mappa/'s Ambiti shaded by number of practices, /rete/'s replications as arcs
(content/maps.py reads the boundaries)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from catalogo.content.maps import Projection
from catalogo.content.records import NetworkLink, Site
from catalogo.content.territories import Comune, Territories, Territorio

# Shading classes by number of practices (the legend repeats them in words).
CLASSES = ((0, 0, "nessuna pratica"), (1, 1, "1 pratica"), (2, 3, "2 o 3 pratiche"), (4, 10**9, "4 o più pratiche"))


def shade(count: int) -> int:
    """The class (0-3) of a number of practices."""
    return next(i for i, (low, high, _) in enumerate(CLASSES) if low <= count <= high)


@dataclass(frozen=True)
class Arc:
    """One replication drawn on the map: from the practice's territory to the replicating one."""

    d: str  # SVG path data: a gentle curve, so that two links between the same places do not overlap
    state: str  # the replication's state: its line's class
    title: str  # what a pointer shows over it


def place(territory: Territorio, territories: Territories) -> tuple[float, float]:
    """Where a territory is (longitude, latitude): a Comune's point in the tables, an Ambito's the mean
    of its Comuni's."""
    if isinstance(territory, Comune):
        return territory.lon, territory.lat
    points = [(c.lon, c.lat) for name in territory.comuni if (c := territories.comuni.get(name))]
    return sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)


def arcs(links: Sequence[NetworkLink], site: Site, projection: Projection) -> list[Arc]:
    """The network's links as curves on the map, bending to the left of their direction."""
    out = []
    for link in links:
        x1, y1 = projection.point(*place(link.origin, site.territories))
        x2, y2 = projection.point(*place(link.target, site.territories))
        dx, dy = x2 - x1, y2 - y1
        cx, cy = round((x1 + x2) / 2 - dy * 0.2, 1), round((y1 + y2) / 2 + dx * 0.2, 1)
        state = link.replica.replica.stato
        title = (
            f"{link.target.denominazione}: {site.label('stato_replica', state).lower()}, "
            f"«{link.practice.titolo}» ({link.origin.denominazione})"
        )
        out.append(Arc(f"M{x1},{y1}Q{cx},{cy} {x2},{y2}", state, title))
    return out
