"""C2SP tlog-tiles entry bundles: uint16 big-endian length-prefixed entries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.log.bundle import MAX_ENTRY_SIZE, BundleError, decode_bundle, encode_bundle


def test_each_entry_is_prefixed_by_its_big_endian_length() -> None:
    bundle = encode_bundle([b"", b"a", b"\x00" * 300])
    assert bundle == b"\x00\x00" + b"\x00\x01a" + b"\x01\x2c" + b"\x00" * 300
    assert encode_bundle([]) == b""


@given(st.lists(st.binary(max_size=600), max_size=256))
def test_bundles_round_trip(entries: list[bytes]) -> None:
    bundle = encode_bundle(entries)
    assert len(bundle) == 2 * len(entries) + sum(map(len, entries))
    assert decode_bundle(bundle) == entries
    assert decode_bundle(bundle, len(entries)) == entries


def test_the_longest_entry_is_65535_bytes() -> None:
    longest = b"\xff" * MAX_ENTRY_SIZE
    assert decode_bundle(encode_bundle([longest]), 1) == [longest]
    with pytest.raises(BundleError, match="entry 1 of the bundle is 65536 bytes") as raised:
        encode_bundle([b"ok", longest + b"!", b"ok"])
    assert raised.value.position == 1


@pytest.mark.parametrize(
    ("bundle", "count", "message", "position"),
    [
        (b"\x00", None, "truncated length prefix", 0),
        (b"\x00\x01a\x00", None, "truncated length prefix", 1),
        (b"\x00\x01a\x00\x03ab", None, "runs past the end", 1),
        (b"\x00\x01a\x00\x01b", 3, "holds 2 entries, not 3", 2),
        (b"\x00\x01a\x00\x01b", 1, "holds 2 entries, not 1", 1),
    ],
)
def test_malformed_bundles_are_rejected(
    bundle: bytes, count: int | None, message: str, position: int
) -> None:
    with pytest.raises(BundleError, match=message) as raised:
        decode_bundle(bundle, count)
    assert raised.value.position == position
