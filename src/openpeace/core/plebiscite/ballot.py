"""Ballots: encryption with proofs, the binary form, verification and the Benaloh audit
(docs/plebiscite-spec.md §8–§10).

A ballot for option `choice` of n encrypts, for each option o, m_o = 1 if o = choice else 0, as
(A_o, B_o) = (r_o·G, r_o·H + m_o·G); proves each m_o ∈ {0, 1} (`RangeProof`) and Σ m_o = 1
(an `EqualityProof` that (Σ A_o, Σ B_o − G) encrypts 0); and is signed with the voter's
credential. Every challenge hashes the election, the public key, the credential and all the
ballot's ciphertexts, so a proof cannot be moved to another ballot, voter, key or election.

The ballot is its bytes (`Ballot.to_bytes`, spec §8.4): the signature covers all of them but
itself, the tracker is their hash, the board stores them. `verify_ballot` checks everything a
ballot can be checked for on its own; the rules across ballots are in `board`.
"""

from __future__ import annotations

import multiprocessing
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpeace.core.plebiscite import group
from openpeace.core.plebiscite.credentials import PrivateCredential, verify_signature
from openpeace.core.plebiscite.election import Election, ElectionParameters
from openpeace.core.plebiscite.elgamal import Ciphertext, encrypt
from openpeace.core.plebiscite.encoding import (
    b64,
    base32_groups,
    json_integer,
    json_list,
    json_object,
    scalar_hex,
    u8,
    u32,
    unb64,
    unhex_scalar,
)
from openpeace.core.plebiscite.group import L
from openpeace.core.plebiscite.hashing import TAG_SEED, TAG_TRACKER, Transcript, digest32, to_scalar
from openpeace.core.plebiscite.proofs import (
    EqualityProof,
    RangeProof,
    prove_equality,
    prove_range,
    verify_equality,
    verify_range,
)

MAGIC = b"OPB1"
_HEADER = len(MAGIC) + 32 + 32 + 2
SUM_NONCE_INDEX = 0xFFFFFFFF
"""The option index under which a ballot seed derives the sum proof's nonce (spec §8.5)."""


class InvalidBallot(ValueError):
    """A ballot that does not verify; the message says why (spec §9)."""


def ballot_size(options: int) -> int:
    """The length in bytes of a ballot with `options` options: 198 + 192·n."""
    return _HEADER + 64 * options + 128 * options + 64 + 64


@dataclass(frozen=True, slots=True)
class Ballot:
    """A parsed ballot (spec §8.4). Parsing checks the layout and that scalars are below L;
    `verify_ballot` checks the rest."""

    election_hash: bytes
    credential: bytes
    ciphertexts: tuple[Ciphertext, ...]
    range_proofs: tuple[RangeProof, ...]
    sum_proof: EqualityProof
    signature: bytes

    def body(self) -> bytes:
        """Every byte of the ballot but the signature: what the signature covers."""
        return b"".join([
            MAGIC,
            self.election_hash,
            self.credential,
            len(self.ciphertexts).to_bytes(2, "big"),
            *(c.to_bytes() for c in self.ciphertexts),
            *(p.to_bytes() for p in self.range_proofs),
            self.sum_proof.to_bytes(),
        ])

    def to_bytes(self) -> bytes:
        return self.body() + self.signature

    @classmethod
    def from_bytes(cls, data: bytes) -> Ballot:
        if len(data) < _HEADER or data[:4] != MAGIC:
            raise InvalidBallot("not a ballot of this format")
        n = int.from_bytes(data[68:70], "big")
        if len(data) != ballot_size(n):
            raise InvalidBallot("not a ballot: wrong length")
        cursor = _HEADER
        ciphertexts = []
        for _ in range(n):
            ciphertexts.append(
                Ciphertext(data[cursor : cursor + 32], data[cursor + 32 : cursor + 64])
            )
            cursor += 64
        end = len(data) - 64
        scalars = [int.from_bytes(data[i : i + 32], "little") for i in range(cursor, end, 32)]
        if any(s >= L for s in scalars):
            raise InvalidBallot("a proof scalar is not below the group order")
        proofs = tuple(RangeProof(*scalars[4 * o : 4 * o + 4]) for o in range(n))
        return cls(
            election_hash=data[4:36],
            credential=data[36:68],
            ciphertexts=tuple(ciphertexts),
            range_proofs=proofs,
            sum_proof=EqualityProof(scalars[-2], scalars[-1]),
            signature=data[end:],
        )


