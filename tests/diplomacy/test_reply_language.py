"""A reply says the language it is sent in, and is marked with it wherever it is shown.

The envoy names it, by the API or on the form, by its BCP 47 tag: any language of the register
(a government answers in its own, or in French, the diplomatic language of 1917). A tag the
register lacks, or no tag at all, is refused at `language` and nothing is written. The entry
logs it; the offer's page marks the reply's text with its `lang` and `dir`, and the API gives
it. The feeds (tests/publicity/test_feeds.py) and the open data (tests/publicity/
test_opendata.py) are tested with theirs.
"""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest
from django.test import Client

from openpeace.diplomacy.models import BelligerentProcess, Offer, Reply
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log.models import Entry
from openpeace.world.models import Language, State

PAGE = "/offers/peace-1917/replies/{state}/"
API = "/api/offers/peace-1917/replies/{state}"

# Bad language fields, each with the message it is refused with. Swahili is a language, but
# not one of the small register's.
BAD_TAGS = [
    ("xx-invalid!!", "'xx-invalid!!' is not a BCP 47 language tag: name the reply's language "
                     "by its tag, as de, fr or ota"),
    ("sw", "no language 'sw' in the register: name the reply's language by the tag of one of "
           "the register's (/api/languages lists them)"),
    ("\x00", "'\\x00' is not a BCP 47 language tag: name the reply's language by its tag, as "
             "de, fr or ota"),
]


@pytest.fixture
def released(complete_offer: Offer) -> Offer:
    offer_release(offer=complete_offer)
    complete_offer.refresh_from_db()
    return complete_offer


def token(state: str = "germany") -> str:
    return envoy_issue(state=State.objects.get(key=state), label=f"envoy of {state}").token


def api_reply(client: Client, state: str, body: dict[str, Any]) -> Any:
    return client.post(API.format(state=state), json.dumps(body),
                       content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token(state)}")


def form_reply(client: Client, state: str, **fields: str) -> Any:
    return client.post(PAGE.format(state=state), {
        "token": token(state), "reply": "accepts_armistice", "text": "Ja.", "terms": "",
        **fields})


def nothing_written() -> tuple[int, int, list[str], str]:
    """What a refused reply must leave as it was: the replies, the log, the processes and the
    offer's status."""
    return (Reply.objects.count(), Entry.objects.count(),
            list(BelligerentProcess.objects.order_by("state__key").values_list("stage",
                                                                               flat=True)),
            Offer.objects.get(key="peace-1917").status)


def logged_language() -> str:
    return json.loads(bytes(Entry.objects.get(kind="reply.recorded").body))["content"][
        "language"]


def marking(client: Client, text: str) -> tuple[str | None, str | None]:
    """The `lang` and `dir` of the element of the offer's page that quotes the reply `text`."""
    page = lxml.html.fromstring(client.get("/offers/peace-1917/").content)
    (quote,) = page.xpath("//blockquote[p/text()=$text]", text=text)
    return quote.get("lang"), quote.get("dir")


# ------------------------------------------------------------------ the API


def test_an_envoy_names_the_language_of_its_reply_and_it_is_logged(released: Offer,
                                                                    client: Client) -> None:
    """In any of the register's languages, not only the government's own; a tag in any case."""
    response = api_reply(client, "germany", {"reply": "accepts_armistice",
                                             "text": "Nous acceptons un armistice.",
                                             "language": "FR"})
    assert response.status_code == 201, response.content
    assert response.json()["language"] == "fr"
    assert Reply.objects.get().language == Language.objects.get(tag="fr")
    assert logged_language() == "fr"
    (quoted,) = client.get("/api/offers/peace-1917").json()["replies"]
    assert (quoted["text"], quoted["language"]) == ("Nous acceptons un armistice.", "fr")


@pytest.mark.parametrize(("tag", "message"), BAD_TAGS, ids=["malformed", "unknown", "nul"])
def test_a_language_the_register_lacks_is_422_at_the_field_and_changes_nothing(
    released: Offer, client: Client, tag: str, message: str
) -> None:
    before = nothing_written()
    response = api_reply(client, "germany",
                         {"reply": "accepts_armistice", "text": "Ja.", "language": tag})
    assert response.status_code == 422, response.content
    assert response.json()["problems"] == [{"location": "body.payload.language",
                                            "message": message}]
    assert nothing_written() == before


