"""The treaties' API: public treaties only, findings with their reasons, search, bad input."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import settings
from schemathesis.checks import positive_data_acceptance

from openpeace.api import api
from openpeace.treaties.models import Treaty
from tests.world.test_api_fuzz import app  # noqa: F401 - the fixture the fuzz test needs


def test_the_list_holds_public_treaties_only(published: Treaty, client: Client) -> None:
    answer = client.get("/api/treaties")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [(t["key"], t["status"], t["flagged"]) for t in items] == [
        ("straits-pact", "published", True)]
    assert items[0]["signed"] == ["1915-03-04", "1915-04-10"]


@pytest.mark.parametrize("query,keys", [
    ("?party=france", ["straits-pact"]),
    ("?party=germany", []),
    ("?flagged=true", ["straits-pact"]),
    ("?flagged=false", []),
    ("?clause_type=secrecy", ["straits-pact"]),
    ("?status=repudiated", []),
    ("?signed_from=1915-03-05", []),
])
def test_the_list_filters(published: Treaty, client: Client, query: str,
                          keys: list[str]) -> None:
    assert [t["key"] for t in client.get(f"/api/treaties{query}").json()["items"]] == keys


@pytest.mark.parametrize("query,location", [
    ("?status=secret", "query.status"),
    ("?clause_type=conquest", "query.clause_type"),
    ("?signed_from=1915-02-30", "query.signed_from"),
    ("?flagged=perhaps", "query.flagged"),
    ("?signed_from=1918-01-01&signed_to=1915-01-01", "query.signed_to"),
])
def test_bad_filters_are_422_naming_the_parameter(published: Treaty, client: Client,
                                                  query: str, location: str) -> None:
    answer = client.get(f"/api/treaties{query}")
    assert answer.status_code == 422
    assert [p["location"] for p in answer.json()["problems"]] == [location]


def test_search_refuses_a_range_that_ends_before_it_begins(published: Treaty,
                                                           client: Client) -> None:
    answer = client.get("/api/treaties/search", {"q": "Erzurum", "signed_from": "1918-01-01",
                                                 "signed_to": "1915-01-01"})
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert problem["location"] == "query.signed_to"
    assert problem["message"].startswith("1915-01-01 is before 1918-01-01")


def test_a_treaty_with_its_texts_and_findings(published: Treaty, client: Client) -> None:
    answer = client.get("/api/treaties/straits-pact")
    assert answer.status_code == 200
    treaty = answer.json()
    assert treaty["status"] == "published" and treaty["repudiation"] is None
    assert {t["language"] for t in treaty["texts"]} == {"fr", "ru", "ota"}
    assert all(t["current"] and t["revision"] == 1 for t in treaty["texts"])
    clause = treaty["clauses"][0]
    assert (clause["id"], clause["territory"], clause["from"], clause["to"]) == (
        "art-1", "erzurum", "ottoman-empire", "russia")
    assert clause["flagged"] and clause["findings"][0]["rule"] == "annexation.no_decision"
    assert clause["findings"][0]["quotes"]


def test_a_secret_treaty_is_answered_as_one_that_does_not_exist(published: Treaty,
                                                                client: Client) -> None:
    secret, missing = client.get("/api/treaties/finnish-note"), client.get("/api/treaties/nope")
    assert secret.status_code == missing.status_code == 404
    assert secret.json()["detail"] == "no published treaty with key 'finnish-note'"


def test_search(published: Treaty, client: Client) -> None:
    answer = client.get("/api/treaties/search", {"q": "Erzurum", "party": "france"})
    assert answer.status_code == 200
    hit = next(h for h in answer.json() if h["clause"] == "art-1")
    assert [hit["snippet"][a:b] for a, b in hit["highlights"]] == ["Erzurum"]
    assert client.get("/api/treaties/search", {"q": "Anleihe"}).json() == []


@pytest.mark.parametrize("params,location,message", [
    ({"q": '"Erzurum'}, "query.q", "never closed"),
    ({"q": "-Erzurum"}, "query.q", "cannot only exclude"),
    ({}, "query.q", "required"),
    ({"q": "x", "limit": 0}, "query.limit", "greater than or equal to 1"),
])
def test_search_refuses_bad_queries_with_a_message(published: Treaty, client: Client,
                                                   params: dict[str, Any], location: str,
                                                   message: str) -> None:
    answer = client.get("/api/treaties/search", params)
    assert answer.status_code == 422
    [problem] = answer.json()["problems"]
    assert problem["location"] == location and message in problem["message"].lower()


def test_there_is_nothing_to_write(published: Treaty, client: Client) -> None:
    assert client.post("/api/treaties/straits-pact", {}).status_code == 405
    assert client.delete("/api/treaties/straits-pact").status_code == 405


schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api")).include(
    path_regex="treaties"
)


@schema.parametrize()
@settings(max_examples=40)
def test_every_treaties_operation_answers_as_documented(case: Any, published: Treaty,
                                                        app: Any) -> None:  # noqa: F811
    # A query can be well-formed for the schema and still unsearchable ("(", "-x"), and dates
    # each well-formed can make a range that ends before it begins: that is the documented 422
    # with its reason, not a rejection of valid data.
    excluded = [] if "{key}" in case.path else [positive_data_acceptance]
    case.call_and_validate(app=app, excluded_checks=excluded)
