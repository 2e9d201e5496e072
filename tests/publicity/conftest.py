"""A released offer whose endorsements are open, on the small test situation; the dummy task
queue, run by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import offer_release
from openpeace.publicity.services import endorsement_period_open
from tests.diplomacy.conftest import complete_offer, offer  # noqa: F401  (fixtures)


@pytest.fixture
def endorsable(complete_offer: Offer) -> Offer:  # noqa: F811
    """Released a day ago; endorsements open for 30 days."""
    offer_release(offer=complete_offer, at=timezone.now() - dt.timedelta(days=1))
    complete_offer.refresh_from_db()
    endorsement_period_open(offer=complete_offer, closes_at=timezone.now() + dt.timedelta(days=30),
                            at=timezone.now() - dt.timedelta(hours=1))
    return complete_offer


class Queue:
    """The dummy task backend's queue: `run()` is a worker's pass over it."""

    def pending(self) -> list[Any]:
        """The queued tasks, taken off the queue without running them."""
        results = list(default_task_backend.results)
        default_task_backend.clear()
        return results

    def run(self) -> list[Any]:
        return [result.task.call(*result.args, **result.kwargs) for result in self.pending()]


@pytest.fixture
def queue(settings: Any) -> Queue:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return Queue()
