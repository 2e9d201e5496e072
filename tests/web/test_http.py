"""HTTP as RFC 9110 says it (web.http): every page's methods judged first, HEAD wherever GET,
the API's 404 and 405 in its JSON, bodies too large refused 413, bodies not JSON refused 415 by
the API, a request Django refuses as it reads it (too many fields) answered as the site
answers, and every page's Content-Security-Policy."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.http import urlencode

from openpeace.api import api
from openpeace.core.situation import Situation
from openpeace.log.models import Entry

# A value for each parameter of the site's addresses: enough to reach the view, whose answer to
# a method it does not take comes before it looks anything up.
SAMPLES: dict[str, object] = {
    "key": "x", "people": "x", "language": "en", "state": "x", "number": 1, "territory": "x",
    "occupier": "x", "pk": 1, "tag": "en", "page": 1, "path": "0/000", "sha256": "0" * 64,
    "index": 0, "token": "x", "name": "offers", "format": "json",
}


def _pages(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """Every page of the site, by its name: not the admin (Django's own) nor the API."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in ("admin", "api"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from _pages(pattern, inner)
        elif not str(pattern.pattern).startswith("api/"):  # Swagger UI, /api/docs/try: DOCS
            assert pattern.name, f"{pattern} has no name"
            yield f"{namespace}{pattern.name}", pattern


PAGES = sorted(_pages(get_resolver()), key=lambda page: page[0])
DOCS = [("api:openapi-json", "/api/openapi.json"), ("api:openapi-view", "/api/docs"),
        ("api-try", "/api/docs/try")]


def _address(name: str, pattern: URLPattern) -> str:
    parameters = pattern.pattern.regex.groupindex  # a path()'s converters are named groups too
    return reverse(name, kwargs={p: SAMPLES[p] for p in parameters})


def test_the_walk_finds_every_kind_of_page() -> None:
    names = {name for name, _ in PAGES}
    assert {"home", "world:state-list", "diplomacy:reply", "publicity:feeds:language",
            "publicity:opendata:download", "log:tile", "publicity:follows:unsubscribe"} <= names


@pytest.mark.parametrize(("name", "pattern"), PAGES, ids=[name for name, _ in PAGES])
def test_every_page_refuses_a_method_it_does_not_take_before_the_csrf_check(
    db: None, name: str, pattern: URLPattern
) -> None:
    """405 with `Allow` (RFC 9110 §15.5.6), not the CSRF check's 403 "this form did not come
    from this site", nor a 200 showing the page to a DELETE."""
    taken = getattr(pattern.callback, "http_methods", None)
    assert taken is not None, f"{name}: say its methods with web.http.require_safe or " \
                              "require_http_methods"
    assert "HEAD" in taken or "GET" not in taken  # HEAD wherever GET (RFC 9110 §9.3.2)
    client = Client(enforce_csrf_checks=True)
    address = _address(name, pattern)
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.generic(method, address)
        assert response.status_code == 405, (method, address, response.content[:200])
        assert response["Allow"] == ", ".join(taken)
        assert_a_refusal_page(response, f"{method} is not a method of {address}: it takes "
                                        f"{', '.join(taken)}")


def assert_a_refusal_page(response: Any, detail: str) -> None:
    """A refusal that is a page of the site: in the frame, its language and direction said,
    a title that says it is an error, and what was refused, in words."""
    page = response.content.decode()
    assert response["Content-Type"] == "text/html; charset=utf-8", page[:200]
    assert '<html lang="en" dir="ltr">' in page and '<header class="site">' in page
    assert re.search(r"<title>Error: [^<]+ · openpeace</title>", page), page[:400]
    assert detail[0].upper() + detail[1:] in html.unescape(page)


@pytest.mark.parametrize(("name", "address"), DOCS)
def test_the_api_s_docs_and_schema_are_read_only(db: None, name: str, address: str) -> None:
    assert reverse(name) == address
    for method in ("PUT", "DELETE", "PATCH"):
        response = Client(enforce_csrf_checks=True).generic(method, address)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
        assert response.json() == {"detail": f"{method} is not a method of {address}: it "
                                             "takes GET, HEAD"}


def _schema_paths() -> dict[str, Any]:
    """The API's operations, by path with a sample id in it."""
    paths = api.get_openapi_schema(path_prefix="/api")["paths"]
    return {path.replace("{", "").replace("}", ""): ops for path, ops in paths.items()}


def _operations() -> Iterator[tuple[str, set[str]]]:
    """Every path of the API with a sample id in it, and the methods its schema documents."""
    for path, operations in _schema_paths().items():
        yield path, {m.upper() for m in operations}


@pytest.mark.parametrize(("address", "documented"), list(_operations()))
def test_every_api_path_refuses_other_methods_in_json(
    loaded: Situation, client: Client, address: str, documented: set[str]
) -> None:
    allowed = documented | ({"HEAD"} if "GET" in documented else set())
    for method in {"GET", "POST", "PUT", "DELETE", "PATCH"} - documented:
        response = client.generic(method, address)
        assert response.status_code == 405, (method, address)
        assert set(response["Allow"].split(", ")) == allowed
        assert response.json()["detail"].startswith(f"{method} is not a method of {address}")


@pytest.mark.parametrize("address", ["/api/atlantis", "/api/states/", "/api/states/x/y"])
def test_an_unknown_api_path_is_a_json_404(db: None, client: Client, address: str) -> None:
    response = client.get(address)
    assert response.status_code == 404
    assert response.json() == {"detail": f"the API has no operation at {address}: its "
                                         "operations are in /api/openapi.json"}


@pytest.mark.parametrize("address", ["/api/states", "/api/states/germany", "/api/states/atlantis",
                                     "/api/plebiscites", "/api/states?limit=0", "/api/docs",
                                     "/api/docs/try", "/api/openapi.json"])
def test_head_on_the_api_answers_as_get_without_a_body(
    loaded: Situation, client: Client, address: str
) -> None:
    got, head = client.get(address), client.head(address)
    assert head.status_code == got.status_code and head.content == b""
    for header in ("Content-Type", "Content-Length"):
        assert head[header] == got[header]


def test_head_on_a_write_is_405_saying_what_it_takes(loaded: Situation, client: Client) -> None:
    response = client.head("/api/plebiscites/1/ballots")
    assert response.status_code == 405 and response["Allow"] == "POST"


def _big(size: int) -> str:
    return json.dumps({"ballot": "A" * size})


def test_a_body_too_large_for_the_api_is_413_in_json_and_changes_nothing(
    loaded: Situation, client: Client
) -> None:
    before = Entry.objects.count()
    response = client.post("/api/plebiscites/1/ballots", _big(3_000_000),
                           content_type="application/json")
    assert response.status_code == 413
    limit = settings.OPENPEACE_MAX_BODY
    assert response.json() == {"detail": f"the request's body is {3_000_014} bytes: this "
                                         f"operation takes at most {limit}"}
    assert Entry.objects.count() == before


@pytest.mark.parametrize("address", ["/offers/peace-1917/replies/germany/",
                                     "/nationalities/finns/demands/file/", "/follow/",
                                     "/admin/login/"])
def test_a_form_too_large_is_413_on_a_page_of_the_site(db: None, address: str) -> None:
    """Before the CSRF check reads the form: the answer says what happened, and the limit."""
    response = Client(enforce_csrf_checks=True).post(address, {"text": "x" * 3_000_000})
    page = response.content.decode()
    assert response.status_code == 413
    assert '<html lang="en" dir="ltr">' in page and '<header class="site">' in page
    assert "Refused: what was sent is too large" in page
    assert "this page takes at most 2.5\xa0MB" in page
    assert "<title>Error: Too large · openpeace</title>" in page


# ------------------------------------------------------------------ what Django refuses itself


def _fields(count: int) -> dict[str, str]:
    return {f"f{n}": "x" for n in range(count)}


def test_a_query_with_too_many_fields_is_a_400_page_naming_the_limit(db: None,
                                                                     client: Client) -> None:
    """Django's `TooManyFieldsSent` (`DATA_UPLOAD_MAX_NUMBER_FIELDS`), answered by the site's
    `handler400`, not Django's bare "Bad Request (400)"."""
    most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert client.get("/states/", _fields(most)).status_code == 200
    response = client.get("/states/", _fields(most + 1))
    assert response.status_code == 400
    assert_a_refusal_page(response, f"the request has more than {most} fields (its query's "
                                    f"parameters and its form's fields): this site takes at "
                                    f"most {most}")
    assert "<title>Error: Too many fields · openpeace</title>" in response.content.decode()


def test_a_form_with_too_many_fields_is_a_400_page(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/follow/", {"contact": "c@example.org", **_fields(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Refused: what was sent has too many fields</h1>" in page
    assert "<title>Error: Too many fields · openpeace</title>" in page  # once (ErrorTitle)


def test_too_many_fields_for_the_api_is_a_json_400(db: None, client: Client) -> None:
    most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.get(f"/api/states?{urlencode(_fields(most + 1))}")
    assert response.status_code == 400
    assert response.json() == {"detail": f"the request has more than {most} fields (its "
                                         "query's parameters and its form's fields): this "
                                         f"site takes at most {most}"}


def test_every_api_operation_documents_the_400_of_a_request_django_cannot_read(
        client: Client) -> None:
    """Any operation can answer the 400 above before it runs, so the schema says so on each,
    with the body it has (`{"detail": ...}`, `ErrorOut`) and the limit."""
    schema = client.get("/api/openapi.json").json()
    operations = [(path, method, operation) for path, methods in schema["paths"].items()
                  for method, operation in methods.items()]
    assert len(operations) > 40
    for path, method, operation in operations:
        answer = operation["responses"].get("400")
        assert answer is not None, f"{method.upper()} {path} does not document its 400"
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"}
        assert f"more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} query parameters" in (
            answer["description"])
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_a_body_over_django_s_own_limit_is_the_site_s_413(db: None, settings: Any) -> None:
    """`RequestDataTooBig`, if a setting put Django's limit below the site's: the same 413 page
    as every body too large, naming the limit passed."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = Client().post("/follow/", {"contact": "x" * 2_000})
    page = response.content.decode()
    assert response.status_code == 413
    assert "Refused: what was sent is too large" in page
    assert "this page takes at most 1000\xa0bytes" in page


def test_another_request_django_refuses_is_a_400_page(db: None, client: Client) -> None:
    response = client.get("/states/", headers={"host": "elsewhere.example"})
    assert response.status_code == 400
    assert_a_refusal_page(response, "the request is not one this site can read")


# ------------------------------------------------------------------ the API takes JSON


def _writes() -> Iterator[str]:
    for address, methods in _operations():
        if methods - {"GET"}:
            assert methods - {"GET"} == {"POST"}, (address, methods)  # no PUT, PATCH, DELETE
            yield address


@pytest.mark.parametrize("address", list(_writes()))
def test_every_api_write_refuses_a_body_that_is_not_json_with_415(
    loaded: Situation, client: Client, address: str
) -> None:
    """Every write takes a JSON document (none a form or a file): a form, or JSON sent as
    text, is refused before the operation looks at its token or its ids."""
    before = Entry.objects.count()
    for body, content_type, said in [
        (_fields(1), None, "is multipart/form-data"),
        ('{"ballot": ""}', "text/plain", "is text/plain"),
        ("f0=x", "application/x-www-form-urlencoded", "is application/x-www-form-urlencoded"),
    ]:
        sent = ({"content_type": content_type} if content_type else {})
        response = client.post(address, body, **sent)
        assert response.status_code == 415, (address, content_type, response.content)
        assert response["Accept"] == "application/json"
        assert response.json() == {"detail": f"the request's body {said}: this operation "
                                             "takes application/json"}
    assert Entry.objects.count() == before
    assert 415 in _schema_paths()[address]["post"]["responses"]  # documented


def test_a_body_with_no_content_type_is_415_and_no_body_is_not_judged(loaded: Situation,
                                                                       client: Client) -> None:
    response = client.generic("POST", "/api/plebiscites/1/ballots", '{"ballot": ""}',
                              content_type="")
    assert response.status_code == 415
    assert response.json()["detail"] == ("the request's body has no Content-Type: this "
                                         "operation takes application/json")
    assert client.generic("POST", "/api/plebiscites/1/close", content_type="").status_code == 401


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON", "application/vnd.example+json"])
def test_json_and_its_plus_json_types_are_read(loaded: Situation, client: Client,
                                               content_type: str) -> None:
    response = client.post("/api/plebiscites/1/ballots", '{"ballot": "AA=="}',
                           content_type=content_type)
    assert response.status_code == 404  # read: no plebiscite 1


def test_a_method_a_path_does_not_take_is_405_before_its_body_is_judged(
    loaded: Situation, client: Client
) -> None:
    response = client.post("/api/states/germany", _fields(1))
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


def test_the_credential_list_alone_may_be_larger(loaded: Situation, client: Client,
                                                 settings: Any) -> None:
    settings.OPENPEACE_MAX_BODY = 1_000
    body = json.dumps({"credentials": ["0" * 64] * 30})
    assert client.post("/api/plebiscites/1/ballots", _big(2_000),
                       content_type="application/json").status_code == 413
    response = client.post("/api/plebiscites/1/credentials", body,
                           content_type="application/json")
    assert response.status_code == 401  # read, as far as the token: not refused for its size


def test_the_schema_s_maximum_electorate_fits_in_the_body_limit() -> None:
    """The most credentials the schema allows, sent indented, is a body the server takes."""
    assert resolve("/api/plebiscites/1/credentials").view_name in settings.OPENPEACE_LARGE_BODIES
    limit = settings.OPENPEACE_LARGE_BODIES["api:credentials_publish"]
    schema = api.get_openapi_schema()["components"]["schemas"]["CredentialsIn"]
    most = schema["properties"]["credentials"]["maxItems"]
    assert most == settings.OPENPEACE_MAX_ELECTORATE
    assert len(json.dumps({"credentials": ["f" * 64] * most}, indent=4)) <= limit
    assert limit <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # Django's own 400 never first


@pytest.mark.parametrize("address", ["/", "/states/", "/api/docs", "/api/docs/try",
                                     "/states/atlantis/", "/admin/login/"])
def test_every_page_has_a_content_security_policy(db: None, client: Client,
                                                  address: str) -> None:
    policy = client.get(address)["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert "script-src" not in directives and "style-src" not in directives  # 'self' only
    for name in ("object-src", "base-uri", "frame-ancestors"):
        assert directives[name] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
