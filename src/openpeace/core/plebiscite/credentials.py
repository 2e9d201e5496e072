"""Voting credentials: Ed25519 keys issued by a credential authority (docs/plebiscite-spec.md §7).

As in Belenios, eligibility does not rest on the server: the credential authority (a separate
step, offline) draws one private credential per eligible voter and hands it to that voter only;
the public credentials, sorted, are published in the election parameters. A ballot counts only
if signed by a listed credential, so the server cannot add ballots, and the last ballot of each
credential replaces the earlier ones.

The credential is an Ed25519 key pair (RFC 8032): the private credential is the 32-byte seed,
the public credential the 32-byte public key. Ed25519 rather than a Schnorr signature over
ristretto255: it is a standard with deterministic signatures (both booths produce the same
bytes), libsodium verifies it strictly (canonical encodings, no small-order keys), PyNaCl is
already a dependency and @noble/curves implements it for the browser booth. Signatures are
over `dst("openpeace/plebiscite/v1/ballot-signature") || ballot body`, so the key can sign
nothing else that would be mistaken for a ballot.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import nacl.bindings
import nacl.exceptions
import nacl.signing

from openpeace.core.plebiscite.encoding import EncodingError, base32_groups, unbase32_groups
from openpeace.core.plebiscite.hashing import TAG_SIGNATURE, dst

_SIGNATURE_PREFIX = dst(TAG_SIGNATURE)


@dataclass(frozen=True, slots=True)
class PrivateCredential:
    """A voter's private credential: the seed of an Ed25519 key."""

    seed: bytes

    def __post_init__(self) -> None:
        if len(self.seed) != 32:
            raise ValueError("a private credential is 32 bytes")

    @property
    def public(self) -> bytes:
        """The public credential, as listed in the election parameters."""
        public, _secret = nacl.bindings.crypto_sign_seed_keypair(self.seed)
        result: bytes = public
        return result

    def to_text(self) -> str:
        """The form handed to the voter: base32 in groups of four, e.g. `ABCD-EFGH-...`."""
        return base32_groups(self.seed)

    @classmethod
    def from_text(cls, text: str) -> PrivateCredential:
        try:
            return cls(unbase32_groups(text, 32))
        except EncodingError as error:
            raise ValueError(f"not a private credential: {error}") from error

    def sign(self, body: bytes) -> bytes:
        """The Ed25519 signature of a ballot body."""
        signature: bytes = nacl.signing.SigningKey(self.seed).sign(
            _SIGNATURE_PREFIX + body
        ).signature
        return signature


def issue(count: int) -> tuple[list[PrivateCredential], list[bytes]]:
    """`count` fresh private credentials, in issue order, and the sorted public list.

    The authority hands out the private ones, publishes the public list and keeps nothing; the
    sorting keeps the list from revealing which voter received which credential.
    """
    private = [PrivateCredential(secrets.token_bytes(32)) for _ in range(count)]
    public = sorted(credential.public for credential in private)
    if len(set(public)) != count:  # a collision of 256-bit keys: only with a broken generator
        raise RuntimeError("duplicate credentials")
    return private, public


def is_public_credential(data: bytes) -> bool:
    """Whether `data` is a canonical Ed25519 public key of large order."""
    return len(data) == 32 and bool(nacl.bindings.crypto_core_ed25519_is_valid_point(data))


def verify_signature(credential: bytes, body: bytes, signature: bytes) -> bool:
    """Whether `signature` is the credential's Ed25519 signature of the ballot body."""
    try:
        nacl.bindings.crypto_sign_open(signature + _SIGNATURE_PREFIX + body, credential)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        return False
    return True


def credential_list_problems(credentials: Sequence[bytes]) -> list[str]:
    """What is wrong with a published credential list: it must be sorted, without repeats, and
    every entry an Ed25519 public key."""
    problems = [
        f"credential {number} is not an Ed25519 public key"
        for number, credential in enumerate(credentials)
        if not is_public_credential(credential)
    ]
    if any(x >= y for x, y in pairwise(credentials)):
        problems.append("the credential list is not sorted without repeats")
    return problems
