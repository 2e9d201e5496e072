"""Two contradictory decisions of one nationality recorded at the same moment: one stands, the
other is refused. On PostgreSQL, where the two transactions truly run at once (SQLite has one
writer at a time; its in-memory test database refuses a second writer instead of waiting)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from openpeace.selfdetermination import services
from openpeace.selfdetermination.models import Decision
from openpeace.selfdetermination.selectors import terms_register
from openpeace.world.models import Nationality, State

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL"
)


def test_contradictory_decisions_at_once_record_one(
    transactional_db: None, loaded: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each transaction reads the register and then waits a moment, so that without the lock
    both would have judged the other's decision absent before either was written."""

    def register_then_wait() -> object:
        register = terms_register()
        time.sleep(0.5)
        return register

    monkeypatch.setattr(services, "terms_register", register_then_wait)
    finns = Nationality.objects.get(key="finns")
    start = threading.Barrier(2)
    outcomes: list[Decision | BaseException] = []

    def record(joins: str | None) -> None:
        try:
            start.wait()
            outcomes.append(services.decision_record(
                nationality=finns, joins=State.objects.get(key=joins) if joins else None,
                via="plebiscite", taken_on=dt.date(1917, 12, 6), source="a count"))
        except BaseException as error:  # reported below, whatever it is
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(joins,)) for joins in (None, "russia")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [o for o in outcomes if isinstance(o, services.DecisionRefused)]
    assert len(refused) == 1, outcomes
    assert "already decided otherwise on 1917-12-06" in str(refused[0])
    assert Decision.objects.filter(nationality=finns).count() == 1
