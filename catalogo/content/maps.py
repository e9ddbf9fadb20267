"""The map of Puglia: the boundaries of the Ambiti and the provinces, read from the simplified,
dissolved GeoJSON files of content/territori/mappa/ (scripts/prepare_map.py makes them) and
projected once to an SVG frame; /mappa/ and the volumes' covers draw them inline (no tiles, no
external request). A file that is not such a layer is a problem at that file, as any content is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogo.content.documents import display_path
from catalogo.core.diagnostics import Diagnostic

MAP_DIR = Path("territori") / "mappa"
WIDTH = 800.0


@dataclass(frozen=True)
class Shape:
    key: str  # Ambito name or province abbreviation
    path: str  # SVG path data


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to the SVG frame: equirectangular, scaled by the mean latitude."""

    west: float
    north: float
    aspect: float
    scale: float

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.west) * self.aspect * self.scale, 1), round((self.north - lat) * self.scale, 1))


@dataclass(frozen=True)
class MapData:
    width: int
    height: int
    ambiti: tuple[Shape, ...]
    province: tuple[Shape, ...]
    projection: Projection | None = None  # where a place of the tables goes on the map

    def of_ambiti(self, keys: Collection[str]) -> MapData:
        """Only the shapes of these Ambiti (a test catalogue may have fewer than 45)."""
        shapes = tuple(s for s in self.ambiti if s.key in keys)
        return MapData(self.width, self.height, shapes, self.province, self.projection)


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


class _NotALayer(Exception):
    """A GeoJSON file without the features, geometries or names a map layer needs."""


def _layer(path: Path, field: str) -> list[tuple[str, list[list[list[float]]]]]:
    """Each feature's name (its ``field`` property) and rings; raises _NotALayer."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
        out = [(str(f["properties"][field]), list(_rings(f["geometry"]))) for f in features]
        for _, rings in out:
            for ring in rings:
                for lon, lat in ring:
                    float(lon), float(lat)
    except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as exc:
        raise _NotALayer(f"{type(exc).__name__}: {exc}"[:160]) from None
    if not out:
        raise _NotALayer("nessun territorio")
    return out


def load_map(content: Path) -> tuple[MapData | None, list[Diagnostic]]:
    """Project both layers to one SVG frame (equirectangular, scaled by the mean latitude). No map
    files: no map (a test catalogue may have none); a file that is not a map layer: a problem."""
    files = {name: content / MAP_DIR / f"{name}.geojson" for name in ("ambiti", "province")}
    if not all(f.is_file() for f in files.values()):
        return None, []
    layers = {}
    for (name, path), field in zip(files.items(), ("ambito", "provincia"), strict=True):
        try:
            layers[name] = _layer(path, field)
        except _NotALayer as exc:
            return None, [
                Diagnostic(
                    display_path(path),
                    1,
                    1,
                    "",
                    f"il file non è uno strato della mappa ({exc}): rigeneralo con scripts/prepare_map.py",
                )
            ]
    points = [pt for _, rings in layers["province"] for ring in rings for pt in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    aspect = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * aspect)
    height = (north - south) * scale

    projection = Projection(west, north, aspect, scale)

    def project(ring: list[list[float]]) -> str:
        return "M" + "L".join("{},{}".format(*projection.point(lon, lat)) for lon, lat in ring) + "Z"

    def shapes(layer: list[tuple[str, list[list[list[float]]]]]) -> tuple[Shape, ...]:
        return tuple(
            sorted((Shape(key, "".join(project(r) for r in rings)) for key, rings in layer), key=lambda s: s.key)
        )

    size = (int(WIDTH), int(math.ceil(height)))
    return MapData(*size, shapes(layers["ambiti"]), shapes(layers["province"]), projection), []
