"""Where states, territories and armistice lines lie: GeoJSON geometries (RFC 7946).

A situation gives a state or a territory a Point (its capital, its chief town) or a Polygon or
MultiPolygon, in longitude and latitude. The schema checks the shapes and the ranges; this
module checks what a schema cannot (a ring ends where it begins, RFC 7946 §3.1.6) and gives a
map the one point to hang a symbol on.

An armistice's demarcation is given alone, not in a document with a schema, so this module
checks all of it (`demarcation_problems`): the 1917 armistice drew "the front lines", so a
demarcation is a LineString or MultiLineString, or, where the parties agree a neutral zone
between their armies, a Polygon or MultiPolygon; every position a longitude and a latitude in
WGS 84 degrees (RFC 7946 §3.1.1, §4), a line at least two positions (§3.1.4), a ring at least
four, ending where it begins (§3.1.6). It has no members but its type, its coordinates and a
bounding box: it is published as given, and a member a map does not read would be published
unchecked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from openpeace.core.documents import Problem, json_type

Geometry = Mapping[str, Any]
Point = tuple[float, float]
"""(longitude, latitude) in degrees."""

OPEN_RING = "a ring must end where it begins (its last position repeats its first)"
DEMARCATIONS = ("LineString", "MultiLineString", "Polygon", "MultiPolygon")
"""What a demarcation may be: a line, or a zone that is an area."""
_MEMBERS = ("type", "coordinates", "bbox")


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


Check = Callable[[str, object], Iterator[Problem]]


def _coordinate(at: str, value: object, what: str, limit: float | None) -> Iterator[Problem]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        shown = json_type(value) if not isinstance(value, float) else repr(value)
        yield Problem(at, f"{what} is a finite number, not {shown}")
    elif limit is not None and not -limit <= value <= limit:
        yield Problem(at, f"{what} is between -{limit:g} and {limit:g} degrees (WGS 84),"
                          f" not {value!r}")


def _position(at: str, value: object) -> Iterator[Problem]:
    """[longitude, latitude], optionally an altitude (RFC 7946 §3.1.1)."""
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        given = f"an array of {len(value)}" if isinstance(value, list) else json_type(value)
        yield Problem(at, f"a position is [longitude, latitude] or [longitude, latitude,"
                          f" altitude], not {given}")
        return
    yield from _coordinate(f"{at}[0]", value[0], "a longitude", 180)
    yield from _coordinate(f"{at}[1]", value[1], "a latitude", 90)
    if len(value) == 3:
        yield from _coordinate(f"{at}[2]", value[2], "an altitude", None)


def _array(at: str, value: object, rule: str, least: int, each: Check) -> Iterator[Problem]:
    """An array of at least `least` items (as `rule` says), each checked by `each`."""
    if not isinstance(value, list):
        yield Problem(at, f"{rule}, not {json_type(value)}")
    elif len(value) < least:
        yield Problem(at, f"{rule}; this one has {len(value)}")
    else:
        for i, item in enumerate(value):
            yield from each(f"{at}[{i}]", item)


def _line(at: str, value: object) -> Iterator[Problem]:
    yield from _array(at, value, "a line is an array of at least 2 positions", 2, _position)


def _ring(at: str, value: object) -> Iterator[Problem]:
    yield from _array(at, value, "a ring is an array of at least 4 positions", 4, _position)


def _polygon(at: str, value: object) -> Iterator[Problem]:
    yield from _array(at, value, "a polygon is a non-empty array of rings, the outer one first",
                      1, _ring)


_COORDINATES: Mapping[str, Check] = {  # the demarcations, each with its coordinates' check
    "LineString": _line,
    "MultiLineString": lambda at, value: _array(
        at, value, "a MultiLineString's coordinates are a non-empty array of lines", 1, _line),
    "Polygon": _polygon,
    "MultiPolygon": lambda at, value: _array(
        at, value, "a MultiPolygon's coordinates are a non-empty array of polygons", 1, _polygon),
}


def _bbox(at: str, value: object) -> Iterator[Problem]:
    if not isinstance(value, list) or len(value) not in (4, 6):
        yield Problem(at, "a bounding box is an array of 4 or 6 numbers (RFC 7946 §5)")
        return
    for i, number in enumerate(value):
        yield from _coordinate(f"{at}[{i}]", number, "a bounding box's edge", None)


def demarcation_problems(geometry: object, at: str = "geometry") -> list[Problem]:
    """Every reason `geometry` cannot be an armistice's demarcation (the module's docstring),
    each at its path starting at `at`: its members, its type, every position and ring."""
    if not isinstance(geometry, Mapping):
        return [Problem(at, f"a GeoJSON geometry is an object, not {json_type(geometry)}")]
    kind = geometry.get("type")
    check = _COORDINATES.get(kind) if isinstance(kind, str) else None
    if check is None:
        given = repr(kind) if "type" in geometry else "missing"
        if kind == "Feature":
            given += " (give the Feature's \"geometry\" member)"
        return [Problem(f"{at}.type", f"a demarcation is a {', '.join(DEMARCATIONS[:-1])} or"
                                      f" {DEMARCATIONS[-1]}, not {given}")]
    problems = [Problem(at, f"unknown member {name!r}; a geometry has only"
                            f" {', '.join(_MEMBERS)}")
                for name in geometry if name not in _MEMBERS]
    if "coordinates" not in geometry:
        problems.append(Problem(f"{at}.coordinates", "missing"))
    else:
        problems += check(f"{at}.coordinates", geometry["coordinates"])
    if "bbox" in geometry:
        problems += _bbox(f"{at}.bbox", geometry["bbox"])
    if not problems:
        problems += (Problem(f"{at}.{path}", OPEN_RING) for path in open_rings(geometry))
    return problems
