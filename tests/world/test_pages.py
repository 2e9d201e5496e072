"""The register's public pages: content, language marks, filters and errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest
from django.test import Client

from openpeace.core.situation import Situation
from tests.html import dangling, described


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_home_explains_and_shows_the_situation(client: Client, loaded: Situation) -> None:
    html = page(client, "/")
    assert '<html lang="en" dir="ltr">' in html
    assert "offer an immediate, general, democratic peace" in html
    assert "A small war for tests" in html
    assert re.search(r"<strong>4</strong>\s*states at war", html)
    assert re.search(r"<strong>1</strong>\s*of them colonial", html)
    assert '<a href="/states/germany/"><bdi>Germany</bdi></a>' in html
    assert "Being recorded in the transparency log." in html


def test_home_links_the_situation_to_its_log_entry(client: Client, loaded: Situation) -> None:
    from openpeace.log.services import log_integrate

    log_integrate()
    assert (
        '<a href="/log/entries/0">Recorded in the transparency log as entry 0</a>'
        in page(client, "/")
    )


def test_home_without_a_situation_says_how_to_load_one(client: Client, db: None) -> None:
    assert "openpeace load-situation PATH" in page(client, "/")


def test_state_page_shows_government_people_wars_and_occupations(
    client: Client, loaded: Situation
) -> None:
    html = page(client, "/states/russia/")
    assert "<bdi>Council of People&#x27;s Commissars</bdi>" in html
    assert '<bdi lang="ru" dir="ltr">Россия</bdi>' in html
    assert '<a href="/states/germany/"><bdi>Germany</bdi></a>, since 1 August 1914' in html
    assert "<bdi>Vilayet of Erzurum</bdi>, since 16 February 1916" in html
    assert "<bdi>Finns</bdi> (<bdi lang=\"fi\" dir=\"ltr\">suomalaiset</bdi>)" in html


def test_right_to_left_texts_are_marked_as_such(client: Client, loaded: Situation) -> None:
    html = page(client, "/states/ottoman-empire/")
    assert '<bdi lang="ota" dir="rtl">دولت عليه عثمانیه</bdi>' in html
    assert '<bdi lang="ar" dir="rtl">العربية</bdi>' in html
    assert "right to left" in html


def test_unknown_state_is_a_404_page_with_language_marks(
    client: Client, loaded: Situation
) -> None:
    html = page(client, "/states/atlantis/", 404)
    assert '<html lang="en" dir="ltr">' in html and "No state with key" in html
    nowhere = page(client, "/no/such/page/", 404)  # no page said why: nothing but that
    assert "There is no page at this address." in nowhere
    assert "Resolver404" not in nowhere and '<span class="muted">' not in nowhere


def test_nationalities_register_lists_colonial_ones_by_default(
    client: Client, loaded: Situation
) -> None:
    html = page(client, "/nationalities/")
    assert "3 nationalities" in html
    assert "<bdi>Algerians</bdi>" in html and "colonial" in html
    # each language by its name, its tag beside
    assert 'Finnish <small class="muted">(<code>fi</code>)</small>' in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("standing=colonial", ["Algerians"], ["Finns", "Armenians"]),
        ("standing=metropolitan", ["Finns", "Armenians"], ["Algerians"]),
        ("ruled_by=russia", ["Finns", "Armenians"], ["Algerians"]),
        ("ruled_by=france&standing=colonial", ["Algerians"], ["Finns"]),
    ],
)
def test_nationalities_filters(
    client: Client, loaded: Situation, query: str, shown: list[str], hidden: list[str]
) -> None:
    html = page(client, f"/nationalities/?{query}")
    for name in shown:
        assert f"<th scope=\"row\"><bdi>{name}</bdi></th>" in html
    for name in hidden:
        assert f"<th scope=\"row\"><bdi>{name}</bdi></th>" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("standing=dominion", "Select a valid choice. dominion is not one of"),
        ("ruled_by=atlantis", "No state with this key rules a nationality."),
    ],
)
def test_a_bad_filter_is_a_400_that_says_what_is_wrong(
    client: Client, loaded: Situation, query: str, message: str
) -> None:
    html = page(client, f"/nationalities/?{query}", 400)
    assert 'role="alert"' in html and message in html
    assert "<th scope=\"row\">" not in html


@pytest.mark.parametrize("url", [
    "/nationalities/?ruled_by=atlantis", "/nationalities/?standing=bogus",
    "/nationalities/?standing=bogus&ruled_by=atlantis",
    "/occupations/?on=notadate", "/occupations/erzurum/russia/?on=notadate",
])
def test_a_refused_filter_is_said_at_its_field(
    client: Client, loaded: Situation, url: str
) -> None:
    """The refused field is marked invalid and described by its message, an element that
    exists (a screen reader announces nothing for an id no element has); the summary above
    links it."""
    html = page(client, url, 400)
    assert dangling(html) == []
    for field, _value in parse_qsl(url.partition("?")[2]):
        described_by = described(html, f"id_{field}")
        assert f"id_{field}_error" in described_by, field
        error = re.search(rf'<strong class="error" id="id_{field}_error">([^<]+)</strong>', html)
        assert error and error.group(1).strip(), field
        assert re.search(rf'<[^>]* aria-invalid="true"[^>]* id="id_{field}"', html), field
        assert f'<a href="#id_{field}">' in html  # the summary links the field


def test_a_refused_day_stays_as_typed(client: Client, loaded: Situation) -> None:
    """What was typed is kept (as text: a date input cannot hold it), not replaced by today."""
    html = page(client, "/occupations/?on=notadate", 400)
    assert re.search(r'<input type="text" name="on" value="notadate"[^>]* id="id_on">', html)
    assert "notadate is not a date: give it as YYYY-MM-DD." in html
    assert "Every occupation in the register, today" in html  # and today is shown
    assert re.search(r'<input type="date" name="on" value="1917-12-01"[^>]* id="id_on">',
                     page(client, "/occupations/?on=1917-12-01"))


def test_occupations_page(client: Client, loaded: Situation) -> None:
    html = page(client, "/occupations/")
    assert "<bdi>Vilayet of Erzurum</bdi>" in html
    assert '<time datetime="1916-02-16">16 February 1916</time>' in html


def test_pages_and_stylesheet_use_no_physical_directions(client: Client, loaded: Situation) -> None:
    from django.contrib.staticfiles import finders

    css_path = finders.find("openpeace/site.css")
    assert css_path
    with open(css_path, encoding="utf-8") as css_file:
        rules = re.sub(r"/\*.*?\*/", "", css_file.read(), flags=re.DOTALL)
    assert "inline-start" in rules
    assert not re.search(r"\b(left|right)\b", rules)
    for url in ["/", "/states/", "/states/russia/", "/nationalities/", "/occupations/"]:
        assert not re.search(r"style=|float:|text-align:\s*(left|right)", page(client, url))
