"""Offline-verifiable proofs of logging, C2SP tlog-proof v1 (c2sp.org/tlog-proof).

A `.tlog-proof` file is, line by line:

    c2sp.org/tlog-proof@v1
    extra <base64>            (optional, opaque, unauthenticated)
    index <decimal, no leading zeroes>
    <base64 hash>             (zero or more: the RFC 6962 inclusion proof, leaf side first)

    <the signed checkpoint note, verbatim>

Verifying it (spec §Verifying a tlog proof): open the checkpoint with the log's keys, then
check that the entry's leaf hash, here RFC 9162's SHA-256(0x00 || entry), is included at the
index under the checkpoint's root.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openpeace.core.log.checkpoint import Checkpoint, open_checkpoint
from openpeace.core.log.codec import decode_base64, decode_decimal, encode_base64
from openpeace.core.log.errors import LogError
from openpeace.core.log.merkle import HASH_SIZE, leaf_hash, verify_inclusion
from openpeace.core.log.note import Verifier

HEADER = "c2sp.org/tlog-proof@v1"


class TlogProofError(LogError):
    """A tlog-proof file is malformed."""


@dataclass(frozen=True)
class TlogProof:
    """An entry's index, its inclusion proof, and the signed checkpoint the proof leads to."""

    index: int
    inclusion_proof: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None

    def __post_init__(self) -> None:
        if self.index < 0:
            raise TlogProofError(f"no entry index {self.index}")
        if any(len(node) != HASH_SIZE for node in self.inclusion_proof):
            raise TlogProofError(f"an inclusion proof is made of {HASH_SIZE}-byte hashes")
        if not self.checkpoint:
            raise TlogProofError("a tlog proof carries a checkpoint")

    def encode(self) -> bytes:
        """The `.tlog-proof` file."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {encode_base64(self.extra)}")
        lines.append(f"index {self.index}")
        lines += [encode_base64(node) for node in self.inclusion_proof]
        return ("\n".join(lines) + "\n\n").encode("ascii") + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> TlogProof:
        """Parse a `.tlog-proof` file strictly; raises `TlogProofError`."""
        head, blank, checkpoint = data.partition(b"\n\n")
        if not blank:
            raise TlogProofError("a tlog proof has a blank line before its checkpoint")
        try:
            lines = head.decode("ascii").split("\n")
        except UnicodeDecodeError as error:
            raise TlogProofError("a tlog proof's lines are ASCII") from error
        if lines[0] != HEADER:
            raise TlogProofError(f"a tlog proof starts with {HEADER!r}")
        try:
            extra = None
            rest = lines[1:]
            if rest and rest[0].startswith("extra "):
                extra = decode_base64(rest.pop(0).removeprefix("extra "))
            if not rest or not rest[0].startswith("index "):
                raise TlogProofError("a tlog proof has an index line")
            index = decode_decimal(rest.pop(0).removeprefix("index "))
            proof = tuple(decode_base64(line) for line in rest)
        except ValueError as error:
            raise TlogProofError(str(error)) from error
        return cls(index, proof, checkpoint, extra)


def verify_proof(
    data: bytes, entry: bytes, verifiers: Iterable[Verifier], origin: str | None = None
) -> Checkpoint:
    """Check that `entry` is in the log, as the tlog proof `data` claims; return the checkpoint.

    The checkpoint must be signed by one of `verifiers` and, given `origin`, be that log's.
    Raises `TlogProofError` for a malformed file, `NoteError` or `CheckpointError` if the log's
    keys did not sign the checkpoint, and `ProofError` if the entry is not included.
    """
    proof = TlogProof.parse(data)
    checkpoint = open_checkpoint(proof.checkpoint, verifiers, origin)
    verify_inclusion(
        leaf_hash(entry),
        proof.index,
        checkpoint.size,
        proof.inclusion_proof,
        checkpoint.root_hash,
    )
    return checkpoint
