"""What the site frame promises every page, checked without a browser: each table in a region
that scrolls (WCAG 2.2, 1.4.10), a title that tells an error page and a filtered page from the
others (2.4.2), a refusal that is a page of the site (3.1.1), the API's documentation in the
frame (1.3.1, 2.4.1). tests/web/test_browser.py checks the same in Chromium, with axe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client

import openpeace
from openpeace.core.situation import Situation
from openpeace.log.forms import EntryFilter

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
