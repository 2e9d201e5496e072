"""Encodings, hashes, the group and exponential ElGamal (spec §2–§4)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.plebiscite import elgamal, group, hashing
from openpeace.core.plebiscite.encoding import (
    EncodingError,
    canonical_json,
    parse_canonical_json,
    unb64,
    unhex32,
    unhex_scalar,
)

json_values = st.recursive(
    st.integers(0, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet=st.characters(max_codepoint=127)), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_canonical_json_round_trips(value: object) -> None:
    data = canonical_json(value)
    assert parse_canonical_json(data) == value


@pytest.mark.parametrize("text", [
    b'{"b":1,"a":2}', b'{"a": 1}', b'{"a":1,"a":1}', b'{"a":1.0}', b'{"a":true}',
    b'{"a":null}', b'["\\u0041"]', b'[-1]', b'\xff',
])
def test_non_canonical_json_is_refused(text: bytes) -> None:
    with pytest.raises(EncodingError):
        parse_canonical_json(text)


def test_canonical_json_matches_rfc_8785_escaping() -> None:
    assert canonical_json({"z": "é\n\u001f\"", "a": [1, "\u2028"]}) == (
        '{"a":[1,"\u2028"],"z":"é\\n\\u001f\\""}'.encode()
    )


def test_strict_hex_and_base64() -> None:
    assert unhex32("ab" * 32, "x") == b"\xab" * 32
    for bad in ["AB" * 32, "ab" * 31, "zz" * 32, 5]:
        with pytest.raises(EncodingError):
            unhex32(bad, "x")
    assert unb64("AAE=", "x") == b"\x00\x01"
    for bad in ["AAF=", "AAE", "AA E=", "AA-_"]:
        with pytest.raises(EncodingError):
            unb64(bad, "x")
    with pytest.raises(EncodingError):
        unhex_scalar(group.L.to_bytes(32, "little").hex(), "x")


def test_tags_are_distinct_and_prefixed() -> None:
    assert len(set(hashing.ALL_TAGS)) == len(hashing.ALL_TAGS)
    assert all(t.startswith("openpeace/plebiscite/v1/") for t in hashing.ALL_TAGS)
    assert hashing.dst("ab") == b"\x02ab"


def test_group_constants() -> None:
    # RFC 9496 §4.4: the encoding of the generator.
    assert group.BASE.hex() == "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
    assert group.mul_base(group.L - 1) == group.sub(group.IDENTITY, group.BASE)
    assert group.is_element(group.IDENTITY) and not group.is_nonidentity(group.IDENTITY)
    assert not group.is_element(b"\xff" * 32)


scalars = st.integers(1, group.L - 1)


@settings(max_examples=25, deadline=None)
@given(scalars, st.lists(st.tuples(st.integers(0, 1), scalars), min_size=1, max_size=6))
def test_exponential_elgamal_adds_up(secret: int, votes: list[tuple[int, int]]) -> None:
    h = group.mul_base(secret)
    product = elgamal.add_vectors(([elgamal.encrypt(h, m, r)] for m, r in votes), 1)[0]
    point = elgamal.decrypt_point(secret, product)
    assert elgamal.discrete_log(point, len(votes)) == sum(m for m, _ in votes)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 400), st.integers(0, 400))
def test_discrete_log_within_bound(m: int, bound: int) -> None:
    found = elgamal.discrete_log(group.mul_base(m), bound)
    assert found == (m if m <= bound else None)
