"""Officials record armistices and sessions in the admin, through the services, logged."""

from __future__ import annotations

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


def test_an_official_records_a_session(admin_client: Client, accepted: Offer) -> None:
    response = admin_client.post("/admin/diplomacy/negotiationsession/add/", {
        "offer": accepted.pk, "place": "Brest-Litovsk", "opened_on": "1917-12-22",
        "closed_on": "", "delegations": '[{"state": "russia", "members": ["A. A. Joffe"]}]',
        "record": "Six points.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NegotiationSession.objects.get().entry.kind == "negotiation.session"


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
    import re

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
    admin_client.post("/admin/diplomacy/envoy/", {"action": "revoke",
                                                  "_selected_action": [envoy.pk]})
    assert envoy_authenticate(token) is None
