"""The envoy's reply page: the same rules as the API, for a person without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openpeace.diplomacy.models import BelligerentProcess, Offer, Reply
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log.models import Entry
from openpeace.world.models import State

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
        ({"text": "  \r\n  "}, "a reply cannot be blank: its text is empty or only spaces"),
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
