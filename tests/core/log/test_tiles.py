"""C2SP tlog-tiles: tile paths, which tiles a tree has, and proofs read from tiles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.log.integrate import update_tiles
from openpeace.core.log.merkle import (
    consistency_proof,
    hash_leaves,
    inclusion_proof,
    memory_reader,
    subtree_hash,
)
from openpeace.core.log.tiles import (
    MAX_LEVEL,
    TILE_WIDTH,
    Tile,
    TileError,
    TileHashReader,
    entries_path,
    entry_bundles,
    hash_tiles,
    parse_tile_path,
    tile_path,
)

LEAVES = hash_leaves(n.to_bytes(4, "big") for n in range(70_000))
NO_FILES: dict[str, bytes] = {}

tiles = st.builds(
    Tile,
    st.integers(min_value=0, max_value=MAX_LEVEL),
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=1, max_value=TILE_WIDTH),
)
bundles = st.builds(
    lambda index, width: Tile(0, index, width, entries=True),
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=1, max_value=TILE_WIDTH),
)


def test_the_specification_path_examples() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert parse_tile_path("tile/0/x001/234.p/5") == Tile(0, 1234, 5)
    assert tile_path(0, 1234, 5) == "tile/0/x001/234.p/5"
    assert tile_path(3, 0) == "tile/3/000"
    assert entries_path(1000) == "tile/entries/x001/000"
    assert entries_path(7, 255) == "tile/entries/007.p/255"
    assert parse_tile_path("tile/entries/x001/x234/067.p/9") == Tile(0, 1234067, 9, entries=True)


@given(tiles | bundles)
def test_every_tile_path_parses_back(tile: Tile) -> None:
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/x000/001",  # not canonical: a leading zero group
        "tile/00/000",
        "tile/64/000",
        "tile/0/1234",
        "tile/0/01",
        "tile/0/x001",
        "tile/0/001/234",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/07",
        "tile/0/000.p/",
        "tile/0/000/",
        "/tile/0/000",
        "tile/entries/x1/000",
        "tile/data/000",
        "tile/8/0/000",  # the Go sumdb layout, with the height in the path
        "tile/0/000.P/5",
    ],
)
def test_malformed_tile_paths_are_rejected(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def test_tiles_are_built_only_from_valid_parts() -> None:
    for level, index, width in ((64, 0, 1), (-1, 0, 1), (0, -1, 1), (0, 0, 0), (0, 0, 257)):
        with pytest.raises(TileError):
            Tile(level, index, width)
    with pytest.raises(TileError):
        Tile(1, 0, entries=True)


@pytest.mark.parametrize(
    ("size", "paths"),
    [
        (0, []),
        (1, ["tile/0/000.p/1"]),
        (255, ["tile/0/000.p/255"]),
        (256, ["tile/0/000", "tile/1/000.p/1"]),
        (257, ["tile/0/000", "tile/0/001.p/1", "tile/1/000.p/1"]),
        (65536, [*(f"tile/0/{n:03d}" for n in range(256)), "tile/1/000", "tile/2/000.p/1"]),
    ],
)
def test_the_tiles_of_small_trees(size: int, paths: list[str]) -> None:
    assert [tile.path for tile in hash_tiles(size)] == paths


def test_the_tiles_of_the_specification_example_size_70000() -> None:
    by_level: dict[int, list[Tile]] = {}
    for tile in hash_tiles(70_000):
        by_level.setdefault(tile.level, []).append(tile)
    assert sorted(by_level) == [0, 1, 2]
    assert [t.width for t in by_level[0]] == [256] * 273 + [112]
    assert [t.width for t in by_level[1]] == [256, 17]
    assert [t.width for t in by_level[2]] == [1]
    assert by_level[0][-1].path == "tile/0/273.p/112"
    assert by_level[1][-1].path == "tile/1/001.p/17"
    bundles = entry_bundles(70_000)
    assert len(bundles) == 274
    assert bundles[-1].path == "tile/entries/273.p/112"


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=2**21))
def test_the_tiles_of_a_level_cover_its_hashes_exactly(size: int) -> None:
    listed = hash_tiles(size)
    for level in range(6):
        widths = [tile.width for tile in listed if tile.level == level]
        assert sum(widths) == size >> (8 * level)
        assert all(width == TILE_WIDTH for width in widths[:-1])
        assert [t.index for t in listed if t.level == level] == list(range(len(widths)))
    assert sum(bundle.width for bundle in entry_bundles(size)) == size


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=len(LEAVES)), st.data())
def test_proofs_read_from_tiles_equal_proofs_from_the_leaves(
    size: int, data: st.DataObject
) -> None:
    update = update_tiles(0, NO_FILES.__getitem__, LEAVES[:size])
    from_tiles = TileHashReader(size, update.files.__getitem__)
    from_leaves = memory_reader(LEAVES[:size])
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old = data.draw(st.integers(min_value=0, max_value=size))
    assert subtree_hash(0, size, from_tiles) == update.root_hash
    assert inclusion_proof(index, size, from_tiles) == inclusion_proof(index, size, from_leaves)
    assert consistency_proof(old, size, from_tiles) == consistency_proof(old, size, from_leaves)


@pytest.mark.parametrize("size", [256, 257, 65_535, 65_536, 65_537, 70_000])
def test_proofs_read_from_tiles_at_tile_boundaries(size: int) -> None:
    update = update_tiles(0, NO_FILES.__getitem__, LEAVES[:size])
    from_tiles = TileHashReader(size, update.files.__getitem__)
    from_leaves = memory_reader(LEAVES[:size])
    for index in (0, 255, 256, size // 2, size - 1):
        if index < size:
            assert inclusion_proof(index, size, from_tiles) == inclusion_proof(
                index, size, from_leaves
            )
    for old in (1, 255, 256, 65_536, size - 1):
        if old < size:
            assert consistency_proof(old, size, from_tiles) == consistency_proof(
                old, size, from_leaves
            )


def test_the_tile_reader_checks_what_it_reads() -> None:
    update = update_tiles(0, NO_FILES.__getitem__, LEAVES[:300])
    reader = TileHashReader(300, update.files.__getitem__)
    assert reader.tile_hashes(0, 1) == LEAVES[256:300]
    with pytest.raises(TileError, match="no perfect subtree"):
        reader(2, 75)
    truncated = {**update.files, "tile/0/001.p/44": update.files["tile/0/001.p/44"][:-1]}
    with pytest.raises(TileError, match="is 1407 bytes, not 1408"):
        TileHashReader(300, truncated.__getitem__)(0, 299)
