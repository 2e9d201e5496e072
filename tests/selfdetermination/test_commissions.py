"""Commissions: a nationality's representative body, by token, for its own nationality only."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from openpeace.core.situation import Situation
from openpeace.diplomacy.models import Envoy
from openpeace.diplomacy.services import envoy_issue
from openpeace.log.models import Entry
from openpeace.selfdetermination.models import Commission, Demand
from openpeace.selfdetermination.services import (
    commission_authenticate,
    commission_issue,
    commission_revoke,
)
from openpeace.tokens import token_hash
from openpeace.world.models import Nationality, State

GOOD = {"kind": "secession", "text": "We demand a state of our own.",
        "acts_asked": "A plebiscite on a separate state."}


def issue(nationality: str, label: str = "commission") -> str:
    return commission_issue(nationality=Nationality.objects.get(key=nationality),
                            label=label).token


def file(client: Client, token: str | None, nationality: str,
         body: dict[str, Any] | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(f"/api/nationalities/{nationality}/demands", json.dumps(body or GOOD),
                       content_type="application/json", **headers)


def unchanged() -> tuple[int, int]:
    return Demand.objects.count(), Entry.objects.count()


def test_the_token_is_shown_once_and_stored_hashed(loaded: Situation) -> None:
    issued = commission_issue(nationality=Nationality.objects.get(key="finns"),
                              label="Senate of Finland", email="senate@finland.example")
    assert issued.token.startswith("op_") and len(issued.token) > 40
    stored = Commission.objects.get()
    assert stored.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in json.dumps(list(Commission.objects.values()), default=str)
    assert commission_authenticate(issued.token) == stored
    assert commission_authenticate(issued.token + "x") is None


def test_envoys_and_commissions_share_one_token_scheme_and_never_each_other_s_tokens(
    loaded: Situation,
) -> None:
    envoy = envoy_issue(state=State.objects.get(key="germany"), label="Ambassador")
    commission = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x")
    assert Envoy.objects.get().token_hash == token_hash(envoy.token)
    assert Commission.objects.get().token_hash == token_hash(commission.token)
    assert commission_authenticate(envoy.token) is None


def test_a_revoked_commission_cannot_authenticate(loaded: Situation) -> None:
    issued = commission_issue(nationality=Nationality.objects.get(key="finns"), label="x")
    commission_revoke(commission=issued.commission)
    revoked_at = Commission.objects.get().revoked_at
    assert revoked_at is not None and commission_authenticate(issued.token) is None
    commission_revoke(commission=issued.commission)  # revoking twice keeps the first time
    assert Commission.objects.get().revoked_at == revoked_at


def test_a_commission_files_for_its_own_nationality(loaded: Situation, client: Client) -> None:
    response = file(client, issue("finns"), "finns")
    assert response.status_code == 201, response.content
    assert response.json()["nationality"] == "finns" and response.json()["status"] == "filed"


def test_another_nationality_s_commission_is_403_and_nothing_changes(
    loaded: Situation, client: Client
) -> None:
    armenian = issue("armenians")
    before = unchanged()
    response = file(client, armenian, "finns")
    assert response.status_code == 403
    assert response.json() == {"detail": "this commission files demands for armenians, not for "
                                         "'finns'"}
    assert file(client, armenian, "atlantans").status_code == 403
    assert unchanged() == before


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer op_not-a-token", "Basic eDp5"])
def test_the_public_cannot_file(loaded: Situation, client: Client, header: str | None) -> None:
    before = unchanged()
    headers = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.post("/api/nationalities/finns/demands", json.dumps(GOOD),
                           content_type="application/json", **headers)
    assert response.status_code == 401
    assert unchanged() == before


def test_a_revoked_or_an_envoy_s_token_is_401(loaded: Situation, client: Client) -> None:
    issued = commission_issue(nationality=Nationality.objects.get(key="finns"), label="old")
    commission_revoke(commission=issued.commission)
    envoy = envoy_issue(state=State.objects.get(key="russia"), label="envoy").token
    before = unchanged()
    assert file(client, issued.token, "finns").status_code == 401
    assert file(client, envoy, "finns").status_code == 401
    assert unchanged() == before


def test_no_other_method_writes(loaded: Situation, client: Client) -> None:
    token = issue("finns")
    file(client, token, "finns")
    demand = Demand.objects.get()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for method in (client.put, client.patch, client.delete):
        assert method(f"/api/demands/{demand.pk}", **headers).status_code == 405
    assert client.post("/api/demands", json.dumps(GOOD), content_type="application/json",
                       **headers).status_code == 405


def test_officials_issue_and_revoke_commissions_in_the_admin(
    loaded: Situation, admin_client: Client
) -> None:
    finns = Nationality.objects.get(key="finns")
    response = admin_client.post("/admin/selfdetermination/commission/add/", {
        "nationality": finns.pk, "label": "Senate of Finland", "email": ""}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    token = next(m.split(": ")[-1] for m in messages if "shown once" in m)
    commission = Commission.objects.get()
    assert commission_authenticate(token) == commission
    assert commission.issued_by == get_user_model().objects.get(username="admin")
    page = admin_client.get(f"/admin/selfdetermination/commission/{commission.pk}/change/")
    assert token not in page.content.decode()
    assert 'name="nationality"' not in page.content.decode()  # acts for finns for good
    admin_client.post("/admin/selfdetermination/commission/", {
        "action": "revoke", "_selected_action": [commission.pk]})
    assert commission_authenticate(token) is None
    assert admin_client.post(
        f"/admin/selfdetermination/commission/{commission.pk}/delete/", {"post": "yes"}
    ).status_code == 403


@pytest.mark.parametrize(("label", "message"), [
    ("", "a commission needs a label: the body that holds the token"),
    ("\u200b\u200b", "a commission needs a label: the body that holds the token (it has no "
                     "visible character, only white space, format characters or combining "
                     "marks (U+200B ZERO WIDTH SPACE))"),
    ("Senate\x07", "a commission's label cannot contain the control character U+0007"),
])
def test_a_label_that_shows_nothing_or_hides_something_is_refused(
    loaded: Situation, label: str, message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        commission_issue(nationality=Nationality.objects.get(key="finns"), label=label)
    assert str(refused.value).startswith(message)
    assert not Commission.objects.exists()


@pytest.mark.parametrize(("label", "message"), [
    ("\u2060", "a commission needs a label: the body that holds the token"),
    ("Senate\x1b", "a commission's label cannot contain the control character U+001B"),
])
def test_the_admin_refuses_such_a_label_at_its_field_when_issuing_or_changing(
    loaded: Situation, admin_client: Client, label: str, message: str
) -> None:
    finns = Nationality.objects.get(key="finns")
    add = admin_client.post("/admin/selfdetermination/commission/add/", {
        "nationality": finns.pk, "label": label, "email": ""})
    assert add.status_code == 200
    [problem] = add.context["adminform"].form.errors["label"]
    assert problem.startswith(message) and list(add.context["adminform"].form.errors) == ["label"]
    assert not Commission.objects.exists()
    commission = commission_issue(nationality=finns, label="Senate of Finland").commission
    change = admin_client.post(f"/admin/selfdetermination/commission/{commission.pk}/change/",
                               {"label": label, "email": ""})
    assert change.status_code == 200 and "label" in change.context["adminform"].form.errors
    assert Commission.objects.get().label == "Senate of Finland"
