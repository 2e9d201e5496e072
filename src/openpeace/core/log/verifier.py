"""A standalone verifier of a whole tiled log (C2SP tlog-tiles v1, tlog-checkpoint v1).

`verify_log` reads a log through a `LogSource` and checks everything it publishes:

1. the checkpoint is a signed note (c2sp.org/signed-note) from one of the given keys;
2. the entry bundles hold exactly the entries the checkpoint's size calls for, and the Merkle
   tree rebuilt from them (RFC 9162 §2.1.1) has the checkpoint's root hash;
3. every hash tile the log serves for that size is byte for byte the rebuilt one;
4. given a checkpoint seen earlier, the log only grew since: a consistency proof is computed
   from the tiles and checked against both roots (RFC 9162 §2.1.4).

On a mismatch it says where: `BadEntryError` names the first entry whose bytes do not hash to
what the log committed to, `BadTileError` the first tile (or entry bundle) that disagrees with
the entries or does not decode. The log's own tiles decide which side is at fault: if they
rebuild the signed root, they are authentic and the first entry that disagrees with them was
altered.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import NoReturn

from openpeace.core.log.bundle import BundleError, decode_bundle
from openpeace.core.log.checkpoint import Checkpoint, open_checkpoint
from openpeace.core.log.errors import LogError
from openpeace.core.log.integrate import update_tiles
from openpeace.core.log.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    ProofError,
    consistency_proof,
    hash_leaves,
    verify_consistency,
)
from openpeace.core.log.note import Verifier
from openpeace.core.log.source import LogSource
from openpeace.core.log.tiles import (
    TILE_WIDTH,
    TileError,
    TileHashReader,
    entry_bundles,
    hash_tiles,
    split_hashes,
)

Progress = Callable[[int, int], None]
"""`progress(entries_verified, entries_total)`, called as the entries are rebuilt."""
EntryReader = Callable[[int, list[bytes]], None]
"""`read(first_index, entries)`: shown each bundle's entries as they are verified."""

_BUNDLES_PER_STEP = 64


class VerificationError(LogError):
    """The log does not match its checkpoint, or its history."""


class BadEntryError(VerificationError):
    """Entry `index` is not what the log committed to."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"entry {index}: {reason}")
        self.index = index


class BadTileError(VerificationError):
    """The tile at `path` is not what the log's entries and checkpoint imply."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path


class InconsistentLogError(VerificationError):
    """The log's current checkpoint does not extend the one seen before: a fork, or a rewrite."""


@dataclass(frozen=True)
class VerificationReport:
    """What was checked: the checkpoint (and its signed note, to keep as the next run's
    previous checkpoint), how many files, and the proof from the previous checkpoint."""

    checkpoint: Checkpoint
    note: bytes
    bundles: int
    tiles: int
    previous_size: int | None
    consistency_proof: tuple[bytes, ...]


def _prefetch(
    pool: ThreadPoolExecutor, source: LogSource, paths: Iterable[str], window: int
) -> Iterator[bytes]:
    """The files at `paths`, in order, with up to `window` reads running ahead."""
    pending: deque[Future[bytes]] = deque()
    for path in paths:
        pending.append(pool.submit(source.read, path))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _rebuild(
    pool: ThreadPoolExecutor, source: LogSource, size: int, progress: Progress | None,
    reader: EntryReader | None,
) -> tuple[bytes, dict[str, bytes]]:
    """Hash every entry bundle into the tree of `size`: its root, and its tiles by path.
    `reader`, if given, sees every bundle's entries (with the index of the first) as they are
    hashed, so the entries it reads are exactly those verified."""
    tiles: dict[str, bytes] = {}
    root, done, leaves = EMPTY_ROOT, 0, []
    bundles = entry_bundles(size)
    contents = _prefetch(pool, source, (bundle.path for bundle in bundles), _BUNDLES_PER_STEP)
    for number, (bundle, data) in enumerate(zip(bundles, contents, strict=True), 1):
        try:
            entries = decode_bundle(data, bundle.width)
        except BundleError as error:
            raise BadTileError(bundle.path, f"does not decode: {error}") from error
        if reader is not None:
            reader(bundle.index * TILE_WIDTH, entries)
        leaves += hash_leaves(entries)
        if number % _BUNDLES_PER_STEP == 0 or number == len(bundles):
            update = update_tiles(done, tiles.__getitem__, leaves)
            tiles.update(update.files)
            root, done, leaves = update.root_hash, update.size, []
            if progress is not None:
                progress(done, size)
    return root, tiles


