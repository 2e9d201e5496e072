"""The offers of peace where a reader arrives: the home page and the offers' page show each
released offer's standing (who offers it, its overall status, its reply deadline ahead or
passed, its release in the log, the peoples' endorsements, to endorse only while they are
open), and never a draft."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openpeace.core.situation import Situation
from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import offer_release
from openpeace.publicity.services import endorsement_period_open
from openpeace.world.models import State
from tests.diplomacy.conftest import write_texts


def _offer(key: str, *, deadline_in: dt.timedelta) -> Offer:
    offer = Offer.objects.create(
        key=key, title=f"Offer {key}", proposing_state=State.objects.get(key="russia"),
        reply_deadline=timezone.now() + deadline_in, terms={"armistice": {"term_days": 90}})
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    write_texts(offer)
    return offer


def _released(key: str, *, deadline_in: dt.timedelta = dt.timedelta(days=30)) -> Offer:
    offer = _offer(key, deadline_in=deadline_in)
    offer_release(offer=offer)
    offer.refresh_from_db()
    return offer


def _summary(html: str, offer: Offer) -> str:
    """The offer's section of a list page."""
    found = re.search(rf'<section aria-labelledby="offer-{offer.key}">.*?</section>', html,
                      re.S)
    assert found is not None, html
    return found.group(0)


@pytest.mark.parametrize("path", ["/", "/offers/"])
def test_a_released_offer_is_shown_with_where_it_stands(
    client: Client, loaded: Situation, path: str
) -> None:
    offer = _released("peace")
    endorsement_period_open(offer=offer, closes_at=timezone.now() + dt.timedelta(days=60))
    shown = _summary(client.get(path).content.decode(), offer)
    assert '<a href="/offers/peace/"><bdi>Offer peace</bdi></a>' in shown
    assert 'Offered by <a href="/states/russia/"><bdi>Russia</bdi></a>' in shown
    assert 'Overall: <strong class="status">open: awaiting replies</strong>' in shown
    assert "Replies are awaited until" in shown and "were due" not in shown
    assert "Being recorded in the transparency log." in shown
    assert '<a href="/offers/peace/endorsements/">' in shown
    assert '<a href="/offers/peace/endorse/">endorse the offer, until' in shown


@pytest.mark.parametrize("path", ["/", "/offers/"])
def test_a_passed_deadline_and_closed_endorsements_are_said_as_such(
    client: Client, loaded: Situation, path: str
) -> None:
    offer = _released("late", deadline_in=dt.timedelta(days=30))
    Offer.objects.filter(pk=offer.pk).update(reply_deadline=timezone.now() - dt.timedelta(days=1))
    shown = _summary(client.get(path).content.decode(), offer)
    assert "Replies were due by" in shown and "awaited" not in shown
    assert '<a href="/offers/late/endorsements/">' in shown  # the counts stay
    assert "/offers/late/endorse/" not in shown  # never opened: nothing to endorse

    endorsement_period_open(offer=offer, closes_at=timezone.now() + dt.timedelta(days=1))
    assert "/offers/late/endorse/" in _summary(client.get(path).content.decode(), offer)
    offer.endorsement_period.closes_at = timezone.now() - dt.timedelta(seconds=1)
    offer.endorsement_period.save()
    assert "/offers/late/endorse/" not in _summary(client.get(path).content.decode(), offer)


def test_the_home_page_shows_no_draft_and_says_how_to_see_the_process(
    client: Client, loaded: Situation
) -> None:
    _offer("draft", deadline_in=dt.timedelta(days=30))
    html = client.get("/").content.decode()
    assert "Offer draft" not in html
    assert "No offer of peace has been released yet." in html
    assert "<code>openpeace demo replay-1917</code>" in html


def test_the_home_page_shows_the_latest_offers_and_links_every_one(
    client: Client, loaded: Situation
) -> None:
    offers = [_released(f"offer-{n}") for n in range(4)]
    html = client.get("/").content.decode()
    shown = re.findall(r'<section aria-labelledby="offer-([a-z0-9-]+)">', html)
    assert shown == ["offer-3", "offer-2", "offer-1"]  # the latest released first
    assert '<a href="/offers/">Every offer of peace</a>' in html
    listed = re.findall(r'<section aria-labelledby="offer-([a-z0-9-]+)">',
                        client.get("/offers/").content.decode())
    assert listed == [offer.key for offer in reversed(offers)]


def test_the_home_page_reads_its_offers_in_one_query(client: Client, loaded: Situation) -> None:
    """Each offer's state, entry and endorsement period come with it: three offers cost no
    more queries than one."""
    def queries() -> int:
        client.get("/")  # warm: the frame and the register
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    endorsement_period_open(offer=_released("offer-0"),
                            closes_at=timezone.now() + dt.timedelta(days=9))
    one = queries()
    for n in (1, 2):
        endorsement_period_open(offer=_released(f"offer-{n}"),
                                closes_at=timezone.now() + dt.timedelta(days=9))
    assert queries() == one
