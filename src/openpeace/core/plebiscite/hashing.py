"""Domain-separated hashes (docs/plebiscite-spec.md §3).

Every hash is SHA-512 over `lp8(tag) || input`, where `tag` is one of the ASCII strings below
and `lp8` prefixes its length as one byte. Two outputs are used:

- `digest32`: the first 32 bytes (identifiers: election hash, ballot tracker, board digest);
- `to_scalar`: the 64 bytes read as a little-endian integer modulo L (Fiat–Shamir challenges
  and the derivation of a ballot's randomness from its seed).

Every Fiat–Shamir challenge additionally starts its input with `lp8("ristretto255")`, the group,
then the election hash and the election public key (strong Fiat–Shamir: the whole statement is
hashed, not only the commitments). `Transcript` keeps such a prefix hashed once, to be copied.
"""

from __future__ import annotations

import hashlib
from typing import Final

from openpeace.core.plebiscite.encoding import lp8
from openpeace.core.plebiscite.group import GROUP_NAME, reduce512

_PREFIX: Final = "openpeace/plebiscite/v1/"
TAG_ELECTION: Final = _PREFIX + "election"
TAG_TRACKER: Final = _PREFIX + "tracker"
TAG_BOARD: Final = _PREFIX + "board"
TAG_SIGNATURE: Final = _PREFIX + "ballot-signature"
TAG_RANGE: Final = _PREFIX + "range"
TAG_SUM: Final = _PREFIX + "sum"
TAG_DECRYPTION: Final = _PREFIX + "decryption"
TAG_COEFFICIENT: Final = _PREFIX + "coefficient"
TAG_SEED: Final = _PREFIX + "seed"

ALL_TAGS: Final = (
    TAG_ELECTION, TAG_TRACKER, TAG_BOARD, TAG_SIGNATURE, TAG_RANGE, TAG_SUM, TAG_DECRYPTION,
    TAG_COEFFICIENT, TAG_SEED,
)

GROUP_FIELD: Final = lp8(GROUP_NAME.encode("ascii"))


def dst(tag: str) -> bytes:
    """The domain-separation prefix of `tag`: its length as one byte, then its ASCII bytes."""
    return lp8(tag.encode("ascii"))


def digest32(tag: str, data: bytes) -> bytes:
    """The first 32 bytes of SHA-512(dst(tag) || data)."""
    return hashlib.sha512(dst(tag) + data).digest()[:32]


def to_scalar(tag: str, data: bytes) -> int:
    """SHA-512(dst(tag) || data) as a little-endian integer, reduced modulo L."""
    return reduce512(hashlib.sha512(dst(tag) + data).digest())


class Transcript:
    """A SHA-512 state already fed with a prefix; `extend` and `challenge` copy it, so a
    prefix shared by many challenges (the election, a ballot's ciphertexts) is hashed once."""

    __slots__ = ("_state",)

    def __init__(self, state: hashlib._Hash) -> None:
        self._state = state

    @classmethod
    def start(cls, tag: str, *parts: bytes) -> Transcript:
        """A challenge transcript: dst(tag) || lp8("ristretto255") || parts."""
        state = hashlib.sha512(dst(tag) + GROUP_FIELD)
        for part in parts:
            state.update(part)
        return cls(state)

    def extend(self, *parts: bytes) -> Transcript:
        state = self._state.copy()
        for part in parts:
            state.update(part)
        return Transcript(state)

    def challenge(self, *parts: bytes) -> int:
        """The challenge scalar of the prefix followed by `parts`."""
        state = self._state.copy()
        for part in parts:
            state.update(part)
        return reduce512(state.digest())
