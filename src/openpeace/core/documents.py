"""Documents people give openpeace (situations, terms): checked in full, every problem located.

A document is refused with *every* reason, each at its path inside the document
(`nationalities[12].languages[0]`), so a user can fix a file in one pass. The structure is
checked against a JSON Schema shipped with the code; the rules a schema cannot say are
checked by each format's own module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, at a path inside it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DocumentError(ValueError):
    """A document that cannot be used; `problems` says every reason why."""

    def __init__(self, problems: Sequence[Problem], origin: str = "document") -> None:
        self.problems = tuple(problems)
        self.origin = origin
        super().__init__("\n".join(f"{origin}: {p}" for p in self.problems))


_JSON_TYPES: tuple[tuple[type, str], ...] = (  # a boolean before a number: bool is an int
    (dict, "an object"), (list, "an array"), (str, "a string"), (bool, "a boolean"),
    (int, "a number"), (float, "a number"), (type(None), "null"),
)


def json_type(value: object) -> str:
    """What a parsed JSON value is, as a refusal names it: "an object", "a number"… (a form's
    JSON field gives subclasses, such as a string that remembers it was JSON)."""
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)),
                type(value).__name__)


def format_path(parts: Iterable[str | int]) -> str:
    """`["nationalities", 12, "languages", 0]` → `nationalities[12].languages[0]`."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


@cache
def schema(package: str, name: str) -> dict[str, Any]:
    """A JSON Schema shipped as a resource of `package`."""
    loaded: dict[str, Any] = json.loads(resources.files(package).joinpath(name).read_text())
    return loaded


@cache
def _validator(package: str, name: str) -> jsonschema_rs.Draft202012Validator:
    # jsonschema_rs (compiled) checks a register of 25,000 objects in milliseconds, where the
    # pure-Python jsonschema takes seconds: the situation load's budget is 10 s in all.
    return jsonschema_rs.Draft202012Validator(schema(package, name))


def schema_problems(document: object, package: str, name: str) -> Iterator[Problem]:
    """Every place where `document` breaks the schema `name` of `package`."""
    for error in _validator(package, name).iter_errors(document):
        yield Problem(format_path(error.instance_path), error.message)


@cache
def _definition_validator(package: str, name: str,
                          definition: str) -> jsonschema_rs.Draft202012Validator:
    whole = schema(package, name)
    return jsonschema_rs.Draft202012Validator(
        {"$defs": whole["$defs"], "$ref": f"#/$defs/{definition}"})


def definition_problems(document: object, package: str, name: str, definition: str,
                        at: str) -> Iterator[Problem]:
    """Every place where `document`, one part edited alone (a form field), breaks the
    definition `$defs/<definition>` of the schema `name`; paths start at `at`."""
    for error in _definition_validator(package, name, definition).iter_errors(document):
        yield Problem(format_path([at, *error.instance_path]), error.message)
