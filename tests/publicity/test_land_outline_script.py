"""scripts/make-land-outline on a tiny hand-made TopoJSON: the arc decoding, the antimeridian
cut, Douglas–Peucker, and the steps of the outline. Offline: nothing is downloaded."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "make-land-outline"


def _load() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("make_land_outline", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


script = _load()

# Two arcs between (-10, -10) and (-8, -8), quantized at 0.5 degree: arc 0 along the south and
# east sides, arc 1 along the west and north sides; the square is arc 0 then arc 1 reversed.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [-10, -10]},
    "arcs": [[[0, 0], [4, 0], [0, 4]], [[0, 0], [0, 4], [4, 0]]],
    "objects": {"land": {"type": "GeometryCollection",
                         "geometries": [{"type": "MultiPolygon", "arcs": [[[0, -2]]]}]}},
}
SQUARE = [(-10.0, -10.0), (-8.0, -10.0), (-8.0, -8.0), (-10.0, -8.0), (-10.0, -10.0)]


def test_arcs_are_summed_scaled_and_translated() -> None:
    assert script.decode_arcs(TOPOLOGY) == [
        [(-10.0, -10.0), (-8.0, -10.0), (-8.0, -8.0)],
        [(-10.0, -10.0), (-10.0, -8.0), (-8.0, -8.0)],
    ]


def test_a_ring_joins_its_arcs_reversing_the_negative_ones() -> None:
    assert script.polygons(TOPOLOGY) == [[SQUARE]]


def test_douglas_peucker_keeps_only_the_points_beyond_the_tolerance() -> None:
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, 0.2), (3.0, 0.5), (4.0, 0.0)]
    assert script.simplify(line, 0.2) == [(0.0, 0.0), (3.0, 0.5), (4.0, 0.0)]
    assert script.simplify(line, 0.6) == [(0.0, 0.0), (4.0, 0.0)]
    # A closed ring: its first and last points are one point, so the farthest is kept first.
    ring = [(0.0, 0.0), (1.0, 0.05), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
    assert script.simplify(ring, 0.2) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0),
                                          (0.0, 0.0)]


def test_a_ring_across_the_antimeridian_is_cut_on_it() -> None:
    fiji = [(-180.0, 0.0), (179.0, 0.0), (179.0, 1.0), (-180.0, 1.0), (-179.0, 1.0),
            (-179.0, 0.0), (-180.0, 0.0)]
    assert script.antimeridian_pieces(fiji) == [
        [(180.0, 0.0), (179.0, 0.0), (179.0, 1.0), (180.0, 1.0), (180.0, 0.0)],
        [(-180.0, 0.0), (-180.0, 1.0), (-179.0, 1.0), (-179.0, 0.0), (-180.0, 0.0)],
    ]
    assert script.antimeridian_pieces(SQUARE) == [SQUARE]
    with pytest.raises(ValueError, match="off it"):
        script.antimeridian_pieces([(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 0.0)])


def test_the_outline_drops_antarctica_and_small_rings_and_rounds() -> None:
    big = [(0.0, 0.0), (3.04, 0.0), (3.0, 1.5), (3.0, 3.0), (0.0, 3.0), (0.0, 0.0)]
    small = [(10.0, 10.0), (10.6, 10.0), (10.6, 10.6), (10.0, 10.6), (10.0, 10.0)]
    antarctic = [(0.0, -70.0), (5.0, -70.0), (5.0, -65.0), (0.0, -70.0)]
    hole = [(1.0, 1.0), (1.0, 2.0), (2.0, 2.0), (2.0, 1.0), (1.0, 1.0)]
    assert script.outline([[big, hole], [small], [antarctic]]) == [[
        [[0.0, 0.0], [3.0, 0.0], [3.0, 3.0], [0.0, 3.0], [0.0, 0.0]],
        [[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 1.0], [1.0, 1.0]],
    ]]


def test_the_feature_is_compact_json_with_the_committed_properties() -> None:
    text = script.feature(TOPOLOGY)
    assert text.endswith("}\n") and ", " not in text.split('"geometry"')[1]
    document = json.loads(text)
    committed = json.loads(script.OUTPUT.read_text(encoding="utf-8"))
    assert list(document) == list(committed) == ["type", "properties", "geometry"]
    assert document["properties"] == committed["properties"]
    assert list(document["properties"]) == list(committed["properties"])
    assert document["geometry"]["coordinates"] == [[[[-10.0, -10.0], [-8.0, -10.0],
                                                      [-8.0, -8.0], [-10.0, -8.0],
                                                      [-10.0, -10.0]]]]


def test_the_integrity_check_refuses_another_tarball() -> None:
    with pytest.raises(ValueError, match="integrity"):
        script.check_integrity(b"not the package")


def test_a_hole_goes_with_the_piece_of_a_cut_ring_that_contains_it() -> None:
    # A ring across the antimeridian, 160°E to 160°W, with a hole east of it: the hole must
    # follow the eastern piece wherever the cut puts it in the list.
    outer = [(-160.0, 0.0), (-180.0, 0.0), (180.0, 0.0), (160.0, 0.0), (160.0, 20.0),
             (180.0, 20.0), (-180.0, 20.0), (-160.0, 20.0), (-160.0, 0.0)]
    hole = [(165.0, 5.0), (175.0, 5.0), (175.0, 15.0), (165.0, 15.0), (165.0, 5.0)]
    polygons = script.outline([[outer, hole]])
    assert len(polygons) == 2
    west, east = sorted(polygons, key=lambda polygon: polygon[0][0][0])
    assert len(west) == 1
    assert len(east) == 2 and east[1] == [list(point) for point in hole]
    assert all(x > 0 for x, _ in east[0] if abs(x) != 180)
