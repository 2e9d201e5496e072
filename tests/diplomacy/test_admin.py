"""Officials record armistices and sessions in the admin, through the services, logged."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from openpeace.diplomacy.models import Armistice, NegotiationSession, Offer
from openpeace.log.models import Entry
from openpeace.world.models import State


def armistice_form(offer: Offer, **changes: object) -> dict[str, object]:
    form = {
        "offer": offer.pk,
        "parties": [s.pk for s in State.objects.filter(key__in=["russia", "germany",
                                                                  "ottoman-empire"])],
        "signed_on": "1917-12-15", "effective_on": "1917-12-17", "term_count": 28,
        "term_unit": "days", "renewal": "continued_until_denounced", "notice_days": 7,
        "demarcation": "The front line.", "demarcation_geometry": "null",
        "renewal_count": "", "renewal_unit": "",
    }
    return {**form, **changes}


def test_an_official_records_an_armistice_and_it_is_logged(
    admin_client: Client, accepted: Offer
) -> None:
    response = admin_client.post("/admin/diplomacy/armistice/add/", armistice_form(accepted))
    assert response.status_code == 302, response.content.decode()[:2000]
    armistice = Armistice.objects.get()
    assert armistice.parties.count() == 3 and armistice.entry.kind == "armistice.recorded"


def test_a_refused_armistice_is_a_form_error_and_records_nothing(
    admin_client: Client, accepted: Offer
) -> None:
    before = Entry.objects.count()
    response = admin_client.post(
        "/admin/diplomacy/armistice/add/", armistice_form(accepted, effective_on="1917-12-01")
    )
    assert response.status_code == 200
    assert "cannot come into force" in response.content.decode()
    assert not Armistice.objects.exists() and Entry.objects.count() == before


@pytest.mark.parametrize(("geometry", "message"), [
    ('{"type": "LineString", "coordinates": [[23.9, 57.0], [NaN, 45.3]]}',
     "demarcation_geometry.coordinates[1][0]: a longitude is a finite number, not nan"),
    ('{"type": "MultiLineString", "coordinates": [[[23.9, 57.0], [29.7, 145.3]]]}',
     "demarcation_geometry.coordinates[0][1][1]: a latitude is between -90 and 90 degrees"),
    ('{"type": "Point", "coordinates": [25.3, 52.1]}', "not &#x27;Point&#x27;"),
    ('"the front line"', "a GeoJSON geometry is an object, not a string"),
    ('{"type": "LineString\\ud800", "coordinates": [[23.9, 57.0], [29.7, 45.3]]}',
     "demarcation_geometry: the demarcation geometry cannot contain the surrogate U+D800 on its "
     "own, which is not a character, at demarcation_geometry.type"),
])
def test_a_demarcation_off_the_map_is_a_form_error_at_its_field_and_records_nothing(
    admin_client: Client, accepted: Offer, geometry: str, message: str
) -> None:
    before = Entry.objects.count()
    response = admin_client.post("/admin/diplomacy/armistice/add/",
                                 armistice_form(accepted, demarcation_geometry=geometry))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["demarcation_geometry"]
    assert message.replace("&#x27;", "'") in errors["demarcation_geometry"][0]
    assert message in response.content.decode()
    assert not Armistice.objects.exists() and Entry.objects.count() == before


def test_an_official_records_a_session(admin_client: Client, accepted: Offer) -> None:
    response = admin_client.post("/admin/diplomacy/negotiationsession/add/", {
        "offer": accepted.pk, "place": "Brest-Litovsk", "opened_on": "1917-12-22",
        "closed_on": "", "delegations": '[{"state": "russia", "members": ["A. A. Joffe"]}]',
        "record": "Six points.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NegotiationSession.objects.get().entry.kind == "negotiation.session"


def test_an_official_records_a_party_s_denunciation_and_breach(
    admin_client: Client, accepted: Offer
) -> None:
    """An armistice's record would otherwise say for good that no party denounced it."""
    admin_client.post("/admin/diplomacy/armistice/add/", armistice_form(accepted))
    armistice = Armistice.objects.get()
    russia, france = State.objects.get(key="russia"), State.objects.get(key="france")
    before = Entry.objects.count()
    refused = admin_client.post("/admin/diplomacy/denunciation/add/", {
        "armistice": armistice.pk, "party": france.pk, "on": "1918-02-10"})
    assert refused.status_code == 200 and "France is not a party" in refused.content.decode()
    refused = admin_client.post("/admin/diplomacy/breach/add/", {
        "armistice": armistice.pk, "reported_by": russia.pk, "on": "1917-12-01",
        "description": "Troops moved."})
    assert "a breach is dated between the signing (1917-12-15)" in refused.content.decode()
    assert Entry.objects.count() == before
    for url, form in [
        ("/admin/diplomacy/breach/add/", {"armistice": armistice.pk, "reported_by": russia.pk,
                                          "on": "1918-01-20", "description": "Troops moved."}),
        ("/admin/diplomacy/denunciation/add/", {"armistice": armistice.pk,
                                                "party": russia.pk, "on": "1918-02-10"}),
    ]:
        response = admin_client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:2000]
    # Denounced on 10 February 1918 with seven days' notice, it ended on the 17th: the truce is
    # over for both addressees, in the denunciation's own act.
    assert [e.kind for e in Entry.objects.order_by("pk")[before:]] == [
        "armistice.breach_reported", "armistice.denounced", "armistice.ended", "armistice.ended",
        "offer.status_changed"]


