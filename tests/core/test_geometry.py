"""Geometries: an armistice's demarcation, a line or an area in WGS 84 (RFC 7946)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.documents import Problem
from openpeace.core.geometry import OPEN_RING, demarcation_problems, open_rings

longitudes = st.floats(-180, 180) | st.integers(-180, 180)
latitudes = st.floats(-90, 90) | st.integers(-90, 90)
positions = st.builds(lambda lon, lat: [lon, lat], longitudes, latitudes) | st.builds(
    lambda lon, lat, alt: [lon, lat, alt], longitudes, latitudes, st.floats(-500, 9000)
)
lines = st.lists(positions, min_size=2, max_size=6)
rings = st.lists(positions, min_size=3, max_size=6).map(lambda ring: [*ring, list(ring[0])])
polygons = st.lists(rings, min_size=1, max_size=3)
demarcations = st.one_of(
    st.builds(lambda c: {"type": "LineString", "coordinates": c}, lines),
    st.builds(lambda c: {"type": "MultiLineString", "coordinates": c},
              st.lists(lines, min_size=1, max_size=3)),
    st.builds(lambda c: {"type": "Polygon", "coordinates": c}, polygons),
    st.builds(lambda c: {"type": "MultiPolygon", "coordinates": c},
              st.lists(polygons, min_size=1, max_size=3)),
)
areas = demarcations.filter(lambda g: g["type"] in ("Polygon", "MultiPolygon"))

# The front of 17 December 1917, roughly: from the Gulf of Riga to the mouth of the Danube.
FRONT_1917 = {"type": "LineString",
              "coordinates": [[23.9, 57.0], [26.5, 55.9], [25.3, 52.1], [26.0, 48.3], [29.7, 45.3]]}


def position_paths(value: Any, path: str = "coordinates") -> list[str]:
    """The path of every position in a geometry's coordinates."""
    if value and isinstance(value[0], int | float):
        return [path]
    return [p for i, item in enumerate(value) for p in position_paths(item, f"{path}[{i}]")]


def at_path(geometry: dict[str, Any], path: str) -> list[Any]:
    found: Any = geometry["coordinates"]
    for index in path.removeprefix("coordinates[").removesuffix("]").split("]["):
        found = found[int(index)]
    assert isinstance(found, list)
    return found


def test_the_1917_front_is_a_demarcation() -> None:
    assert demarcation_problems(FRONT_1917) == []
    assert demarcation_problems({**FRONT_1917, "bbox": [23.9, 45.3, 29.7, 57.0]}) == []


@given(geometry=demarcations)
def test_every_line_or_area_in_range_is_a_demarcation(geometry: dict[str, Any]) -> None:
    assert demarcation_problems(geometry, at="demarcation_geometry") == []
    assert list(open_rings(geometry)) == []


@given(geometry=demarcations, data=st.data(), axis=st.sampled_from([0, 1]),
       beyond=st.floats(0.001, 1e6), sign=st.sampled_from([-1, 1]))
def test_a_coordinate_beyond_wgs84_is_refused_at_its_path(
    geometry: dict[str, Any], data: st.DataObject, axis: int, beyond: float, sign: int
) -> None:
    path = data.draw(st.sampled_from(position_paths(geometry["coordinates"])))
    limit = (180, 90)[axis]
    at_path(geometry, path)[axis] = sign * (limit + beyond)
    problems = demarcation_problems(geometry, at="g")
    what = ("a longitude", "a latitude")[axis]
    assert [p.path for p in problems] == [f"g.{path}[{axis}]"]
    assert problems[0].message.startswith(
        f"{what} is between -{limit} and {limit} degrees (WGS 84), not "
    )


@given(geometry=demarcations, data=st.data(),
       bad=st.sampled_from([math.nan, math.inf, -math.inf, True, "23.9", None]))
