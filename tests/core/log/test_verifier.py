"""The standalone log verifier, over a directory copy of a log and over HTTP."""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.log.bundle import decode_bundle, encode_bundle
from openpeace.core.log.checkpoint import Checkpoint, CheckpointError, sign_checkpoint
from openpeace.core.log.integrate import TreeUpdate, integrate
from openpeace.core.log.merkle import verify_consistency
from openpeace.core.log.note import NoteError, Signer
from openpeace.core.log.source import DirectorySource, HttpSource, SourceError
from openpeace.core.log.tiles import entry_bundles, hash_tiles
from openpeace.core.log.verifier import (
    BadEntryError,
    BadTileError,
    InconsistentLogError,
    VerificationError,
    verify_log,
)

SIGNER = Signer("log.openpeace.example/acts", bytes(range(32)))
ENTRIES = [b'{"act":%d,"text":"%s"}' % (n, b"y" * (n % 90)) for n in range(3_000)]


def fresh(entries: list[bytes]) -> TreeUpdate:
    """The files of a new log holding `entries`."""
    no_files: dict[str, bytes] = {}
    return integrate(0, no_files.__getitem__, entries)


def publish(root: Path, entries: list[bytes], signer: Signer = SIGNER) -> Checkpoint:
    """Write a log of `entries` into `root`, with its checkpoint signed by `signer`."""
    log = DirectorySource(root)
    update = fresh(entries)
    checkpoint = Checkpoint(signer.name, update.size, update.root_hash)
    log.write({**update.files, "checkpoint": sign_checkpoint(checkpoint, [signer])})
    return checkpoint


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Checkpoint]:
    root = tmp_path_factory.mktemp("log")
    return root, publish(root, ENTRIES)


def replace_entry(root: Path, index: int, entry: bytes) -> None:
    """Change entry `index` in the log's bundle, keeping the bundle well formed."""
    path = root / entry_bundles(len(ENTRIES))[index // 256].path
    entries = decode_bundle(path.read_bytes())
    entries[index % 256] = entry
    path.write_bytes(encode_bundle(entries))


@pytest.fixture
def restored(published: tuple[Path, Checkpoint]) -> Iterator[Path]:
    """The published log, put back as it was after the test tampers with it."""
    root = published[0]
    saved = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    yield root
    for path, data in saved.items():
        path.write_bytes(data)


def test_an_intact_log_verifies_and_reports_what_it_checked(
    published: tuple[Path, Checkpoint],
) -> None:
    root, checkpoint = published
    seen: list[tuple[int, int]] = []
    report = verify_log(
        DirectorySource(root), [SIGNER.verifier], progress=lambda *p: seen.append(p)
    )
    assert report.checkpoint == checkpoint
    assert report.note == (root / "checkpoint").read_bytes()
    assert (report.bundles, report.tiles) == (12, len(hash_tiles(3_000)))
    assert seen[-1] == (3_000, 3_000)
    assert report.previous_size is None and report.consistency_proof == ()


@settings(max_examples=40, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(ENTRIES) - 1), data=st.data())
def test_an_altered_entry_is_named_by_its_index(
    published: tuple[Path, Checkpoint], index: int, data: st.DataObject
) -> None:
    root = published[0]
    original = ENTRIES[index]
    if data.draw(st.booleans(), label="same length"):
        position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
        altered = bytearray(original)
        altered[position] ^= data.draw(st.integers(min_value=1, max_value=255))
        replacement = bytes(altered)
    else:
        replacement = original + data.draw(st.binary(min_size=1, max_size=20))
    replace_entry(root, index, replacement)
    try:
        with pytest.raises(BadEntryError, match=f"^entry {index}: ") as raised:
            verify_log(DirectorySource(root), [SIGNER.verifier])
        assert raised.value.index == index
    finally:
        replace_entry(root, index, original)


def test_an_altered_tile_is_named(restored: Path) -> None:
    for path in ("tile/0/003", "tile/1/000.p/11"):
        data = bytearray((restored / path).read_bytes())
        data[40] ^= 1
        (restored / path).write_bytes(bytes(data))
        with pytest.raises(BadTileError, match="which match the checkpoint") as raised:
            verify_log(DirectorySource(restored), [SIGNER.verifier])
        assert raised.value.path == path
        data[40] ^= 1
        (restored / path).write_bytes(bytes(data))