def test_acts_cannot_be_edited_or_deleted_in_the_admin(
    admin_client: Client, accepted: Offer
) -> None:
    admin_client.post("/admin/diplomacy/armistice/add/", armistice_form(accepted))
    armistice = Armistice.objects.get()
    assert admin_client.post(f"/admin/diplomacy/armistice/{armistice.pk}/delete/",
                             {"post": "yes"}).status_code == 403
    assert Armistice.objects.exists()
    assert admin_client.get("/admin/diplomacy/reply/add/").status_code == 403


def test_an_official_issues_an_envoy_its_token_once_and_revokes_it(
    admin_client: Client, accepted: Offer
) -> None:

    from django.contrib.messages import get_messages

    from openpeace.diplomacy.models import Envoy
    from openpeace.diplomacy.services import envoy_authenticate

    germany = State.objects.get(key="germany")
    response = admin_client.post("/admin/diplomacy/envoy/add/", {
        "state": germany.pk, "label": "Herr von Kühlmann", "email": "envoy@example.org"})
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)
                 if "shown once" in str(m)]
    token = re.search(r"(op_\S+)$", message).group(1)  # type: ignore[union-attr]
    envoy = Envoy.objects.get(label="Herr von Kühlmann")
    assert envoy_authenticate(token) == envoy and token not in envoy.token_hash
    # Once issued, the token acts for Germany's government: no edit moves it to another.
    france = State.objects.get(key="france")
    admin_client.post(f"/admin/diplomacy/envoy/{envoy.pk}/change/", {
        "state": france.pk, "label": "Herr von Kühlmann", "email": "envoy@example.org"})
    envoy.refresh_from_db()
    assert envoy.state == germany
    admin_client.post("/admin/diplomacy/envoy/", {"action": "revoke",
                                                  "_selected_action": [envoy.pk]})
    assert envoy_authenticate(token) is None


def texts_form(offer: Offer, note_text: str, **offer_fields: object) -> dict[str, object]:
    """The change form's inlines as the browser posts them: every note and proclamation, the
    first note's text replaced by `note_text`, and one new note to add."""
    from openpeace.diplomacy.models import Note, Proclamation

    form: dict[str, object] = {**offer_fields}
    notes = list(Note.objects.filter(offer=offer).order_by("pk"))
    form.update({"notes-TOTAL_FORMS": len(notes) + 1, "notes-INITIAL_FORMS": len(notes),
                 "notes-MIN_NUM_FORMS": 0, "notes-MAX_NUM_FORMS": 1000})
    for i, note in enumerate(notes):
        form.update({f"notes-{i}-id": note.pk, f"notes-{i}-offer": offer.pk,
                     f"notes-{i}-state": note.state_id, f"notes-{i}-language": note.language_id,
                     f"notes-{i}-text": note_text if i == 0 else note.text})
    new = len(notes)
    form.update({f"notes-{new}-offer": offer.pk,
                 f"notes-{new}-state": State.objects.get(key="france").pk,
                 f"notes-{new}-language": notes[0].language_id,
                 f"notes-{new}-text": "An added note."})
    proclamations = list(Proclamation.objects.filter(offer=offer).order_by("pk"))
    form.update({"proclamations-TOTAL_FORMS": len(proclamations),
                 "proclamations-INITIAL_FORMS": len(proclamations),
                 "proclamations-MIN_NUM_FORMS": 0, "proclamations-MAX_NUM_FORMS": 1000})
    for i, p in enumerate(proclamations):
        form.update({f"proclamations-{i}-id": p.pk, f"proclamations-{i}-offer": offer.pk,
                     f"proclamations-{i}-people": p.people_id,
                     f"proclamations-{i}-language": p.language_id,
                     f"proclamations-{i}-title": "Rewritten", f"proclamations-{i}-text": p.text,
                     f"proclamations-{i}-DELETE": "on" if i == 1 else ""})
    return form


