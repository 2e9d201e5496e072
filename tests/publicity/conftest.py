"""A released offer whose endorsements are open, on the small test situation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

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
