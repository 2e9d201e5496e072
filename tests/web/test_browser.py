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
from openpeace.publicity.services import endorsement_period_open
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
from tests.conftest import WCAG_AA, csp_reports
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
         "/nationalities/armenians/demands/", "/nationalities/finns/demands/file/",
         "/plebiscites/", "/log/?kind=nosuchkind", "/nationalities/?ruled_by=atlantis",
         "/treaties/?signed_from=notadate&status=bogus",
         "/treaties/search/?q=x&signed_from=1918-01-01&signed_to=1915-01-01",
         "/treaties/search/?q=%22unclosed", "/coverage/", "/decisions/", "/no/such/page/"]


@pytest.fixture
def site(transactional_db: None, live_server: Any, mini: Situation) -> str:
    situation_load(mini)
    offer = Offer.objects.create(
        key="peace-1917", title="Decree on Peace", proposing_state=State.objects.get(key="russia"),
        reply_deadline=timezone.now() + dt.timedelta(days=30),
        terms={"armistice": {"term_days": 90}},
        sources=[  # its page lists them: one in a script written right to left
            {"key": "dp", "title": "Decree on Peace", "url": "https://example.org/decree"},
            {"key": "tk", "title": "صلح فرمانی", "url": "https://example.org/ota",
             "language": "ota"}],
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


def test_every_page_has_no_accessibility_violation(site: str, page: Any) -> None:
    """One walk over PAGES (the site's data is recorded once for all of them); every page that
    fails is named, with axe's report."""
    acts = {"armistice": Armistice.objects.get().pk, "session": NegotiationSession.objects.get().pk}
    failures = {}
    for path in PAGES:
        page.goto(site + path.format(**acts))
        html = page.locator("html")
        results = Axe().run(page, options=WCAG_AA)
        problems = [
            *([] if (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
              else ["the page is not marked English, left to right"]),
            *([] if len(results.response["passes"]) > 10 else ["axe did not run its rules"]),
            *([results.generate_report()] if results.violations_count else []),
            *tables_outside_their_regions(page),
        ]
        if problems:
            failures[path] = problems
    assert failures == {}


def test_axe_does_catch_a_violation(site: str, page: Any) -> None:
    """The accessibility check can fail: an image without text and a low-contrast line do."""
    page.goto(site + "/")
    page.evaluate(  # the style set by script: the page's policy refuses a style attribute
        """() => {
        document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/x.png">');
        const faint = document.createElement('p');
        faint.textContent = 'faint';
        faint.style.cssText = 'color: #eee; background: #fff';
        document.querySelector('main').append(faint);
        }"""
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


def test_an_offers_source_titled_in_ottoman_turkish_reads_right_to_left(
        site: str, page: Any) -> None:
    page.goto(site + "/offers/peace-1917/")
    title = page.locator("#source-tk [lang]").first
    assert (title.get_attribute("lang"), title.get_attribute("dir")) == ("ota", "rtl")
    assert title.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("#source-dp a").get_attribute("href") == "https://example.org/decree"


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


def tables_outside_their_regions(page: Any) -> list[str]:
    """The captions of the tables that are not each in a scrolling region named by the caption
    (the `scrolling` template tag): one wider than the screen would widen the page."""
    return list(page.evaluate("""() => [...document.querySelectorAll('table')].filter(table => {
        const region = table.parentElement, caption = table.querySelector(':scope > caption');
        return !(region.matches('div.table[role=region][tabindex="0"]') && caption && caption.id
                 && region.getAttribute('aria-labelledby') === caption.id);
    }).map(table => table.caption ? table.caption.textContent : table.outerHTML.slice(0, 80))"""))


NARROW = ["/nationalities/", "/log/", "/log/entries/0", "/follow/?offer=peace-1917",
          "/offers/peace-1917/endorse/", "/offers/peace-1917/",
          "/offers/peace-1917/proclamations/ottoman-people/ota/",
          "/offers/peace-1917/armistices/{armistice}/", "/nationalities/finns/demands/file/"]
"""A list with a table, the log and an entry of it (JSON and hashes), the forms with the widest
controls (the follow and endorsement selects, the demand's textareas), an offer with its
proclamations, one of them right to left, and a page of terms and descriptions."""


def test_no_page_scrolls_sideways_at_320_pixels(site: str, browser: Any) -> None:
    """Reflow (WCAG 2.2, 1.4.10): 320 CSS pixels wide (a 1280-pixel screen zoomed to 400 %),
    no page scrolls sideways; a wide table scrolls inside its own region, which the keyboard
    can reach. axe passes there too."""
    endorsement_period_open(offer=Offer.objects.get(),
                            closes_at=timezone.now() + dt.timedelta(days=9))
    acts = {"armistice": Armistice.objects.get().pk}
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    wide = {}
    for path in NARROW:
        assert page.goto(site + path.format(**acts)).ok, path
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 320:
            wide[path] = width
        results = Axe().run(page, options=WCAG_AA)
        assert results.violations_count == 0, (path, results.generate_report())
        assert tables_outside_their_regions(page) == [], path
        if path == "/nationalities/":  # the table is wider than the screen: its region scrolls
            region = page.get_by_role("region", name="nationalities")
            assert region.evaluate("e => e.scrollWidth > e.clientWidth")
            region.focus()
            page.keyboard.press("ArrowRight")  # scrolls it (smoothly: wait until it has)
            page.wait_for_function("e => e.scrollLeft > 0", arg=region.element_handle())
        if path.startswith("/follow/"):  # narrowed to the column, the choice still reads
            target = page.get_by_label("What to follow")
            assert 100 < target.evaluate("e => e.getBoundingClientRect().width") <= 288
            assert target.evaluate("e => e.selectedOptions[0].text") == "Decree on Peace"
    assert wide == {}
    context.close()


def test_every_page_of_the_main_navigation_answers_without_javascript(
    site: str, browser: Any
) -> None:
    """Each list is reached from every page's navigation (WCAG 2.2, 2.4.5 Multiple Ways), the
    plebiscites too; and each is a page of the site, with its main and its h1, also the API's
    documentation."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    navigation = page.get_by_role("navigation", name="Main").get_by_role("link")
    links = {link.inner_text(): link.get_attribute("href") for link in navigation.all()}
    assert links["Plebiscites"] == "/plebiscites/"
    for name, href in links.items():
        assert page.goto(site + href).status == 200, name
        assert page.get_by_role("main").count() == 1, name
        assert page.get_by_role("heading", level=1).count() == 1, name
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plebiscites").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Plebiscites"
    context.close()


def test_the_api_documentation_is_a_page_of_the_site(site: str, browser: Any) -> None:
    """/api/docs, the reference: the site's header and skip link, a main with its h1, every
    operation, no script, and axe passes on all of it. /api/docs/try: without JavaScript a way
    to the reference; with it, Swagger UI inside the main, marked English, left to right. axe
    checks the page around Swagger UI, a third party's widget (which fails color-contrast,
    nested-interactive and heading-order on its own): the reason the reference exists."""
    without = browser.new_context(java_script_enabled=False)
    page = without.new_page()
    page.goto(site + "/api/docs")
    assert page.get_by_role("link", name="Skip to the content").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == "The API"
    assert page.get_by_role("heading", name="POST /api/nationalities/{key}/demands").count() == 1
    page.get_by_role("link", name="DemandIn").first.click()
    assert page.url.endswith("#schema-DemandIn")
    page.goto(site + "/api/docs/try")
    assert "needs JavaScript" in page.get_by_role("main").inner_text()
    page.get_by_role("main").get_by_role("link", name="the API's reference").last.click()
    assert page.url == site + "/api/docs"
    without.close()

    around_swagger = {"exclude": [["#swagger-ui"]]}
    with_script = browser.new_context()  # axe itself is a script
    page = with_script.new_page()
    page.goto(site + "/api/docs")
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    page.goto(site + "/api/docs/try")
    page.locator("main #swagger-ui .info").wait_for()
    swagger = page.locator("#swagger-ui")
    assert (swagger.get_attribute("lang"), swagger.get_attribute("dir")) == ("en", "ltr")
    results = Axe().run(page, context=around_swagger, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    with_script.close()


POLICED = ["/", "/offers/peace-1917/", "/offers/peace-1917/endorsements/",
           "/offers/peace-1917/armistices/{armistice}/", "/treaties/straits-pact/", "/log/",
           "/nationalities/finns/demands/file/", "/api/docs", "/api/docs/try"]
"""The home page, an offer and its tally (charts and a map in SVG), an armistice (GeoJSON), a
treaty, the log, a form, the API's reference and Swagger UI (a third party's script and styles)."""


def test_no_page_breaks_its_content_security_policy(site: str, page: Any) -> None:
    """Every script and style of the site comes from its own files: the browser reports no
    violation of the policy (web.http.ContentSecurityPolicy) on any of these pages."""
    reports = csp_reports(page)
    acts = {"armistice": Armistice.objects.get().pk}
    for path in POLICED:
        response = page.goto(site + path.format(**acts))
        assert response.ok and "default-src 'self'" in response.headers[
            "content-security-policy"], path
        page.wait_for_load_state("networkidle")
    page.locator("#swagger-ui .info").wait_for()  # its script ran, under the policy
    assert reports == []


def test_the_policy_check_does_catch_a_violation(site: str, page: Any) -> None:
    """An inline script, as an injection would add one, is refused and reported."""
    reports = csp_reports(page)
    page.goto(site + "/")
    page.evaluate("""() => {
        const injected = document.createElement('script');
        injected.textContent = 'window.injected = true';
        document.body.append(injected);
    }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert reports and "inline script violates the following Content Security Policy" in \
        reports[0]
