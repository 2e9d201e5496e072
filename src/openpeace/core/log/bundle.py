"""Entry bundles, C2SP tlog-tiles v1 (c2sp.org/tlog-tiles), §Log entries.

An entry bundle is the sequence of the log entries a level-0 tile hashes, each prefixed by its
length as a big-endian uint16, so an entry is at most 65,535 bytes. A full bundle holds 256
entries, a partial one its width.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from openpeace.core.log.errors import LogError

MAX_ENTRY_SIZE = 0xFFFF
_pack_length = struct.Struct(">H").pack


class BundleError(LogError):
    """An entry is too long for a bundle, or a bundle's bytes do not decode.

    `position` is the index of the entry at fault among those being encoded or decoded.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """The bundle holding `entries`, each after its uint16 big-endian length."""
    parts: list[bytes] = [b""] * (2 * len(entries))
    try:
        parts[::2] = map(_pack_length, map(len, entries))
    except struct.error:
        position = next(i for i, entry in enumerate(entries) if len(entry) > MAX_ENTRY_SIZE)
        raise BundleError(
            f"entry {position} of the bundle is {len(entries[position])} bytes, over the limit "
            f"of {MAX_ENTRY_SIZE}",
            position,
        ) from None
    parts[1::2] = entries
    return b"".join(parts)


def decode_bundle(data: bytes, count: int | None = None) -> list[bytes]:
    """The entries of a bundle; with `count`, it must hold exactly that many."""
    entries: list[bytes] = []
    append = entries.append
    position, end = 0, len(data)
    while position < end:
        if position + 2 > end:
            raise BundleError(f"entry {len(entries)}: truncated length prefix", len(entries))
        start = position + 2
        position = start + (data[position] << 8 | data[position + 1])
        if position > end:
            raise BundleError(f"entry {len(entries)} runs past the end of the bundle", len(entries))
        append(data[start:position])
    if count is not None and len(entries) != count:
        raise BundleError(
            f"bundle holds {len(entries)} entries, not {count}", min(count, len(entries))
        )
    return entries
