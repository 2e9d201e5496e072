"""The tally: which ballots count, their homomorphic product, the trustees' partial decryptions
with proofs, and the result (docs/plebiscite-spec.md §12).

There is deliberately no way to decrypt a chosen ciphertext or a chosen set of ballots (the
operator-subset attack on Helios, helios-server #170): `partial_decrypt` takes the whole board,
verifies it, selects the last ballot of each credential, multiplies them itself and decrypts
only that product; its proofs name the board's digest, so a decryption cannot be passed off as
the tally of another board.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpeace.core.plebiscite import group
from openpeace.core.plebiscite.ballot import Ballot, audit_problems, verify_ballots
from openpeace.core.plebiscite.board import Board, board_digest, last_ballots, reuse_problems
from openpeace.core.plebiscite.election import Election
from openpeace.core.plebiscite.elgamal import Ciphertext, add_vectors, discrete_log
from openpeace.core.plebiscite.encoding import (
    EncodingError,
    hex32,
    json_integer,
    json_list,
    json_object,
    json_pair,
    scalar_hex,
    u32,
    unhex32,
)
from openpeace.core.plebiscite.hashing import Transcript
from openpeace.core.plebiscite.proofs import EqualityProof, prove_equality, verify_equality
from openpeace.core.plebiscite.trustees import TrusteeKey, lagrange_at_zero


class TallyError(ValueError):
    """The board cannot be tallied, or the decryptions do not give a result."""


@dataclass(frozen=True, slots=True)
class Tally:
    """What the trustees decrypt: the board's digest, the positions counted (the last ballot
    of each credential) and the option-by-option product of those ballots."""

    board_digest: bytes
    counted: tuple[int, ...]
    product: tuple[Ciphertext, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "board_digest": hex32(self.board_digest),
            "counted": list(self.counted),
            "product": [[hex32(c.a), hex32(c.b)] for c in self.product],
        }

    @classmethod
    def from_json(cls, value: object) -> Tally:
        obj = json_object(value, "tally", {"board_digest", "counted", "product"})
        product = []
        for n, pair in enumerate(json_list(obj["product"], "tally product")):
            items = json_list(pair, f"tally product {n}")
            if len(items) != 2:
                raise EncodingError(f"tally product {n}: not a pair")
            product.append(Ciphertext(unhex32(items[0], f"tally product {n}"),
                                      unhex32(items[1], f"tally product {n}")))
        return cls(
            unhex32(obj["board_digest"], "tally board_digest"),
            tuple(json_integer(i, "tally counted") for i in json_list(obj["counted"], "counted")),
            tuple(product),
        )


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Trustee `trustee`'s decryption shares D_o = x_l·A_o of the product, with proofs."""

    trustee: int
    shares: tuple[bytes, ...]
    proofs: tuple[EqualityProof, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "trustee": self.trustee,
            "shares": [hex32(d) for d in self.shares],
            "proofs": [[scalar_hex(p.c), scalar_hex(p.z)] for p in self.proofs],
        }

    @classmethod
    def from_json(cls, value: object, what: str) -> PartialDecryption:
        obj = json_object(value, what, {"trustee", "shares", "proofs"})
        return cls(
            json_integer(obj["trustee"], f"{what} trustee"),
            tuple(unhex32(d, f"{what} share") for d in json_list(obj["shares"], what)),
            tuple(EqualityProof(*json_pair(p, f"{what} proof"))
                  for p in json_list(obj["proofs"], what)),
        )


@dataclass(frozen=True, slots=True)
class Result:
    """The number of votes for each option, in the order of the options, and of ballots."""

    counts: tuple[int, ...]
    ballots: int

    def to_json(self) -> dict[str, Any]:
        return {"counts": list(self.counts), "ballots": self.ballots}

    @classmethod
    def from_json(cls, value: object) -> Result:
        obj = json_object(value, "result", {"counts", "ballots"})
        return cls(
            tuple(json_integer(c, "result count") for c in json_list(obj["counts"], "counts")),
            json_integer(obj["ballots"], "result ballots"),
        )


def board_problems(
    election: Election, board: Board, *, processes: int = 1
) -> tuple[list[str], list[Ballot]]:
    """Everything wrong with a board (each ballot, each audit, reused ciphertexts), and the
    parsed ballots when nothing is."""
    problems = [
        f"ballot {n}: {problem}"
        for n, problem in enumerate(verify_ballots(election, board.ballots, processes=processes))
        if problem is not None
    ]
    for n, audited in enumerate(board.audits):
        problems += [f"audit {n}: {problem}" for problem in audit_problems(election, audited)]
    if problems:
        return problems, []
    ballots = [Ballot.from_bytes(data) for data in board.ballots]
    audits = [Ballot.from_bytes(audited.data) for audited in board.audits]
    return reuse_problems(list(enumerate(ballots)), list(enumerate(audits))), ballots


