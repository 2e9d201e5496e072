"""The index of the state feeds (`FeedConcern`): each entry examined once, the feeds read from
the index alone, and every state's feed exactly what a scan of the whole log finds."""

from __future__ import annotations

import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from openpeace.core.log.note import Verifier
from openpeace.core.situation import Situation
from openpeace.diplomacy.models import Offer
from openpeace.log.models import Entry
from openpeace.log.services import entry_append, log_integrate
from openpeace.publicity.feeds import selectors
from openpeace.publicity.feeds.acts import content_of
from openpeace.publicity.feeds.concerns import states_concerned
from openpeace.publicity.feeds.register import Register
from openpeace.publicity.models import FeedConcern
from openpeace.publicity.outbox import OutboxCursor, log_size
from openpeace.world.models import State
from tests.publicity.test_feeds import entries, feed, log_key, process, secret  # noqa: F401


def full_scan(state: str) -> list[int]:
    """The log indexes of the acts concerning `state`, by reading every entry in the feeds (what
    `window_state` did before the index), in log order."""
    register = Register()
    return [entry.index or 0 for entry in selectors.entries_in_feeds()
            if state in states_concerned(entry.kind, entry.subject,
                                         content_of(entry), register)]


def whole_feed(state: str) -> list[int]:
    """The log indexes of a state's feed, every archive page and then the subscription
    document, in log order."""
    current = selectors.window_state(state, Register(), None)
    pages = [selectors.window_state(state, Register(), page)
             for page in range(1, current.archives + 1)]
    acts: list[int] = []
    for window in [*pages, current]:
        acts += [entry.index or 0 for entry in reversed(window.entries)
                 if not acts or (entry.index or 0) > acts[-1]]
    return acts


def position() -> int | None:
    """The index's cursor: the log index of the next entry it will examine."""
    found: int | None = (OutboxCursor.objects.filter(name=selectors.CONCERNS_CURSOR)
                         .values_list("position", flat=True).first())
    return found


def append(kind: str, subject: str) -> None:
    with transaction.atomic():
        entry_append(kind=kind, subject=subject, content={"n": Entry.objects.count()})


def test_the_index_is_filled_once_and_then_only_read(
    process: Offer, client: Any, django_assert_num_queries: Any,  # noqa: F811
) -> None:
    assert position() is None
    feed(client, "/feeds/states/germany.atom")
    assert position() == log_size()
    assert FeedConcern.objects.filter(state="germany").count() == len(full_scan("germany"))
    assert selectors.concerns_index(Register()) == 0
    # Up to date, a state's feed is four reads: the checkpoint, the cursor, the count, the page.
    with django_assert_num_queries(4):
        window = selectors.window_state("germany", Register(), None)
    assert [entry.index for entry in window.entries] == full_scan("germany")[::-1]
    # A new act is examined alone, once.
    append("state.noted", "state:germany")
    log_integrate()
    assert selectors.concerns_index(Register()) == 1
    assert selectors.concerns_index(Register()) == 0
    assert "state.noted state:germany" in entries(feed(client, "/feeds/states/germany.atom"))


def test_an_act_concerning_no_state_and_the_ballots_move_the_cursor_on(
    process: Offer,  # noqa: F811
) -> None:
    selectors.concerns_index(Register())
    before = FeedConcern.objects.count()
    append("something.else", "thing:1")  # no state's act
    append("plebiscite.ballot_cast", "plebiscite:e1")  # never in a feed
    log_integrate()
    assert selectors.concerns_index(Register()) == 1  # the ballot is not even read
    assert position() == log_size()
    assert FeedConcern.objects.count() == before
    assert selectors.concerns_index(Register()) == 0


def test_indexing_again_writes_nothing_twice(process: Offer) -> None:  # noqa: F811
    """A cursor set back (a replay, or a batch whose cursor was lost) examines the entries again
    and adds no row: one row per (entry, state)."""
    examined = selectors.concerns_index(Register())
    rows = sorted(FeedConcern.objects.values_list("entry_id", "state"))
    assert examined == selectors.entries_in_feeds().count() and rows
    OutboxCursor.objects.filter(name=selectors.CONCERNS_CURSOR).update(position=0)
    assert selectors.concerns_index(Register()) == examined
    assert sorted(FeedConcern.objects.values_list("entry_id", "state")) == rows


def test_every_state_feed_is_what_a_full_scan_finds(db: None, log_key: Verifier,  # noqa: F811
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The replayed history of 1917 (every kind of act), with acts of no state and ballots among
    them, indexed a few entries at a time over several checkpoints, and read in pages."""
    monkeypatch.setattr(selectors, "CONCERNS_BATCH", 7)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    call_command("demo", "replay-1917", stdout=StringIO())
    log_integrate(batch=40)  # one checkpoint, then the rest
    selectors.concerns_index(Register())
    append("plebiscite.ballot_cast", "plebiscite:e1")
    append("something.else", "thing:1")
    while log_integrate():
        pass
    states = list(State.objects.values_list("key", flat=True))
    assert len(states) > 20
    for state in states:
        assert whole_feed(state) == full_scan(state), state
    assert sum(bool(full_scan(state)) for state in states) > 20
    assert position() == log_size()


def test_archive_pages_of_a_state_feed(process: Offer,  # noqa: F811
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    acts = full_scan("russia")
    assert len(acts) >= 5
    current = selectors.window_state("russia", Register(), None)
    assert current.archives == len(acts) // 2
    assert [e.index for e in current.entries] == acts[-2:][::-1]
    first = selectors.window_state("russia", Register(), 1)
    assert [e.index for e in first.entries] == acts[1::-1]
    assert whole_feed("russia") == acts
    for page in [0, current.archives + 1]:
        with pytest.raises(selectors.NoSuchPage):
            selectors.window_state("russia", Register(), page)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="concurrent writers are tested on PostgreSQL (see test_concurrency)")
def test_requests_indexing_at_once_examine_each_entry_once(
    transactional_db: None, loaded: Situation, log_key: Verifier,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(selectors, "CONCERNS_BATCH", 2)
    for n in range(9):
        append("state.noted", f"state:{['germany', 'france', 'russia'][n % 3]}")
    log_integrate()
    readers = 4
    start = threading.Barrier(readers)
    outcomes: list[int | BaseException] = []

    def read() -> None:
        try:
            start.wait()
            outcomes.append(selectors.concerns_index(Register()))
        except BaseException as error:  # reported below, whatever it is
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(o for o in outcomes if isinstance(o, int)) == selectors.entries_in_feeds().count()
    assert position() == log_size()
    rows = list(FeedConcern.objects.values_list("entry_id", "state"))
    assert len(rows) == len(set(rows))
    for state in ["germany", "france", "russia"]:
        assert whole_feed(state) == full_scan(state)
