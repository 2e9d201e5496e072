"""Replies through envoys, the process per belligerent, and the defence rule."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openpeace.core.documents import MAX_DEPTH
from openpeace.diplomacy.models import BelligerentProcess, Offer, Reply
from openpeace.diplomacy.process import offer_apply_deadline
from openpeace.diplomacy.services import envoy_issue, envoy_revoke, offer_release
from openpeace.log.models import Entry
from openpeace.world.models import State
from tests.core.test_documents import nested


@pytest.fixture
def released(complete_offer: Offer) -> Offer:
    offer_release(offer=complete_offer)
    complete_offer.refresh_from_db()
    return complete_offer


def token_for(state: str) -> str:
    return envoy_issue(state=State.objects.get(key=state), label=f"envoy of {state}").token


# The language each government replies in here, unless a body names another: its note's.
NOTE_LANGUAGE = {"germany": "de", "ottoman-empire": "ota", "france": "fr"}


def reply(client: Client, token: str | None, state: str, body: dict[str, Any]) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(f"/api/offers/peace-1917/replies/{state}",
                       json.dumps({"language": NOTE_LANGUAGE[state], **body}),
                       content_type="application/json", **headers)


def stage(state: str) -> str:
    return BelligerentProcess.objects.get(state__key=state).stage


def unchanged() -> tuple[int, int]:
    return Reply.objects.count(), Entry.objects.count()


def test_release_opens_every_addressees_process_at_the_release_instant(released: Offer) -> None:
    processes = list(BelligerentProcess.objects.order_by("state__key"))
    assert [(p.state.key, p.stage) for p in processes] == [
        ("germany", "offered"), ("ottoman-empire", "offered")
    ]
    assert {p.since for p in processes} == {released.released_at}


def test_an_envoy_replies_for_its_government_and_it_is_logged(
    released: Offer, client: Client
) -> None:
    response = reply(client, token_for("germany"), "germany",
                     {"reply": "accepts_armistice", "text": "We accept an armistice."})
    assert response.status_code == 201, response.content
    assert response.json()["stage"] == "armistice_accepted"
    assert response.json()["status"] == "truce"
    assert stage("germany") == "armistice_accepted"
    logged = [json.loads(bytes(e.body)) for e in Entry.objects.order_by("pk")]
    assert [e["kind"] for e in logged[-2:]] == ["reply.recorded", "offer.status_changed"]
    assert logged[-1]["content"] == {"offer": "peace-1917", "from": "open", "to": "truce"}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_reply_whose_body_is_not_said_to_be_json_is_415_and_changes_nothing(
    released: Offer, client: Client, content_type: str
) -> None:
    """The same reply, by its own envoy, that is recorded when it is sent as JSON
    (web.http.refuse_bodies_not_json): a form posted to the API is not read as one."""
    before = unchanged()
    body = json.dumps({"reply": "rejects", "text": "No.", "language": "de"})
    response = client.post("/api/offers/peace-1917/replies/germany", body,
                           content_type=content_type,
                           HTTP_AUTHORIZATION=f"Bearer {token_for('germany')}")
    assert response.status_code == 415 and response["Accept"] == "application/json"
    assert unchanged() == before and stage("germany") == "offered"


def test_an_envoy_cannot_reply_for_another_government(released: Offer, client: Client) -> None:
    before = unchanged()
    response = reply(client, token_for("germany"), "ottoman-empire",
                     {"reply": "rejects", "text": "No."})
    assert response.status_code == 403
    assert response.json() == {"detail": "this envoy replies for germany, not for 'ottoman-empire'"}
    assert unchanged() == before and stage("ottoman-empire") == "offered"


def test_an_unaddressed_government_cannot_reply(released: Offer, client: Client) -> None:
    before = unchanged()
    response = reply(client, token_for("france"), "france", {"reply": "rejects", "text": "No."})
    assert response.status_code == 403
    assert "was not addressed to france" in response.json()["detail"]
    assert unchanged() == before


@pytest.mark.parametrize("token", [None, "op_not-a-token"])
def test_no_valid_token_is_401(released: Offer, client: Client, token: str | None) -> None:
    before = unchanged()
    assert reply(client, token, "germany", {"reply": "rejects", "text": "x"}).status_code == 401
    assert unchanged() == before


def test_a_revoked_token_is_401(released: Offer, client: Client) -> None:
    issued = envoy_issue(state=State.objects.get(key="germany"), label="recalled")
    envoy_revoke(envoy=issued.envoy)
    assert reply(client, issued.token, "germany",
                 {"reply": "rejects", "text": "x"}).status_code == 401


def test_a_transition_that_is_not_allowed_names_the_current_stage(
    released: Offer, client: Client
) -> None:
    token = token_for("germany")
    assert reply(client, token, "germany", {"reply": "rejects", "text": "No."}).status_code == 201
    before = unchanged()
    again = reply(client, token, "germany", {"reply": "rejects", "text": "Still no."})
    assert again.status_code == 409
    assert "its process is already 'rejected'" in again.json()["detail"]
    assert unchanged() == before


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"reply": "surrenders", "text": "x"}, "body.payload.reply"),
        ({"reply": "rejects", "text": ""}, "body.payload.text"),
        ({"reply": "rejects"}, "body.payload.text"),
        ({"reply": "counter_proposal", "text": "Our terms."}, "body.payload"),
        ({"reply": "rejects", "text": "x", "terms": {"a": 1}}, "body.payload"),
    ],
)
def test_bad_replies_are_422_and_change_nothing(
    released: Offer, client: Client, body: dict[str, Any], location: str
) -> None:
    before = unchanged()
    response = reply(client, token_for("germany"), "germany", body)
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == location
    assert unchanged() == before


def test_an_unreleased_offer_cannot_be_replied_to(complete_offer: Offer, client: Client) -> None:
    response = reply(client, token_for("germany"), "germany", {"reply": "rejects", "text": "x"})
    assert response.status_code == 404


def test_the_defence_rule_when_no_one_accepts_even_a_truce(released: Offer) -> None:
    after_deadline = released.reply_deadline + dt.timedelta(seconds=1)
    assert offer_apply_deadline(offer=released, now=released.reply_deadline) == 0
    assert offer_apply_deadline(offer=released, now=after_deadline) == 2
    released.refresh_from_db()
    assert released.status == "defence"
    assert stage("germany") == stage("ottoman-empire") == "silent"
    kinds = list(Entry.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["process.silent", "process.silent", "offer.status_changed"]
    count = Entry.objects.count()
    assert offer_apply_deadline(offer=released, now=after_deadline) == 0  # idempotent
    assert Entry.objects.count() == count


def test_one_truce_is_enough_to_avoid_defence(released: Offer, client: Client) -> None:
    reply(client, token_for("ottoman-empire"), "ottoman-empire",
          {"reply": "accepts_armistice", "text": "قبول"})
    offer_apply_deadline(offer=released, now=timezone.now() + dt.timedelta(days=365))
    released.refresh_from_db()
    assert released.status == "truce" and stage("germany") == "silent"


def test_a_counter_proposal_is_validated_and_published_with_its_findings(
    released: Offer, client: Client
) -> None:
    terms = {"territorial_clauses": [{"id": "art-1", "territory": "erzurum",
                                      "to": "ottoman-empire", "kind": "return_to_prewar_ruler"}]}
    response = reply(client, token_for("ottoman-empire"), "ottoman-empire",
                     {"reply": "counter_proposal", "text": "Our terms.", "terms": terms})
    assert response.status_code == 201, response.content
    findings = response.json()["findings"]
    assert [(f["rule"], f["nationality"]) for f in findings] == [
        ("annexation.return_to_prewar_ruler", "armenians")
    ]
    assert "all powers get back what they have lost" in findings[0]["quotes"][0]
    logged = json.loads(bytes(Entry.objects.get(kind="reply.recorded").body))["content"]
    assert logged["findings"] == findings and logged["terms"] == terms


def test_the_offer_page_says_a_counter_proposal_s_findings_with_names(
    released: Offer, client: Client
) -> None:
    """The page names the territory, the state and the nationality (isolated with <bdi>) where
    the finding keeps their keys; the rule's id stays beside, as the log names it."""
    terms = {"territorial_clauses": [
        {"id": "art-1", "territory": "erzurum", "to": "ottoman-empire",
         "kind": "return_to_prewar_ruler"},
        {"id": "art-2", "territory": "erzurum", "to": "separate_state",
         "kind": "independence"}],
        "armistice": {"term_days": 30}}
    answer = reply(client, token_for("ottoman-empire"), "ottoman-empire",
                   {"reply": "counter_proposal", "text": "Our terms.", "terms": terms})
    assert answer.status_code == 201, answer.content
    page = re.sub(r"\s+", " ", client.get(f"/offers/{released.key}/").content.decode())
    assert ("Clause art-1 gives <bdi>Vilayet of Erzurum</bdi> to <bdi>Ottoman Empire</bdi>: it "
            "gives the land back to <bdi>Ottoman Empire</bdi> without a free decision of the "
            "<bdi>Armenians</bdi>") in page
    assert '(<code>annexation.return_to_prewar_ruler</code>)' in page
    assert ("Clause art-2 makes <bdi>Vilayet of Erzurum</bdi> a separate state: without a free "
            "decision of the <bdi>Armenians</bdi>, this is an annexation.") in page
    assert "erzurum" not in page.replace('href="/occupations/erzurum', "")
    assert "The armistice proposed for 30 days is shorter than the minimum" in page


