"""Appending entries with their acts, and integrating them into signed checkpoints."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from openpeace.core.log.checkpoint import open_checkpoint
from openpeace.core.log.merkle import consistency_proof, verify_consistency
from openpeace.core.log.note import Verifier
from openpeace.core.log.tiles import TileHashReader
from openpeace.core.situation import Situation
from openpeace.log.models import Checkpoint, Content, Entry
from openpeace.log.selectors import file_read
from openpeace.log.services import (
    CONTENT_LIMIT,
    NotInTransaction,
    canonical_json,
    entry_append,
    log_integrate,
)
from openpeace.world.services import situation_load
from tests.log.conftest import append


def test_an_entry_outside_a_transaction_is_refused(
    transactional_db: None, log_key: Verifier
) -> None:
    with pytest.raises(NotInTransaction, match=r"test\.act entry must be written in its act"):
        entry_append(kind="test.act", subject="x", content={})
    assert not Entry.objects.exists()


def test_an_entry_rolls_back_with_its_act(db: None, log_key: Verifier) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        entry_append(kind="test.act", subject="x", content={})
        raise RuntimeError("the act failed after its entry was written")
    assert not Entry.objects.exists()


def test_entries_are_canonical_json() -> None:
    assert canonical_json({"b": 1, "a": ["é", {"d": None, "c": True}]}) == (
        '{"a":["é",{"c":true,"d":null}],"b":1}'.encode()
    )
    assert canonical_json({"coordinates": [30.5, 50.0]}) == b'{"coordinates":[30.5,50.0]}'
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json({"share": float("nan")})


def test_an_entry_records_kind_subject_time_and_content(db: None, log_key: Verifier) -> None:
    (entry,) = append(1)
    document = json.loads(bytes(entry.body))
    assert document == {
        "v": 1, "kind": "test.act", "subject": "act:0", "content": {"n": 0},
        "time": entry.recorded_at.isoformat(timespec="microseconds"),
    }


def test_large_content_is_committed_by_its_hash_and_served(
    db: None, log_key: Verifier, client: Client
) -> None:
    text = "Treaty text. " * 10_000
    with transaction.atomic():
        entry = entry_append(kind="treaty.published", subject="treaty:x", content={"text": text})
    body = json.loads(bytes(entry.body))
    assert len(bytes(entry.body)) < CONTENT_LIMIT and "content" not in body
    digest = body["content_sha256"]
    assert Content.objects.filter(sha256=digest).exists()
    served = client.get(f"/log/content/{digest}")
    assert served.status_code == 200 and json.loads(served.content) == {"text": text}
    assert client.get("/log/content/" + "0" * 64).status_code == 404


def test_integration_gives_contiguous_indexes_and_signs_each_size(
    db: None, log_key: Verifier
) -> None:
    append(3)
    first = log_integrate()
    append(2)
    second = log_integrate()
    assert log_integrate() is None  # nothing waiting: no new checkpoint
    assert first is not None and second is not None
    assert sorted(Entry.objects.values_list("index", flat=True)) == [0, 1, 2, 3, 4]
    assert (first.size, second.size) == (3, 5)
    for checkpoint in (first, second):
        signed = open_checkpoint(checkpoint.note.encode(), [log_key])
        assert (signed.size, signed.root_hash) == (checkpoint.size, bytes(checkpoint.root_hash))
    proof = consistency_proof(3, 5, TileHashReader(5, file_read))
    verify_consistency(3, 5, bytes(first.root_hash), bytes(second.root_hash), proof)


def test_integration_follows_the_order_acts_were_recorded(db: None, log_key: Verifier) -> None:
    entries = append(300)
    log_integrate(batch=120)
    log_integrate(batch=120)
    log_integrate(batch=120)
    indexes = dict(Entry.objects.values_list("pk", "index"))
    assert [indexes[e.pk] for e in entries] == list(range(300))
    assert list(Checkpoint.objects.order_by("size").values_list("size", flat=True)) == [
        120, 240, 300
    ]


def test_loading_a_situation_is_a_logged_act(
    db: None, log_key: Verifier, mini: Situation, client: Client
) -> None:
    situation_load(mini)
    entry = Entry.objects.get(kind="situation.loaded")
    content = json.loads(bytes(entry.body))["content"]
    assert content["key"] == "mini" and content["states"] == 4
    document = client.get(f"/log/content/{content['document_sha256']}")
    assert json.loads(document.content)["title"] == "A small war for tests"


def test_integration_recreates_its_state_in_an_emptied_database(
    db: None, log_key: Verifier
) -> None:
    """`openpeace flush` empties every table, the integrator's own row included."""
    from openpeace.log.models import TreeState

    TreeState.objects.all().delete()
    append(2)
    checkpoint = log_integrate()
    assert checkpoint is not None and checkpoint.size == 2
    assert TreeState.objects.get(pk=1).size == 2