def test_a_coordinate_that_is_not_a_finite_number_is_refused(
    geometry: dict[str, Any], data: st.DataObject, bad: object
) -> None:
    path = data.draw(st.sampled_from(position_paths(geometry["coordinates"])))
    axis = data.draw(st.sampled_from([0, 1]))
    at_path(geometry, path)[axis] = bad
    [problem] = demarcation_problems(geometry)
    assert problem.path == f"geometry.{path}[{axis}]"
    assert "is a finite number, not" in problem.message


@given(geometry=areas, data=st.data(), shift=st.floats(0.5, 10))
def test_a_ring_that_does_not_close_is_refused_at_the_ring(
    geometry: dict[str, Any], data: st.DataObject, shift: float
) -> None:
    path = data.draw(st.sampled_from(position_paths(geometry["coordinates"])))
    ring_path = path.rsplit("[", 1)[0]
    ring: list[list[float]] = at_path(geometry, ring_path)
    lon, lat = ring[0][0], ring[0][1]
    ring[-1] = [lon + shift if lon < 0 else lon - shift, lat]
    assert demarcation_problems(geometry) == [Problem(f"geometry.{ring_path}", OPEN_RING)]


@given(geometry=demarcations)
def test_a_point_or_a_feature_is_not_a_demarcation(geometry: dict[str, Any]) -> None:
    for wrong in ({"type": "Point", "coordinates": [23.9, 57.0]},
                  {"type": "Feature", "geometry": geometry, "properties": {}},
                  {"type": "GeometryCollection", "geometries": [geometry]}):
        [problem] = demarcation_problems(wrong)
        assert problem.path == "geometry.type"
        assert problem.message.startswith(
            "a demarcation is a LineString, MultiLineString, Polygon or MultiPolygon, not "
            f"{wrong['type']!r}"
        )


@pytest.mark.parametrize(("geometry", "problems"), [
    ("LINESTRING(23.9 57, 29.7 45.3)",
     ["d: a GeoJSON geometry is an object, not a string"]),
    ({"coordinates": [[0, 0], [1, 1]]},
     ["d.type: a demarcation is a LineString, MultiLineString, Polygon or MultiPolygon,"
      " not missing"]),
    ({"type": "LineString"}, ["d.coordinates: missing"]),
    ({"type": "LineString", "coordinates": [[23.9, 57.0]]},
     ["d.coordinates: a line is an array of at least 2 positions; this one has 1"]),
    ({"type": "LineString", "coordinates": [[57.0], [1, 2, 3, 4], {"lon": 1}]},
     ["d.coordinates[0]: a position is [longitude, latitude] or [longitude, latitude, altitude],"
      " not an array of 1",
      "d.coordinates[1]: a position is [longitude, latitude] or [longitude, latitude, altitude],"
      " not an array of 4",
      "d.coordinates[2]: a position is [longitude, latitude] or [longitude, latitude, altitude],"
      " not an object"]),
    ({"type": "MultiLineString", "coordinates": []},
     ["d.coordinates: a MultiLineString's coordinates are a non-empty array of lines; this one"
      " has 0"]),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
     ["d.coordinates[0]: a ring is an array of at least 4 positions; this one has 3"]),
    ({"type": "MultiPolygon", "coordinates": [[]]},
     ["d.coordinates[0]: a polygon is a non-empty array of rings, the outer one first; this one"
      " has 0"]),
    ({**FRONT_1917, "crs": {"type": "name"}, "bbox": [1, 2]},
     ["d: unknown member 'crs'; a geometry has only type, coordinates, bbox",
      "d.bbox: a bounding box is an array of 4 or 6 numbers (RFC 7946 §5)"]),
    ({"type": "LineString", "coordinates": [[200, 57.0], [26.5, -91]]},
     ["d.coordinates[0][0]: a longitude is between -180 and 180 degrees (WGS 84), not 200",
      "d.coordinates[1][1]: a latitude is between -90 and 90 degrees (WGS 84), not -91"]),
])
def test_every_problem_is_named_at_its_path(geometry: object, problems: list[str]) -> None:
    assert [str(p) for p in demarcation_problems(geometry, at="d")] == problems
