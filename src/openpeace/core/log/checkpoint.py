"""Transparency log checkpoints, C2SP tlog-checkpoint v1 (c2sp.org/tlog-checkpoint).

A checkpoint is the text of a signed note (c2sp.org/signed-note), at least three non-empty lines:

1. the origin, the log's unique identity (non-empty);
2. the tree size, ASCII decimal with no leading zeroes (`0` for the empty tree);
3. the root hash, standard base64 of the 32-byte RFC 6962 Merkle tree hash at that size;
4. optional extension lines, opaque and non-empty (NOT RECOMMENDED by the spec).

The log's key name SHOULD equal the origin; `open_checkpoint` can insist on an expected origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpeace.core.log.codec import decode_base64, decode_decimal, encode_base64
from openpeace.core.log.errors import LogError
from openpeace.core.log.merkle import HASH_SIZE
from openpeace.core.log.note import Signer, Verifier, open_note, sign_note

MAX_SIZE = 2**64 - 1


class CheckpointError(LogError):
    """A checkpoint is malformed, or is not the one expected."""


def _check_line(what: str, line: str) -> None:
    if not line:
        raise CheckpointError(f"the checkpoint's {what} must not be empty")
    if any(char < " " for char in line):
        raise CheckpointError(f"the checkpoint's {what} contains a control character")


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: its origin, its size and its root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line("origin", self.origin)
        if not 0 <= self.size <= MAX_SIZE:
            raise CheckpointError(f"tree size {self.size} is out of range")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"a root hash is {HASH_SIZE} bytes, not {len(self.root_hash)}")
        for line in self.extensions:
            _check_line("extension line", line)

    def to_text(self) -> str:
        """The note text: origin, size, base64 root and extension lines, each ending in `\\n`."""
        lines = [self.origin, str(self.size), encode_base64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint's note text strictly; raises `CheckpointError`."""
        if not text.endswith("\n"):
            raise CheckpointError("a checkpoint's text ends in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("a checkpoint has an origin, a size and a root hash line")
        origin, size, root, *extensions = lines
        try:
            parsed_size = decode_decimal(size)
        except ValueError as error:
            raise CheckpointError(f"tree size: {error}") from error
        try:
            root_hash = decode_base64(root)
        except ValueError as error:
            raise CheckpointError(f"root hash: {error}") from error
        return cls(origin, parsed_size, root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[Signer]) -> bytes:
    """The checkpoint as a signed note."""
    return sign_note(checkpoint.to_text(), signers)


def open_checkpoint(
    note: bytes, verifiers: Iterable[Verifier], origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint note against known keys and parse it.

    Raises `NoteError` if no known key signed it, `CheckpointError` if its text is not a
    checkpoint or (given `origin`) comes from another log.
    """
    checkpoint = Checkpoint.parse(open_note(note, verifiers).text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint of {checkpoint.origin!r}, expected {origin!r}")
    return checkpoint