def tracker(data: bytes) -> bytes:
    """The ballot tracker: digest32("…/tracker", ballot bytes) (spec §8.6)."""
    return digest32(TAG_TRACKER, data)


def tracker_text(tracker_bytes: bytes) -> str:
    """The tracker as a voter reads it: base32, groups of four (spec §8.6)."""
    return base32_groups(tracker_bytes)


def _statement(election: Election, ballot: Ballot) -> tuple[Transcript, Transcript]:
    """The range and sum transcripts of a ballot: election prefix, credential, n, ciphertexts."""
    parts = (ballot.credential, election.options_field,
             *(c.to_bytes() for c in ballot.ciphertexts))
    return election.prefixes.range.extend(*parts), election.prefixes.sum.extend(*parts)


def _sum_statement(ciphertexts: Sequence[Ciphertext]) -> tuple[bytes, bytes]:
    """(Σ A_o, Σ B_o − G): the ciphertext that must encrypt 0."""
    return (
        group.total(c.a for c in ciphertexts),
        group.sub(group.total(c.b for c in ciphertexts), group.BASE),
    )


@dataclass(frozen=True, slots=True)
class AuditedBallot:
    """A ballot revealed instead of cast: its bytes, the option chosen and the randomness of
    every ciphertext (spec §10)."""

    data: bytes
    choice: int
    randomness: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "ballot": b64(self.data),
            "choice": self.choice,
            "randomness": [scalar_hex(r) for r in self.randomness],
        }

    @classmethod
    def from_json(cls, value: object, what: str) -> AuditedBallot:
        obj = json_object(value, what, {"ballot", "choice", "randomness"})
        return cls(
            unb64(obj["ballot"], f"{what} ballot"),
            json_integer(obj["choice"], f"{what} choice"),
            tuple(unhex_scalar(r, f"{what} randomness")
                  for r in json_list(obj["randomness"], f"{what} randomness")),
        )


@dataclass(frozen=True, slots=True)
class PreparedBallot:
    """A freshly encrypted ballot and its secrets, kept by the booth until the voter decides:
    cast `data`, or audit it with `reveal()` (and then encrypt again)."""

    ballot: Ballot
    data: bytes
    choice: int
    randomness: tuple[int, ...]

    @property
    def tracker(self) -> bytes:
        return tracker(self.data)

    def reveal(self) -> AuditedBallot:
        return AuditedBallot(self.data, self.choice, self.randomness)


def encrypt_ballot(
    election: Election,
    credential: PrivateCredential,
    choice: int,
    *,
    seed: bytes | None = None,
) -> PreparedBallot:
    """Encrypt a vote for option `choice` (0-based), prove it and sign it.

    All randomness is derived from `seed` (32 bytes; fresh from the operating system by
    default) as spec §8.5 says, so that a seed reproduces the same bytes in any implementation.
    """
    n = election.options
    if not 0 <= choice < n:
        raise ValueError(f"the choice must be an option number in 0..{n - 1}")
    if credential.public not in election.credentials:
        raise ValueError("this credential is not on the election's list")
    if seed is None:
        seed = secrets.token_bytes(32)
    if len(seed) != 32:
        raise ValueError("a ballot seed is 32 bytes")

    def derive(index: int, role: int) -> int:
        return to_scalar(TAG_SEED, seed + u32(index) + u8(role))

    h = election.public_key
    messages = [int(o == choice) for o in range(n)]
    randomness = tuple(derive(o, 0) for o in range(n))
    ciphertexts = tuple(encrypt(h, m, r) for m, r in zip(messages, randomness, strict=True))
    stub = Ballot(election.hash, credential.public, ciphertexts, (), EqualityProof(0, 0), b"")
    range_transcript, sum_transcript = _statement(election, stub)
    range_proofs = tuple(
        prove_range(
            range_transcript.extend(u32(o)), h, ciphertexts[o], messages[o], randomness[o],
            nonce=derive(o, 1), fake_challenge=derive(o, 2), fake_response=derive(o, 3),
        )
        for o in range(n)
    )
    sum_proof = prove_equality(
        sum_transcript, h, sum(randomness) % L, derive(SUM_NONCE_INDEX, 1)
    )
    unsigned = Ballot(election.hash, credential.public, ciphertexts, range_proofs, sum_proof, b"")
    body = unsigned.body()
    signature = credential.sign(body)
    ballot = Ballot(election.hash, credential.public, ciphertexts, range_proofs, sum_proof,
                    signature)
    return PreparedBallot(ballot, body + signature, choice, randomness)


