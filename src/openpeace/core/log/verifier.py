"""A standalone verifier of a whole tiled log (C2SP tlog-tiles v1, tlog-checkpoint v1).

`verify_log` reads a log through a `LogSource` and checks everything it publishes:

1. the checkpoint is a signed note (c2sp.org/signed-note) from one of the given keys;
2. the entry bundles hold exactly the entries the checkpoint's size calls for, and the Merkle
   tree rebuilt from them (RFC 9162 §2.1.1) has the checkpoint's root hash;
3. every hash tile the log serves for that size is byte for byte the rebuilt one;
4. given a checkpoint seen earlier, the log only grew since: a consistency proof is computed
   from the tiles and checked against both roots (RFC 9162 §2.1.4);
5. every content an entry commits to by its hash (`content_sha256`, too large to be inlined,
   or a document its act names, such as the situation file of `situation.loaded`:
   `entries.committed_contents`, docs/plebiscite-spec.md §13.4) is published at
   `content/<sha256>` beside the tiles and has that SHA-256. The tree commits to the entries'
   bytes only, so without this a content could be altered or withdrawn while the log still
   verified.

On a mismatch it says where: `BadEntryError` names the first entry whose bytes do not hash to
what the log committed to, `BadTileError` the first tile (or entry bundle) that disagrees with
the entries or does not decode, `BadContentError` the first entry whose committed content is
missing, unreadable or altered (with its hash). The log's own tiles decide which side is at
fault: if they rebuild the signed root, they are authentic and the first entry that disagrees
with them was altered.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import NoReturn, TypeVar

from openpeace.core.log.bundle import BundleError, decode_bundle
from openpeace.core.log.checkpoint import Checkpoint, open_checkpoint
from openpeace.core.log.entries import committed_contents, content_path, is_sha256
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
from openpeace.core.log.source import LogSource, SourceError
from openpeace.core.log.tiles import (
    TILE_WIDTH,
    TileError,
    TileHashReader,
    entry_bundles,
    hash_tiles,
    split_hashes,
)

Progress = Callable[[int, int], None]
"""`progress(entries_verified, entries_total)`, called as the entries are rebuilt (and
`progress(contents_verified, contents_total)` as the committed contents are checked)."""
EntryReader = Callable[[int, list[bytes]], None]
"""`read(first_index, entries)`: shown each bundle's entries as they are verified."""

_BUNDLES_PER_STEP = 64
T = TypeVar("T")


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


class BadContentError(BadEntryError):
    """Entry `index` commits to a content by its hash (`entries.committed_contents`), and the
    content published at `content/<sha256>` is missing, unreadable or not the one with that hash."""

    def __init__(self, index: int, sha256: str, reason: str) -> None:
        super().__init__(index, reason)
        self.sha256 = sha256


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
    contents: int = 0
    """How many distinct contents committed to by hash were fetched and their hashes checked."""


@dataclass
class _Commitments:
    """The contents the entries commit to by hash, as the entries are read: for each distinct
    hash, the first entry that names it (a hash per large content, not per entry), and the first
    entry whose `content_sha256` is not a hash at all."""

    first: dict[str, int] = field(default_factory=dict)
    malformed: int | None = None

    def see(self, first_index: int, entries: list[bytes]) -> None:
        for offset, body in enumerate(entries):
            for digest in committed_contents(body):
                if is_sha256(digest):
                    self.first.setdefault(digest, first_index + offset)
                elif self.malformed is None:
                    self.malformed = first_index + offset


