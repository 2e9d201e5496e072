"""The two text encodings the C2SP tlog specifications share, decoded strictly.

- Standard base64, RFC 4648 §4, with padding (signed-note, tlog-checkpoint, tlog-proof). Only
  the canonical encoding is accepted, so every value has exactly one text form.
- ASCII decimal with no leading zeroes, `0` alone for zero (tlog-checkpoint's tree size,
  tlog-proof's index, tlog-tiles' level and width).

Both raise `ValueError`; each format's module turns it into its own error.
"""

from __future__ import annotations

import base64
import binascii
import re

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def encode_base64(data: bytes) -> str:
    """Standard base64 with padding."""
    return base64.b64encode(data).decode("ascii")


def decode_base64(text: str) -> bytes:
    """Decode canonical standard base64; anything else (a stray character, URL-safe
    characters, missing padding, non-zero trailing bits) raises `ValueError`."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"not standard base64: {text!r}") from error
    if encode_base64(data) != text:
        raise ValueError(f"not canonical base64: {text!r}")
    return data


def decode_decimal(text: str) -> int:
    """Decode an ASCII decimal with no leading zeroes; anything else raises `ValueError`."""
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a decimal number without leading zeroes: {text!r}")
    return int(text)
