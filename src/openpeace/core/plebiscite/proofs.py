"""Sigma protocols made non-interactive by strong Fiat–Shamir (docs/plebiscite-spec.md §3, §6.2,
§8.2, §8.3, §12.3).

Every proof is sent in compact form, challenges and responses only; the verifier recomputes the
commitments and checks that the challenge(s) hash to what was sent. The caller gives a
`Transcript` that already holds the whole statement (tag, group, election, public key,
ciphertexts, ...); the proof appends its commitments in the order documented, and the challenge
is the hash of all of it.

- `RangeProof`: disjunctive Chaum–Pedersen (Cramer–Damgård–Schoenmakers OR-composition) that
  (A, B) encrypts 0 or 1 under H: log_G A = log_H B, or log_G A = log_H (B − G).
- `EqualityProof`: Chaum–Pedersen proof that log_G X = log_Q Y (the ballot sum proof with
  Q = H, and each trustee's proof of correct decryption with Q = A).
- `KnowledgeProof`: Schnorr proof of knowledge of log_G C (the key ceremony's coefficients).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpeace.core.plebiscite import group
from openpeace.core.plebiscite.elgamal import Ciphertext
from openpeace.core.plebiscite.group import L
from openpeace.core.plebiscite.hashing import Transcript


@dataclass(frozen=True, slots=True)
class RangeProof:
    """(c0, c1, z0, z1): branch j proves log_G A = log_H (B − j·G); c0 + c1 is the challenge."""

    c0: int
    c1: int
    z0: int
    z1: int

    def to_bytes(self) -> bytes:
        return b"".join(v.to_bytes(32, "little") for v in (self.c0, self.c1, self.z0, self.z1))


@dataclass(frozen=True, slots=True)
class EqualityProof:
    """(c, z) proving log_G X = log_Q Y."""

    c: int
    z: int

    def to_bytes(self) -> bytes:
        return self.c.to_bytes(32, "little") + self.z.to_bytes(32, "little")


@dataclass(frozen=True, slots=True)
class KnowledgeProof:
    """(c, z) proving knowledge of log_G C."""

    c: int
    z: int

    def to_bytes(self) -> bytes:
        return self.c.to_bytes(32, "little") + self.z.to_bytes(32, "little")


def prove_range(
    transcript: Transcript,
    public_key: bytes,
    ciphertext: Ciphertext,
    message: int,
    randomness: int,
    nonce: int,
    fake_challenge: int,
    fake_response: int,
) -> RangeProof:
    """Prove that `ciphertext` = (r·G, r·H + m·G) with m ∈ {0, 1}.

    The real branch m commits (w·G, w·H) with w = `nonce`; the other branch is simulated from
    `fake_challenge` and `fake_response`. Commitments are hashed as a0 || b0 || a1 || b1.
    """
    if message not in (0, 1):
        raise ValueError("a range proof is only for 0 or 1")
    a, b = ciphertext.a, ciphertext.b
    other = 1 - message
    shifted = b if other == 0 else group.sub(b, group.BASE)  # B − other·G
    fake_a = group.sub(group.mul_base(fake_response), group.mul(fake_challenge, a))
    fake_b = group.sub(group.mul(fake_response, public_key), group.mul(fake_challenge, shifted))
    real_a = group.mul_base(nonce)
    real_b = group.mul(nonce, public_key)
    if message == 0:
        c = transcript.challenge(real_a, real_b, fake_a, fake_b)
    else:
        c = transcript.challenge(fake_a, fake_b, real_a, real_b)
    real_c = (c - fake_challenge) % L
    real_z = (nonce + real_c * randomness) % L
    if message == 0:
        return RangeProof(real_c, fake_challenge, real_z, fake_response)
    return RangeProof(fake_challenge, real_c, fake_response, real_z)


def verify_range(
    transcript: Transcript, public_key: bytes, ciphertext: Ciphertext, proof: RangeProof
) -> bool:
    """Recompute the four commitments and check c0 + c1 = their challenge (mod L).

    The ciphertext's points must already be known to be valid encodings.
    """
    mul, mul_base, sub = group.mul, group.mul_base, group.sub
    a, b = ciphertext.a, ciphertext.b
    a0 = sub(mul_base(proof.z0), mul(proof.c0, a))
    b0 = sub(mul(proof.z0, public_key), mul(proof.c0, b))
    a1 = sub(mul_base(proof.z1), mul(proof.c1, a))
    b1 = sub(mul(proof.z1, public_key), mul(proof.c1, sub(b, group.BASE)))
    return (proof.c0 + proof.c1) % L == transcript.challenge(a0, b0, a1, b1)


def prove_equality(
    transcript: Transcript, base_q: bytes, witness: int, nonce: int
) -> EqualityProof:
    """Prove log_G X = log_Q Y = `witness` (X and Y are in the transcript already).
    Commitments hashed: a = w·G, then b = w·Q."""
    c = transcript.challenge(group.mul_base(nonce), group.mul(nonce, base_q))
    return EqualityProof(c, (nonce + c * witness) % L)


def verify_equality(
    transcript: Transcript, x: bytes, base_q: bytes, y: bytes, proof: EqualityProof
) -> bool:
    """Check a proof that log_G x = log_Q y: a = z·G − c·X, b = z·Q − c·Y hash to c."""
    a = group.sub(group.mul_base(proof.z), group.mul(proof.c, x))
    b = group.sub(group.mul(proof.z, base_q), group.mul(proof.c, y))
    return proof.c == transcript.challenge(a, b)


def prove_knowledge(transcript: Transcript, witness: int, nonce: int) -> KnowledgeProof:
    """Prove knowledge of log_G C = `witness` (C in the transcript). Commitment: a = w·G."""
    c = transcript.challenge(group.mul_base(nonce))
    return KnowledgeProof(c, (nonce + c * witness) % L)


def verify_knowledge(transcript: Transcript, point: bytes, proof: KnowledgeProof) -> bool:
    a = group.sub(group.mul_base(proof.z), group.mul(proof.c, point))
    return proof.c == transcript.challenge(a)
