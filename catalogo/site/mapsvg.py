"""/mappa/: Puglia as an inline SVG drawn at build time, Ambiti shaded by number of practices.

The boundaries are the simplified, dissolved GeoJSON files of content/territori/mappa/ (see
scripts/prepare_map.py). No tiles, no external request: the page works offline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAP_DIR = Path("territori") / "mappa"
WIDTH = 800.0
# Shading classes by number of practices (the legend repeats them in words).
CLASSES = ((0, 0, "nessuna pratica"), (1, 1, "1 pratica"), (2, 3, "2 o 3 pratiche"), (4, 10**9, "4 o più pratiche"))


@dataclass(frozen=True)
class Shape:
    key: str  # Ambito name or province abbreviation
    path: str  # SVG path data


@dataclass(frozen=True)
class MapData:
    width: int
    height: int
    ambiti: tuple[Shape, ...]
    province: tuple[Shape, ...]

    def of_ambiti(self, keys: Collection[str]) -> MapData:
        """Only the shapes of these Ambiti (a test catalogue may have fewer than 45)."""
        return MapData(self.width, self.height, tuple(s for s in self.ambiti if s.key in keys), self.province)


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def load_map(content: Path) -> MapData | None:
    """Project both layers to one SVG frame (equirectangular, scaled by the mean latitude)."""
    try:
        layers = {
            name: json.loads((content / MAP_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
            for name in ("ambiti", "province")
        }
    except (OSError, ValueError):
        return None
    points = [pt for f in layers["province"]["features"] for ring in _rings(f["geometry"]) for pt in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    aspect = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * aspect)
    height = (north - south) * scale

    def project(ring: list[list[float]]) -> str:
        coords = [f"{(lon - west) * aspect * scale:.1f},{(north - lat) * scale:.1f}" for lon, lat in ring]
        return "M" + "L".join(coords) + "Z"

    def shapes(layer: dict[str, Any], field: str) -> tuple[Shape, ...]:
        out = [
            Shape(f["properties"][field], "".join(project(r) for r in _rings(f["geometry"]))) for f in layer["features"]
        ]
        return tuple(sorted(out, key=lambda s: s.key))

    return MapData(
        int(WIDTH), int(math.ceil(height)), shapes(layers["ambiti"], "ambito"), shapes(layers["province"], "provincia")
    )


def shade(count: int) -> int:
    """The class (0-3) of a number of practices."""
    return next(i for i, (low, high, _) in enumerate(CLASSES) if low <= count <= high)