def test_a_counter_proposal_with_unreadable_terms_is_422_naming_the_place(
    released: Offer, client: Client
) -> None:
    before = unchanged()
    response = reply(
        client, token_for("germany"), "germany",
        {"reply": "counter_proposal", "text": "x",
         "terms": {"territorial_clauses": [{"id": "a", "territory": "Erzurum", "to": "x"}]}},
    )
    assert response.status_code == 422
    assert response.json()["problems"][0]["location"] == (
        "body.payload.terms.territorial_clauses[0].territory"
    )
    assert unchanged() == before and stage("germany") == "offered"


@pytest.mark.parametrize(("clause", "problems"), [
    ({"territory": "atlantis", "to": "germany"},
     [("territory", "unknown territory 'atlantis'")]),
    ({"territory": "erzurum", "to": "narnia"}, [("to", "unknown state 'narnia'")]),
    ({"territory": "atlantis", "to": "narnia"},
     [("territory", "unknown territory 'atlantis'"), ("to", "unknown state 'narnia'")]),
])
def test_a_counter_proposal_names_places_and_states_of_the_register(
    released: Offer, client: Client, clause: dict[str, str], problems: list[tuple[str, str]],
) -> None:
    before = unchanged()
    response = reply(client, token_for("germany"), "germany", {
        "reply": "counter_proposal", "text": "Our terms.",
        "terms": {"territorial_clauses": [{"id": "a", **clause}]}})
    assert response.status_code == 422
    assert [(p["location"], p["message"]) for p in response.json()["problems"]] == [
        (f"body.payload.terms.territorial_clauses[0].{field}", message)
        for field, message in problems]
    assert unchanged() == before and stage("germany") == "offered"


