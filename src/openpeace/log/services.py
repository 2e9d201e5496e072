"""Writes to the log: appending an act's entry, and integrating entries into the signed tree.

`entry_append` runs inside the act's own transaction and refuses to run outside one: the act
and its entry commit together or not at all. `log_integrate` is a transaction of its own that
locks the tree state, gives the waiting entries the next indexes (contiguous, never twice),
writes their tiles and bundles, and signs a checkpoint for the new size. Because every
checkpoint extends the tree the previous one signed, the log never signs two inconsistent
checkpoints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openpeace.core.log.bundle import MAX_ENTRY_SIZE
from openpeace.core.log.checkpoint import Checkpoint as SignedTreeHead
from openpeace.core.log.checkpoint import sign_checkpoint
from openpeace.core.log.integrate import integrate
from openpeace.log import keys
from openpeace.log.models import Checkpoint, Content, Entry, LogFile, TreeState

ENTRY_VERSION = 1
# Room left in an entry (at most 65,535 bytes in a bundle) for everything but the content.
CONTENT_LIMIT = MAX_ENTRY_SIZE - 4_096
INTEGRATION_BATCH = 10_000


class NotInTransaction(RuntimeError):
    """An entry was appended outside a transaction, so its act could commit without it."""


def canonical_json(document: Any) -> bytes:
    """The one byte form of a document: sorted keys, no spaces, UTF-8.

    Verifiers never re-serialise an entry, they hash its bytes; what matters is that the same
    act always gives the same bytes. Numbers keep Python's shortest round-trip form (GeoJSON
    coordinates are floats); NaN and infinities, which JSON cannot carry, are refused.
    """
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_store(data: bytes, media_type: str) -> str:
    """Keep a large document by its SHA-256 (idempotent) and return the hash."""
    digest = hashlib.sha256(data).hexdigest()
    Content.objects.get_or_create(sha256=digest, defaults={"data": data, "media_type": media_type})
    return digest


def entry_append(
    *, kind: str, subject: str, content: dict[str, Any], at: dt.datetime | None = None
) -> Entry:
    """Record a public act's entry, in the act's transaction.

    A content too large for one entry is stored by its hash and the entry commits to the hash
    (`content_sha256`); the document itself is served at `/log/content/<sha256>`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(f"the {kind} entry must be written in its act's transaction")
    recorded_at = at or timezone.now()
    document: dict[str, Any] = {
        "v": ENTRY_VERSION,
        "kind": kind,
        "subject": subject,
        "time": recorded_at.isoformat(timespec="microseconds"),
        "content": content,
    }
    body = canonical_json(document)
    if len(body) > CONTENT_LIMIT:
        full = canonical_json(content)
        document.pop("content")
        document["content_sha256"] = content_store(full, "application/json")
        body = canonical_json(document)
    return Entry.objects.create(kind=kind, subject=subject, body=body, recorded_at=recorded_at)


def _assign_indexes(pks: list[int], *, first_index: int) -> None:
    """Give the entries `pks` (in order) the indexes first_index, first_index + 1, ...

    One UPDATE per run of consecutive primary keys (`index = pk + offset`): runs are few, since
    only a rolled-back act or one committing late leaves a gap, and this is ~100 times faster
    than one CASE branch per row.
    """
    start = 0
    for end in range(1, len(pks) + 1):
        if end == len(pks) or pks[end] != pks[end - 1] + 1:
            offset = first_index + start - pks[start]
            Entry.objects.filter(pk__gte=pks[start], pk__lte=pks[end - 1]).update(
                index=F("pk") + offset
            )
            start = end


def _read_file(path: str) -> bytes:
    return bytes(LogFile.objects.values_list("data", flat=True).get(path=path))


@transaction.atomic
def log_integrate(*, batch: int = INTEGRATION_BATCH) -> Checkpoint | None:
    """Integrate waiting entries and sign a checkpoint; None when nothing was waiting."""
    # The row may be missing (a new database, or one emptied by `flush`); get_or_create is
    # safe against a concurrent integrator, whose insert it waits for and then reads.
    TreeState.objects.get_or_create(pk=1)
    state = TreeState.objects.select_for_update().get(pk=1)
    waiting = list(
        Entry.objects.filter(index__isnull=True).order_by("pk").only("pk", "body")[:batch]
    )
    if not waiting:
        return None
    update = integrate(state.size, _read_file, [bytes(e.body) for e in waiting])
    _assign_indexes([e.pk for e in waiting], first_index=state.size)
    LogFile.objects.bulk_create(
        [LogFile(path=path, data=data) for path, data in update.files.items()], batch_size=500
    )
    state.size, state.root_hash = update.size, update.root_hash
    state.save()
    head = SignedTreeHead(keys.origin(), update.size, update.root_hash)
    note = sign_checkpoint(head, [keys.signer()]).decode("utf-8")
    return Checkpoint.objects.create(
        size=update.size, root_hash=update.root_hash, note=note, signed_at=timezone.now()
    )
