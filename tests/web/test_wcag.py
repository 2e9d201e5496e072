"""What the site frame promises every page, checked without a browser: each table in a region
that scrolls (WCAG 2.2, 1.4.10), a title that tells an error page and a filtered page from the
others (2.4.2: the 404, the 403s and the 500 too), a refusal that is a page of the site
(3.1.1), the API's documentation in the frame (1.3.1, 2.4.1), the server's error page a page
though outside the frame. tests/web/test_browser.py checks the same in Chromium, with axe."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.views.defaults import server_error

import openpeace
from openpeace.core.situation import Situation
from openpeace.log.forms import EntryFilter
from openpeace.web.http import CONTENT_SECURITY_POLICY
from openpeace.world import selectors as world_selectors

APPS = Path(openpeace.__file__).parent


def title(response: HttpResponse) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL)
    assert found, "no title"
    return found.group(1)


# ------------------------------------------------------------------ tables


@pytest.mark.parametrize("template", sorted(
    path.relative_to(APPS) for path in APPS.glob("*/templates/**/*.html")
    if "<table" in path.read_text(encoding="utf-8")), ids=str)
def test_every_table_scrolls_in_a_region_of_its_own(template: Path) -> None:
    """Each `<table>` is wrapped by the `scrolling` tag, and its caption has the id that names
    the region: a table wider than the screen scrolls there, not the page."""
    text = (APPS / template).read_text(encoding="utf-8")
    tables = len(re.findall(r"<table[ >]", text))
    assert len(re.findall(r"\{% scrolling [^%]+%\}<table[ >]", text)) == tables
    assert text.count("</table>{% endscrolling %}") == tables
    assert text.count('<caption id="') == text.count("<caption") == tables


def test_the_scrolling_region_is_named_by_the_caption_and_focusable() -> None:
    rendered = Template(
        '{% load openpeace %}{% scrolling "x-"|add:key %}<table><caption id="x-{{ key }}">'
        "T</caption></table>{% endscrolling %}"
    ).render(Context({"key": 'a"b'}))
    assert rendered == ('<div class="table" role="region" aria-labelledby="x-a&quot;b" '
                        'tabindex="0"><table><caption id="x-a&quot;b">T</caption></table></div>')


# ------------------------------------------------------------------ titles


def test_a_page_answered_400_says_error_in_its_title(client: Client, loaded: Situation) -> None:
    refused = client.get("/nationalities/?standing=bogus")
    assert refused.status_code == 400
    assert title(refused) == "Error: Nationalities · openpeace"
    assert int(refused["Content-Length"]) == len(refused.content)
    assert "<table" not in refused.content.decode()  # no empty table captioned "0 nationalities"
    assert title(client.get("/nationalities/")) == "Nationalities · openpeace"
    posted = client.post("/follow/", {"contact": "not an address"})
    assert posted.status_code == 400 and title(posted) == "Error: Follow by e-mail · openpeace"


def test_a_nul_character_is_refused_on_a_page_of_the_site(client: Client, db: None) -> None:
    """A refusal before any view (web.middleware.RefuseNulCharacters) is a page of the site
    too, in its frame, titled as an error (3.1.1, 2.4.2): not a line of plain text."""
    response = client.get("/nationalities/?ruled_by=%00")
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert '<html lang="en" dir="ltr">' in page and '<header class="site">' in page
    assert title(response) == "Error: Bad request · openpeace"
    assert "<h1>Refused: a NUL character</h1>" in page
    assert "The parameter &#x27;ruled_by&#x27; contains a NUL character" in page


def test_a_400_that_is_not_a_page_is_left_as_it_is(client: Client, db: None) -> None:
    response = client.get("/api/states?" + "&".join(f"f{n}=x" for n in range(1_001)))
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert b"Error:" not in response.content



@pytest.mark.parametrize("address", ["/no/such/page/", "/states/atlantis/"])
def test_a_page_not_found_says_error_in_its_title(client: Client, db: None,
                                                  address: str) -> None:
    """The 404 (`web.views.not_found`), whether no page answers the address or a page finds
    nothing at it, is an error page: its title says so (web.middleware.ErrorTitle)."""
    response = client.get(address)
    assert response.status_code == 404
    assert title(response) == "Error: Not found · openpeace"
    assert int(response["Content-Length"]) == len(response.content)


def test_a_form_refused_as_not_from_this_site_says_error_in_its_title(db: None) -> None:
    """Both 403s of web/csrf_failure.html: the CSRF check's (`CSRF_FAILURE_VIEW`), and a public
    form's refusal of a write sent from another site's page (`web.cross_origin`)."""
    no_token = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    elsewhere = Client().post("/follow/", {"contact": "c@example.org"},
                              headers={"Sec-Fetch-Site": "cross-site"})
    for response in (no_token, elsewhere):
        assert response.status_code == 403
        assert title(response) == "Error: Refused · openpeace"

def test_a_page_staff_may_not_see_is_a_page_of_the_site(db: None) -> None:
    """The admin's `PermissionDenied` (`handler403`): not Django's bare "403 Forbidden"."""
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("clerk", is_staff=True)  # no permission at all
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/publicity/endorsement/")
    page = response.content.decode()
    assert response.status_code == 403 and '<html lang="en" dir="ltr">' in page
    assert title(response) == "Error: Forbidden · openpeace"
    assert "<h1>Refused: you may not do this</h1>" in page and '<header class="site">' in page
    assert "your account does not have the permission this needs" in page.lower()


def test_a_filtered_page_names_its_filter_in_its_title(client: Client, loaded: Situation) -> None:
    assert title(client.get("/nationalities/?standing=colonial")) == (
        "Nationalities (Standing: colonial) · openpeace")
    assert title(client.get("/nationalities/?standing=colonial&ruled_by=france")) == (
        "Nationalities (Standing: colonial; Ruled by: France) · openpeace")
    kind = dict(EntryFilter().fields["kind"].choices)["situation.loaded"]  # type: ignore[attr-defined]
    assert title(client.get("/log/?kind=situation.loaded")) == (
        f"The transparency log (Act: {kind}) · openpeace")
    assert title(client.get("/occupations/?on=1918-03-20")) == (
        "Occupations (20 March 1918) · openpeace")
    assert title(client.get("/log/")) == "The transparency log · openpeace"


# ------------------------------------------------------------------ refusals and the API


@pytest.mark.parametrize("elsewhere", [
    {"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://campaign.example"}])
def test_a_write_from_another_site_is_refused_on_a_page_of_the_site(
    client: Client, db: None, elsewhere: dict[str, str]
) -> None:
    response = client.post("/follow/", {"contact": "c@example.org"}, headers=elsewhere)
    page = response.content.decode()
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")
    assert '<html lang="en" dir="ltr">' in page and '<header class="site">' in page
    assert "<h1>Refused: this form did not come from this site</h1>" in page
    assert "This form was sent from another site" in page
    assert f'<code dir="ltr">{"; ".join(f"{k}: {v}" for k, v in elsewhere.items())}</code>' in page
    assert '<a href="/follow/">Open the form on this site</a>' in page


def test_the_api_documentation_is_in_the_site_frame(client: Client, db: None) -> None:
    """The reference at /api/docs, and Swagger UI at /api/docs/try with, without JavaScript, a
    way to the reference."""
    for address, heading in (("/api/docs", "The API"), ("/api/docs/try", "Try the API")):
        page = client.get(address).content.decode()
        assert '<a class="skip-link" href="#content">' in page and '<header class="site">' in page
        main = page[page.index('<main id="content">'):page.index("</main>")]
        assert f"<h1>{heading}</h1>" in main
    assert '<a href="/api/openapi.json">openapi.json</a>' in main
    noscript = main[main.index("<noscript>"):main.index("</noscript>")]
    assert '<a href="/api/docs">the API\'s reference</a>' in noscript and "README" in noscript
    assert '<div id="swagger-ui" lang="en" dir="ltr"></div>' in main


# ------------------------------------------------------------------ the server's error


class _Outline(HTMLParser):
    """Each element a page opens, with its attributes: its landmarks, headings and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.opened: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.opened.append((tag, dict(attrs)))