def _first_difference(left: bytes, right: bytes) -> int:
    """The position of the first hash that differs between two tiles' bytes."""
    return next(
        position
        for position in range(max(len(left), len(right)) // HASH_SIZE)
        if left[position * HASH_SIZE : (position + 1) * HASH_SIZE]
        != right[position * HASH_SIZE : (position + 1) * HASH_SIZE]
    )


def _locate(
    checkpoint: Checkpoint, rebuilt: dict[str, bytes], served: dict[str, bytes]
) -> NoReturn:
    """The entries do not rebuild the signed root: raise the error that names where they part
    ways with the log's tiles."""
    tiles = hash_tiles(checkpoint.size)
    differing = [tile for tile in tiles if served[tile.path] != rebuilt[tile.path]]
    if not differing:
        raise VerificationError(
            "the entries and the log's tiles agree, but not with the checkpoint's root hash"
        )
    first = differing[0]
    served_leaves: list[bytes] = []
    for tile in tiles[: len(entry_bundles(checkpoint.size))]:
        try:
            served_leaves += split_hashes(tile, served[tile.path])
        except TileError as error:
            raise BadTileError(tile.path, str(error)) from error
    nothing: dict[str, bytes] = {}
    if update_tiles(0, nothing.__getitem__, served_leaves).root_hash == checkpoint.root_hash:
        position = first.first_leaf + _first_difference(served[first.path], rebuilt[first.path])
        raise BadEntryError(
            position, f"its bytes do not hash to the leaf hash in {first.path}, which is signed"
        )
    raise BadTileError(
        first.path,
        f"disagrees with the entries from {first.first_leaf} on, and neither matches the "
        "checkpoint's root hash",
    )


def _check_consistency(
    previous: Checkpoint | None, checkpoint: Checkpoint, served: dict[str, bytes]
) -> tuple[bytes, ...]:
    """The consistency proof from `previous` to `checkpoint`, computed from tiles and checked."""
    if previous is None:
        return ()
    if previous.size > checkpoint.size:
        raise InconsistentLogError(
            f"the log shrank from {previous.size} entries to {checkpoint.size}"
        )
    reader = TileHashReader(checkpoint.size, served.__getitem__)
    proof = consistency_proof(previous.size, checkpoint.size, reader)
    try:
        verify_consistency(
            previous.size, checkpoint.size, previous.root_hash, checkpoint.root_hash, proof
        )
    except ProofError as error:
        raise InconsistentLogError(
            f"the checkpoint of size {checkpoint.size} does not extend the one of size "
            f"{previous.size}: {error}"
        ) from error
    return tuple(proof)


def verify_log(
    source: LogSource,
    verifiers: Sequence[Verifier],
    previous_checkpoint: Checkpoint | None = None,
    progress: Progress | None = None,
    *,
    workers: int = 8,
    reader: EntryReader | None = None,
) -> VerificationReport:
    """Verify the whole log behind `source` against the log keys `verifiers`.

    With `previous_checkpoint` (one the caller verified before), the log must have the same
    origin and extend it. Raises a `LogError` subclass on the first problem found. `reader`
    is shown every entry as it is verified (`_rebuild`); what it keeps is only to be trusted
    once this returns.
    """
    origin = previous_checkpoint.origin if previous_checkpoint is not None else None
    note = source.read("checkpoint")
    checkpoint = open_checkpoint(note, verifiers, origin)
    tiles = hash_tiles(checkpoint.size)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        root, rebuilt = _rebuild(pool, source, checkpoint.size, progress, reader)
        paths = [tile.path for tile in tiles]
        served = dict(zip(paths, _prefetch(pool, source, paths, 4 * workers), strict=True))
    if root != checkpoint.root_hash:
        _locate(checkpoint, rebuilt, served)
    for path in paths:
        if served[path] != rebuilt[path]:
            raise BadTileError(path, "does not match the entries, which match the checkpoint")
    return VerificationReport(
        checkpoint,
        note,
        len(entry_bundles(checkpoint.size)),
        len(tiles),
        previous_checkpoint.size if previous_checkpoint is not None else None,
        _check_consistency(previous_checkpoint, checkpoint, served),
    )
