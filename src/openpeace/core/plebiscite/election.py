"""The election's public parameters, their canonical JSON and hash, and the `Election` context
that verifiers derive from them once (docs/plebiscite-spec.md §5).

The election hash commits to everything a ballot depends on: the election id, the question, the
options in order, the threshold and the trustees' dealings (hence the public key), the public
key itself, the sorted credential list and a free map of context strings (the service's own
references: nationality, voting period, log). Every ballot, proof and signature names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from openpeace.core.plebiscite import group
from openpeace.core.plebiscite.credentials import credential_list_problems
from openpeace.core.plebiscite.encoding import (
    EncodingError,
    canonical_json,
    hex32,
    json_integer,
    json_list,
    json_object,
    json_string,
    u32,
    unhex32,
)
from openpeace.core.plebiscite.group import GROUP_NAME
from openpeace.core.plebiscite.hashing import (
    TAG_DECRYPTION,
    TAG_ELECTION,
    TAG_RANGE,
    TAG_SUM,
    Transcript,
    digest32,
)
from openpeace.core.plebiscite.trustees import (
    MAX_TRUSTEES,
    Dealing,
    dealing_problems,
    public_key,
    verification_keys,
)

FORMAT = "openpeace-plebiscite-v1"
MAX_OPTIONS = 64


class ParameterError(ValueError):
    """The election parameters are malformed or inconsistent."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Trustee:
    """A qualified trustee: its name and its dealing (index, commitments, proofs)."""

    name: str
    dealing: Dealing

    @property
    def index(self) -> int:
        return self.dealing.dealer


@dataclass(frozen=True)
class ElectionParameters:
    """Everything public that is fixed before the first ballot (spec §5.1)."""

    election_id: str
    question: str
    options: tuple[Option, ...]
    threshold: int
    trustees: tuple[Trustee, ...]
    public_key: bytes
    credentials: tuple[bytes, ...]
    context: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "group": GROUP_NAME,
            "election_id": self.election_id,
            "question": self.question,
            "options": [{"id": o.id, "label": o.label} for o in self.options],
            "threshold": self.threshold,
            "trustees": [
                {"index": t.index, "name": t.name, **t.dealing.parts_to_json()}
                for t in self.trustees
            ],
            "public_key": hex32(self.public_key),
            "credentials": [hex32(c) for c in self.credentials],
            "context": dict(self.context),
        }

    @classmethod
    def from_json(cls, value: object) -> ElectionParameters:
        """Strictly read the JSON form: exactly these fields, of these types (spec §5.1)."""
        obj = json_object(value, "parameters", {
            "format", "group", "election_id", "question", "options", "threshold", "trustees",
            "public_key", "credentials", "context",
        })
        if obj["format"] != FORMAT:
            raise EncodingError(f"parameters: format is not {FORMAT!r}")
        if obj["group"] != GROUP_NAME:
            raise EncodingError(f"parameters: group is not {GROUP_NAME!r}")
        options = tuple(
            Option(json_string(o["id"], "option id"), json_string(o["label"], "option label"))
            for o in (
                json_object(item, f"option {n}", {"id", "label"})
                for n, item in enumerate(json_list(obj["options"], "options"))
            )
        )
        trustees = []
        for n, item in enumerate(json_list(obj["trustees"], "trustees")):
            entry = json_object(item, f"trustee {n}", {"index", "name", "commitments", "proofs"})
            dealing = Dealing.from_parts(json_integer(entry["index"], f"trustee {n} index"),
                                         entry, f"trustee {n}")
            trustees.append(Trustee(json_string(entry["name"], f"trustee {n} name"), dealing))
        context = json_object(obj["context"], "context", None)
        return cls(
            election_id=json_string(obj["election_id"], "election_id"),
            question=json_string(obj["question"], "question"),
            options=options,
            threshold=json_integer(obj["threshold"], "threshold"),
            trustees=tuple(trustees),
            public_key=unhex32(obj["public_key"], "public_key"),
            credentials=tuple(
                unhex32(c, "credential") for c in json_list(obj["credentials"], "credentials")
            ),
            context={k: json_string(v, f"context {k}") for k, v in context.items()},
        )

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.to_json())

    @cached_property
    def hash(self) -> bytes:
        """The election hash: digest32("…/election", canonical JSON of the parameters)."""
        return digest32(TAG_ELECTION, self.canonical_bytes())

    def problems(self) -> list[str]:
        """Everything inconsistent in the parameters (spec §5.2); empty when they are valid."""
        found: list[str] = []
        if not self.election_id:
            found.append("the election id is empty")
        if not 2 <= len(self.options) <= MAX_OPTIONS:
            found.append(f"a plebiscite has 2 to {MAX_OPTIONS} options")
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids) or not all(ids):
            found.append("option ids must be non-empty and distinct")
        indices = [t.index for t in self.trustees]
        if not all(1 <= i <= MAX_TRUSTEES for i in indices) or indices != sorted(set(indices)):
            found.append(f"trustee indices must be increasing, in 1..{MAX_TRUSTEES}")
        if not 1 <= self.threshold <= len(self.trustees):
            found.append("the threshold must be between 1 and the number of trustees")
        elif not found:
            for trustee in self.trustees:
                found += dealing_problems(self.election_id, self.threshold, trustee.dealing)
            if not found and public_key([t.dealing for t in self.trustees]) != self.public_key:
                found.append("the public key is not the sum of the trustees' commitments")
        if not group.is_nonidentity(self.public_key):
            found.append("the public key is not a group element")
        found += credential_list_problems(self.credentials)
        return found


@dataclass(frozen=True, slots=True)
class _Prefixes:
    range: Transcript
    sum: Transcript
    decryption: Transcript


class Election:
    """Validated parameters and what is derived from them once: the election hash, the
    credential set, each trustee's verification key and the hash prefixes of every challenge."""

    def __init__(self, parameters: ElectionParameters) -> None:
        problems = parameters.problems()
        if problems:
            raise ParameterError(problems)
        self.parameters = parameters
        self.hash = parameters.hash
        self.public_key = parameters.public_key
        self.options = len(parameters.options)
        self.threshold = parameters.threshold
        self.credentials = frozenset(parameters.credentials)
        self.verification_keys = verification_keys(
            [t.dealing for t in parameters.trustees], [t.index for t in parameters.trustees]
        )
        statement = (self.hash, self.public_key)
        self.prefixes = _Prefixes(
            Transcript.start(TAG_RANGE, *statement),
            Transcript.start(TAG_SUM, *statement),
            Transcript.start(TAG_DECRYPTION, *statement),
        )
        self.options_field = u32(self.options)

    def __reduce__(self) -> tuple[type[Election], tuple[ElectionParameters]]:
        # Sent to worker processes as its parameters; each rebuilds its own prefixes.
        return (Election, (self.parameters,))

