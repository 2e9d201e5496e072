"""The ristretto255 group (RFC 9496) through libsodium, as bundled by `rbcl`
(docs/plebiscite-spec.md §2).

Group elements are handled as their canonical 32-byte encodings; scalars as Python integers in
[0, L), encoded as 32 bytes little-endian. libsodium's arithmetic does not report bad input
(an invalid encoding silently becomes the identity), so every element that comes from outside
must pass `is_element` (or `is_nonidentity`) first; the verifiers here always do.

`rbcl` writes its bundled libsodium to a temporary file at import and loads it from there,
without ever deleting it; once loaded, the file is removed here (on POSIX systems, a loaded
library stays mapped), so that each process importing the core does not leave 2.8 MB in /tmp.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from collections.abc import Callable, Iterable

import rbcl  # type: ignore[import-untyped]

if os.name == "posix":
    with contextlib.suppress(KeyError, AttributeError, OSError):
        os.unlink(sys.modules["rbcl._sodium"].lib_path)

GROUP_NAME = "ristretto255"

L = 2**252 + 27742317777372353535851937790883648493
"""The prime order of ristretto255."""

IDENTITY = bytes(32)
"""The encoding of the identity element (the point 0·G)."""

_add: Callable[[bytes, bytes], bytes] = rbcl.crypto_core_ristretto255_add
_sub: Callable[[bytes, bytes], bytes] = rbcl.crypto_core_ristretto255_sub
_mul: Callable[[bytes, bytes], bytes] = rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero
_mul_base: Callable[[bytes], bytes] = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero
_is_valid: Callable[[bytes], bool] = rbcl.crypto_core_ristretto255_is_valid_point

BASE = _mul_base((1).to_bytes(32, "little"))
"""G, the standard generator of ristretto255 (RFC 9496 §4.4)."""


def scalar_bytes(value: int) -> bytes:
    """The 32-byte little-endian encoding of a scalar in [0, L)."""
    return value.to_bytes(32, "little")


def scalar_from_bytes(data: bytes) -> int | None:
    """The scalar encoded by `data`, or None unless it is 32 bytes encoding a value below L."""
    if len(data) != 32:
        return None
    value = int.from_bytes(data, "little")
    return value if value < L else None


def reduce512(digest: bytes) -> int:
    """A 64-byte string read as a little-endian integer, reduced modulo L."""
    return int.from_bytes(digest, "little") % L


def random_scalar() -> int:
    """A uniformly random scalar in [1, L) from the operating system's generator."""
    return reduce512(secrets.token_bytes(64)) or 1


def is_element(data: bytes) -> bool:
    """Whether `data` is the canonical encoding of a group element (the identity included)."""
    return len(data) == 32 and bool(_is_valid(data))


def is_nonidentity(data: bytes) -> bool:
    """Whether `data` canonically encodes a group element other than the identity."""
    return data != IDENTITY and is_element(data)


def add(p: bytes, q: bytes) -> bytes:
    return _add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return _sub(p, q)


def mul(scalar: int, point: bytes) -> bytes:
    """scalar·point (the identity when either is zero)."""
    return _mul(scalar.to_bytes(32, "little"), point)


def mul_base(scalar: int) -> bytes:
    """scalar·G."""
    return _mul_base(scalar.to_bytes(32, "little"))


def total(points: Iterable[bytes]) -> bytes:
    """The sum of `points` (the identity for none)."""
    result = IDENTITY
    for point in points:
        result = _add(result, point)
    return result

