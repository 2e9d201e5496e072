"""The integrator: appending entries yields exactly the tiles and bundles of the new size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.log.bundle import BundleError, decode_bundle
from openpeace.core.log.integrate import _LeafHashes, integrate, update_tiles
from openpeace.core.log.merkle import EMPTY_ROOT, hash_leaves, root_hash
from openpeace.core.log.tiles import TileError, entry_bundles, hash_tiles, split_hashes

ENTRIES = [b"act %d: " % n + b"x" * (n % 50) for n in range(70_001)]
LEAVES = hash_leaves(ENTRIES)


class Storage(dict[str, bytes]):
    """Log files by path, recording what the integrator reads and refusing to overwrite."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def read(self, path: str) -> bytes:
        self.reads.append(path)
        return self[path]

    def store(self, files: dict[str, bytes]) -> None:
        for path, data in files.items():
            assert self.get(path, data) == data, f"{path} would change"
            self[path] = data


def grown(size: int) -> Storage:
    """The storage of a log of `size` entries, integrated in one call."""
    storage = Storage()
    storage.store(integrate(0, storage.read, ENTRIES[:size]).files)
    storage.reads.clear()
    return storage


def expected_files(size: int) -> set[str]:
    return {tile.path for tile in hash_tiles(size) + entry_bundles(size)}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=700), min_size=1, max_size=12))
def test_any_batching_yields_the_tiles_and_root_of_one_integration(batches: list[int]) -> None:
    storage, size = Storage(), 0
    for batch in batches:
        update = integrate(size, storage.read, ENTRIES[size : size + batch])
        storage.store(update.files)
        assert update.size == size + batch
        size = update.size
        assert update.root_hash == root_hash(LEAVES[:size])
    whole = integrate(0, Storage().read, ENTRIES[:size])
    assert set(whole.files) == expected_files(size)
    for path, data in whole.files.items():
        assert storage[path] == data


@pytest.mark.parametrize(
    ("old", "new", "written"),
    [
        (0, 0, set()),
        (0, 1, {"tile/0/000.p/1", "tile/entries/000.p/1"}),
        (70_000, 70_001, {"tile/0/273.p/113", "tile/entries/273.p/113"}),
        (65_535, 65_536, {"tile/0/255", "tile/entries/255", "tile/1/000", "tile/2/000.p/1"}),
        (
            255,
            513,
            {
                "tile/0/000",
                "tile/0/001",
                "tile/0/002.p/1",
                "tile/1/000.p/2",
                "tile/entries/000",
                "tile/entries/001",
                "tile/entries/002.p/1",
            },
        ),
    ],
)
def test_exactly_the_new_files_are_written_and_only_the_edge_is_read(
    old: int, new: int, written: set[str]
) -> None:
    storage = grown(old)
    update = integrate(old, storage.read, ENTRIES[old:new])
    assert set(update.files) == written
    assert set(update.files) <= expected_files(new)
    assert update.size == new
    assert update.root_hash == root_hash(LEAVES[:new])
    edge = {t.path for t in hash_tiles(old) + entry_bundles(old) if t.width < 256}
    assert set(storage.reads) <= edge


def test_the_empty_log_has_the_empty_root() -> None:
    update = integrate(0, Storage().read, [])
    assert (update.size, update.root_hash, update.files) == (0, EMPTY_ROOT, {})


def test_the_bundles_hold_the_entries_and_the_tiles_their_hashes() -> None:
    update = integrate(0, Storage().read, ENTRIES[:600])
    assert decode_bundle(update.files["tile/entries/001"], 256) == ENTRIES[256:512]
    assert decode_bundle(update.files["tile/entries/002.p/88"], 88) == ENTRIES[512:600]
    level0 = split_hashes(hash_tiles(600)[1], update.files["tile/0/001"])
    assert level0 == LEAVES[256:512]
    level1 = update.files["tile/1/000.p/2"]
    assert level1 == root_hash(LEAVES[:256]) + root_hash(LEAVES[256:512])


def test_update_tiles_alone_writes_no_bundles() -> None:
    storage = grown(300)
    update = update_tiles(300, storage.read, LEAVES[300:700])
    assert update.root_hash == root_hash(LEAVES[:700])
    assert all(not path.startswith("tile/entries/") for path in update.files)


def test_a_corrupt_edge_is_refused() -> None:
    storage = grown(300)
    storage["tile/0/001.p/44"] = storage["tile/0/001.p/44"][:-32]
    with pytest.raises(TileError, match="1376 bytes, not 1408"):
        integrate(300, storage.read, ENTRIES[300:301])
    storage = grown(300)
    storage["tile/entries/001.p/44"] += b"\x00\x00"
    with pytest.raises(BundleError, match="holds 45 entries, not 44"):
        integrate(300, storage.read, ENTRIES[300:301])


def test_an_entry_too_long_for_a_bundle_is_refused_with_its_log_index() -> None:
    storage = grown(300)
    batch = [b"fine", b"x" * 65_536, b"fine"]
    with pytest.raises(BundleError, match="log entry 301 is too long") as raised:
        integrate(300, storage.read, batch)
    assert raised.value.position == 1


def test_the_lazy_leaf_hashes_are_the_sequence_of_leaf_hashes() -> None:
    lazy = _LeafHashes(ENTRIES[:300])
    assert len(lazy) == 300
    assert lazy[299] == LEAVES[299]
    assert lazy[10:20] == LEAVES[10:20]
    assert list(lazy) == LEAVES[:300]
