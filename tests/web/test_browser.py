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
from openpeace.selfdetermination.services import (
    commission_issue,
    decision_record,
    demand_acknowledge,
    demand_begin,
    demand_file,
    demand_refuse,
    demand_satisfy,
)
from openpeace.treaties.services import treaty_publish
from openpeace.treaties.treaty_file import treaties_import
from openpeace.world.evacuation import StageDraft, plan_adopt, report_record, stage_complete
from openpeace.world.models import Nationality, Occupation, State
from openpeace.world.services import situation_load
from tests.conftest import WCAG_AA
from tests.diplomacy.conftest import ACCEPTANCE, RELEASED_1917, write_texts
from tests.treaties.conftest import MINI_TREATIES

pytestmark = pytest.mark.browser

PAGES = ["/", "/states/", "/states/ottoman-empire/", "/states/russia/", "/nationalities/",
         "/nationalities/?standing=bogus", "/occupations/", "/states/atlantis/", "/log/",
         "/log/entries/0", "/offers/", "/offers/peace-1917/",
         "/offers/peace-1917/proclamations/ottoman-people/ota/",
         "/offers/peace-1917/notes/germany/de/", "/offers/peace-1917/replies/germany/",
         "/offers/peace-1917/armistices/{armistice}/",
         "/offers/peace-1917/armistices/{armistice}/?on=1918-01-01",
         "/offers/peace-1917/armistices/{armistice}/?on=bogus",
         "/offers/peace-1917/sessions/{session}/", "/treaties/", "/treaties/?party=atlantis",
         "/treaties/straits-pact/", "/treaties/search/?q=Erzurum", "/treaties/search/?q=(x",
         "/occupations/?on=1918-03-20", "/occupations/erzurum/russia/",
         "/occupations/erzurum/russia/?on=1918-03-20", "/occupations/erzurum/russia/?on=bogus",
         "/demands/", "/demands/?status=bogus", "/nationalities/finns/demands/",
         "/nationalities/armenians/demands/", "/nationalities/finns/demands/file/"]


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
    offer_release(offer=offer, at=RELEASED_1917)  # before the acts it is answered with
    record_acts(offer)
    treaty_publish(treaty=treaties_import(MINI_TREATIES)[0])
    record_evacuation()
    record_demands()
    log_integrate()
    return str(live_server.url)


def record_acts(offer: Offer) -> None:
    """An armistice (with a breach and a GeoJSON line) and a negotiation session."""
    offer.refresh_from_db()
    for key in ["germany", "ottoman-empire"]:
        envoy = envoy_issue(state=State.objects.get(key=key), label=key).envoy
        reply_record(envoy=envoy, offer=offer, kind="accepts_armistice", **ACCEPTANCE[key])
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


def record_evacuation() -> None:
    """An evacuation plan for the occupation of Erzurum: a report, one of its two stages done."""
    noon = dt.datetime(1918, 3, 1, 12, tzinfo=dt.UTC)
    plan = plan_adopt(
        occupation=Occupation.objects.get(territory__key="erzurum"),
        title="Evacuation of Erzurum", act="Decree on Turkish Armenia",
        adopted_on=dt.date(1918, 1, 11), sources=[{"title": "The decree"}], at=noon,
        stages=[StageDraft("erzurum", "the Erzincan front", dt.date(1918, 2, 11), "Erzincan"),
                StageDraft("erzurum", "the garrison", dt.date(1918, 3, 11), "Erzurum")],
    )
    report_record(plan=plan, on=dt.date(1918, 1, 13), text="Published in Pravda.", at=noon)
    stage_complete(stage=plan.stages.get(number=1), on=dt.date(1918, 2, 20), note="Gone.",
                   at=noon)


def record_demands() -> None:
    """The Finns' demands: one satisfied by their recognised declaration, one refused."""
    finns = Nationality.objects.get(key="finns")
    commission = commission_issue(nationality=finns, label="Senate of Finland").commission
    recognition, language = (
        demand_file(commission=commission, nationality=finns, kind=kind, text="The demand.",
                    acts_asked="The act.", sources=[{"title": "A source", "url": "https://x.org"}])
        for kind in ["recognition_of_declaration", "language_rights"]
    )
    for demand in (recognition, language):
        demand_acknowledge(demand=demand, note="Received.")
        demand_begin(demand=demand)
    declared = decision_record(
        nationality=finns, joins=None, via="declaration", taken_on=dt.date(1917, 12, 6),
        recognised_on=dt.date(1917, 12, 31), recognised_by=State.objects.get(key="russia"),
        source="The Parliament of Finland",
    )
    demand_satisfy(demand=recognition, decision=declared, note="Recognised.")
    demand_refuse(demand=language, reasons="Not in this form.")


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
    page.wait_for_url("**standing=colonial**")  # the filtered page, loaded (not only its URL)
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


def test_a_commission_files_a_demand_without_javascript(site: str, browser: Any) -> None:
    from openpeace.selfdetermination.models import Demand

    token = commission_issue(nationality=Nationality.objects.get(key="finns"),
                             label="Diet of Finland").token
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/nationalities/finns/demands/")
    page.get_by_role("link", name="File a demand").click()
    page.get_by_label("Commission's token").fill(token)
    page.get_by_label("Kind of demand").select_option("release_of_prisoners")
    page.get_by_label("The demand", exact=True).fill("Release the Finnish prisoners.")
    page.get_by_label("The acts it asks for").fill("An amnesty.")
    page.get_by_role("button", name="File the demand").click()
    demand = Demand.objects.get(kind="release_of_prisoners")
    assert page.url.endswith(f"/nationalities/finns/demands/#demand-{demand.pk}")
    assert page.locator(f"#demand-{demand.pk} h2").inner_text().startswith(
        f"Demand {demand.pk}: release of prisoners (filed)")
    context.close()
