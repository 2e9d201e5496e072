"""The log over HTTP, as C2SP tlog-tiles and tlog-checkpoint lay it out."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from openpeace.core.log.note import Verifier
from openpeace.core.log.proof import verify_proof
from openpeace.core.log.tiles import entry_bundles, hash_tiles
from openpeace.core.log.verifier import verify_log
from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from tests.log.conftest import ServedLog, append

EXPECTED_PARTIALS = {
    1: ["tile/0/000.p/1", "tile/entries/000.p/1"],
    255: ["tile/0/000.p/255", "tile/entries/000.p/255"],
    256: ["tile/0/000", "tile/entries/000"],
    257: ["tile/0/000", "tile/0/001.p/1", "tile/entries/001.p/1"],
}


@pytest.mark.parametrize("size", [1, 255, 256, 257])
def test_tiles_for_a_log_of_size(
    db: None, log_key: Verifier, client: Client, size: int
) -> None:
    append(size)
    log_integrate()
    for path in EXPECTED_PARTIALS[size]:
        response = client.get(f"/log/{path}")
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    width = size % 256
    tile = client.get(f"/log/tile/0/000.p/{width}" if width and size < 256 else "/log/tile/0/000")
    assert len(tile.content) == 32 * (width if size < 256 else 256)
    report = verify_log(ServedLog(client), [log_key])
    assert report.checkpoint.size == size


def test_a_log_of_70000_entries_serves_every_tile_the_spec_lists(
    db: None, log_key: Verifier, client: Client
) -> None:
    """273 full level-0 tiles and .p/112, one full level-1 tile and .p/17, a level-2 .p/1."""
    now = timezone.now()
    with transaction.atomic():
        Entry.objects.bulk_create(
            [Entry(kind="test.act", subject=f"act:{i}", body=b'{"n":%d}' % i, recorded_at=now)
             for i in range(70_000)],
            batch_size=5_000,
        )
    assert log_integrate(batch=70_000) is not None
    paths = [t.path for t in hash_tiles(70_000)] + [t.path for t in entry_bundles(70_000)]
    assert {"tile/0/272", "tile/0/273.p/112", "tile/1/000", "tile/1/001.p/17",
            "tile/2/000.p/1", "tile/entries/273.p/112"} <= set(paths)
    for path in ["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1", "tile/entries/273.p/112"]:
        assert client.get(f"/log/{path}").status_code == 200
    assert client.get("/log/tile/0/274").status_code == 404
    assert verify_log(ServedLog(client), [log_key]).checkpoint.size == 70_000


def test_the_checkpoint_is_a_signed_note_cached_briefly(
    db: None, log_key: Verifier, client: Client
) -> None:
    assert client.get("/log/checkpoint").status_code == 404  # nothing integrated yet
    append(3)
    log_integrate()
    response = client.get("/log/checkpoint")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=1, must-revalidate"
    origin, size, root, blank, signature = response.content.decode().split("\n")[:5]
    assert (origin, size, blank) == ("127.0.0.1/log", "3", "")
    assert len(root) == 44 and signature.startswith("— 127.0.0.1/log ")


def test_the_verifier_key_is_published(db: None, log_key: Verifier, client: Client) -> None:
    response = client.get("/log/key")
    assert response.content.decode().strip() == log_key.to_vkey()
    assert Verifier.from_vkey(response.content.decode().strip()) == log_key


@pytest.mark.parametrize(
    "path", ["tile/0/999", "tile/0/000.p/0", "tile/0/000.p/256", "tile/x/000", "tile/0/1",
             "tile/entries/000.p/7", "tile/0/x000/001"],
)
def test_a_tile_that_does_not_exist_is_404(
    db: None, log_key: Verifier, client: Client, path: str
) -> None:
    append(3)
    log_integrate()
    assert client.get(f"/log/{path}").status_code == 404


def test_the_log_cannot_be_written_over_http(db: None, log_key: Verifier, client: Client) -> None:
    append(1)
    log_integrate()
    for path in ["/log/checkpoint", "/log/tile/0/000.p/1", "/log/entries/0", "/log/key"]:
        assert client.post(path, b"x", content_type="text/plain").status_code in {403, 405}
    assert verify_log(ServedLog(client), [log_key]).checkpoint.size == 1


def test_each_entry_has_a_page_and_a_proof_that_verifies_offline(
    db: None, log_key: Verifier, client: Client
) -> None:
    append(10)
    log_integrate()
    page = client.get("/log/entries/7").content.decode()
    assert "act:7" in page and "Its proof of inclusion" in page and "first 10 entries" in page
    proof = client.get("/log/entries/7.tlog-proof")
    assert proof["Content-Disposition"] == 'attachment; filename="openpeace-7.tlog-proof"'
    body = client.get("/log/entries/7.json").content
    checkpoint = verify_proof(proof.content, body, [log_key])
    assert checkpoint.size == 10
    assert client.get("/log/entries/99").status_code == 404
    assert client.get("/log/entries/99.tlog-proof").status_code == 404


@pytest.mark.parametrize("size,index,says", [
    (1, 0, ["over its first entry.", "gives exactly the root hash that checkpoint signs: entry 0 "
            "is the whole tree"]),
    (2, 0, ["over its first 2 entries.", "combining the result with the hash below gives"]),
    (10, 7, ["over its first 10 entries.", "step by step, with the 4 hashes below gives"]),
])
def test_an_entry_page_says_how_many_entries_and_hashes(
    db: None, log_key: Verifier, client: Client, size: int, index: int, says: list[str]
) -> None:
    """Each number is in its sentence, and the sentence agrees with it."""
    append(size)
    log_integrate()
    page = re.sub(r"\s+", " ", client.get(f"/log/entries/{index}").content.decode())
    for text in says:
        assert text in page
    assert "the  hashes" not in page and " 1 entries" not in page


def test_an_entry_not_yet_in_a_checkpoint_says_so(
    db: None, log_key: Verifier, client: Client
) -> None:
    append(2)
    log_integrate()
    append(1)
    Entry.objects.filter(index__isnull=True).update(index=2)  # integrated, no checkpoint yet
    page = client.get("/log/entries/2").content.decode()
    assert "No signed checkpoint covers this entry yet" in page
    assert client.get("/log/entries/2.tlog-proof").status_code == 404


def test_the_log_browser_shows_the_checkpoint_and_recent_entries(
    db: None, log_key: Verifier, client: Client
) -> None:
    append(3)
    log_integrate()
    page = client.get("/log/").content.decode()
    assert '<th scope="row">2</th><td><a href="/log/entries/2">Test act (act:2)</a>' in page
    assert f"--key {log_key.to_vkey()}" in page