def test_a_counter_proposal_may_propose_a_separate_state(released: Offer,
                                                          client: Client) -> None:
    """The first choice the source text names: "to form a separate state"."""
    response = reply(client, token_for("germany"), "germany", {
        "reply": "counter_proposal", "text": "Our terms.",
        "terms": {"territorial_clauses": [{"id": "a", "territory": "erzurum",
                                           "to": "separate_state", "kind": "independence"}]}})
    assert response.status_code == 201, response.content


def test_the_deadline_job_applies_due_deadlines_once(released: Offer) -> None:
    from io import StringIO

    from django.core.management import call_command

    released_at = timezone.now() - dt.timedelta(minutes=2)
    Offer.objects.filter(pk=released.pk).update(
        released_at=released_at, reply_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    BelligerentProcess.objects.filter(offer=released).update(since=released_at)
    out = StringIO()
    call_command("apply_deadlines", stdout=out)
    assert "peace-1917: 2 belligerent(s) fell silent" in out.getvalue()
    call_command("apply_deadlines", stdout=out)
    assert out.getvalue().count("fell silent") == 1
    released.refresh_from_db()
    assert released.status == "defence"


def test_an_offer_whose_deadline_cannot_be_applied_is_reported_and_fails_the_run(
    released: Offer,
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    # A deadline before the release (which `offer_release` now refuses) in a database written
    # before it did: the process cannot be brought to the deadline.
    now = timezone.now()
    Offer.objects.filter(pk=released.pk).update(released_at=now - dt.timedelta(minutes=1),
                                                reply_deadline=now - dt.timedelta(days=1))
    err = StringIO()
    with pytest.raises(CommandError, match="the deadlines of peace-1917 could not be applied"):
        call_command("apply_deadlines", stderr=err)
    assert "peace-1917: its deadlines cannot be applied: " in err.getvalue()
    assert not Entry.objects.filter(kind="process.silent").exists()


def test_the_models_know_every_stage_and_status_of_the_core() -> None:
    from typing import get_args

    from openpeace.core import process

    assert set(BelligerentProcess.Stage.values) == set(process.STAGES)
    assert set(Offer.Status.values) == set(get_args(process.Status))


def test_the_process_board_shows_stages_replies_and_findings(
    released: Offer, client: Client
) -> None:
    reply(client, token_for("ottoman-empire"), "ottoman-empire",
          {"reply": "counter_proposal", "text": "شرطلرمز\n\nارضروم <عودت>",
           "terms": {"territorial_clauses": [{"id": "art-1", "territory": "erzurum",
                                               "to": "ottoman-empire"}]}})
    html = client.get("/offers/peace-1917/").content.decode()
    assert "<strong class=\"status\">open: awaiting replies</strong>" in html
    # The government's own words, as published (escaped, paragraphs kept), in their language
    # and its direction.
    assert ('<blockquote lang="ota" dir="rtl"><p>شرطلرمز</p>\n\n<p>ارضروم &lt;عودت&gt;</p>'
            '</blockquote>') in html
    assert "counter-proposed" in html and "offered, awaiting a reply" in html
    assert "<code>annexation.return_to_prewar_ruler</code>" in html


def test_a_nul_character_in_a_reply_is_422_and_changes_nothing(
    released: Offer, client: Client
) -> None:
    before = unchanged()
    response = reply(client, token_for("germany"), "germany",
                     {"reply": "rejects", "text": "No\u0000."})
    assert response.status_code == 422
    assert "NUL character" in response.json()["detail"]
    assert unchanged() == before


@pytest.mark.parametrize(("body", "location", "message"), [
    ({"reply": "accepts_negotiations", "text": "   "}, "body.payload.text",
     "a reply cannot be blank: it is only white space"),
    ({"reply": "rejects", "text": " \n\t "}, "body.payload.text",
     "a reply cannot be blank: it is only white space"),
    ({"reply": "counter_proposal", "text": "Our terms.", "terms": {}}, "body.payload.terms",
     "a counter-proposal carries its own terms: these are empty"),
    ({"reply": "counter_proposal", "text": "Our terms.",
      "terms": {"territorial_clauses": [{"id": "a\u0000", "territory": "erzurum",
                                         "to": "russia"}]}},
     "body.payload.terms",
     "the terms cannot contain a NUL character (U+0000), at territorial_clauses[0].id"),
])
def test_bad_input_the_service_finds_is_422_at_its_field_and_changes_nothing(
    released: Offer, client: Client, body: dict[str, Any], location: str, message: str
) -> None:
    before = unchanged()
    response = reply(client, token_for("germany"), "germany", body)
    assert response.status_code == 422, response.content
    assert response.json() == {"detail": f"invalid request: {location}: {message}",
                               "problems": [{"location": location, "message": message}]}
    assert unchanged() == before and stage("germany") == "offered"
    released.refresh_from_db()
    assert released.status == "open"


def test_a_backslash_u0000_is_text_not_a_nul_character(released: Offer, client: Client) -> None:
    text = "The escape \\u0000 is six characters, not a NUL."
    response = reply(client, token_for("germany"), "germany", {"reply": "rejects", "text": text})
    assert response.status_code == 201, response.content
    assert Reply.objects.get().text == text
    logged = json.loads(bytes(Entry.objects.get(kind="reply.recorded").body))["content"]
    assert logged["text"] == text


# A reply no reader could see, or holding what a reader cannot see (`core.text`).
HIDDEN = [
    ("\u200b\u200b", "a reply cannot be blank: it has no visible character, only white space, "
                     "format characters or combining marks (U+200B ZERO WIDTH SPACE)"),
    ("\u0001", "a reply cannot contain the control character U+0001: tab, line feed and "
               "carriage return are the only ones a text holds"),
    ("\u202e", "a reply cannot be blank: it has no visible character, only white space, format "
               "characters or combining marks (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("Nein.\x00", "a reply cannot contain a NUL character (U+0000)"),
]
# Replies that need format characters, beside visible ones, in languages of the register.
WRITTEN = [
    ("ota", "شرائط\u200cنامه\u200cیی قبول ایدرز."),  # zero-width non-joiners inside words
    ("ar", "\u200fنقبل الهدنة."),  # opened by a right-to-left mark
]


@pytest.mark.parametrize(("text", "message"), HIDDEN)
def test_a_hidden_reply_is_422_at_its_text_and_changes_nothing(
    released: Offer, client: Client, text: str, message: str
) -> None:
    before = unchanged()
    response = reply(client, token_for("germany"), "germany", {"reply": "rejects", "text": text})
    assert response.status_code == 422, response.content
    assert response.json()["problems"] == [{"location": "body.payload.text", "message": message}]
    assert unchanged() == before and stage("germany") == "offered"


@pytest.mark.parametrize(("key", "value", "where"), [
    ("id", "a\u0007", "at territorial_clauses[0].id"),
    ("note\u001b", "x", "in a key of territorial_clauses[0]"),
    ("text", "\ud800", "at territorial_clauses[0].text"),
])
def test_a_hidden_character_in_counter_proposed_terms_is_422_at_terms(
    released: Offer, client: Client, key: str, value: str, where: str
) -> None:
    clause = {"id": "a", "territory": "erzurum", "to": "russia", key: value}
    before = unchanged()
    response = client.post(
        "/api/offers/peace-1917/replies/germany",
        json.dumps({"reply": "counter_proposal", "text": "Our terms.", "language": "de",
                    "terms": {"territorial_clauses": [clause]}}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token_for('germany')}")
    assert response.status_code == 422, response.content
    [problem] = response.json()["problems"]
    assert problem["location"] == "body.payload.terms"
    assert problem["message"].startswith("the terms cannot contain ")
    assert problem["message"].endswith(where)
    assert unchanged() == before


@pytest.mark.parametrize(("language", "text"), WRITTEN)
def test_a_reply_that_needs_format_characters_is_recorded_as_written(
    released: Offer, client: Client, language: str, text: str
) -> None:
    response = reply(client, token_for("ottoman-empire"), "ottoman-empire",
                     {"reply": "rejects", "text": text, "language": language})
    assert response.status_code == 201, response.content
    logged = json.loads(bytes(Entry.objects.get(kind="reply.recorded").body))["content"]
    assert Reply.objects.get().text == logged["text"] == text


def test_a_field_a_reply_does_not_have_is_422_naming_it_and_changes_nothing(
    released: Offer, client: Client
) -> None:
    """Refused, not dropped: a reply naming another state is not recorded for the token's."""
    before = unchanged()
    response = reply(client, token_for("germany"), "germany",
                     {"reply": "rejects", "text": "Nein.", "state": "ottoman-empire", "envoy": 1})
    assert response.status_code == 422, response.content
    unknown = "not a field of this request: an unknown field is refused, not ignored"
    assert response.json()["problems"] == [
        {"location": "body.payload.state", "message": unknown},
        {"location": "body.payload.envoy", "message": unknown},
    ]
    assert unchanged() == before and stage("germany") == "offered"


@pytest.mark.parametrize("levels", [MAX_DEPTH, 300, 600])
def test_terms_nested_too_deep_are_422_at_terms_and_change_nothing(
    released: Offer, client: Client, levels: int
) -> None:
    before = unchanged()
    response = reply(client, token_for("germany"), "germany", {
        "reply": "counter_proposal", "text": "Our terms.", "terms": {"principles": nested(levels)}})
    assert response.status_code == 422, response.content
    (problem,) = response.json()["problems"]
    assert problem["location"] == "body.payload.terms"
    assert problem["message"].startswith("Value error, principles.a[0].a[0]")  # its place
    assert f": objects and arrays nest more than {MAX_DEPTH} levels deep" in problem["message"]
    assert unchanged() == before and stage("germany") == "offered"


def test_a_body_too_deep_even_to_parse_is_400_and_changes_nothing(
    released: Offer, client: Client
) -> None:
    """Past the depth at which Python's JSON parser runs out of stack, the API cannot read the
    body at all: ninja's 400, as for any body that is not JSON."""
    before = unchanged()
    terms = '{"principles": ' + "[" * 100_000 + "]" * 100_000 + "}"
    body = f'{{"reply": "counter_proposal", "text": "x", "language": "de", "terms": {terms}}}'
    response = client.post("/api/offers/peace-1917/replies/germany", body,
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token_for('germany')}")
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}
    assert unchanged() == before