def test_an_entry_rewritten_with_its_leaf_tile_shows_at_the_level_above(restored: Path) -> None:
    replace_entry(restored, 57, b"forged")
    forged = fresh([*ENTRIES[:57], b"forged", *ENTRIES[58:]])
    (restored / "tile/0/000").write_bytes(forged.files["tile/0/000"])
    with pytest.raises(BadTileError, match="neither matches") as raised:
        verify_log(DirectorySource(restored), [SIGNER.verifier])
    assert raised.value.path == "tile/1/000.p/11"


def test_a_bundle_that_does_not_decode_is_named(restored: Path) -> None:
    path = restored / "tile/entries/002"
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(BadTileError, match="does not decode: entry 256: truncated") as raised:
        verify_log(DirectorySource(restored), [SIGNER.verifier])
    assert raised.value.path == "tile/entries/002"


def test_a_missing_file_is_named(restored: Path) -> None:
    (restored / "tile/entries/005").unlink()
    with pytest.raises(SourceError, match="cannot read tile/entries/005"):
        verify_log(DirectorySource(restored), [SIGNER.verifier])


def test_a_log_signed_by_another_key_is_refused(published: tuple[Path, Checkpoint]) -> None:
    with pytest.raises(NoteError, match="no known key"):
        verify_log(DirectorySource(published[0]), [Signer("other", bytes(32)).verifier])


def test_a_signed_root_the_entries_and_tiles_do_not_have_is_refused(restored: Path) -> None:
    wrong = Checkpoint(SIGNER.name, len(ENTRIES), bytes(32))
    (restored / "checkpoint").write_bytes(sign_checkpoint(wrong, [SIGNER]))
    with pytest.raises(VerificationError, match="agree, but not with the checkpoint"):
        verify_log(DirectorySource(restored), [SIGNER.verifier])


def test_the_empty_log_verifies(tmp_path: Path) -> None:
    checkpoint = publish(tmp_path, [])
    assert verify_log(DirectorySource(tmp_path), [SIGNER.verifier]).checkpoint == checkpoint


def test_a_grown_log_is_consistent_with_its_earlier_checkpoint(
    tmp_path: Path, published: tuple[Path, Checkpoint]
) -> None:
    earlier = publish(tmp_path, ENTRIES[:1_000])
    report = verify_log(DirectorySource(published[0]), [SIGNER.verifier], earlier)
    assert report.previous_size == 1_000
    assert report.consistency_proof
    current = report.checkpoint
    verify_consistency(
        1_000, current.size, earlier.root_hash, current.root_hash, report.consistency_proof
    )


def test_a_fork_or_a_shrink_is_refused(tmp_path: Path, published: tuple[Path, Checkpoint]) -> None:
    root, current = published
    fork = publish(tmp_path / "fork", [*ENTRIES[:999], b"another act"])
    with pytest.raises(InconsistentLogError, match="does not extend the one of size 1000"):
        verify_log(DirectorySource(root), [SIGNER.verifier], fork)
    bigger = Checkpoint(current.origin, current.size + 1, current.root_hash)
    with pytest.raises(InconsistentLogError, match="shrank"):
        verify_log(DirectorySource(root), [SIGNER.verifier], bigger)
    elsewhere = Checkpoint("another.example/log", 10, current.root_hash)
    with pytest.raises(CheckpointError, match="expected 'another"):
        verify_log(DirectorySource(root), [SIGNER.verifier], elsewhere)


class _GzipBundles(http.server.SimpleHTTPRequestHandler):
    """Serves a log directory, gzipping entry bundles without negotiation, as the spec allows."""

    def do_GET(self) -> None:
        if not self.path.startswith("/log/tile/entries/"):
            self.path = self.path.removeprefix("/log")
            super().do_GET()
            return
        body = gzip.compress((Path(self.directory) / self.path.removeprefix("/log/")).read_bytes())
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def served(published: tuple[Path, Checkpoint]) -> Iterator[str]:
    handler = partial(_GzipBundles, directory=str(published[0]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/log/"
    server.shutdown()
    thread.join()


def test_a_log_verifies_over_http(served: str, published: tuple[Path, Checkpoint]) -> None:
    report = verify_log(HttpSource(served), [SIGNER.verifier], workers=4)
    assert report.checkpoint == published[1]
    with pytest.raises(SourceError, match="HTTP 404"):
        HttpSource(served).read("tile/0/999")


def test_sources_stay_inside_the_log(published: tuple[Path, Checkpoint]) -> None:
    for path in ("../secret", "/etc/passwd", "tile/../../x", ""):
        with pytest.raises(SourceError, match="not a path inside the log"):
            DirectorySource(published[0]).read(path)
    with pytest.raises(SourceError, match="http"):
        HttpSource("file:///etc")