def assert_the_server_error_page(response: HttpResponse) -> None:
    """500.html, outside the frame but a page all the same: its language and direction, a
    title that says it is an error, one main with one h1, a way home."""
    assert response.status_code == 500
    outline = _Outline()
    outline.feed(response.content.decode())
    tags = [tag for tag, _ in outline.opened]
    root = dict(outline.opened)["html"]
    assert (root.get("lang"), root.get("dir")) == ("en", "ltr")
    assert title(response) == "Error: Server error · openpeace"
    assert tags.count("main") == 1 and tags.count("h1") == 1
    assert tags.index("main") < tags.index("h1")
    assert ("a", {"href": "/"}) in outline.opened


def test_the_server_error_page_needs_no_database_and_no_request(rf: RequestFactory) -> None:
    """As Django's `server_error` renders it: with no request, so no context processor (the
    test has no database either, and any query would fail it). It is shown when something
    failed, so it needs nothing that could fail again."""
    assert_the_server_error_page(server_error(rf.get("/")))


def test_a_view_that_fails_is_answered_with_the_server_error_page(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same page through every middleware, with the site's Content-Security-Policy."""
    def fail() -> None:
        raise RuntimeError("the register is unreachable")

    monkeypatch.setattr(world_selectors, "situation_record", fail)
    response = Client(raise_request_exception=False).get("/")
    assert_the_server_error_page(response)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
