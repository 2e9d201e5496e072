"""The API's reference, a page of the site made from the API's own OpenAPI schema.

Swagger UI draws the schema with JavaScript, and what it draws fails WCAG 2.2 AA (axe finds
low contrast and buttons inside buttons). This page says the same in semantic HTML that needs
no script: each operation with its roles, parameters, body and answers, and each schema with its
fields, every schema named linking to its own. It is read from the schema that /api/openapi.json
serves (OpenAPI 3.1), so it cannot drift from it; Swagger UI stays, at /api/docs/try, for
trying requests from the browser.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

Schema = Mapping[str, Any]

NO_NUL = "^[^\\x00]*$"
"""The pattern every text parameter carries (`api_types.Text`): said in words, not as a regex."""

ROLES = {"EnvoyToken": "an envoy's token", "CommissionToken": "a commission's token",
         "TrusteeToken": "a trustee's token"}
"""The security schemes of the schema, as the roles of PRODUCT.md name them."""


def schema_link(ref: str) -> SafeString:
    name = ref.rsplit("/", 1)[1]
    return format_html('<a href="#schema-{}"><code>{}</code></a>', name, name)


def _bounds(low: object, high: object, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low} to {high} {unit}".rstrip()
    if high is not None:
        return f"at most {high} {unit}".rstrip()
    return f"at least {low} {unit}".rstrip() if low is not None else ""


def _limits(schema: Schema) -> list[str]:
    """The constraints on a value, in words."""
    kind = schema.get("type")
    limits = []
    if kind == "string":
        limits.append(_bounds(schema.get("minLength"), schema.get("maxLength"), "characters"))
    elif kind in ("integer", "number"):
        limits.append(_bounds(schema.get("minimum"), schema.get("maximum"), ""))
    elif kind == "array":
        limits.append(_bounds(schema.get("minItems"), schema.get("maxItems"), "items"))
    if (pattern := schema.get("pattern")) == NO_NUL:
        limits.append("no NUL character")
    elif pattern:
        limits.append(f"matching {pattern}")
    if "default" in schema:
        limits.append(f"default {schema['default']!r}")
    return [limit for limit in limits if limit]


def type_words(schema: Schema) -> SafeString:
    """What a value is, in words, with a link to each schema it names: `list of StateOut`,
    `string (date) or null`, `one of "ltr", "rtl"`."""
    if "$ref" in schema:
        return schema_link(schema["$ref"])
    if "anyOf" in schema:
        return SafeString(" or ".join(type_words(option) for option in schema["anyOf"]))
    if "enum" in schema:
        return format_html("one of {}", format_html_join(
            ", ", "<code>{}</code>", ((json.dumps(value),) for value in schema["enum"])))
    kind = schema.get("type")
    if kind == "array" and "prefixItems" in schema:
        return format_html("[{}]", SafeString(", ".join(
            type_words(item) for item in schema["prefixItems"])))
    if kind == "array":
        return format_html("list of {}", type_words(schema.get("items", {})))
    if kind == "object" and isinstance(extra := schema.get("additionalProperties"), dict):
        return format_html("object of {}", type_words(extra)) if extra else SafeString("object")
    if kind is None:
        return SafeString("any JSON value")
    words = f"{kind} ({schema['format']})" if "format" in schema else str(kind)
    return format_html("{}", words)


@dataclass(frozen=True)
class Field:
    """A parameter of an operation, or a property of a schema."""

    name: str
    where: str
    required: bool
    type: SafeString
    limits: str
    description: str

    @classmethod
    def of(cls, name: str, schema: Schema, *, where: str, required: bool,
           description: str = "") -> Field:
        return cls(name, where, required, type_words(schema), "; ".join(_limits(schema)),
                   description or schema.get("description", ""))


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    type: SafeString | None


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    description: str
    roles: list[str]
    parameters: list[Field]
    body: SafeString | None
    answers: list[Answer]


@dataclass(frozen=True)
class Group:
    """The operations of one area (the OpenAPI tag: world, diplomacy, …)."""

    tag: str
    operations: list[Operation]


@dataclass(frozen=True)
class SchemaEntry:
    name: str
    description: str
    fields: list[Field]
    type: SafeString | None
    """What it is, for a schema that is not an object with properties (an enum, a list)."""


def _json_type(content: Schema | None) -> SafeString | None:
    media = (content or {}).get("application/json")
    return type_words(media["schema"]) if media and "schema" in media else None


def _operation(method: str, path: str, spec: Schema) -> Operation:
    body = spec.get("requestBody")
    return Operation(
        anchor=spec["operationId"],
        method=method.upper(),
        path=path,
        description=spec.get("description") or spec.get("summary", ""),
        roles=[ROLES.get(name, name) for need in spec.get("security", []) for name in need],
        parameters=[
            Field.of(p["name"], p.get("schema", {}), where=p["in"],
                     required=p.get("required", False), description=p.get("description", ""))
            for p in spec.get("parameters", [])
        ],
        body=_json_type(body["content"]) if body else None,
        answers=[Answer(status, answer.get("description", ""), _json_type(answer.get("content")))
                 for status, answer in spec.get("responses", {}).items()],
    )


def reference(openapi: Schema) -> tuple[list[Group], list[SchemaEntry]]:
    """The operations grouped by area, in the schema's order, and every schema by name."""
    groups: dict[str, list[Operation]] = {}
    for path, methods in openapi["paths"].items():
        for method, spec in methods.items():
            tag = (spec.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(_operation(method, path, spec))
    schemas = []
    for name, schema in sorted(openapi.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [Field.of(field, spec, where="body", required=field in required)
                  for field, spec in schema.get("properties", {}).items()]
        schemas.append(SchemaEntry(name, schema.get("description", ""), fields,
                                   None if fields else type_words(schema)))
    return [Group(tag, operations) for tag, operations in groups.items()], schemas


@functools.cache
def _reference_of(api: NinjaAPI, prefix: str) -> tuple[list[Group], list[SchemaEntry]]:
    """Once per process: the schema changes only with the code."""
    return reference(api.get_openapi_schema(path_prefix=prefix))


class ApiReference(DocsBase):
    """ninja's seam for the page at /api/docs: this reference instead of Swagger UI."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema_url = reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs)
        groups, schemas = _reference_of(api, schema_url.rsplit("/", 1)[0])
        return render(request, "web/api_reference.html", {
            "description": api.description, "schema_url": schema_url, "groups": groups,
            "schemas": schemas, "try_url": reverse("api-try"),
        })
