"""The voting booth in the system Chromium: the vote is encrypted in the page, audited, cast and
found on the board, and counted beside a ballot of the Python client (the two clients
interoperate); a wrong credential sends nothing; without JavaScript the page says what to do;
axe finds no violation; a question in a right-to-left script reads right to left.

The booth is booth/ bundled into static/plebiscites/booth.js (`make booth`; `make test` builds
it first). Its own tests, against the vectors, are booth/test/ (`node --test`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from openpeace.core import plebiscite as core
from openpeace.core.situation import Situation
from openpeace.plebiscites import views
from openpeace.plebiscites.selectors import board_of
from openpeace.world.services import situation_load
from tests.conftest import WCAG_AA, csp_reports
from tests.plebiscites.conftest import ARABIC_QUESTION, Running, start

pytestmark = pytest.mark.browser

BUNDLE = Path(views.__file__).parent / "static" / "plebiscites" / "booth.js"


@dataclass
class Booth:
    """A plebiscite voting now, on a live server, and the requests the browser sends to it."""

    server: str
    running: Running
    posts: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.server}/plebiscites/{self.running.plebiscite.pk}/booth/"

    def open(self, page: Any) -> None:
        """Open the booth and wait until it has checked the parameters."""
        page.on("request", lambda r: self.posts.append(r) if r.method == "POST" else None)
        page.goto(self.url)
        expect(page.locator("#booth-hash")).to_have_text(self.running.plebiscite.election_hash)

    def encrypt(self, page: Any, credential: str, option: str) -> str:
        """Type the credential, choose, encrypt: the tracker shown."""
        page.get_by_label("Your private credential").fill(credential)
        page.get_by_role("radio", name=option).check()
        page.get_by_role("button", name="Encrypt my vote").click()
        return str(page.locator("#booth-tracker").inner_text())


def voting_now(live_server: Any, mini: Situation, nationality: str = "finns",
               joins: tuple[str, ...] = ("russia",), **start_options: Any) -> Booth:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: build it with `make booth` (make test does)")
    situation_load(mini)
    now = timezone.now()
    running = start(nationality, list(joins), opens=now - dt.timedelta(hours=1),
                    closes=now + dt.timedelta(hours=1), **start_options)
    return Booth(str(live_server.url), running)


@pytest.fixture
def booth(transactional_db: None, live_server: Any, mini: Situation) -> Booth:
    """The Finns vote now: to form a separate state, or to join Russia."""
    return voting_now(live_server, mini)


def test_the_browser_and_the_python_client_vote_in_one_election(booth: Booth, page: Any) -> None:
    plebiscite = booth.running.plebiscite
    credential = booth.running.credentials[0].to_text()
    reports = csp_reports(page)  # the booth runs under the site's Content-Security-Policy
    booth.open(page)
    assert page.locator("#booth-question").inner_text() == plebiscite.question
    expect(page.locator("#booth-question")).to_have_attribute("lang", "fi")
    expect(page.locator("#booth-question")).to_have_attribute("dir", "ltr")
    audited = booth.encrypt(page, credential, "to form a separate state")

    page.get_by_role("button", name="Audit this ballot").click()
    tracker = page.locator("#booth-tracker")
    expect(tracker).not_to_have_text(audited)
    expect(page.locator("#booth-audited")).to_contain_text(audited)
    (audit,) = board_of(plebiscite).audits
    assert core.tracker_text(core.tracker(audit.data)) == audited and audit.choice == 0
    assert core.audit_check(booth.running.election, audit)

    cast = tracker.inner_text()
    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.locator("#booth-cast-tracker")).to_have_text(cast)
    page.get_by_role("link", name="Find your tracker on the board").click()
    expect(page.locator("tbody tr").filter(has_text=cast)).to_have_count(1)
    assert "?credential=" in page.url  # the board's ballots under this credential (spec §15)
    expect(page.get_by_role("status")).to_contain_text("someone else cast in your name")

    # The server received the audit's reveal and the cast ballot (no choice in it), and never
    # the private credential.
    assert [(p.url.rsplit("/", 1)[1], sorted(p.post_data_json)) for p in booth.posts] == [
        ("audits", ["ballot", "choice", "randomness"]), ("ballots", ["ballot"])]
    assert not any(credential in (p.post_data or "") for p in booth.posts)
    assert reports == []  # every script and style of the booth and the board is the site's

    call_command("plebiscite", "vote", "--url", booth.server, "--plebiscite",
                 str(plebiscite.pk), "--credential", booth.running.credentials[1].to_text(),
                 "--choice", "join:russia")
    result = booth.running.finish().result
    assert result == {"counts": [1, 1], "ballots": 2}


def test_a_wrong_credential_is_refused_in_the_page(booth: Booth, page: Any) -> None:
    booth.open(page)
    field = page.get_by_label("Your private credential")
    stranger = core.PrivateCredential(bytes(range(32))).to_text()
    booth.encrypt(page, stranger, "to join Russia")
    expect(page.locator("#booth-credential-error")).to_have_text(
        "This credential is not on this election's list: check that you typed it exactly as it "
        "was handed to you.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    booth.encrypt(page, stranger[:-1], "to join Russia")
    expect(page.locator("#booth-credential-error")).to_contain_text(
        "This is not a private credential")
    expect(page.locator("#booth-encrypted")).to_be_hidden()
    assert booth.posts == []


def test_without_javascript_the_booth_points_to_the_python_client(
    booth: Booth, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(booth.url)
    expect(page.get_by_role("heading", name="This booth needs JavaScript")).to_be_visible()
    command = page.locator("#booth-needs-script pre").inner_text()
    assert command.startswith(f"openpeace plebiscite vote --url {booth.server} --plebiscite "
                              f"{booth.running.plebiscite.pk} ")
    expect(page.locator("#booth-needs-script li")).to_have_text(
        ["separate_state: to form a separate state", "join:russia: to join Russia"])
    expect(page.locator("#booth")).to_be_hidden()
    context.close()


def test_the_booth_has_no_accessibility_violation(booth: Booth, page: Any) -> None:
    booth.open(page)
    assert_accessible(page)
    booth.encrypt(page, booth.running.credentials[0].to_text(), "to join Russia")
    expect(page.locator("#booth-encrypted-heading")).to_be_focused()
    assert_accessible(page)


def test_a_booth_whose_script_cannot_run_says_what_to_do(booth: Booth, page: Any) -> None:
    page.route("**/booth.js", lambda route: route.abort())
    page.goto(booth.url)
    expect(page.get_by_role("heading", name="This booth needs JavaScript")).to_be_visible()
    assert_accessible(page)  # axe needs JavaScript: here only the booth's own script is missing


def assert_accessible(page: Any) -> None:
    results = Axe().run(page, options=WCAG_AA)
    assert len(results.response["passes"]) > 10  # axe ran its rules on this page
    assert results.violations_count == 0, results.generate_report()


def test_the_plebiscite_page_links_to_the_booth_while_voting_is_open(
    booth: Booth, page: Any
) -> None:
    page.goto(f"{booth.server}/plebiscites/{booth.running.plebiscite.pk}/")
    page.get_by_role("link", name="Vote in the voting booth").click()
    assert page.url == booth.url
    booth.running.finish()
    page.goto(f"{booth.server}/plebiscites/{booth.running.plebiscite.pk}/")
    expect(page.get_by_role("link", name="Vote in the voting booth")).to_have_count(0)
    page.goto(booth.url)
    expect(page.get_by_text("This plebiscite is not taking ballots now.")).to_be_visible()


@pytest.fixture
def arabic_booth(transactional_db: None, live_server: Any, mini: Situation) -> Booth:
    """The Algerians vote, their question in Arabic: to form a separate state, or join France."""
    return voting_now(live_server, mini, "algerians", ("france",), question=ARABIC_QUESTION,
                      language="ar")


def test_a_right_to_left_question_reads_right_to_left(arabic_booth: Booth, page: Any) -> None:
    """The legend is marked as Arabic, right to left (as the page tells the booth), so a screen
    reader reads it as Arabic and it is laid out from the right; the page stays left to right."""
    arabic_booth.open(page)
    legend = page.locator("#booth-question")
    expect(legend).to_have_attribute("lang", "ar")
    expect(legend).to_have_attribute("dir", "rtl")
    assert legend.evaluate("e => getComputedStyle(e).direction") == "rtl"
    question = legend.locator("bdi")
    assert question.inner_text() == ARABIC_QUESTION
    assert question.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("html").get_attribute("dir") == "ltr"
    labels = page.locator("#booth-options bdi")
    assert labels.evaluate_all("es => es.map(e => getComputedStyle(e).direction)") == ["ltr"] * 2
    assert_accessible(page)  # axe checks the legend's lang among the rest
    assert json.loads(bytes(arabic_booth.running.plebiscite.parameters))["question"] == (
        ARABIC_QUESTION)