def _prefetch(
    pool: ThreadPoolExecutor, read: Callable[[str], T], paths: Iterable[str], window: int
) -> Iterator[T]:
    """`read` of each of `paths`, in order, with up to `window` reads running ahead."""
    pending: deque[Future[T]] = deque()
    for path in paths:
        pending.append(pool.submit(read, path))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _rebuild(
    pool: ThreadPoolExecutor, source: LogSource, size: int, progress: Progress | None,
    reader: EntryReader | None, commitments: _Commitments,
) -> tuple[bytes, dict[str, bytes]]:
    """Hash every entry bundle into the tree of `size`: its root, and its tiles by path.
    `reader`, if given, sees every bundle's entries (with the index of the first) as they are
    hashed, so the entries it reads are exactly those verified; `commitments` notes the
    contents they commit to by hash."""
    tiles: dict[str, bytes] = {}
    root, done, leaves = EMPTY_ROOT, 0, []
    bundles = entry_bundles(size)
    contents = _prefetch(pool, source.read, (bundle.path for bundle in bundles),
                         _BUNDLES_PER_STEP)
    for number, (bundle, data) in enumerate(zip(bundles, contents, strict=True), 1):
        try:
            entries = decode_bundle(data, bundle.width)
        except BundleError as error:
            raise BadTileError(bundle.path, f"does not decode: {error}") from error
        if reader is not None:
            reader(bundle.index * TILE_WIDTH, entries)
        commitments.see(bundle.index * TILE_WIDTH, entries)
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


def _read_or_error(source: LogSource, path: str) -> bytes | SourceError:
    try:
        return source.read(path)
    except SourceError as error:
        return error


def _check_contents(
    pool: ThreadPoolExecutor, source: LogSource, commitments: _Commitments,
    progress: Progress | None, window: int,
) -> int:
    """Fetch every committed content (each distinct hash once, `window` at a time, so memory
    stays bounded by the window, not the log) and check its SHA-256; raise `BadContentError`
    naming the first entry that commits to a missing or altered one. Returns how many."""
    if commitments.malformed is not None:
        raise BadContentError(commitments.malformed, "", "the hash it names for a content "
                              "published by hash is not a SHA-256 (64 lowercase hex digits)")
    digests = sorted(commitments.first, key=commitments.first.__getitem__)
    paths = (content_path(digest) for digest in digests)
    fetched = _prefetch(pool, partial(_read_or_error, source), paths, window)
    for done, (digest, data) in enumerate(zip(digests, fetched, strict=True), 1):
        index = commitments.first[digest]
        if isinstance(data, SourceError):
            raise BadContentError(
                index, digest, f"the content it commits to is missing or unreadable: {data}"
            )
        if hashlib.sha256(data).hexdigest() != digest:
            raise BadContentError(
                index, digest, f"the content at {content_path(digest)} does not have the "
                "SHA-256 the entry commits to: it was altered",
            )
        if progress is not None:
            progress(done, len(digests))
    return len(digests)


def verify_log(
    source: LogSource,
    verifiers: Sequence[Verifier],
    previous_checkpoint: Checkpoint | None = None,
    progress: Progress | None = None,
    *,
    workers: int = 8,
    reader: EntryReader | None = None,
    content_progress: Progress | None = None,
) -> VerificationReport:
    """Verify the whole log behind `source` against the log keys `verifiers`.

    With `previous_checkpoint` (one the caller verified before), the log must have the same
    origin and extend it. Raises a `LogError` subclass on the first problem found. `reader`
    is shown every entry as it is verified (`_rebuild`); what it keeps is only to be trusted
    once this returns. The contents the entries commit to by hash are checked last, once the
    entries themselves are known to be the signed ones (`content_progress` follows them).
    """
    origin = previous_checkpoint.origin if previous_checkpoint is not None else None
    note = source.read("checkpoint")
    checkpoint = open_checkpoint(note, verifiers, origin)
    tiles = hash_tiles(checkpoint.size)
    commitments = _Commitments()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        root, rebuilt = _rebuild(pool, source, checkpoint.size, progress, reader, commitments)
        paths = [tile.path for tile in tiles]
        served = dict(zip(paths, _prefetch(pool, source.read, paths, 4 * workers),
                          strict=True))
        if root != checkpoint.root_hash:
            _locate(checkpoint, rebuilt, served)
        for path in paths:
            if served[path] != rebuilt[path]:
                raise BadTileError(path, "does not match the entries, which match the "
                                   "checkpoint")
        proof = _check_consistency(previous_checkpoint, checkpoint, served)
        del rebuilt, served
        contents = _check_contents(pool, source, commitments, content_progress, workers)
    return VerificationReport(
        checkpoint,
        note,
        len(entry_bundles(checkpoint.size)),
        len(tiles),
        previous_checkpoint.size if previous_checkpoint is not None else None,
        proof,
        contents,
    )
