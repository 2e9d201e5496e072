"""One person once under concurrent duplicate submissions: the database's unique constraint,
not a read before the write, decides. On PostgreSQL, where the submissions truly run at once;
SQLite's test database is in memory with a shared cache, which refuses a second writer at once
("database table is locked") instead of waiting as the real file database does. And the
deletion of expired follows, which leaves alone a follow that a submission holds."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, transaction
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import offer_release
from openpeace.publicity import services
from openpeace.publicity.follows import services as follows
from openpeace.publicity.follows.models import Follow
from openpeace.publicity.models import Endorsement
from openpeace.world.models import State
from tests.diplomacy.conftest import write_texts
from tests.publicity.conftest import Queue

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL"
)
T = TypeVar("T")
SPELLINGS = ["jane.doe@gmail.com", "JaneDoe@gmail.com", "jane.doe+a@googlemail.com",
             "j.anedoe+b@gmail.com", "janedoe@GMAIL.com", "jane.d.oe@gmail.com"]


def test_concurrent_spellings_of_one_person_land_once(transactional_db: None,
                                                      loaded: object) -> None:
    offer = Offer.objects.create(key="peace", title="Peace",
                                 proposing_state=State.objects.get(key="russia"),
                                 reply_deadline=timezone.now() + dt.timedelta(days=9),
                                 terms={"principles": ["peace without annexations"],
                                        "armistice": {"term_days": 90}})
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    write_texts(offer)
    offer_release(offer=offer)
    offer.refresh_from_db()
    services.endorsement_period_open(offer=offer, closes_at=timezone.now() + dt.timedelta(days=1))
    germany = State.objects.get(key="germany")
    outcomes = _at_once([
        functools.partial(services.endorsement_submit, offer=offer, contact=contact,
                          country=germany) for contact in SPELLINGS])
    assert all(isinstance(o, services.Submitted) for o in outcomes), outcomes
    assert Endorsement.objects.count() == 1
    one = Endorsement.objects.get()
    submitted = [o for o in outcomes if isinstance(o, services.Submitted)]
    assert [o.duplicate for o in submitted].count(False) == 1
    assert {o.endorsement.pk for o in submitted} == {one.pk}


def test_an_expired_follow_someone_is_following_again_is_left_to_a_later_round(
    transactional_db: None, loaded: object, queue: Queue,
) -> None:
    """The deletion of expired follows skips a row that a submission holds (`SKIP LOCKED`):
    it neither waits for it nor deletes it under it; the next round takes it."""
    follows.follow_submit(contact="p@example.org", target="state", key="russia",
                          frequency="daily", at=timezone.now() - follows.CONFIRM_WITHIN)
    held, done = threading.Event(), threading.Event()

    def follow_again() -> None:  # holds the person's follows, as `follow_submit` does
        try:
            with transaction.atomic():
                list(Follow.objects.select_for_update()
                     .filter(canonical=follows.person_of("p@example.org")))
                held.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=follow_again)
    thread.start()
    try:
        assert held.wait(10)
        assert follows.follows_expired_delete() == 0 and Follow.objects.count() == 1
    finally:
        done.set()
        thread.join()
    assert follows.follows_expired_delete() == 1 and not Follow.objects.exists()


def _at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Each of `calls` in a thread of its own with its own connection, all let go at the same
    instant; what each returned (none may raise: the test fails naming what was raised)."""
    start = threading.Barrier(len(calls))
    outcomes: list[T | BaseException] = []

    def run(call: Callable[[], T]) -> None:
        try:
            start.wait()
            outcomes.append(call())
        except BaseException as error:  # reported below, whatever it is
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raised = [o for o in outcomes if isinstance(o, BaseException)]
    assert not raised, raised
    return [o for o in outcomes if not isinstance(o, BaseException)]


def _follows_at_once(submissions: list[dict[str, str]]) -> list[Follow | None]:
    return _at_once([functools.partial(follows.follow_submit, frequency="daily", **submission)
                     for submission in submissions])


def test_a_person_s_first_follows_at_once_stop_at_the_cap(
    transactional_db: None, loaded: object, queue: Queue,
) -> None:
    """Before any follow of the person exists there is no row to lock: the caps are judged
    under a lock of the person itself, so that many first submissions at once still leave
    exactly `PENDING_CAP` follows waiting."""
    keys = ["russia", "germany", "ottoman-empire", "finland", "france", "united-kingdom"]
    targets = [key for key in keys if State.objects.filter(key=key).exists()]
    assert len(targets) > follows.PENDING_CAP
    outcomes = _follows_at_once([{"contact": "Jane.Doe@gmail.com", "target": "state",
                                  "key": key} for key in targets])
    assert Follow.objects.count() == follows.PENDING_CAP
    assert sum(outcome is not None for outcome in outcomes) == follows.PENDING_CAP


def test_first_follows_from_one_network_at_once_stop_at_its_cap(
    transactional_db: None, loaded: object, queue: Queue,
) -> None:
    more = follows.PENDING_PER_NETWORK + 6
    outcomes = _follows_at_once([{"contact": f"p{n}@example.org", "target": "state",
                                  "key": "russia", "address": f"198.51.100.{n + 1}"}
                                 for n in range(more)])
    assert Follow.objects.count() == follows.PENDING_PER_NETWORK
    assert sum(outcome is not None for outcome in outcomes) == follows.PENDING_PER_NETWORK
