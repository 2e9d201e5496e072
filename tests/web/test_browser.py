"""The public pages in a real browser: they render, navigate without JavaScript, and pass axe.

axe-core (bundled by axe-playwright-python) checks WCAG 2.0, 2.1 and 2.2 at levels A and AA.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from openpeace.core.situation import Situation
from openpeace.diplomacy.armistices import armistice_record, breach_report, session_record
from openpeace.diplomacy.models import Armistice, NegotiationSession, Offer
from openpeace.diplomacy.process import reply_record
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log.services import log_integrate
from openpeace.treaties.services import treaty_publish
from openpeace.treaties.treaty_file import treaties_import
from openpeace.world.models import State
from openpeace.world.services import situation_load
from tests.diplomacy.conftest import write_texts
from tests.treaties.conftest import MINI_TREATIES

pytestmark = pytest.mark.browser

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
                   "best-practice"],
    }
}
PAGES = ["/", "/states/", "/states/ottoman-empire/", "/states/russia/", "/nationalities/",
         "/nationalities/?standing=bogus", "/occupations/", "/states/atlantis/", "/log/",
         "/log/entries/0", "/offers/", "/offers/peace-1917/",
         "/offers/peace-1917/proclamations/ottoman-people/ota/",
         "/offers/peace-1917/notes/germany/de/", "/offers/peace-1917/replies/germany/",
         "/offers/peace-1917/armistices/{armistice}/",
         "/offers/peace-1917/armistices/{armistice}/?on=1918-01-01",
         "/offers/peace-1917/armistices/{armistice}/?on=bogus",
         "/offers/peace-1917/sessions/{session}/", "/treaties/", "/treaties/?party=atlantis",
         "/treaties/straits-pact/", "/treaties/search/?q=Erzurum", "/treaties/search/?q=(x"]


@pytest.fixture
def site(transactional_db: None, live_server: Any, mini: Situation) -> str:
    situation_load(mini)
    offer = Offer.objects.create(
        key="peace-1917", title="Decree on Peace", proposing_state=State.objects.get(key="russia"),
        reply_deadline=timezone.now() + dt.timedelta(days=30),
        terms={"armistice": {"term_days": 90}},
    )
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    write_texts(offer)
    offer_release(offer=offer)
    record_acts(offer)
    treaty_publish(treaty=treaties_import(MINI_TREATIES)[0])
    log_integrate()
    return str(live_server.url)


def record_acts(offer: Offer) -> None:
    """An armistice (with a breach and a GeoJSON line) and a negotiation session."""
    offer.refresh_from_db()
    for key in ["germany", "ottoman-empire"]:
        envoy = envoy_issue(state=State.objects.get(key=key), label=key).envoy
        reply_record(envoy=envoy, offer=offer, kind="accepts_armistice", text="Yes.")
    armistice = armistice_record(
        offer=offer, parties=list(State.objects.filter(
            key__in=["russia", "germany", "ottoman-empire"])),
        signed_on=dt.date(1917, 12, 15), effective_on=dt.date(1917, 12, 17), term_count=28,
        term_unit="days", renewal=Armistice.Renewal.CONTINUED, notice_days=7,
        demarcation="The front line of 17 December 1917.",
        demarcation_geometry={"type": "LineString", "coordinates": [[21.0, 55.7], [30.7, 46.5]]},
    )
    breach_report(armistice=armistice, reported_by=State.objects.get(key="russia"),
                  on=dt.date(1917, 12, 20), description="Troops moved to the western front.")
    session_record(
        offer=offer, place="Brest-Litovsk", opened_on=dt.date(1917, 12, 22),
        delegations=[{"state": "russia", "members": ["A. A. Joffe"]}],
        record="The Russian delegation set out six points.",
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_no_accessibility_violation(site: str, page: Any, path: str) -> None:
    acts = {"armistice": Armistice.objects.get().pk, "session": NegotiationSession.objects.get().pk}
    page.goto(site + path.format(**acts))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    results = Axe().run(page, options=WCAG_AA)
    assert len(results.response["passes"]) > 10  # axe ran its rules on this page
    assert results.violations_count == 0, results.generate_report()


def test_axe_does_catch_a_violation(site: str, page: Any) -> None:
    """The accessibility check can fail: an image without text and a low-contrast line do."""
    page.goto(site + "/")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src="/x.png"><p style="color:#eee;background:#fff">faint</p>')"""
    )
    results = Axe().run(page, options=WCAG_AA)
    found = {v["id"] for v in results.response["violations"]}
    assert {"image-alt", "color-contrast"} <= found


def test_a_reader_finds_a_nationality_without_javascript(
    site: str, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.get_by_role("link", name="Nationalities").first.click()
    page.get_by_label("Standing").select_option("colonial")
    page.get_by_role("button", name="Filter").click()
    assert "standing=colonial" in page.url
    rows = page.locator("tbody th[scope=row]").all_inner_texts()
    assert rows == ["Algerians"]
    context.close()


def test_right_to_left_names_are_laid_out_right_to_left(site: str, page: Any) -> None:
    page.goto(site + "/states/ottoman-empire/")
    endonym = page.locator('h1 bdi[lang="ota"]')
    assert endonym.get_attribute("dir") == "rtl"
    assert endonym.evaluate("e => getComputedStyle(e).direction") == "rtl"


def test_a_proclamation_in_ottoman_turkish_reads_right_to_left(site: str, page: Any) -> None:
    page.goto(site + "/offers/peace-1917/proclamations/ottoman-people/ota/")
    article = page.locator("article")
    assert article.get_attribute("lang") == "ota"
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"


def test_a_treaty_text_in_ottoman_turkish_reads_right_to_left(site: str, page: Any) -> None:
    page.goto(site + "/treaties/straits-pact/")
    article = page.locator("article#text-ota")
    assert (article.get_attribute("lang"), article.get_attribute("dir")) == ("ota", "rtl")
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
