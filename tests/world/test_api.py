"""The register's JSON API: lists, filters, details, errors, and its OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from pathlib import Path
from typing import Any, get_args

import pytest
from django.test import Client

from openpeace.api import api
from openpeace.api_types import Instant, Payload
from openpeace.core.situation import Situation

SNAPSHOT = Path(__file__).parents[1] / "snapshots" / "openapi.json"


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def keys(page: dict[str, Any], field: str = "key") -> list[Any]:
    return [item[field] for item in page["items"]]


def test_states_list_is_paginated_and_filterable(client: Client, loaded: Situation) -> None:
    page = get(client, "/api/states?limit=2&offset=1")
    assert page["count"] == 4 and len(page["items"]) == 2
    assert keys(get(client, "/api/states?side=central-powers")) == ["germany", "ottoman-empire"]
    assert keys(get(client, "/api/states?at_war_with=germany")) == ["france", "russia"]
    assert get(client, "/api/states?at_war_with=atlantis", 404) == {
        "detail": "at_war_with: no state with key 'atlantis'"}


def test_state_detail_carries_government_peoples_and_languages(
    client: Client, loaded: Situation
) -> None:
    ottoman = get(client, "/api/states/ottoman-empire")
    assert ottoman["endonym_language"] == "ota"
    assert ottoman["government"]["seat"] == "Constantinople"
    assert ottoman["peoples"][0]["languages"] == ["ar", "hy", "ota"]
    assert get(client, "/api/languages/ota")["direction"] == "rtl"


def test_nationality_filters(client: Client, loaded: Situation) -> None:
    assert keys(get(client, "/api/nationalities?standing=colonial")) == ["algerians"]
    assert keys(get(client, "/api/nationalities?ruled_by=russia")) == ["armenians", "finns"]
    assert keys(get(client, "/api/nationalities?language=hy")) == ["armenians"]
    armenians = get(client, "/api/nationalities/armenians")
    assert armenians["ruled_by"] == ["ottoman-empire", "russia"]
    assert armenians["sources"] == ["test"]
    assert armenians["territories"] == ["erzurum"]


def test_territories_occupations_and_belligerencies(client: Client, loaded: Situation) -> None:
    assert keys(get(client, "/api/territories?occupied=true")) == ["erzurum"]
    assert get(client, "/api/territories/erzurum")["occupied_by"] == ["russia"]
    occupation = get(client, "/api/occupations?occupier=russia")["items"][0]
    assert occupation["territory"] == "erzurum" and occupation["since"] == "1916-02-16"
    assert get(client, f"/api/occupations/{occupation['id']}") == occupation
    assert occupation["sources"] == ["test"]
    for url in ["/api/states/russia", "/api/territories/erzurum"]:
        assert get(client, url)["sources"] == ["test"]
    wars = get(client, "/api/belligerencies?state=russia")["items"]
    assert {(w["state"], w["opponent"]) for w in wars} == {
        ("germany", "russia"), ("russia", "ottoman-empire")
    }
    assert get(client, "/api/situation")["proposing_state"] == "russia"
    assert get(client, "/api/governments/germany")["head"] == "Wilhelm II"
    assert keys(get(client, "/api/peoples?state=russia")) == ["russia-people"]


def test_a_source_names_the_language_of_its_title(client: Client, loaded: Situation) -> None:
    """Blank in the register means English; the API always names the language."""
    from openpeace.world.models import Source

    assert get(client, "/api/sources/test")["language"] == "en"
    Source.objects.filter(key="test").update(title="Volkszählung", language="de")
    assert get(client, "/api/sources/test")["language"] == "de"
    assert [s["language"] for s in get(client, "/api/sources")["items"]] == ["de"]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/states/atlantis", "no state with key 'atlantis'"),
        ("/api/nationalities/klingons", "no nationality with key 'klingons'"),
        ("/api/territories/utopia", "no territory with key 'utopia'"),
        ("/api/languages/tlh", "no language with tag 'tlh'"),
        ("/api/peoples/nobody", "no people with key 'nobody'"),
        ("/api/governments/atlantis", "no government with state 'atlantis'"),
        ("/api/sources/none", "no source with key 'none'"),
        ("/api/sides/neutral", "no side with key 'neutral'"),
        ("/api/occupations/999999", "no occupation with id 999999"),
        ("/api/belligerencies/999999", "no belligerency with id 999999"),
    ],
)
def test_unknown_ids_give_404_with_a_json_error(
    client: Client, loaded: Situation, url: str, detail: str
) -> None:
    assert get(client, url, 404) == {"detail": detail}


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/api/states?limit=-1", "query.limit"),
        ("/api/states?offset=x", "query.offset"),
        ("/api/nationalities?standing=dominion", "query.standing"),
        ("/api/territories?occupied=perhaps", "query.occupied"),
        ("/api/languages?direction=up", "query.direction"),
        ("/api/occupations/abc", "path.occupation_id"),
    ],
)
def test_bad_parameters_give_422_naming_the_parameter(
    client: Client, loaded: Situation, url: str, location: str
) -> None:
    body = get(client, url, 422)
    assert body["problems"][0]["location"] == location
    assert body["detail"].startswith(f"invalid request: {location}: ")


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/states?side=martians", "side: no side with key 'martians'"),
        ("/api/states?side=central-powers&at_war_with=atlantis",
         "at_war_with: no state with key 'atlantis'"),
        ("/api/peoples?state=atlantis&language=xx",
         "state: no state with key 'atlantis'; language: no language with tag 'xx'"),
        ("/api/nationalities?ruled_by=atlantis", "ruled_by: no state with key 'atlantis'"),
        ("/api/territories?held_by=atlantis", "held_by: no state with key 'atlantis'"),
        ("/api/treaties?party=atlantis", "party: no state with key 'atlantis'"),
        ("/api/treaties/search?q=peace&party=atlantis", "party: no state with key 'atlantis'"),
    ],
)
def test_a_filter_naming_an_unknown_id_is_404_not_an_empty_page(
    client: Client, loaded: Situation, url: str, detail: str
) -> None:
    assert get(client, url, 404) == {"detail": detail}


def test_a_filter_naming_the_register_still_answers_an_empty_page(
    client: Client, loaded: Situation
) -> None:
    assert get(client, "/api/treaties?party=russia")["count"] == 0  # none published yet


def test_the_situation_of_an_empty_register_is_404(client: Client, db: None) -> None:
    assert get(client, "/api/situation", 404)["detail"].startswith("the register is empty")


def test_the_public_cannot_write_to_the_register(client: Client, loaded: Situation) -> None:
    for url in ["/api/states", "/api/states/germany", "/api/nationalities/finns"]:
        assert client.post(url, {}).status_code == 405
        assert client.delete(url).status_code == 405
    assert get(client, "/api/states/germany")["name"] == "Germany"


def test_openapi_schema_matches_the_committed_snapshot(client: Client, db: None) -> None:
    """A change to the API must be deliberate: regenerate with UPDATE_OPENAPI_SNAPSHOT=1."""
    schema = get(client, "/api/openapi.json")
    text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT"):
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")
    assert {"/api/states", "/api/states/{key}", "/api/nationalities"} <= set(schema["paths"])


def test_no_two_schemas_of_the_api_share_a_name() -> None:
    """The OpenAPI schema names each component by its class's name, and a second class of the
    same name silently takes the first one's place (the demand steps' sources once stood for
    the register's in /api/sources)."""
    from ninja import Schema

    def descendants(cls: type) -> list[type]:
        return [d for c in cls.__subclasses__() for d in [c, *descendants(c)]]

    ours = {c for c in descendants(Schema) if c.__module__.startswith("openpeace.")}
    names = [c.__name__ for c in ours]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
    components = api.get_openapi_schema(path_prefix="/api")["components"]["schemas"]
    assert set(components["SourceOut"]["properties"]) == {"key", "title", "url", "language"}


