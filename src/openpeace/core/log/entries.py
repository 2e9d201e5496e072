"""The entries of openpeace's log as a verifier reads them: what an act's entry holds.

An entry is the canonical JSON (UTF-8, sorted keys, no spaces) of
`{"v": 1, "kind", "subject", "time", "content"}`, where `kind` names the act
(`plebiscite.ballot_cast`), `subject` the thing acted on (`plebiscite:<election id>`), `time`
when it was recorded (ISO 8601), and `content` what was made public. A content too large for
an entry (an entry is at most 65,535 bytes in a bundle, C2SP tlog-tiles) is replaced by
`content_sha256`, the SHA-256 of its canonical JSON, and the document itself is published
beside the tiles at `content/<sha256>`; a verifier fetches it and checks its hash. A few acts
also keep a whole document there and name it in their content (`CONTENT_FIELDS`: the situation
file a `situation.loaded` entry loaded, as `document_sha256`); it is checked the same way.

The log's Merkle tree commits to the entries' bytes; this module only reads them, so that
tools such as `openpeace plebiscite verify` can rebuild what an act published from a copy of
the log alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from openpeace.core.log.errors import LogError

ENTRY_VERSION = 1


class EntryError(LogError):
    """An entry (or the content it commits to) is not what the log's entries are."""


@dataclass(frozen=True)
class LoggedEntry:
    """One act's entry, with its content resolved."""

    index: int
    kind: str
    subject: str
    time: str
    content: dict[str, Any]


def content_path(sha256: str) -> str:
    """Where a committed content is published, relative to the log's prefix."""
    return f"content/{sha256}"


CONTENT_FIELDS: dict[str, tuple[str, ...]] = {"situation.loaded": ("document_sha256",)}
"""The fields of an act's `content` that name a document published at `content/<sha256>`
(besides an entry's own `content_sha256`), by kind: `situation.loaded` commits to the whole
situation file it loaded (`world.services`). An act that keeps a document by its hash
(`log.services.content_store`) must be listed here, or `openpeace verify` does not check it."""

_HEX = frozenset("0123456789abcdef")
_MARKERS = tuple({f'"{name}":'.encode() for name in
                  ("content_sha256", *(f for fields in CONTENT_FIELDS.values() for f in fields))})


def is_sha256(value: object) -> TypeGuard[str]:
    """Whether `value` is a SHA-256 as entries write it: 64 lowercase hex digits."""
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def committed_contents(body: bytes) -> list[object]:
    """The hashes of the documents the entry `body` commits to, published at
    `content/<sha256>`: its own `content_sha256` (a content too large to inline) and the
    `CONTENT_FIELDS` of its kind. Each is as stated, not yet checked to be a hash
    (`is_sha256`).

    Only a version 1 entry's own fields count; bytes that are not such an entry commit to
    nothing (the log's tree, not this, decides whether they are authentic). Cheap for the many
    entries that mention none of the fields."""
    if not any(marker in body for marker in _MARKERS):
        return []
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return []
    if not isinstance(document, dict) or document.get("v") != ENTRY_VERSION:
        return []
    named: list[object] = []
    if "content_sha256" in document:
        named.append(document["content_sha256"])
    content = document.get("content")
    if isinstance(content, dict):
        named += [content[name] for name in CONTENT_FIELDS.get(str(document.get("kind")), ())
                  if name in content]
    return named


def read_entry(index: int, body: bytes, fetch: Callable[[str], bytes]) -> LoggedEntry:
    """The entry at `index` from its bytes; a content committed by hash is read with `fetch`
    (a path under the log's prefix) and must hash to what the entry says."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EntryError(f"entry {index} is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("v") != ENTRY_VERSION:
        raise EntryError(f"entry {index} is not a version {ENTRY_VERSION} entry")
    kind, subject, time = (document.get(key) for key in ("kind", "subject", "time"))
    if not (isinstance(kind, str) and isinstance(subject, str) and isinstance(time, str)):
        raise EntryError(f"entry {index} lacks its kind, subject or time")
    content = document.get("content")
    if "content_sha256" in document:
        digest = document["content_sha256"]
        if not is_sha256(digest):
            raise EntryError(f"entry {index}: content_sha256 is not a hash")
        data = fetch(content_path(digest))
        if hashlib.sha256(data).hexdigest() != digest:
            raise EntryError(f"entry {index}: {content_path(digest)} does not have the hash "
                             "the entry commits to")
        try:
            content = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise EntryError(f"entry {index}: its content is not JSON: {error}") from None
    if not isinstance(content, dict):
        raise EntryError(f"entry {index} has no content object")
    return LoggedEntry(index, kind, subject, time, content)


def subject_marker(subject: str) -> bytes:
    """The bytes an entry about `subject` contains: a cheap filter before parsing (canonical
    JSON writes the field exactly so); `read_entry` still checks the subject itself."""
    return b'"subject":' + json.dumps(subject, ensure_ascii=False).encode()
