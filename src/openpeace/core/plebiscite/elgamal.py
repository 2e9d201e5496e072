"""Exponential ElGamal over ristretto255 (docs/plebiscite-spec.md §2, §8.1, §12.4).

With public key H = x·G, the encryption of a small integer m with randomness r is
(A, B) = (r·G, r·H + m·G). Ciphertexts multiply homomorphically (here written additively:
component-wise point addition), so the sum of many encryptions of 0 or 1 encrypts the count;
after decryption the count is the discrete logarithm of m·G, found by baby-step giant-step
because it is at most the number of ballots.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import isqrt

from openpeace.core.plebiscite import group


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An exponential ElGamal ciphertext (A, B) = (r·G, r·H + m·G), as two encodings."""

    a: bytes
    b: bytes

    def to_bytes(self) -> bytes:
        return self.a + self.b


IDENTITY_CIPHERTEXT = Ciphertext(group.IDENTITY, group.IDENTITY)
"""The encryption of 0 with randomness 0: the neutral element of the ciphertext sum."""


def encrypt(public_key: bytes, message: int, randomness: int) -> Ciphertext:
    """(r·G, r·H + m·G)."""
    a = group.mul_base(randomness)
    b = group.mul(randomness, public_key)
    if message:
        b = group.add(b, group.mul_base(message))
    return Ciphertext(a, b)


def add(left: Ciphertext, right: Ciphertext) -> Ciphertext:
    return Ciphertext(group.add(left.a, right.a), group.add(left.b, right.b))


def add_vectors(
    vectors: Iterable[Sequence[Ciphertext]], width: int
) -> tuple[Ciphertext, ...]:
    """The option-by-option sum of ciphertext vectors of `width` options (the tally product)."""
    a = [group.IDENTITY] * width
    b = [group.IDENTITY] * width
    add_point = group.add
    for vector in vectors:
        for option, ciphertext in enumerate(vector):
            a[option] = add_point(a[option], ciphertext.a)
            b[option] = add_point(b[option], ciphertext.b)
    return tuple(Ciphertext(x, y) for x, y in zip(a, b, strict=True))


def decrypt_point(secret: int, ciphertext: Ciphertext) -> bytes:
    """m·G = B − x·A, for a single secret key x (tests; trustees use threshold shares)."""
    return group.sub(ciphertext.b, group.mul(secret, ciphertext.a))


def discrete_log(point: bytes, bound: int) -> int | None:
    """The m in [0, bound] with m·G = point, by baby-step giant-step; None if there is none."""
    step = isqrt(bound) + 1
    table: dict[bytes, int] = {}
    current = group.IDENTITY
    for j in range(step):
        table.setdefault(current, j)
        current = group.add(current, group.BASE)
    giant = group.mul_base(step)  # step·G, subtracted at each giant step
    current = point
    for i in range(step + 1):
        found = table.get(current)
        if found is not None:
            m = i * step + found
            return m if m <= bound else None
        current = group.sub(current, giant)
    return None
