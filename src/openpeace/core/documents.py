"""Documents people give openpeace (situations, terms): checked in full, every problem located.

A document is refused with *every* reason, each at its path inside the document
(`nationalities[12].languages[0]`), so a user can fix a file in one pass. The structure is
checked against a JSON Schema shipped with the code; the rules a schema cannot say are
checked by each format's own module.

A file's reader checks its characters before its schema (`character_problems`): the
schema's validator (jsonschema_rs) hands every string to Rust as UTF-8, and a lone surrogate
(a JSON `"\\ud800"`) cannot be encoded, so it would raise `UnicodeEncodeError`, a server error,
where the writer should be told which string of their file holds it.

Before anything walks a document, its depth is checked (`depth_problem`), without recursion:
every format here is shallow, and the readers that walk a document recurse (jsonschema_rs stops
with a `ValueError` some hundreds of levels down, Python with a `RecursionError` at about a
thousand), so a document nested deeper than any of ours would otherwise be a server error.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from openpeace.core.text import document_problem


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


MAX_DEPTH = 32
"""How many objects and arrays deep a document may nest. Ours nest a few levels: terms three (the
document, its list of clauses, a clause), the 1917 situation six and its demands seven (a
GeoJSON polygon's rings of points). 32 leaves room for any format to come."""


def _too_deep(document: object, limit: int) -> tuple[str | int, ...] | None:
    """The path to the first object or array of `document` past `limit` levels, or None;
    walked without recursion, however deep the document is."""
    waiting: list[tuple[object, tuple[str | int, ...]]] = [(document, ())]
    while waiting:
        value, path = waiting.pop()
        members: list[tuple[str | int, object]]
        if isinstance(value, dict):
            members = list(value.items())
        elif isinstance(value, list):
            members = list(enumerate(value))
        else:
            continue
        if len(path) >= limit:
            return path
        waiting.extend((member, (*path, key)) for key, member in reversed(members))
    return None


def too_deep_message(limit: int) -> str:
    return f"objects and arrays nest more than {limit} levels deep, which no document here does"


def depth_problem(document: object, limit: int = MAX_DEPTH, at: str | None = None
                  ) -> Problem | None:
    """Where `document` nests objects and arrays more than `limit` deep (at its first object or
    array past the limit, under `at` if it is part of a larger document), or None."""
    path = _too_deep(document, limit)
    if path is None:
        return None
    return Problem(format_path([at, *path] if at else path), too_deep_message(limit))


def json_document(text: str | bytes, origin: str = "document") -> object:
    """JSON text as a document: `json.JSONDecodeError` if it is not JSON, `DocumentError` if it
    nests deeper than `MAX_DEPTH`, even so deep that the parser itself runs out of stack."""
    try:
        document: object = json.loads(text)
    except RecursionError:
        raise DocumentError([Problem("(document)", too_deep_message(MAX_DEPTH))],
                            origin) from None
    if (problem := depth_problem(document)) is not None:
        raise DocumentError([problem], origin)
    return document


def character_problems(document: object, what: str) -> list[Problem]:
    """The first character in any key or string of `document` that no public text may hold (a
    lone surrogate, a control character: `core.text.document_problem`), as a problem of the
    whole document whose message says where, about `what` ("an offer file"); or none.

    A file's every string is published or logged one day, so none may hold such a character;
    and the schema's validator cannot even read a lone surrogate, so this is judged first, and
    alone: a document with such a character is not handed to the schema at all."""
    problem = document_problem(document, what)
    return [Problem("(document)", problem)] if problem else []


_JSON_TYPES: tuple[tuple[type, str], ...] = (  # a boolean before a number: bool is an int
    (dict, "an object"), (list, "an array"), (str, "a string"), (bool, "a boolean"),
    (int, "a number"), (float, "a number"), (type(None), "null"),
)


def json_type(value: object) -> str:
    """What a parsed JSON value is, as a refusal names it: "an object", "a number"… (a form's
    JSON field gives subclasses, such as a string that remembers it was JSON)."""
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)),
                type(value).__name__)


def unique_problems(
    collection: str,
    keys: Sequence[str],
    what: str,
    field_name: str = "key",
    paths: Sequence[str] | None = None,
) -> Generator[Problem, None, dict[str, int]]:
    """Every repeated key in one list of a document (`collection`), each at its path after the
    first; return (as the generator's value) each key's first index. A schema cannot say that
    the items of a list have different keys, so each format that names its items by a key
    (a situation's facts, an offer's sources) says it with this."""
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            path = paths[i] if paths else f"{collection}[{i}].{field_name}"
            yield Problem(path, f"duplicate {what} {field_name} {key!r}: already used above")
        else:
            first[key] = i
    return first


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
    """Every place where `document` breaks the schema `name` of `package` (only its depth, if
    it nests too deep to be walked)."""
    if (problem := depth_problem(document)) is not None:
        yield problem
        return
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
    if (problem := depth_problem(document, at=at)) is not None:
        yield problem
        return
    for error in _definition_validator(package, name, definition).iter_errors(document):
        yield Problem(format_path([at, *error.instance_path]), error.message)
