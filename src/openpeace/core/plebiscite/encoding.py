"""Byte and text encodings of the plebiscite (docs/plebiscite-spec.md §2 and §4).

- Fixed-width big-endian unsigned integers (`u8`, `u16`, `u32`, `u64`) in hash inputs and in the
  ballot's binary form.
- Lowercase hexadecimal for 32-byte values in JSON (group elements, scalars, hashes).
- Standard padded base64 (RFC 4648 §4) for ballots in JSON.
- Canonical JSON: RFC 8785 (JCS) restricted to objects with ASCII keys, arrays, strings and
  integers in [0, 2^53). Sorted keys, no whitespace, UTF-8. Parsing is strict: bytes that are
  not exactly the canonical serialisation of what they parse to are refused.

Every decoder accepts exactly one text per value and raises `EncodingError` otherwise.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from openpeace.core.plebiscite.group import L

_HEX32 = re.compile(r"[0-9a-f]{64}")
MAX_INT = 2**53 - 1


class EncodingError(ValueError):
    """A value is not in its one canonical encoding."""


def u8(value: int) -> bytes:
    return value.to_bytes(1, "big")


def u16(value: int) -> bytes:
    return value.to_bytes(2, "big")


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def lp8(data: bytes) -> bytes:
    """`data` prefixed with its length as one byte (the framing of tags and names)."""
    return u8(len(data)) + data


def lp16(data: bytes) -> bytes:
    """`data` prefixed with its length as two big-endian bytes."""
    return u16(len(data)) + data


def hex32(data: bytes) -> str:
    return data.hex()


def unhex32(text: object, what: str) -> bytes:
    """Decode 64 lowercase hexadecimal digits."""
    if not isinstance(text, str) or not _HEX32.fullmatch(text):
        raise EncodingError(f"{what}: not 64 lowercase hexadecimal digits")
    return bytes.fromhex(text)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    """Decode canonical standard base64 (padding present, no other characters)."""
    if not isinstance(text, str):
        raise EncodingError(f"{what}: not a base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise EncodingError(f"{what}: not standard base64") from error
    if b64(data) != text:
        raise EncodingError(f"{what}: not canonical base64")
    return data


def base32_groups(data: bytes, group: int = 4) -> str:
    """Unpadded RFC 4648 base32 (upper case), in groups of `group` characters joined by '-'."""
    text = base64.b32encode(data).decode("ascii").rstrip("=")
    return "-".join(text[i : i + group] for i in range(0, len(text), group))


def unbase32_groups(text: str, length: int) -> bytes:
    """Inverse of `base32_groups`: case, '-' and spaces are ignored (a human typed it)."""
    letters = "".join(text.split()).replace("-", "").upper()
    letters += "=" * (-len(letters) % 8)
    try:
        data = base64.b32decode(letters)
    except (binascii.Error, ValueError) as error:
        raise EncodingError("not base32") from error
    if len(data) != length:
        raise EncodingError(f"not {length} bytes of base32")
    return data


def _check_json(value: object, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise EncodingError(f"{path}: only objects, arrays, strings and integers are allowed")
    if isinstance(value, int):
        if not 0 <= value <= MAX_INT:
            raise EncodingError(f"{path}: integer out of range [0, 2^53)")
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise EncodingError(f"{path}: string is not valid Unicode") from error
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise EncodingError(f"{path}: object keys must be ASCII strings")
            _check_json(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value):
            _check_json(item, f"{path}[{number}]")
    else:
        raise EncodingError(f"{path}: {type(value).__name__} is not JSON")


def canonical_json(value: object) -> bytes:
    """The canonical JSON bytes of `value` (see the module docstring)."""
    _check_json(value, "$")
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def parse_canonical_json(data: bytes) -> Any:
    """Parse canonical JSON; anything but the canonical bytes of the parsed value is refused."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EncodingError(f"not JSON: {error}") from error
    if canonical_json(value) != data:
        raise EncodingError("not in canonical JSON form (key order, spacing or escaping)")
    return value


def scalar_hex(value: int) -> str:
    """A scalar as the hex of its 32-byte little-endian encoding."""
    return value.to_bytes(32, "little").hex()


def unhex_scalar(text: object, what: str) -> int:
    """A scalar from the hex of its 32-byte little-endian encoding; it must be below L."""
    value = int.from_bytes(unhex32(text, what), "little")
    if value >= L:
        raise EncodingError(f"{what}: a scalar is not below the group order")
    return value


# Strict readers of parsed JSON: each names what it expected.


def json_object(value: object, what: str, keys: set[str] | None) -> dict[str, Any]:
    """An object; with `keys`, it must have exactly those fields."""
    if not isinstance(value, dict):
        raise EncodingError(f"{what}: not an object")
    if keys is not None and set(value) != keys:
        raise EncodingError(f"{what}: fields must be exactly {sorted(keys)}")
    return value


def json_list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise EncodingError(f"{what}: not an array")
    return value


def json_string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise EncodingError(f"{what}: not a string")
    return value


def json_integer(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise EncodingError(f"{what}: not an integer")
    return value


def json_pair(value: object, what: str) -> tuple[int, int]:
    """A proof's [c, z]: two hex scalars."""
    items = json_list(value, what)
    if len(items) != 2:
        raise EncodingError(f"{what}: not a [c, z] pair")
    return unhex_scalar(items[0], what), unhex_scalar(items[1], what)