def test_a_released_offers_texts_cannot_be_changed_added_or_deleted_in_the_admin(
    admin_client: Client, accepted: Offer
) -> None:
    from openpeace.diplomacy.models import Note, Proclamation

    api = f"/api/offers/{accepted.key}"
    before = admin_client.get(api).json()
    entries = Entry.objects.count()
    note = Note.objects.filter(offer=accepted).order_by("pk").first()
    assert note is not None
    response = admin_client.post(f"/admin/diplomacy/offer/{accepted.pk}/change/",
                                 texts_form(accepted, "A quietly rewritten note."))
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    note.refresh_from_db()
    assert note.text == "Note (de)."
    after = admin_client.get(api).json()
    assert after["notes"] == before["notes"] and after["proclamations"] == before["proclamations"]
    assert Note.objects.filter(offer=accepted).count() == 2
    assert Proclamation.objects.filter(offer=accepted).count() == 4
    assert Entry.objects.count() == entries
    page = admin_client.get(f"/admin/diplomacy/offer/{accepted.pk}/change/").content.decode()
    assert 'name="notes-0-text"' not in page and "Note (de)." in page  # shown, not editable


def test_a_draft_offers_notes_stay_editable_in_the_admin(
    admin_client: Client, complete_offer: Offer
) -> None:
    from openpeace.diplomacy.models import Note

    offer = complete_offer
    fields = {
        "key": offer.key, "title": offer.title, "proposing_state": offer.proposing_state_id,
        "addressees": [s.pk for s in offer.addressees.all()], "terms": json.dumps(offer.terms),
        "reply_deadline_0": f"{offer.reply_deadline:%Y-%m-%d}",
        "reply_deadline_1": f"{offer.reply_deadline:%H:%M:%S}", "drafted_by": "",
        "status": offer.status,
    }
    response = admin_client.post(f"/admin/diplomacy/offer/{offer.pk}/change/",
                                 texts_form(offer, "A better draft.", **fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Note.objects.filter(offer=offer).order_by("pk")[0].text == "A better draft."
    assert Note.objects.filter(offer=offer, text="An added note.").exists()


def test_a_malformed_session_is_a_form_error_at_its_field_and_records_nothing(
    admin_client: Client, accepted: Offer
) -> None:
    import re

    before = Entry.objects.count()
    session = {"offer": accepted.pk, "place": "Brest-Litovsk", "opened_on": "1917-12-22",
               "closed_on": "", "delegations": '{"a": 1}', "record": "Six points."}
    for changes, field, message in [
        ({}, "delegations", "delegations: a list of delegations"),
        ({"delegations": '[{"state": "atlantis", "members": ["x"]}, 5, "str"]'}, "delegations",
         "delegations[0].state: no registered state with key &#x27;atlantis&#x27;"),
        ({"delegations": '[{"state": "russia\\ud800", "members": ["x"]}]'}, "delegations",
         "delegations: the delegations cannot contain the surrogate U+D800 on its own, which is "
         "not a character, at delegations[0].state"),
        ({"delegations": '[{"state": "russia", "members": ["x"]}]', "opened_on": "2999-01-01"},
         "opened_on", "it cannot open in the future"),
        ({"delegations": '[{"state": "russia", "members": ["x"]}]', "opened_on": "1800-01-01"},
         "opened_on", "before the offer was released"),
    ]:
        response = admin_client.post("/admin/diplomacy/negotiationsession/add/",
                                     {**session, **changes})
        assert response.status_code == 200
        html = response.content.decode()
        # Shown in the field's own row, not at the top of the form.
        row = re.search(rf'<div class="form-row[^"]*field-{field}.*?</div>\s*</div>', html, re.S)
        assert row is not None and message in row.group(0), (field, message)
    assert not NegotiationSession.objects.exists() and Entry.objects.count() == before
    assert admin_client.get(f"/api/offers/{accepted.key}").status_code == 200


def test_a_session_recorded_before_delegations_were_checked_does_not_break_the_api(
    admin_client: Client, accepted: Offer
) -> None:
    from openpeace.diplomacy.armistices import session_record

    found = session_record(offer=accepted, place="Brest-Litovsk", opened_on=dt.date(1917, 12, 22),
                           delegations=[{"state": "russia", "members": ["A. A. Joffe"]}],
                           record="Six points.")
    NegotiationSession.objects.filter(pk=found.pk).update(delegations={"a": 1})
    response = admin_client.get(f"/api/offers/{accepted.key}")
    assert response.status_code == 200
    assert response.json()["sessions"][0]["delegations"] == []


@pytest.mark.parametrize(("label", "message"), [
    ("\u200b\u200b", "an envoy needs a label: who holds the token (it has no visible character"),
    ("Herr von K\x07hlmann", "an envoy's label cannot contain the control character U+0007"),
])
def test_the_service_refuses_an_envoy_label_that_shows_nothing_or_hides_something(
    accepted: Offer, label: str, message: str
) -> None:
    from openpeace.diplomacy.models import Envoy
    from openpeace.diplomacy.services import envoy_issue

    count = Envoy.objects.count()
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        envoy_issue(state=State.objects.get(key="germany"), label=label)
    assert Envoy.objects.count() == count


@pytest.mark.parametrize(("label", "message"), [
    ("\u2060", "an envoy needs a label: who holds the token"),
    ("K\x1bhlmann", "an envoy's label cannot contain the control character U+001B"),
])
def test_the_admin_refuses_such_an_envoy_label_at_its_field_when_issuing_or_changing(
    admin_client: Client, accepted: Offer, label: str, message: str
) -> None:
    from openpeace.diplomacy.models import Envoy
    from openpeace.diplomacy.services import envoy_issue

    germany = State.objects.get(key="germany")
    count = Envoy.objects.count()
    add = admin_client.post("/admin/diplomacy/envoy/add/", {
        "state": germany.pk, "label": label, "email": ""})
    assert add.status_code == 200
    [problem] = add.context["adminform"].form.errors["label"]
    assert problem.startswith(message) and list(add.context["adminform"].form.errors) == ["label"]
    assert Envoy.objects.count() == count
    envoy = envoy_issue(state=germany, label="Herr von Kühlmann").envoy
    change = admin_client.post(f"/admin/diplomacy/envoy/{envoy.pk}/change/",
                               {"label": label, "email": ""})
    assert change.status_code == 200 and "label" in change.context["adminform"].form.errors
    envoy.refresh_from_db()
    assert envoy.label == "Herr von Kühlmann"


@pytest.mark.parametrize(("field", "typed", "said"), [
    ("terms", '{"principles": ["peace\\ud800"]}',
     "terms: the terms cannot contain the surrogate U+D800 on its own, which is not a character, "
     "at terms.principles[0]"),
    ("sources", '[{"key": "dp", "title": "Decree\\udfff"}]',
     "sources: the sources cannot contain the surrogate U+DFFF on its own, which is not a "
     "character, at sources[0].title"),
    ("terms", "[" * 100_000 + "]" * 100_000,
     "terms: objects and arrays nest more than 32 levels deep, which no document here does"),
])
def test_a_drafts_json_no_text_can_hold_is_refused_at_its_field(
    admin_client: Client, complete_offer: Offer, field: str, typed: str, said: str
) -> None:
    """Terms holding a lone surrogate were saved (PostgreSQL's jsonb refuses it: a server
    error), sources holding one failed the page that showed them back, and so did JSON nested
    deeper than Django's parser goes."""
    from tests.diplomacy.test_offer_sources import _change

    url = f"/admin/diplomacy/offer/{complete_offer.pk}/change/"
    before = Offer.objects.values("terms", "sources").get(pk=complete_offer.pk)
    response = admin_client.post(url, _change(complete_offer, **{field: typed}))
    assert response.status_code == 200
    assert dict(response.context["adminform"].form.errors) == {field: [said]}
    assert said in response.content.decode()
    assert Offer.objects.values("terms", "sources").get(pk=complete_offer.pk) == before
