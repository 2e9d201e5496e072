"""/api/docs: the API's reference, made from its OpenAPI schema, without a script."""

from __future__ import annotations

import re
from collections import Counter

from django.test import Client

from openpeace.api import api
from openpeace.web.api_reference import type_words


def test_a_value_is_said_in_words_with_links_to_the_schemas_it_names() -> None:
    assert type_words({"type": "array", "items": {"$ref": "#/components/schemas/StateOut"}}) == (
        'list of <a href="#schema-StateOut"><code>StateOut</code></a>')
    assert type_words({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}) == (
        "string (date) or null")
    assert type_words({"type": "string", "enum": ["ltr", "rtl"]}) == (
        'one of <code>&quot;ltr&quot;</code>, <code>&quot;rtl&quot;</code>')
    assert type_words({"type": "array", "prefixItems": [{"type": "number"}] * 2}) == (
        "[number, number]")
    assert type_words({"type": "object", "additionalProperties": {"type": "integer"}}) == (
        "object of integer")
    assert type_words({}) == "any JSON value"


def test_every_operation_and_schema_is_on_the_page(client: Client, db: None) -> None:
    schema = api.get_openapi_schema(path_prefix="/api")
    response = client.get("/api/docs")
    page = response.content.decode()
    assert response.status_code == 200 and "<script" not in page
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert (f'<h3 id="{operation["operationId"]}"><code>{method.upper()} {path}</code>'
                    "</h3>") in page
    for name in schema["components"]["schemas"]:
        assert f'<h3 id="schema-{name}"><code>{name}</code></h3>' in page


def test_every_link_of_the_page_leads_somewhere_on_it_and_no_id_repeats(
    client: Client, db: None
) -> None:
    page = client.get("/api/docs").content.decode()
    ids = Counter(re.findall(r' id="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert {target for target in re.findall(r'href="#([^"]+)"', page)} - set(ids) == set()


def test_an_operation_says_its_role_its_body_and_its_answers(client: Client, db: None) -> None:
    page = client.get("/api/docs").content.decode()
    start = page.index('<article aria-labelledby="openpeace_selfdetermination_api_demand_create">')
    article = page[start:page.index("</article>", start)]
    assert "<strong>Needs</strong> a commission&#x27;s token." in article
    assert ('<strong>Body</strong> (<code>application/json</code>): '
            '<a href="#schema-DemandIn"><code>DemandIn</code></a>') in article
    assert '<th scope="row">422</th><td>Unprocessable Entity</td>' in article
    assert "<td>path</td><td>string</td><td>at most 200 characters; no NUL character</td>" in (
        article)


def test_the_interactive_documentation_is_still_there(client: Client, db: None) -> None:
    page = client.get("/api/docs").content.decode()
    assert '<a href="/api/docs/try">the interactive documentation</a>' in page
    swagger = client.get("/api/docs/try").content.decode()
    assert '<div id="swagger-ui" lang="en" dir="ltr"></div>' in swagger
