"""`GET /api/offers/{key}`: the replies its page quotes, each as the page and /data/replies give
it, and nothing of another offer or of a draft; the stages its schema lists."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, get_args

import pytest
from django.test import Client
from django.utils import timezone

from openpeace.api import api
from openpeace.core.process import STAGES, Status
from openpeace.diplomacy.models import BelligerentProcess, Offer, Reply
from openpeace.diplomacy.process import reply_record
from openpeace.diplomacy.services import envoy_issue, offer_release
from openpeace.log.services import log_integrate
from openpeace.world.models import State
from tests.diplomacy.conftest import write_texts

COUNTER = {"territorial_clauses": [{"id": "art-1", "territory": "erzurum",
                                    "to": "ottoman-empire", "kind": "return_to_prewar_ruler"}]}


def _reply(offer: Offer, state: str, kind: str, text: str, language: str,
           terms: dict[str, Any] | None = None) -> Reply:
    envoy = envoy_issue(state=State.objects.get(key=state), label=f"envoy of {state}").envoy
    return reply_record(envoy=envoy, offer=offer, kind=kind, text=text, language=language,
                        terms=terms)


def _offer(key: str, *, released: bool) -> Offer:
    """Another offer to the same governments, released or a draft."""
    offer = Offer.objects.create(
        key=key, title=f"Offer {key}", proposing_state=State.objects.get(key="russia"),
        reply_deadline=timezone.now() + dt.timedelta(days=30),
        terms={"principles": ["peace without annexations"], "armistice": {"term_days": 90}},
    )
    offer.addressees.set(State.objects.filter(key__in=["germany", "ottoman-empire"]))
    write_texts(offer)
    if released:
        offer_release(offer=offer)
    return offer


@pytest.fixture
def replied(complete_offer: Offer) -> Offer:
    """Released; Germany accepts an armistice in German, the Ottoman Empire makes a
    counter-proposal in French; the replies integrated into the log."""
    offer_release(offer=complete_offer)
    _reply(complete_offer, "germany", "accepts_armistice", "Wir nehmen einen Waffenstillstand an.",
           "de")
    _reply(complete_offer, "ottoman-empire", "counter_proposal", "Nos conditions.", "fr",
           COUNTER)
    log_integrate()
    return complete_offer


def _detail(client: Client, key: str) -> Any:
    response = client.get(f"/api/offers/{key}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_detail_carries_every_reply_as_the_page_quotes_it(
    replied: Offer, client: Client
) -> None:
    replies = _detail(client, replied.key)["replies"]
    recorded = list(Reply.objects.order_by("replied_at", "pk"))
    assert [(r["id"], r["state"], r["reply"], r["text"], r["language"]) for r in replies] == [
        (x.pk, x.state.key, x.kind, x.text, x.language.tag) for x in recorded] == [
        (recorded[0].pk, "germany", "accepts_armistice", "Wir nehmen einen Waffenstillstand an.",
         "de"),
        (recorded[1].pk, "ottoman-empire", "counter_proposal", "Nos conditions.", "fr")]
    assert [dt.datetime.fromisoformat(r["replied_at"]) for r in replies] == [  # to the ms
        x.replied_at.replace(microsecond=x.replied_at.microsecond // 1000 * 1000)
        for x in recorded]
    assert [r["log_entry"] for r in replies] == [x.entry.index for x in recorded]
    assert None not in [r["log_entry"] for r in replies]
    assert replies[0]["findings"] == []
    assert replies[1]["findings"] == recorded[1].findings
    assert [f["rule"] for f in replies[1]["findings"]] == ["annexation.return_to_prewar_ruler"]
    page = client.get(f"/offers/{replied.key}/").content.decode()
    for reply in replies:
        assert f'id="reply-{reply["id"]}"' in page
        assert f'href="/log/entries/{reply["log_entry"]}"' in page
        assert f'<blockquote lang="{reply["language"]}" dir="ltr"><p>{reply["text"]}</p>' in page
    exported = json.loads(b"".join(client.get("/data/replies.json").streaming_content))["rows"]
    assert [(r["id"], r["state"], r["kind"], r["text"], r["language"], r["findings"],
             r["log_index"]) for r in exported] == [
        (r["id"], r["state"], r["reply"], r["text"], r["language"], r["findings"],
         r["log_entry"]) for r in replies]


def test_a_reply_not_yet_integrated_has_no_log_entry_yet(
    replied: Offer, client: Client
) -> None:
    _reply(_offer("later-offer", released=True), "germany", "rejects", "Nein.", "de")
    [late] = _detail(client, "later-offer")["replies"]
    assert (late["reply"], late["log_entry"]) == ("rejects", None)


def test_another_offers_replies_do_not_leak(replied: Offer, client: Client) -> None:
    _offer("other-offer", released=True)
    assert _detail(client, "other-offer")["replies"] == []
    assert len(_detail(client, replied.key)["replies"]) == 2


def test_an_unreleased_offer_is_still_404(replied: Offer, client: Client) -> None:
    _offer("draft-offer", released=False)
    response = client.get("/api/offers/draft-offer")
    assert response.status_code == 404
    assert response.json() == {"detail": "no released offer with key 'draft-offer'"}


@pytest.mark.parametrize("schema", ["ProcessOut", "ReplyOut"])
def test_the_schema_lists_the_stages_of_the_core(schema: str) -> None:
    """A process's `stage` takes only the core's stages, and the schema says which (a client can
    then handle each): its enum is `core.process.STAGES`, in the core's order, whatever the core
    adds or drops."""
    stage = api.get_openapi_schema(path_prefix="/api")["components"]["schemas"][schema][
        "properties"]["stage"]
    assert stage["enum"] == list(STAGES)


@pytest.mark.parametrize("schema", ["ReplyOut", "OfferDetailOut"])
def test_a_reply_and_an_offer_list_the_statuses_of_the_core(schema: str) -> None:
    """An offer's overall `status` (also in a reply's answer) is set only by
    `core.process.status`: the schema lists the core's statuses, as it does the stages, and so
    does the model."""
    status = api.get_openapi_schema(path_prefix="/api")["components"]["schemas"][schema][
        "properties"]["status"]
    assert status["enum"] == list(get_args(Status)) == list(Offer.Status.values)


def test_the_model_lists_the_stages_in_the_core_s_order() -> None:
    """The officials' choices (the admin's filters and forms) follow the core's order too."""
    assert list(BelligerentProcess.Stage.values) == list(STAGES)
