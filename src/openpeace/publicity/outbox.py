"""The notifications' outbox: the log itself, read after a cursor; and claims on what waits to
be sent. Shared by the webhooks (`publicity.webhooks`) and the e-mail follows
(`publicity.follows`).

**The log is the outbox.** Every public act writes its log entry in the act's own transaction
(`log.services.entry_append`), so an act without its entry cannot exist. `log_integrate` then
gives the entries contiguous indexes in commit order (one integrator at a time, under the tree's
lock, and each integration commits before the next begins), so reading "the integrated entries
from my cursor on, in index order" never skips an entry that commits later. A consumer's
`fan_out` reads a batch of them, creates its rows for them (deliveries, notices) and advances
its cursor, all in one transaction: a crash rolls all of it back and the next run reads the same
entries again; the consumers' unique constraints on (subscriber, entry) make a run that is
repeated for any other reason harmless.

**Claims.** A row waiting to be sent is claimed before it is sent: a random token and a lease
(`claimed_until`), written in a short transaction that locks the rows with `SKIP LOCKED`, so
that parallel senders never take the same row and no transaction stays open while a message is
on the wire (on SQLite a transaction holds the write lock of the whole database). The sender
then `take`s each row under its token, which renews the lease for the one send, sends, and
`settle`s it. A sender that dies leaves its claim to expire and the row is claimed again under a
new token; a sender that was only slow finds its token gone and sends nothing. So a crash sends
again at most the one message that was on the wire, under the same stable identifier.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from openpeace.log.models import Entry, TreeState


class OutboxCursor(models.Model):
    """How far one consumer of the log has fanned out: the index of the next entry it reads."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name} at entry {self.position}"


class Claimable(models.Model):
    """A row that a sender claims before sending it (see the module's docstring)."""

    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def site_url(path: str) -> str:
    """An absolute URL of this site (`OPENPEACE_SITE_URL`), for what leaves it: webhooks, mails."""
    return settings.OPENPEACE_SITE_URL + path


def entry_urls(index: int) -> tuple[str, str]:
    """The act's log entry page and its inclusion proof: what every notification links, so that
    whoever receives one can check it (research/participation.md §3, convention 1)."""
    return (site_url(reverse("log:entry", args=[index])),
            site_url(reverse("log:entry-proof", args=[index])))


def lease() -> dt.timedelta:
    """How long a claim holds: longer than a batch may wait in the queue and one send may take
    (`OPENPEACE_OUTBOX_LEASE` seconds, default 300). A sender that dies holding a claim delays
    its rows by this much."""
    return dt.timedelta(seconds=settings.OPENPEACE_OUTBOX_LEASE)


def log_size() -> int:
    """How many entries are integrated: the index the next integrated entry will have."""
    return TreeState.objects.filter(pk=1).values_list("size", flat=True).first() or 0


def _cursor_locked(name: str) -> OutboxCursor:
    """The consumer's cursor, locked until the transaction ends. A new cursor starts at the
    log's current size: a consumer's subscribers want the acts that come after them."""
    OutboxCursor.objects.get_or_create(name=name, defaults={"position": log_size()})
    return OutboxCursor.objects.select_for_update().get(name=name)


def start_index(name: str) -> int:
    """The first index a subscriber registered now receives: the next one to be integrated.

    Called in the registration's transaction: it locks the consumer's cursor, so no fan-out can
    pass the new subscriber's first entries before the subscriber is committed and visible."""
    _cursor_locked(name)
    return log_size()


def fan_out(name: str, deliver: Callable[[list[Entry]], object], *, batch: int) -> int:
    """Hand the next `batch` integrated entries after `name`'s cursor to `deliver` (which
    creates the consumer's rows for them) and advance the cursor past them, in one transaction.
    Returns how many entries were read: 0 once the consumer has caught up with the log."""
    with transaction.atomic():
        cursor = _cursor_locked(name)
        entries = list(Entry.objects.filter(index__gte=cursor.position).order_by("index")[:batch])
        if not entries:
            return 0
        deliver(entries)
        cursor.position = (entries[-1].index or 0) + 1
        cursor.save(update_fields=["position"])
    return len(entries)


def catch_up(fan_out: Callable[[], int], stop: threading.Event) -> int:
    """Run a consumer's fan-out until it has caught up with the log, or its worker is told to
    stop (between two transactions); returns how many entries were read."""
    total = 0
    while not stop.is_set():
        read = fan_out()
        total += read
        if not read:
            break
    return total


class Output(Protocol):
    """Where a sender worker says what it did: a text stream, or a command's `self.stdout`."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


def sender_round(fan_out: Callable[[], int], dispatch: Callable[[], int], what: str,
                 out: Output | None) -> Callable[[threading.Event], None]:
    """One round of a sender worker (`openpeace webhooks run`, `follows run`): catch up with
    the log, then queue what is due; says what it did on `out`, if given."""

    def round_(stop: threading.Event) -> None:
        read = catch_up(fan_out, stop)
        queued = dispatch()
        if out is not None and (read or queued):
            out.write(f"{read} acts fanned out, {queued} {what} queued\n")
            out.flush()

    return round_


Row = TypeVar("Row", bound=Claimable)


def unclaimed(now: dt.datetime) -> Q:
    """Rows no sender holds: never claimed, or whose claim has expired."""
    return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


def claim(rows: QuerySet[Row], *, now: dt.datetime, limit: int,
          then: Callable[[uuid.UUID, list[int]], object] | None = None) -> list[int]:
    """Claim up to `limit` of `rows` (the caller's query of due, `unclaimed` rows) under one new
    token until `now + lease()`; `then(token, pks)` runs in the same transaction (it enqueues the
    task that will send them, so that the task and the claim commit together). Returns the
    primary keys claimed."""
    with transaction.atomic():
        pks = list(rows.select_for_update(skip_locked=True, of=("self",))
                   .order_by("pk").values_list("pk", flat=True)[:limit])
        if pks:
            token = uuid.uuid4()
            rows.model._default_manager.filter(pk__in=pks).update(
                claim=token, claimed_until=now + lease())
            if then is not None:
                then(token, pks)
    return pks


def claim_batches(rows: QuerySet[Row], *, now: dt.datetime, batch: int, limit: int,
                  enqueue: Callable[[uuid.UUID, list[int]], object]) -> int:
    """Claim `rows` `batch` at a time, each batch with `enqueue(token, pks)` in its claim's
    transaction (the task that sends it), until fewer than a batch are left or `limit` are
    claimed. Returns how many were claimed."""
    claimed = 0
    while claimed < limit:
        pks = claim(rows, now=now, limit=batch, then=enqueue)
        claimed += len(pks)
        if len(pks) < batch:
            break
    return claimed


def take(rows: QuerySet[Row], token: str, *, now: dt.datetime, **fields: Any) -> list[Row]:
    """The rows of `rows` still claimed under `token`, their lease renewed for one send (and
    `fields` updated with it); empty if another sender has claimed them since, and then this one
    must not send them."""
    with transaction.atomic():
        mine = rows.filter(claim=token)
        if not mine.update(claimed_until=now + lease(), **fields):
            return []
        return list(mine)


def settle(rows: QuerySet[Row], token: str, **fields: Any) -> int:
    """Record the outcome of a send on the rows still claimed under `token`, and release them.
    Returns how many rows were updated."""
    return rows.filter(claim=token).update(claim=None, claimed_until=None, **fields)