def _bodies() -> list[tuple[str, dict[str, Any]]]:
    """Every operation's request body schema, as the OpenAPI schema says it."""
    schema = api.get_openapi_schema(path_prefix="/api")
    components = schema["components"]["schemas"]
    return [(f"{method.upper()} {path}",
             components[body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]])
            for path, operations in schema["paths"].items()
            for method, operation in operations.items()
            if (body := operation.get("requestBody"))]


def test_every_request_body_refuses_fields_it_does_not_have() -> None:
    """`additionalProperties: false` (api_types.Payload): an unknown field is a 422 naming it,
    not dropped while the rest is recorded."""
    bodies = _bodies()
    assert len(bodies) == len(_payloads())  # the walk finds them all
    assert [operation for operation, body in bodies
            if body.get("additionalProperties") is not False] == []


def test_every_moment_a_body_gives_is_an_instant() -> None:
    """With its time zone, and one a time here can hold (api_types.Instant): checked at its
    field, not deep in the database layer."""
    moments = {(model.__name__, name): field.metadata
               for model in _payloads() for name, field in model.model_fields.items()
               if dt.datetime in (field.annotation, *get_args(field.annotation))}
    assert ("PlebiscitesIn", "opens_at") in moments
    (check,) = get_args(Instant)[1:]
    assert [moment for moment, checks in moments.items() if check not in checks] == []


def _payloads() -> list[type[Payload]]:
    """Every request body's schema."""
    found, waiting = [], list(Payload.__subclasses__())
    while waiting:
        model = waiting.pop()
        found.append(model)
        waiting.extend(model.__subclasses__())
    return found


@pytest.mark.parametrize("url", ["/api/peoples?language=a%00b", "/api/states?side=%00",
                                 "/api/states/a%00b"])
def test_a_nul_character_is_refused_before_any_query(
    client: Client, loaded: Situation, url: str
) -> None:
    body = get(client, url, 422)
    assert "contains a NUL character" in body["detail"]
    assert body["problems"][0]["location"] in {"query.language", "query.side", "path"}


def test_a_nul_character_in_a_page_filter_is_refused(client: Client, loaded: Situation) -> None:
    response = client.get("/nationalities/?ruled_by=%00")
    assert response.status_code == 400  # on a page of the site (tests/web/test_wcag.py)
    assert "The parameter 'ruled_by' contains a NUL character" in html.unescape(
        response.content.decode())


def test_the_api_docs_page_says_its_language_and_direction(client: Client, db: None) -> None:
    """Every page does; the reference's text and the Swagger UI's are English, left to right."""
    response = client.get("/api/docs")
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="en" dir="ltr">' in page
    assert '<div lang="en" dir="ltr">' in page
    response = client.get("/api/docs/try")
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="en" dir="ltr">' in page
    assert '"url": "/api/openapi.json"' in page and "swagger-ui-bundle.js" in page
