"""One person once under concurrent duplicate submissions: the database's unique constraint,
not a read before the write, decides. On PostgreSQL, where the submissions truly run at once;
SQLite's test database is in memory with a shared cache, which refuses a second writer at once
("database table is locked") instead of waiting as the real file database does."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import offer_release
from openpeace.publicity import services
from openpeace.publicity.models import Endorsement
from openpeace.world.models import State
from tests.diplomacy.conftest import write_texts

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL"
)
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
    start = threading.Barrier(len(SPELLINGS))
    outcomes: list[services.Submitted | BaseException] = []

    def submit(contact: str) -> None:
        try:
            start.wait()
            outcomes.append(services.endorsement_submit(offer=offer, contact=contact,
                                                        country=germany))
        except BaseException as error:  # reported below, whatever it is
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(c,)) for c in SPELLINGS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(o, services.Submitted) for o in outcomes), outcomes
    assert Endorsement.objects.count() == 1
    one = Endorsement.objects.get()
    submitted = [o for o in outcomes if isinstance(o, services.Submitted)]
    assert [o.duplicate for o in submitted].count(False) == 1
    assert {o.endorsement.pk for o in submitted} == {one.pk}
