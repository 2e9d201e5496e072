"""The admin is the officials' back office: staff can work in it, the public cannot enter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from openpeace.core.situation import Situation
from openpeace.log.models import Entry
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
    ('{"type": "Point\\ud800", "coordinates": [20.5, 44.8]}',
     "geometry: the geometry cannot contain the surrogate U+D800 on its own, which is not a "
     "character, at geometry.type"),
    ('{"type": "Point", "coordinates": [20.5, 44.8], "\\udc00": 1}',
     "geometry: the geometry cannot contain the surrogate U+DC00 on its own, which is not a "
     "character, in a key of geometry"),
    ("[" * 40 + "]" * 40,
     "geometry: objects and arrays nest more than 32 levels deep, which no document here does"),
    ("[" * 100_000 + "]" * 100_000,
     "geometry: objects and arrays nest more than 32 levels deep, which no document here does"),
])
def test_a_bad_geometry_is_refused_on_the_form_and_changes_nothing(
    admin_client: Client, loaded: Situation, geometry: str, said: str
) -> None:
    """Saved, it would break every map that draws the place (the public tally page). A lone
    surrogate, which the schema's validator cannot read, or a document nested deeper than the
    parser goes, made the page fail; shown back, the surrogate is escaped as it was typed."""
    territory = m.Territory.objects.exclude(geometry=None).first()
    assert territory is not None
    before = territory.geometry
    data = {"key": territory.key, "name": territory.name, "held_by": territory.held_by_id,
            "geometry": geometry, "sources": [s.pk for s in territory.sources.all()]}
    page = admin_client.post(f"/admin/world/territory/{territory.pk}/change/", data)
    assert page.status_code == 200 and said in page.content.decode()
    assert page.context["adminform"].form.errors["geometry"] == [said.replace("&quot;", '"')]
    if "U+D800" in said:
        assert "&quot;Point\\ud800&quot;" in page.content.decode()
    territory.refresh_from_db()
    assert territory.geometry == before
    data["geometry"] = '{"type": "Point", "coordinates": [20.5, 44.8]}'
    assert admin_client.post(f"/admin/world/territory/{territory.pk}/change/",
                             data).status_code == 302
    territory.refresh_from_db()
    assert territory.geometry == {"type": "Point", "coordinates": [20.5, 44.8]}


def _register_acts() -> list[dict[str, Any]]:
    return [json.loads(bytes(e.body))["content"] | {"subject": e.subject}
            for e in Entry.objects.filter(kind="register.changed").order_by("pk")]


def test_a_correction_of_the_register_is_a_logged_act(admin_client: Client,
                                                      loaded: Situation) -> None:
    """The register was published when it was loaded: an official may correct it, in public."""
    territory = m.Territory.objects.exclude(held_by=None).first()
    assert territory is not None
    other = m.State.objects.exclude(pk=territory.held_by_id).first()
    assert other is not None
    data = {"key": territory.key, "name": territory.name, "held_by": territory.held_by_id,
            "geometry": json.dumps(territory.geometry),
            "sources": [s.pk for s in territory.sources.all()]}
    url = f"/admin/world/territory/{territory.pk}/change/"
    assert admin_client.post(url, data).status_code == 302
    assert _register_acts() == []  # saved as it was: nothing to state
    assert admin_client.post(url, data | {"held_by": other.pk}).status_code == 302
    [act] = _register_acts()
    assert act["subject"] == f"territory:{territory.key}" and act["changed"] == ["held_by"]
    assert act["row"]["held_by"] == other.key and act["official"] == "admin"
    assert act["row"]["sources"] == sorted(s.key for s in territory.sources.all())


def test_a_state_s_peoples_are_stated_with_it(admin_client: Client, loaded: Situation) -> None:
    state = m.State.objects.get(key="germany")
    page = admin_client.get(f"/admin/world/state/{state.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
        for sub in formset.formset.forms:
            data |= {sub.add_prefix(k): ("" if v is None else v)
                     for k, v in ((n, sub[n].value()) for n in sub.fields)}
    people = next(f.formset for f in page.context["inline_admin_formsets"]
                  if f.formset.model is m.People)
    data[people.forms[0].add_prefix("name")] = "The German peoples"
    response = admin_client.post(f"/admin/world/state/{state.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    [act] = _register_acts()
    assert act["changed"] == [people.prefix]
    assert "The German peoples" in [row["name"] for row in act["rows"][people.prefix]]


@pytest.mark.parametrize("model", ["state", "territory", "nationality", "occupation",
                                   "belligerency", "language", "source", "side"])
def test_no_published_row_of_the_register_is_deleted(admin_client: Client, loaded: Situation,
                                                     model: str) -> None:
    row = {"state": m.State, "territory": m.Territory, "nationality": m.Nationality,
           "occupation": m.Occupation, "belligerency": m.Belligerency, "language": m.Language,
           "source": m.Source, "side": m.Side}[model].objects.first()
    assert row is not None
    response = admin_client.post(f"/admin/world/{model}/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()
