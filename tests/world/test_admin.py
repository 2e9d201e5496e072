"""The admin is the officials' back office: staff can work in it, the public cannot enter."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from openpeace.core.situation import Situation
from openpeace.world import models as m

CHANGELISTS = ["state", "nationality", "territory", "occupation", "belligerency", "language",
               "source", "side", "situationrecord"]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_the_public_is_sent_to_the_login_page(
    client: Client, loaded: Situation, model: str
) -> None:
    response = client.get(f"/admin/world/{model}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", CHANGELISTS)
def test_an_official_sees_every_register_list(
    admin_client: Client, loaded: Situation, model: str
) -> None:
    assert admin_client.get(f"/admin/world/{model}/").status_code == 200


def test_an_official_edits_a_state_with_its_government_and_peoples(
    admin_client: Client, loaded: Situation
) -> None:
    germany = m.State.objects.get(key="germany")
    page = admin_client.get(f"/admin/world/state/{germany.pk}/change/")
    assert page.status_code == 200
    assert "Imperial German Government" in page.content.decode()
    assert "germany-people" in page.content.decode()


def test_a_user_without_staff_rights_cannot_enter(client: Client, loaded: Situation) -> None:
    User.objects.create_user("reader", password="a long enough password 1917")
    client.login(username="reader", password="a long enough password 1917")
    assert client.get("/admin/world/state/").status_code == 302


@pytest.mark.parametrize(("geometry", "said"), [
    ('{"type": "Point"}', "geometry: &quot;coordinates&quot; is a required property"),
    ('{"type": "Point", "coordinates": [20.5, 144.8]}',
     "geometry.coordinates[1]: 144.8 is greater than the maximum of 90"),
])
def test_a_bad_geometry_is_refused_on_the_form_and_changes_nothing(
    admin_client: Client, loaded: Situation, geometry: str, said: str
) -> None:
    """Saved, it would break every map that draws the place (the public tally page)."""
    territory = m.Territory.objects.exclude(geometry=None).first()
    assert territory is not None
    before = territory.geometry
    data = {"key": territory.key, "name": territory.name, "held_by": territory.held_by_id,
            "geometry": geometry, "sources": [s.pk for s in territory.sources.all()]}
    page = admin_client.post(f"/admin/world/territory/{territory.pk}/change/", data)
    assert page.status_code == 200 and said in page.content.decode()
    territory.refresh_from_db()
    assert territory.geometry == before
    data["geometry"] = '{"type": "Point", "coordinates": [20.5, 44.8]}'
    assert admin_client.post(f"/admin/world/territory/{territory.pk}/change/",
                             data).status_code == 302
    territory.refresh_from_db()
    assert territory.geometry == {"type": "Point", "coordinates": [20.5, 44.8]}
