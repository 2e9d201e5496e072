"""An offer on the small test situation, with or without its texts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpeace.core.situation import Situation
from openpeace.diplomacy.models import Note, Offer, Proclamation
from openpeace.diplomacy.process import reply_record
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.world.models import Language, People, State


@pytest.fixture
def offer(loaded: Situation) -> Offer:
    """An offer from Russia to Germany and the Ottoman Empire, with no text yet."""
    offer = Offer.objects.create(
        key="peace-1917",
        title="Decree on Peace",
        proposing_state=State.objects.get(key="russia"),
        reply_deadline=timezone.now() + dt.timedelta(days=30),
        terms={
            "principles": ["peace without annexations or indemnities"],
            "armistice": {"term_days": 90},
        },
    )
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    return offer


def write_texts(offer: Offer) -> None:
    """Every note and proclamation the offer needs (German; Ottoman Turkish, Arabic, Armenian)."""
    for state, tag in [("germany", "de"), ("ottoman-empire", "ota")]:
        Note.objects.create(offer=offer, state=State.objects.get(key=state),
                            language=Language.objects.get(tag=tag), text=f"Note ({tag}).")
    for people, tags in [("germany-people", ["de"]), ("ottoman-people", ["ota", "ar", "hy"])]:
        for tag in tags:
            Proclamation.objects.create(
                offer=offer, people=People.objects.get(key=people),
                language=Language.objects.get(tag=tag), title=f"Peace ({tag})",
                text=f"Proclamation in {tag}.",
            )


@pytest.fixture
def complete_offer(offer: Offer) -> Offer:
    write_texts(offer)
    return offer


# Each addressee's acceptance, in the language of the note the offer sent its government.
ACCEPTANCE = {"germany": {"text": "Ja.", "language": "de"},
              "ottoman-empire": {"text": "قبول", "language": "ota"}}


# When `accepted` was released: its armistices and sessions are dated in 1917 and 1918, and a
# session cannot be dated before the release of its offer.
RELEASED_1917 = dt.datetime(1917, 11, 8, 22, tzinfo=dt.timezone(dt.timedelta(hours=3)))


@pytest.fixture
def accepted(complete_offer: Offer) -> Offer:
    """Released on 8 November 1917; Germany and the Ottoman Empire have accepted an
    armistice (today)."""
    offer_release(offer=complete_offer, at=RELEASED_1917)
    complete_offer.refresh_from_db()
    for key in ["germany", "ottoman-empire"]:
        envoy = envoy_issue(state=State.objects.get(key=key), label=key).envoy
        reply_record(envoy=envoy, offer=complete_offer, kind="accepts_armistice",
                     **ACCEPTANCE[key])
    return complete_offer
