"""Tile addressing, C2SP tlog-tiles v1 (c2sp.org/tlog-tiles), §Merkle Tree and §Log entries.

- Tiles have height 8: a full tile is 256 consecutive hashes of one tree level, 8,192 bytes.
  Tile N at level L holds MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]) for i in 0..255,
  so level-0 tiles hold leaf hashes and each hash at level L+1 is the root of a full level-L
  tile.
- Paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, where N is written in
  zero-padded 3-digit groups, every group but the last prefixed with `x` (1234067 is
  `x001/x234/067`), and `.p/<W>` marks a partial tile of width W, 1 to 255.
- For a tree of size s, the partial tile of level L has width floor(s / 256^L) mod 256; empty
  tiles never exist. Size 70,000 is 273 full level-0 tiles and `.p/112`, one full level-1
  tile and `.p/17`, and a level-2 `.p/1`.

`TileHashReader` reads any perfect subtree hash out of the tiles of a tree, which is all proof
generation needs (see `merkle.NodeReader`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from openpeace.core.log.errors import LogError
from openpeace.core.log.merkle import HASH_SIZE, root_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63

FileReader = Callable[[str], bytes]
"""`read(path)`: the bytes of a log file such as `tile/0/x001/234.p/5`."""

_PATH = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]?)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


class TileError(LogError):
    """A tile path is malformed, or a tile does not have the size its path says."""


def _encode_index(index: int) -> str:
    """N in zero-padded 3-digit groups, all but the last prefixed with `x`."""
    text = f"{index % 1000:03d}"
    index //= 1000
    while index:
        text = f"x{index % 1000:03d}/{text}"
        index //= 1000
    return text


@dataclass(frozen=True)
class Tile:
    """A hash tile (level, index, width), or the entry bundle beside level-0 tile `index`."""

    level: int
    index: int
    width: int = TILE_WIDTH
    entries: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.level <= MAX_LEVEL or (self.entries and self.level):
            raise TileError(f"no tile level {self.level}")
        if self.index < 0:
            raise TileError(f"no tile index {self.index}")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TileError(f"a tile is 1 to {TILE_WIDTH} wide, not {self.width}")

    @property
    def path(self) -> str:
        """The tile's path, relative to the log's prefix."""
        kind = "entries" if self.entries else str(self.level)
        partial = f".p/{self.width}" if self.width < TILE_WIDTH else ""
        return f"tile/{kind}/{_encode_index(self.index)}{partial}"

    @property
    def first_leaf(self) -> int:
        """The index of the first log entry this tile's hashes (or entries) cover."""
        return self.index << (TILE_HEIGHT * (self.level + 1))


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """`tile/<level>/<index>[.p/<width>]`."""
    return Tile(level, index, width).path


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """`tile/entries/<index>[.p/<width>]`."""
    return Tile(0, index, width, entries=True).path


def parse_tile_path(path: str) -> Tile:
    """The tile or entry bundle at `path`; raises `TileError` unless the path is canonical."""
    match = _PATH.fullmatch(path)
    if match is None:
        raise TileError(f"not a tile path: {path!r}")
    level, index = match["level"], int(match["index"].replace("x", "").replace("/", ""))
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    if level == "entries":
        tile = Tile(0, index, width, entries=True)
    else:
        tile = Tile(int(level), index, width)
    if tile.path != path:
        raise TileError(f"not the canonical form of a tile path: {path!r}")
    return tile


def _level_tiles(size: int, level: int, entries: bool) -> list[Tile]:
    count = size >> (TILE_HEIGHT * level)
    tiles = [Tile(level, index, entries=entries) for index in range(count >> TILE_HEIGHT)]
    if count % TILE_WIDTH:
        tiles.append(Tile(level, count >> TILE_HEIGHT, count % TILE_WIDTH, entries))
    return tiles


def hash_tiles(size: int) -> list[Tile]:
    """Every hash tile of the tree of `size`, level by level, full tiles then the partial."""
    tiles: list[Tile] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        tiles += _level_tiles(size, level, entries=False)
        level += 1
    return tiles


def entry_bundles(size: int) -> list[Tile]:
    """Every entry bundle of a log of `size` entries, full bundles then the partial."""
    return _level_tiles(size, 0, entries=True)


def split_hashes(tile: Tile, data: bytes) -> list[bytes]:
    """The hashes of a tile's bytes; raises `TileError` if it is not `width` hashes long."""
    if len(data) != tile.width * HASH_SIZE:
        raise TileError(f"{tile.path} is {len(data)} bytes, not {tile.width * HASH_SIZE}")
    return [data[start : start + HASH_SIZE] for start in range(0, len(data), HASH_SIZE)]


class TileHashReader:
    """A `merkle.NodeReader` over the tiles of the tree of `size`, read through `read`.

    A node at tree level 8·L + r is the root of 2**r consecutive hashes of a level-L tile.
    Tiles are read once each and kept.
    """

    def __init__(self, size: int, read: FileReader) -> None:
        self._size = size
        self._read = read
        self._tiles: dict[tuple[int, int], list[bytes]] = {}

    def tile_hashes(self, level: int, index: int) -> list[bytes]:
        """The hashes of tile (level, index) as it is in the tree of this reader's size."""
        hashes = self._tiles.get((level, index))
        if hashes is None:
            count = self._size >> (TILE_HEIGHT * level)
            tile = Tile(level, index, min(TILE_WIDTH, count - index * TILE_WIDTH))
            hashes = self._tiles[level, index] = split_hashes(tile, self._read(tile.path))
        return hashes

    def __call__(self, level: int, index: int) -> bytes:
        if level < 0 or index < 0 or (index + 1) << level > self._size:
            raise TileError(f"no perfect subtree ({level}, {index}) in a tree of {self._size}")
        tile_level, sublevel = divmod(level, TILE_HEIGHT)
        tile_index, offset = divmod(index << sublevel, TILE_WIDTH)
        hashes = self.tile_hashes(tile_level, tile_index)
        return root_hash(hashes[offset : offset + (1 << sublevel)])
