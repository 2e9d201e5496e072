"""The endorsement pages from outside: the form and its errors, the same answer for a new, a
duplicate and a suspect endorsement, the confirmation by button, the cached tally (HTML and
JSON) and the never-cached write paths, and the published mail rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.publicity import services, tasks
from openpeace.publicity.models import Endorsement


def post(client: Client, offer: Offer, **data: str) -> tuple[int, str]:
    form = {"contact": "jane@example.org", "country": "germany", "region": "", "name": ""}
    response = client.post(f"/offers/{offer.key}/endorse/", {**form, **data})
    return response.status_code, response.headers.get("Location", "")


def test_the_flow_answers_the_same_for_a_duplicate(client: Client, endorsable: Offer) -> None:
    page = client.get(f"/offers/{endorsable.key}/endorse/")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert post(client, endorsable) == (302, f"/offers/{endorsable.key}/endorse/sent/")
    assert post(client, endorsable, contact="JANE@example.org") == (
        302, f"/offers/{endorsable.key}/endorse/sent/")
    assert Endorsement.objects.count() == 1


def test_confirming_takes_a_button_and_twice_is_harmless(client: Client,
                                                         endorsable: Offer) -> None:
    post(client, endorsable)
    endorsement = Endorsement.objects.get()
    tasks.endorsement_mail.call(str(endorsement.ref))
    path = mail.outbox[-1].body.split("http://127.0.0.1:8000")[1].split("\n")[0]
    shown = client.get(path)
    assert shown.status_code == 200 and b"<button" in shown.content
    endorsement.refresh_from_db()
    assert endorsement.status == "pending"  # a scanner following the link confirms nothing
    for _ in range(2):
        done = client.post(path)
        assert done.status_code == 200 and b"is confirmed" in done.content
    endorsement.refresh_from_db()
    assert endorsement.status == "confirmed"
    assert client.post("/endorsements/confirm/nonsense/").status_code == 400


@pytest.mark.parametrize(("data", "message"), [
    ({"contact": "not-an-address"}, b"Enter a valid email address"),
    ({"contact": "a@localhost"}, b"the e-mail address"),
    ({"country": "atlantis"}, b"Select a valid choice"),
    ({"country": ""}, b"This field is required"),
    ({"region": "finland"}, b"is not a region of"),
    ({"name": "x" * 201}, b"at most 200 characters"),
])
def test_bad_input_is_named_and_changes_nothing(client: Client, endorsable: Offer,
                                                data: dict[str, str], message: bytes) -> None:
    response = client.post(f"/offers/{endorsable.key}/endorse/",
                           {"contact": "jane@example.org", "country": "germany", **data})
    assert response.status_code == 400 and message in response.content
    assert not Endorsement.objects.exists()


def test_a_closed_period_and_an_unknown_offer(client: Client, endorsable: Offer) -> None:
    endorsable.endorsement_period.closes_at = timezone.now() - dt.timedelta(seconds=1)
    endorsable.endorsement_period.save()
    code, _ = post(client, endorsable)
    assert code == 400 and not Endorsement.objects.exists()
    assert client.get("/offers/no-such-offer/endorse/").status_code == 404


def test_the_tally_is_cached_and_public(client: Client, endorsable: Offer) -> None:
    endorsement = services.endorsement_submit(
        offer=endorsable, contact="jane@example.org",
        country=endorsable.addressees.get(key="germany")).endorsement
    services.endorsement_confirm(token=services.confirmation_token(endorsement.ref))
    services.tally_run(offer=endorsable, lag=dt.timedelta(0))
    page = client.get(f"/offers/{endorsable.key}/endorsements/")
    data = client.get(f"/offers/{endorsable.key}/endorsements.json")
    for response in (page, data):
        control = response.headers["Cache-Control"]
        assert "public" in control and "max-age=60" in control
        assert "stale-while-revalidate=120" in control and "stale-if-error=300" in control
    assert data.json()["total"] == 1 and data.json()["countries"][0]["key"] == "germany"
    assert b"jane" not in page.content and b"jane" not in data.content
    assert b"<bdi>Germany</bdi>" in page.content


def test_the_mail_rules_are_published(client: Client, db: None) -> None:
    rules = client.get("/endorsements/mail-rules.json").json()
    assert rules["version"] == services.mail_rules().version
    assert rules["domains"]["googlemail.com"] == {"alias_of": "gmail.com"}


def test_the_form_keeps_the_choices_and_escapes_the_names(client: Client, endorsable: Offer
                                                          ) -> None:
    from openpeace.world.models import Territory

    Territory.objects.filter(key="alsace").update(name="Alsace <b>&</b> Lorraine")
    response = client.post(f"/offers/{endorsable.key}/endorse/",
                           {"contact": "bad", "country": "germany", "region": "alsace"})
    assert response.status_code == 400
    assert b'<option value="germany" selected>' in response.content
    assert b'<option value="alsace" selected>Germany: Alsace &lt;b&gt;&amp;&lt;/b&gt; Lorraine' in (
        response.content)
    assert b'id="id_region_helptext"' in response.content  # what aria-describedby names