def verify_ballot(election: Election, data: bytes) -> Ballot:
    """The ballot, if it verifies on its own (spec §9, in that order); else `InvalidBallot`."""
    ballot = Ballot.from_bytes(data)
    if len(ballot.ciphertexts) != election.options:
        raise InvalidBallot(
            f"has {len(ballot.ciphertexts)} options, the election {election.options}"
        )
    if ballot.election_hash != election.hash:
        raise InvalidBallot("is for another election")
    if ballot.credential not in election.credentials:
        raise InvalidBallot("its credential is not on the election's list")
    if not verify_signature(ballot.credential, data[:-64], ballot.signature):
        raise InvalidBallot("its signature does not verify")
    for o, c in enumerate(ballot.ciphertexts):
        if not (group.is_nonidentity(c.a) and group.is_element(c.b)):
            raise InvalidBallot(f"the ciphertext of option {o} is not a pair of group elements")
    range_transcript, sum_transcript = _statement(election, ballot)
    h = election.public_key
    for o, (c, proof) in enumerate(zip(ballot.ciphertexts, ballot.range_proofs, strict=True)):
        if not verify_range(range_transcript.extend(u32(o)), h, c, proof):
            raise InvalidBallot(f"the proof that option {o} is 0 or 1 does not verify")
    x, y = _sum_statement(ballot.ciphertexts)
    if not verify_equality(sum_transcript, x, h, y, ballot.sum_proof):
        raise InvalidBallot("the proof that exactly one option is chosen does not verify")
    return ballot


def ballot_problem(election: Election, data: bytes) -> str | None:
    """Why the ballot does not verify, or None."""
    try:
        verify_ballot(election, data)
    except InvalidBallot as error:
        return str(error)
    return None


_worker_election: Election | None = None
_CHUNK = 256


def _start_worker(parameters: ElectionParameters) -> None:
    global _worker_election
    _worker_election = Election(parameters)


def _verify_chunk(chunk: Sequence[bytes]) -> list[str | None]:
    assert _worker_election is not None
    return [ballot_problem(_worker_election, data) for data in chunk]


def verify_ballots(
    election: Election, ballots: Sequence[bytes], *, processes: int = 1
) -> list[str | None]:
    """`ballot_problem` for each ballot, in order; with `processes` > 1, spread over that many
    worker processes (started with "spawn", so safe to call from a threaded server)."""
    if processes <= 1 or len(ballots) < 2 * _CHUNK:
        return [ballot_problem(election, data) for data in ballots]
    chunks = [ballots[i : i + _CHUNK] for i in range(0, len(ballots), _CHUNK)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        processes, initializer=_start_worker, initargs=(election.parameters,)
    ) as pool:
        results = pool.map(_verify_chunk, chunks)
    return [problem for chunk in results for problem in chunk]


def audit_problems(election: Election, audited: AuditedBallot) -> list[str]:
    """Benaloh's check of an audited ballot (spec §10): it verifies as a ballot, and each of
    its ciphertexts is the encryption, with the revealed randomness, of the revealed choice.
    Empty when the ballot is what the voter meant (its choice is `audited.choice`)."""
    try:
        ballot = verify_ballot(election, audited.data)
    except InvalidBallot as error:
        return [f"the audited ballot {error}"]
    n = election.options
    if not 0 <= audited.choice < n or len(audited.randomness) != n:
        return ["the audit does not reveal a choice and a randomness per option"]
    return [
        f"the ciphertext of option {o} is not the encryption of {int(o == audited.choice)} "
        "with the revealed randomness"
        for o, (c, r) in enumerate(zip(ballot.ciphertexts, audited.randomness, strict=True))
        if not 0 <= r < L or encrypt(election.public_key, int(o == audited.choice), r) != c
    ]


def audit_check(election: Election, audited: AuditedBallot) -> bool:
    """Whether the audited ballot encrypts exactly the choice it reveals."""
    return not audit_problems(election, audited)

