"""The envoy's reply page: the same rules as the API, for a person without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openpeace.core.documents import MAX_DEPTH
from openpeace.diplomacy.models import BelligerentProcess, Offer, Reply
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log.models import Entry
from openpeace.world.models import State
from tests.diplomacy.test_replies import HIDDEN, WRITTEN

URL = "/offers/peace-1917/replies/germany/"


@pytest.fixture
def released(complete_offer: Offer) -> Offer:
    offer_release(offer=complete_offer)
    return complete_offer


def token(state: str = "germany") -> str:
    return envoy_issue(state=State.objects.get(key=state), label="envoy").token


def post(client: Client, **fields: Any) -> Any:
    return client.post(URL, {"reply": "accepts_armistice", "text": "Ja.", "language": "de",
                             "terms": "", **fields})


def test_an_envoy_replies_on_the_page_and_is_sent_to_the_board(
    released: Offer, client: Client
) -> None:
    assert client.get(URL).status_code == 200
    response = post(client, token=token())
    reply = Reply.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/offers/peace-1917/#reply-{reply.pk}"
    assert BelligerentProcess.objects.get(state__key="germany").stage == "armistice_accepted"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"token": "op_wrong"}, "This token is unknown or has been revoked."),
        ({"token": "ottoman-empire"}, "This envoy replies for Ottoman Empire, not for Germany."),
        ({"text": ""}, "This field is required."),
        # The same check and message as the API's (`reply_record`), at the field.
        ({"text": "  \r\n  "}, "a reply cannot be blank: it is only white space"),
        ({"reply": "counter_proposal", "terms": "{}"},
         "a counter-proposal carries its own terms: these are empty"),
        ({"reply": "counter_proposal"}, "Terms go with a counter-proposal, and only with one."),
        ({"reply": "counter_proposal", "terms": "{broken"}, "Not JSON:"),
        ({"reply": "counter_proposal",
          "terms": '{"territorial_clauses": [{"id": "a", "territory": "X", "to": "y"}]}'},
         "territorial_clauses[0].territory:"),
    ],
)
def test_bad_replies_are_shown_on_the_form_and_change_nothing(
    released: Offer, client: Client, fields: dict[str, str], message: str
) -> None:
    if fields.get("token") == "ottoman-empire":
        fields = {**fields, "token": token("ottoman-empire")}
    before = Entry.objects.count()
    response = post(client, **{"token": token(), **fields})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Reply.objects.exists() and Entry.objects.count() == before


@pytest.mark.parametrize(("text", "message"), [
    *HIDDEN[:3], ("Nein.\x00", "Null characters are not allowed.")])
def test_a_hidden_reply_is_refused_at_its_text_on_the_form(
    released: Offer, client: Client, text: str, message: str
) -> None:
    before = Entry.objects.count()
    response = post(client, token=token(), text=text)
    assert response.status_code == 400
    assert response.context["form"].errors == {"text": [message]}
    assert not Reply.objects.exists() and Entry.objects.count() == before


@pytest.mark.parametrize(("language", "text"), WRITTEN)
def test_a_reply_that_needs_format_characters_is_recorded_from_the_form(
    released: Offer, client: Client, language: str, text: str
) -> None:
    response = post(client, token=token(), text=text, language=language)
    assert response.status_code == 302
    assert Reply.objects.get().text == text


def test_a_refused_transition_is_shown_on_the_form(released: Offer, client: Client) -> None:
    envoy_token = token()
    post(client, token=envoy_token, reply="rejects")
    response = post(client, token=envoy_token, reply="rejects")
    assert response.status_code == 400
    assert "its process is already &#x27;rejected&#x27;" in response.content.decode()


def test_no_reply_page_for_a_draft_or_an_unaddressed_state(
    complete_offer: Offer, client: Client
) -> None:
    assert client.get(URL).status_code == 404
    offer_release(offer=complete_offer)
    assert client.get("/offers/peace-1917/replies/france/").status_code == 404


@pytest.mark.parametrize("levels", [MAX_DEPTH, 600, 100_000])
def test_terms_nested_too_deep_are_shown_at_terms_and_change_nothing(
    released: Offer, client: Client, levels: int
) -> None:
    before = Entry.objects.count()
    terms = '{"principles": ' + "[" * levels + "]" * levels + "}"
    response = post(client, token=token(), reply="counter_proposal", terms=terms)
    assert response.status_code == 400
    assert f"objects and arrays nest more than {MAX_DEPTH} levels deep" in \
           response.content.decode()
    assert not Reply.objects.exists() and Entry.objects.count() == before


def test_the_form_that_takes_a_token_is_never_cached(released: Offer, client: Client) -> None:
    for response in (client.get(URL), post(client, token="wrong")):
        assert "no-store" in response["Cache-Control"]
