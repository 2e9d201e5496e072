"""The endorsement flow in a real browser (Debian's Chromium): endorse, read the e-mail,
confirm with the button, find oneself counted on the tally; axe finds no WCAG 2.2 AA violation
on any page of the flow. The pages carry no script, so the flow is the same without
JavaScript (axe itself needs it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from openpeace.core.situation import Situation
from openpeace.diplomacy.models import Offer
from openpeace.diplomacy.services import offer_release
from openpeace.publicity import services
from openpeace.publicity.models import Endorsement
from openpeace.world.models import State
from tests.conftest import WCAG_AA
from tests.diplomacy.conftest import write_texts
from tests.publicity.conftest import Queue


def accessible(page: Any) -> None:
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def offer(transactional_db: None, loaded: Situation) -> Offer:
    offer = Offer.objects.create(
        key="peace-1917", title="Decree on Peace", proposing_state=State.objects.get(key="russia"),
        reply_deadline=timezone.now() + dt.timedelta(days=30),
        terms={"principles": ["peace without annexations"], "armistice": {"term_days": 90}})
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    write_texts(offer)
    offer_release(offer=offer)
    offer.refresh_from_db()
    services.endorsement_period_open(offer=offer, closes_at=timezone.now() + dt.timedelta(days=9))
    return offer


def test_endorse_confirm_and_be_counted(live_server: Any, page: Any, offer: Offer,
                                        queue: Queue) -> None:
    page.goto(f"{live_server.url}/offers/{offer.key}/")
    page.get_by_role("link", name="endorse the offer").click()
    accessible(page)
    page.get_by_label("Your e-mail address").fill("Jane.Doe+peace@gmail.com")
    page.get_by_label("The country you live in").select_option("germany")
    page.get_by_label("Your region (optional)").select_option("alsace")
    page.get_by_role("button", name="Endorse the offer").click()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    accessible(page)

    endorsement = Endorsement.objects.get()
    assert endorsement.canonical == "janedoe@gmail.com" and endorsement.status == "pending"
    services.endorsements_check()  # the dispatcher's turn, then the worker's
    services.endorsement_mails_dispatch()
    queue.run()
    link = mail.outbox[-1].body.split("press the button:\n")[1].split("\n")[0]
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    assert f"You asked to endorse “{offer.title}”" in page.get_by_role("main").inner_text()
    accessible(page)
    page.get_by_role("button", name="Confirm that I endorse the offer").click()
    assert "is confirmed" in page.get_by_role("status").inner_text()
    page.go_back()  # the link opened again says so, with no button to press again
    assert "is already confirmed" in page.get_by_role("status").inner_text()
    assert page.get_by_role("button").count() == 0
    accessible(page)

    services.tally_run(offer=offer, lag=dt.timedelta(0))  # the tally job's turn
    page.get_by_role("link", name="The endorsements so far").click()
    table = page.get_by_role("table", name="Endorsements per country and region")
    assert "Germany (1)" in table.inner_text() and "Alsace-Lorraine" in table.inner_text()
    assert page.get_by_role("img", name="Endorsements on the map").is_visible()  # axe sees it
    accessible(page)
    assert page.locator("script").count() == 0


def test_a_wrong_region_is_said_next_to_its_field(live_server: Any, page: Any,
                                                  offer: Offer) -> None:
    page.goto(f"{live_server.url}/offers/{offer.key}/endorse/")
    page.get_by_label("Your e-mail address").fill("jane@example.org")
    page.get_by_label("The country you live in").select_option("germany")
    page.get_by_label("Your region (optional)").select_option("finland")
    page.get_by_role("button", name="Endorse the offer").click()
    assert "is not a region of Germany" in page.get_by_role("alert").first.inner_text()
    accessible(page)
    assert not Endorsement.objects.exists()
