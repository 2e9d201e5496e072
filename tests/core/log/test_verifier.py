"""The standalone log verifier, over a directory copy of a log and over HTTP."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
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
    BadContentError,
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


# Contents committed to by hash (entries.py; docs/plebiscite-spec.md §13.4) -------------------


def _canonical(document: object) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def committing(index: int, content: object, *, loaded: bool = False) -> tuple[bytes, str, bytes]:
    """An entry that commits to a document published beside the tiles by its SHA-256: the
    entry, the hash, the document's bytes. As the service writes an entry too large to inline
    (`content_sha256` instead of its content) or, `loaded`, as `situation.loaded` names the
    situation file it loaded (`document_sha256` in its content)."""
    data = _canonical(content)
    digest = hashlib.sha256(data).hexdigest()
    entry: dict[str, object] = {"v": 1, "kind": "offer.released", "subject": f"s:{index}",
                                "time": "1917-11-08T00:00:00.000000+00:00",
                                "content_sha256": digest}
    if loaded:
        del entry["content_sha256"]
        entry.update(kind="situation.loaded", content={"key": "1917-11", "document_sha256": digest})
    return _canonical(entry), digest, data


CONTENTS = [{"document": "the situation of 1917", "n": n, "pad": "z" * (n * 500)}
            for n in range(5)]


def publish_with_contents(root: Path) -> dict[int, str]:
    """A log of 600 entries, five of which (at 0, 100, 300, 450, 599) commit to a content by
    hash, the first as the 1917 situation's `situation.loaded` does; the one at 450 to the same
    content as the one at 100. Among the rest, entries that only mention `content_sha256` or
    `document_sha256` (inside their content, in another kind's content, or in bytes that are not
    an entry) commit to nothing. Returns the hash each committing entry names, by index."""
    entries = [b'{"act":%d}' % n for n in range(600)]
    entries[7] = _canonical({"v": 1, "kind": "k", "subject": "s", "time": "t",
                             "content": {"content_sha256": "not checked: inside a content"}})
    entries[8] = b'not JSON, "content_sha256": "0000"'
    entries[9] = _canonical({"v": 1, "kind": "offer.released", "subject": "s", "time": "t",
                             "content": {"document_sha256": "not a document of this kind"}})
    named: dict[int, str] = {}
    for index, content in zip((0, 100, 300, 450, 599), [*CONTENTS[:3], CONTENTS[1], CONTENTS[4]],
                              strict=True):
        entries[index], named[index], data = committing(index, content, loaded=index == 0)
        DirectorySource(root).write({f"content/{named[index]}": data})
    publish(root, entries)
    return named


@pytest.fixture(scope="module")
def with_contents(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    root = tmp_path_factory.mktemp("contents")
    return root, publish_with_contents(root)


@pytest.fixture
def contents_restored(with_contents: tuple[Path, dict[int, str]]) -> Iterator[Path]:
    root = with_contents[0]
    saved = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    yield root
    for path in root.rglob("*"):
        if path.is_file() and path not in saved:
            path.unlink()
    for path, data in saved.items():
        path.write_bytes(data)


def test_the_contents_committed_by_hash_are_each_fetched_once_and_checked(
    with_contents: tuple[Path, dict[int, str]],
) -> None:
    root, _ = with_contents
    read: list[str] = []

    class Counting(DirectorySource):
        def read(self, path: str) -> bytes:
            read.append(path)
            return super().read(path)

    seen: list[tuple[int, int]] = []
    report = verify_log(Counting(root), [SIGNER.verifier],
                        content_progress=lambda *p: seen.append(p))
    assert report.contents == 4  # five entries, four distinct contents
    assert sorted(p for p in read if p.startswith("content/")) == sorted(
        f"content/{d}" for d in {*with_contents[1].values()})
    assert seen[-1] == (4, 4)


@pytest.mark.parametrize("index", [0, 300, 599])
@pytest.mark.parametrize("how", ["appended", "flipped", "deleted", "emptied"])
def test_a_missing_or_altered_content_is_a_failure_naming_the_entry_and_the_hash(
    with_contents: tuple[Path, dict[int, str]], contents_restored: Path, index: int, how: str,
) -> None:
    """The audit's case: bytes appended to `content/<sha256>` of entry 0, or the file
    deleted, and the log still said OK."""
    digest = with_contents[1][index]
    path = contents_restored / "content" / digest
    data = path.read_bytes()
    if how == "appended":
        path.write_bytes(data + b"\n")
    elif how == "flipped":
        path.write_bytes(bytes([data[0] ^ 1]) + data[1:])
    elif how == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"")
    reason = "missing or unreadable" if how == "deleted" else "does not have the SHA-256"
    with pytest.raises(BadContentError, match=f"^entry {index}: .*{reason}") as raised:
        verify_log(DirectorySource(contents_restored), [SIGNER.verifier])
    assert raised.value.index == index and raised.value.sha256 == digest
    assert digest in str(raised.value)


def test_a_content_shared_by_two_entries_names_the_first(
    with_contents: tuple[Path, dict[int, str]], contents_restored: Path,
) -> None:
    digest = with_contents[1][450]
    assert with_contents[1][100] == digest
    (contents_restored / "content" / digest).unlink()
    with pytest.raises(BadContentError, match=f"^entry 100: .*{digest}"):
        verify_log(DirectorySource(contents_restored), [SIGNER.verifier])


def test_an_entry_whose_content_sha256_is_not_a_hash_is_named(tmp_path: Path) -> None:
    entries = [b'{"act":0}', _canonical({"v": 1, "kind": "k", "subject": "s", "time": "t",
                                         "content_sha256": "../checkpoint"})]
    publish(tmp_path, entries)
    with pytest.raises(BadContentError, match=r"^entry 1: the hash it names .* is not a SHA-256"):
        verify_log(DirectorySource(tmp_path), [SIGNER.verifier])


def test_an_altered_entry_is_named_before_its_content_is_fetched(
    with_contents: tuple[Path, dict[int, str]], contents_restored: Path,
) -> None:
    """An entry changed to name another hash is an altered entry (the tree says so), not a
    missing content."""
    forged, _, _ = committing(300, {"forged": True})
    path = contents_restored / entry_bundles(600)[1].path
    bundle = decode_bundle(path.read_bytes())
    bundle[300 - 256] = forged
    path.write_bytes(encode_bundle(bundle))
    with pytest.raises(BadEntryError, match=r"^entry 300: its bytes do not hash") as raised:
        verify_log(DirectorySource(contents_restored), [SIGNER.verifier])
    assert not isinstance(raised.value, BadContentError)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_any_one_altered_content_among_many_is_found(tmp_path_factory: pytest.TempPathFactory,
                                                     data: st.DataObject) -> None:
    contents = data.draw(st.lists(st.dictionaries(st.text(max_size=5), st.integers()),
                                  min_size=1, max_size=12, unique_by=_canonical))
    root = tmp_path_factory.mktemp("any")
    entries: list[bytes] = []
    digests: list[str] = []
    for content in contents:
        entries.append(b'{"act":%d}' % len(entries))
        entry, digest, body = committing(len(entries), content)
        entries.append(entry)
        digests.append(digest)
        DirectorySource(root).write({f"content/{digest}": body})
    publish(root, entries)
    assert verify_log(DirectorySource(root), [SIGNER.verifier]).contents == len(contents)
    victim = data.draw(st.integers(min_value=0, max_value=len(contents) - 1))
    path = root / "content" / digests[victim]
    path.write_bytes(path.read_bytes() + data.draw(st.binary(min_size=1, max_size=8)))
    with pytest.raises(BadContentError) as raised:
        verify_log(DirectorySource(root), [SIGNER.verifier])
    assert (raised.value.index, raised.value.sha256) == (2 * victim + 1, digests[victim])


def test_a_content_missing_over_http_is_named(
    with_contents: tuple[Path, dict[int, str]], contents_restored: Path,
) -> None:
    handler = partial(_GzipBundles, directory=str(contents_restored))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        source = HttpSource(f"http://127.0.0.1:{server.server_address[1]}/log/")
        assert verify_log(source, [SIGNER.verifier], workers=2).contents == 4
        digest = with_contents[1][599]
        (contents_restored / "content" / digest).unlink()
        with pytest.raises(BadContentError, match=f"^entry 599: .*{digest}.*HTTP 404"):
            verify_log(source, [SIGNER.verifier], workers=2)
    finally:
        server.shutdown()
        thread.join()