def tally_of(election: Election, board: Board, ballots: Sequence[Ballot]) -> Tally:
    """The tally of verified ballots: the last per credential, and their product."""
    counted = tuple(last_ballots([b.credential for b in ballots]))
    product = add_vectors((ballots[i].ciphertexts for i in counted), election.options)
    return Tally(board_digest(board.ballots), counted, product)


def compute_tally(election: Election, board: Board, *, processes: int = 1) -> Tally:
    """Verify the whole board and compute its tally; `TallyError` if anything is wrong."""
    problems, ballots = board_problems(election, board, processes=processes)
    if problems:
        raise TallyError("; ".join(problems[:10]))
    return tally_of(election, board, ballots)


def _decryption_transcript(
    election: Election, tally: Tally, trustee: int, verification_key: bytes
) -> Transcript:
    return election.prefixes.decryption.extend(
        tally.board_digest, u32(trustee), verification_key, election.options_field,
        *(c.to_bytes() for c in tally.product),
    )


def partial_decrypt(
    election: Election, key: TrusteeKey, board: Board, *, processes: int = 1
) -> tuple[Tally, PartialDecryption]:
    """A trustee's decryption of the tally of the whole `board` (which it verifies first)."""
    verification_key = election.verification_keys.get(key.index)
    if verification_key is None or key.verification_key != verification_key:
        raise TallyError(f"this is not the key of trustee {key.index} of this election")
    tally = compute_tally(election, board, processes=processes)
    transcript = _decryption_transcript(election, tally, key.index, verification_key)
    shares, proofs = [], []
    for o, ciphertext in enumerate(tally.product):
        share = group.mul(key.secret, ciphertext.a)
        proofs.append(prove_equality(
            transcript.extend(u32(o), share), ciphertext.a, key.secret, group.random_scalar()
        ))
        shares.append(share)
    return tally, PartialDecryption(key.index, tuple(shares), tuple(proofs))


def decryption_problems(
    election: Election, tally: Tally, partial: PartialDecryption
) -> list[str]:
    """What is wrong with a trustee's partial decryption of `tally` (empty when it is valid)."""
    who = f"trustee {partial.trustee}"
    verification_key = election.verification_keys.get(partial.trustee)
    if verification_key is None:
        return [f"{who}: not a trustee of this election"]
    n = election.options
    if len(partial.shares) != n or len(partial.proofs) != n or len(tally.product) != n:
        return [f"{who}: one share and one proof per option expected"]
    transcript = _decryption_transcript(election, tally, partial.trustee, verification_key)
    problems = []
    for o, (share, proof, ciphertext) in enumerate(
        zip(partial.shares, partial.proofs, tally.product, strict=True)
    ):
        if not (group.is_element(share) and group.is_element(ciphertext.a)) or not (
            verify_equality(
                transcript.extend(u32(o), share), verification_key, ciphertext.a, share, proof
            )
        ):
            problems.append(f"{who}: the proof of decryption of option {o} does not verify")
    return problems


def combine(
    election: Election, tally: Tally, partials: Sequence[PartialDecryption]
) -> Result:
    """The result from at least k valid partial decryptions by distinct trustees: Lagrange
    interpolation at 0 of their shares, then the discrete logarithm of each count."""
    trustees = [p.trustee for p in partials]
    if len(set(trustees)) != len(trustees):
        raise TallyError("a trustee's decryption is given twice")
    for partial in partials:
        problems = decryption_problems(election, tally, partial)
        if problems:
            raise TallyError("; ".join(problems))
    if len(partials) < election.threshold:
        raise TallyError(
            f"{len(partials)} partial decryptions, fewer than the threshold {election.threshold}"
        )
    coefficients = lagrange_at_zero(trustees)
    bound = len(tally.counted)
    counts = []
    for o, ciphertext in enumerate(tally.product):
        combined = group.total(
            group.mul(coefficients[p.trustee], p.shares[o]) for p in partials
        )
        count = discrete_log(group.sub(ciphertext.b, combined), bound)
        if count is None:
            raise TallyError(f"option {o}: the decryption is not a count of at most {bound}")
        counts.append(count)
    if sum(counts) != bound:
        raise TallyError(f"the counts add up to {sum(counts)}, not to the {bound} ballots")
    return Result(tuple(counts), bound)
