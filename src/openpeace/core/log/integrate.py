"""Appending entries to a tiled log: the files C2SP tlog-tiles v1 requires at the new size.

Given the log's current size, a way to read its current files, and new entries, this computes
the new root (RFC 9162 §2.1.1) and every tile and entry bundle (c2sp.org/tlog-tiles) that must
be written for the new size. Nothing already written changes: full tiles are immutable, and a
grown partial tile gets a new path (`.p/<W>`). This is a Tessera-style integrator, and pure:
storing the files, and signing a checkpoint for the new root, is the caller's job.

Only the right edge of the old tree is read (its partial tile at each level and its partial
entry bundle). Hashes climb level by level: each level-L tile that becomes full is hashed once
into the next hash of level L+1, so the work is one leaf hash and about one node hash per
entry. The new root is then read from the new tree's tiles, where it only takes the partial
tile of each level, the right edge of the new tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from openpeace.core.log.bundle import BundleError, decode_bundle, encode_bundle
from openpeace.core.log.merkle import hash_leaves, leaf_hash, root_hash, subtree_hash
from openpeace.core.log.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    FileReader,
    Tile,
    TileHashReader,
    entries_path,
    split_hashes,
    tile_path,
)


@dataclass(frozen=True)
class TreeUpdate:
    """The tree after an append: its size, its root, and the files to write (path → bytes)."""

    size: int
    root_hash: bytes
    files: dict[str, bytes]


def update_tiles(size: int, read: FileReader, leaf_hashes: Sequence[bytes]) -> TreeUpdate:
    """Append leaf hashes to the tree of `size` whose tiles `read` returns.

    The result's files are the hash tiles only, every tile that is new at the new size.
    """
    files: dict[str, bytes] = {}
    climbing = leaf_hashes
    level = 0
    while climbing:
        index, width = divmod(size >> (TILE_HEIGHT * level), TILE_WIDTH)
        hashes: list[bytes] = []
        if width:
            edge = Tile(level, index, width)
            hashes = split_hashes(edge, read(edge.path))
        completed: list[bytes] = []
        start = 0
        while start < len(climbing):
            tile = hashes + list(climbing[start : start + TILE_WIDTH - len(hashes)])
            start += TILE_WIDTH - len(hashes)
            files[tile_path(level, index, len(tile))] = b"".join(tile)
            if len(tile) == TILE_WIDTH:
                completed.append(root_hash(tile))
            index, hashes = index + 1, []
        climbing = completed
        level += 1
    new_size = size + len(leaf_hashes)
    tiles = TileHashReader(new_size, lambda path: files[path] if path in files else read(path))
    return TreeUpdate(new_size, subtree_hash(0, new_size, tiles), files)


def update_bundles(size: int, read: FileReader, entries: Sequence[bytes]) -> dict[str, bytes]:
    """The entry bundles to write when `entries` are appended to a log of `size` entries."""
    files: dict[str, bytes] = {}
    index, width = divmod(size, TILE_WIDTH)
    head = read(entries_path(index, width)) if width else b""
    decode_bundle(head, width)
    start = 0
    while start < len(entries):
        bundle = entries[start : start + TILE_WIDTH - width]
        try:
            files[entries_path(index, width + len(bundle))] = head + encode_bundle(bundle)
        except BundleError as error:
            position = start + error.position
            raise BundleError(
                f"log entry {size + position} is too long: {error}", position
            ) from error
        start += len(bundle)
        index, width, head = index + 1, 0, b""
    return files


class _LeafHashes(Sequence[bytes]):
    """The leaf hashes of entries, computed slice by slice as `update_tiles` reads them, so
    each tile's leaves are hashed while its entries are still in the CPU cache."""

    def __init__(self, entries: Sequence[bytes]) -> None:
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return hash_leaves(self._entries[index])
        return leaf_hash(self._entries[index])


def integrate(size: int, read: FileReader, entries: Sequence[bytes]) -> TreeUpdate:
    """Append `entries` to the log of `size`: the new root, tiles and entry bundles."""
    bundles = update_bundles(size, read, entries)
    tree = update_tiles(size, read, _LeafHashes(entries))
    return TreeUpdate(tree.size, tree.root_hash, {**bundles, **tree.files})