@pytest.mark.parametrize("body", [{"language": ""}, {}], ids=["empty", "missing"])
def test_a_reply_without_a_language_is_422_at_the_field_and_changes_nothing(
    released: Offer, client: Client, body: dict[str, str]
) -> None:
    before = nothing_written()
    response = api_reply(client, "germany", {"reply": "accepts_armistice", "text": "Ja.", **body})
    assert response.status_code == 422, response.content
    assert [p["location"] for p in response.json()["problems"]] == ["body.payload.language"]
    assert nothing_written() == before


# ------------------------------------------------------------------ the envoy's form


def test_the_form_offers_every_language_by_name_the_note_s_chosen(released: Offer,
                                                                  client: Client) -> None:
    """The register's languages, by name; chosen already: the language of the note the offer
    sent to this government, the likeliest for its reply."""
    for state, chosen in [("germany", "de"), ("ottoman-empire", "ota")]:
        page = lxml.html.fromstring(client.get(PAGE.format(state=state)).content)
        (select,) = page.xpath("//select[@name='language']")
        options = [(o.get("value"), o.text) for o in select.iter("option")]
        assert options == [("", "---------"), *Language.objects.order_by("name").values_list(
            "tag", "name")]
        assert select.xpath("option[@selected]/@value") == [chosen]


def test_without_a_note_to_its_government_the_form_chooses_no_language(
    released: Offer, client: Client
) -> None:
    released.notes.filter(state__key="germany").delete()
    page = lxml.html.fromstring(client.get(PAGE.format(state="germany")).content)
    assert page.xpath("//select[@name='language']/option[@selected]/@value") == [""]


def test_an_envoy_names_the_language_on_the_form_and_it_is_logged(released: Offer,
                                                                  client: Client) -> None:
    response = form_reply(client, "ottoman-empire", text="قبول", language="ota")
    assert response.status_code == 302
    assert Reply.objects.get().language.tag == "ota"
    assert logged_language() == "ota"


@pytest.mark.parametrize(("tag", "message"), [
    *BAD_TAGS[:2], ("\x00", "Null characters are not allowed."), ("", "This field is required."),
], ids=["malformed", "unknown", "nul", "empty"])
def test_the_form_refuses_a_language_the_register_lacks_at_the_field(
    released: Offer, client: Client, tag: str, message: str
) -> None:
    before = nothing_written()
    response = form_reply(client, "germany", language=tag)
    assert response.status_code == 400
    page = lxml.html.fromstring(response.content)
    assert page.xpath("//*[@id='id_language_error']//strong/text()") == [message]
    assert nothing_written() == before


def test_the_form_refuses_a_reply_without_its_language_field(released: Offer,
                                                             client: Client) -> None:
    before = nothing_written()
    response = client.post(PAGE.format(state="germany"), {
        "token": token(), "reply": "accepts_armistice", "text": "Ja.", "terms": ""})
    assert response.status_code == 400
    page = lxml.html.fromstring(response.content)
    assert page.xpath("//*[@id='id_language_error']//strong/text()") == [
        "This field is required."]
    assert nothing_written() == before


# ------------------------------------------------------------------ the pages


@pytest.mark.parametrize(("state", "text", "language", "direction"), [
    ("ottoman-empire", "متارکه قبول اولنمشدر", "ota", "rtl"),
    ("ottoman-empire", "Nous acceptons un armistice.", "fr", "ltr"),
    ("germany", "Wir nehmen einen Waffenstillstand an.", "de", "ltr"),
], ids=["ottoman-turkish", "french", "german"])
def test_the_offer_s_page_marks_each_reply_with_its_language(
    released: Offer, client: Client, state: str, text: str, language: str, direction: str
) -> None:
    """A screen reader reads it in its language; a right-to-left reply is laid out so."""
    response = api_reply(client, state,
                         {"reply": "accepts_armistice", "text": text, "language": language})
    assert response.status_code == 201, response.content
    assert marking(client, text) == (language, direction)
