"""Where states and territories lie: the GeoJSON geometries of a situation (RFC 7946).

A situation gives a state or a territory a Point (its capital, its chief town) or a Polygon or
MultiPolygon, in longitude and latitude. The schema checks the shapes and the ranges; this
module checks what a schema cannot (a ring ends where it begins, RFC 7946 §3.1.6) and gives a
map the one point to hang a symbol on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Geometry = Mapping[str, Any]
Point = tuple[float, float]
"""(longitude, latitude) in degrees."""


def _polygons(geometry: Geometry) -> list[tuple[str, Sequence[Any]]]:
    """Each polygon of a geometry with its path inside it; none for a Point."""
    if geometry["type"] == "Polygon":
        return [("coordinates", geometry["coordinates"])]
    if geometry["type"] == "MultiPolygon":
        return [(f"coordinates[{i}]", p) for i, p in enumerate(geometry["coordinates"])]
    return []


def open_rings(geometry: Geometry) -> Iterator[str]:
    """The path of every ring that does not end where it begins."""
    for path, rings in _polygons(geometry):
        for j, ring in enumerate(rings):
            if list(ring[0][:2]) != list(ring[-1][:2]):
                yield f"{path}[{j}]"


def point_of(geometry: Geometry | None) -> Point | None:
    """The point a map hangs a symbol on: a Point itself, or the centre of the box around a
    shape's outer rings (a place to draw, not a claim about the shape); None without one."""
    if not geometry:
        return None
    if geometry["type"] == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat)
    outer = [position for _, rings in _polygons(geometry) for position in rings[0]]
    lons = [float(p[0]) for p in outer]
    lats = [float(p[1]) for p in outer]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
