"""RFC 9162 §2.1: tree hashes, proofs and their verification.

Checked against the RFC 6962 reference vectors (the 8 leaves the Certificate Transparency and
transparency-dev/merkle test suites share), the labelled 7-leaf example of the C2SP merkle-tree
draft, a direct transcription of the RFC's recursive definitions, and pymerkle.
"""

from __future__ import annotations

import hashlib
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree  # type: ignore[import-untyped]

from openpeace.core.log.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleError,
    NodeReader,
    ProofError,
    consistency_proof,
    hash_leaves,
    inclusion_proof,
    leaf_hash,
    memory_reader,
    node_hash,
    root_hash,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

# The RFC 6962 reference inputs and the root of every prefix of them (size 0 to 8).
LEAVES = [
    bytes.fromhex(h)
    for h in (
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]  # fmt: skip
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
# Every perfect subtree hash of the 8-leaf tree, by level then index.
NODES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
# (index, size, proof) and (old size, new size, proof) over the leaves above.
INCLUSION_VECTORS = [
    (0, 8, [NODES[0][1], NODES[1][1], NODES[2][1]]),
    (5, 8, [NODES[0][4], NODES[1][3], NODES[2][0]]),
    (2, 3, [NODES[1][0]]),
    (1, 5, [NODES[0][0], NODES[1][1], NODES[0][4]]),
]
CONSISTENCY_VECTORS = [
    (1, 8, [NODES[0][1], NODES[1][1], NODES[2][1]]),
    (6, 8, [NODES[1][2], NODES[1][3], NODES[2][0]]),
    (2, 5, [NODES[1][1], NODES[0][4]]),
    (6, 7, [NODES[1][2], NODES[0][6], NODES[2][0]]),
]

# A bigger tree for the properties: every perfect subtree hash, precomputed.
MAX_SIZE = 2048
BIG = hash_leaves(i.to_bytes(4, "big") for i in range(MAX_SIZE))
LEVELS = [BIG]
while len(LEVELS[-1]) > 1:
    LEVELS.append([node_hash(a, b) for a, b in zip(LEVELS[-1][::2], LEVELS[-1][1::2], strict=True)])


def _roots_by_size() -> list[bytes]:
    edge, roots = CompactRange(), [EMPTY_ROOT]
    for leaf in BIG:
        edge.append(leaf)
        roots.append(edge.root())
    return roots


ROOT_AT = _roots_by_size()
sizes = st.integers(min_value=1, max_value=MAX_SIZE)


def bounded_reader(size: int) -> NodeReader:
    """A reader of the precomputed tree that fails if asked for a node past `size`."""

    def read(level: int, index: int) -> bytes:
        assert (index + 1) << level <= size, f"read ({level}, {index}) beyond size {size}"
        return LEVELS[level][index]

    return read


def flip(value: bytes, bit: int) -> bytes:
    """`value` with one bit flipped."""
    position = bit % (8 * len(value))
    changed = bytearray(value)
    changed[position // 8] ^= 1 << (position % 8)
    return bytes(changed)


# --- a transcription of the RFC's recursive definitions, for small trees -------------------


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def ref_mth(leaves: tuple[bytes, ...]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, leaves: tuple[bytes, ...]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: tuple[bytes, ...], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [ref_mth(leaves)]
    k = _split(n)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], complete), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


# --- fixed vectors ------------------------------------------------------------------------


def test_roots_match_the_rfc6962_reference_vectors() -> None:
    hashes = hash_leaves(LEAVES)
    assert ROOTS[0] == EMPTY_ROOT
    assert [root_hash(hashes[:size]) for size in range(9)] == ROOTS
    assert leaf_hash(b"") == ROOTS[1]


def test_perfect_subtrees_match_the_reference_node_hashes() -> None:
    read = memory_reader(hash_leaves(LEAVES))
    for level, row in enumerate(NODES):
        assert [read(level, index).hex() for index in range(len(row))] == row


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_proofs_match_the_reference_vectors(
    index: int, size: int, proof: list[str]
) -> None:
    hashes = hash_leaves(LEAVES)
    assert [p.hex() for p in inclusion_proof(index, size, memory_reader(hashes))] == proof
    verify_inclusion(hashes[index], index, size, [bytes.fromhex(p) for p in proof], ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS)
def test_consistency_proofs_match_the_reference_vectors(
    old: int, new: int, proof: list[str]
) -> None:
    read = memory_reader(hash_leaves(LEAVES))
    assert [p.hex() for p in consistency_proof(old, new, read)] == proof
    verify_consistency(old, new, ROOTS[old], ROOTS[new], [bytes.fromhex(p) for p in proof])


def test_the_labelled_seven_leaf_example_of_the_c2sp_merkle_tree_draft() -> None:
    a, b, c, d, e, f, g = hash_leaves(LEAVES[:7])
    h, i, j = node_hash(a, b), node_hash(c, d), node_hash(e, f)
    k, l = node_hash(h, i), node_hash(j, g)  # noqa: E741 (the draft's label)
    root = node_hash(k, l)
    read = memory_reader([a, b, c, d, e, f, g])
    assert root == ROOTS[7]
    assert inclusion_proof(0, 7, read) == [b, i, l]
    assert inclusion_proof(3, 7, read) == [c, h, l]
    assert inclusion_proof(4, 7, read) == [f, g, k]
    assert inclusion_proof(6, 7, read) == [j, k]
    assert consistency_proof(3, 7, read) == [c, d, h, l]
    assert consistency_proof(4, 7, read) == [l]
    assert consistency_proof(6, 7, read) == [j, g, k]


# --- agreement with the RFC's definitions, and with pymerkle --------------------------------


def test_proofs_equal_the_recursive_definitions_for_every_small_tree() -> None:
    for size in range(1, 41):
        leaves = tuple(BIG[:size])
        read = bounded_reader(size)
        assert root_hash(leaves) == ref_mth(leaves) == ROOT_AT[size]
        for index in range(size):
            assert inclusion_proof(index, size, read) == ref_path(index, leaves)
        for old in range(1, size):
            assert consistency_proof(old, size, read) == ref_subproof(old, leaves, True)


@settings(max_examples=40)
@given(st.lists(st.binary(max_size=40), max_size=300))
def test_roots_agree_with_pymerkle(entries: list[bytes]) -> None:
    tree = InmemoryTree(algorithm="sha256")
    for entry in entries:
        tree.append_entry(entry)
    expected = tree.get_root() if entries else EMPTY_ROOT
    assert root_hash(hash_leaves(entries)) == expected


@given(sizes)
def test_the_compact_range_and_the_whole_tree_agree(size: int) -> None:
    assert root_hash(BIG[:size]) == ROOT_AT[size]
    assert subtree_hash(0, size, bounded_reader(size)) == ROOT_AT[size]


# --- every proof verifies; any change is rejected ------------------------------------------


@given(sizes, st.data())
def test_every_inclusion_proof_verifies(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = inclusion_proof(index, size, bounded_reader(size))
    assert len(proof) <= (size - 1).bit_length()
    verify_inclusion(BIG[index], index, size, proof, ROOT_AT[size])


@given(sizes, st.data())
def test_every_consistency_proof_verifies(size: int, data: st.DataObject) -> None:
    old = data.draw(st.integers(min_value=0, max_value=size))
    proof = consistency_proof(old, size, bounded_reader(size))
    assert len(proof) <= (size - 1).bit_length() + 1
    verify_consistency(old, size, ROOT_AT[old], ROOT_AT[size], proof)


@given(st.integers(min_value=2, max_value=MAX_SIZE), st.data())
def test_a_flipped_bit_breaks_an_inclusion_proof(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = inclusion_proof(index, size, bounded_reader(size))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    target = data.draw(st.sampled_from(["leaf", "root", "proof"]))
    leaf, root = BIG[index], ROOT_AT[size]
    if target == "leaf":
        leaf = flip(leaf, bit)
    elif target == "root":
        root = flip(root, bit)
    else:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        proof[which] = flip(proof[which], bit)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


@given(st.integers(min_value=2, max_value=MAX_SIZE), st.data())
def test_a_flipped_bit_breaks_a_consistency_proof(size: int, data: st.DataObject) -> None:
    old = data.draw(st.integers(min_value=1, max_value=size - 1))
    proof = consistency_proof(old, size, bounded_reader(size))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    target = data.draw(st.sampled_from(["old", "new", "proof"]))
    old_root, new_root = ROOT_AT[old], ROOT_AT[size]
    if target == "old":
        old_root = flip(old_root, bit)
    elif target == "new":
        new_root = flip(new_root, bit)
    else:
        which = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        proof[which] = flip(proof[which], bit)
    with pytest.raises(ProofError):
        verify_consistency(old, size, old_root, new_root, proof)


@given(st.integers(min_value=2, max_value=MAX_SIZE), st.data())
def test_a_proof_for_another_index_or_size_is_rejected(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = inclusion_proof(index, size, bounded_reader(size))
    other = data.draw(st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index))
    with pytest.raises(ProofError):
        verify_inclusion(BIG[index], other, size, proof, ROOT_AT[size])
    with pytest.raises(ProofError):
        verify_inclusion(BIG[other], index, size, proof, ROOT_AT[size])
    for shape in (proof[:-1], [*proof, proof[0]], [ROOT_AT[size], *proof]):
        with pytest.raises(ProofError):
            verify_inclusion(BIG[index], index, size, shape, ROOT_AT[size])


@given(st.integers(min_value=3, max_value=MAX_SIZE), st.data())
def test_a_consistency_proof_of_another_shape_is_rejected(size: int, data: st.DataObject) -> None:
    old = data.draw(st.integers(min_value=1, max_value=size - 1))
    proof = consistency_proof(old, size, bounded_reader(size))
    roots = (ROOT_AT[old], ROOT_AT[size])
    for shape in (proof[:-1], [*proof, proof[0]], [roots[0], *proof], []):
        with pytest.raises(ProofError):
            verify_consistency(old, size, *roots, shape)
    with pytest.raises(ProofError):
        verify_consistency(old, size, roots[1], roots[0], proof)


# --- edge cases and malformed input raise, never return quietly -------------------------------


def test_malformed_inclusion_input_is_rejected() -> None:
    root, leaf = ROOT_AT[4], BIG[0]
    proof = inclusion_proof(0, 4, bounded_reader(4))
    for index, size in ((4, 4), (-1, 4), (0, 0)):
        with pytest.raises(ProofError, match="not in a tree"):
            verify_inclusion(leaf, index, size, proof, root)
    with pytest.raises(ProofError, match="32 bytes"):
        verify_inclusion(leaf[:31], 0, 4, proof, root)
    with pytest.raises(ProofError, match="32 bytes"):
        verify_inclusion(leaf, 0, 4, [*proof[:-1], proof[-1] + b"\x00"], root)
    verify_inclusion(leaf, 0, 1, [], leaf)
    with pytest.raises(ProofError, match="more than"):
        verify_inclusion(leaf, 0, 1, [leaf], leaf)


def test_consistency_edge_cases_follow_the_specification() -> None:
    one, two = ROOT_AT[1], ROOT_AT[2]
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    verify_consistency(0, 2, EMPTY_ROOT, two, [])
    verify_consistency(2, 2, two, two, [])
    cases = [
        (0, 2, EMPTY_ROOT, two, [one], "empty tree must be empty"),
        (2, 2, two, two, [one], "equal sizes must be empty"),
        (2, 2, one, two, [], "two different roots"),
        (2, 1, two, one, [], "cannot grow"),
        (1, 2, one, two, [], "empty consistency proof"),
        (1, 2, one, two, [b"short"], "32 bytes"),
    ]
    for old, new, old_root, new_root, proof, message in cases:
        with pytest.raises(ProofError, match=message):
            verify_consistency(old, new, old_root, new_root, proof)


def test_proof_generation_refuses_what_is_not_in_the_tree() -> None:
    read = bounded_reader(8)
    with pytest.raises(MerkleError):
        inclusion_proof(8, 8, read)
    with pytest.raises(MerkleError):
        consistency_proof(9, 8, read)
    with pytest.raises(MerkleError):
        subtree_hash(1, 3, read)  # not a subtree: it starts mid-pair
    with pytest.raises(MerkleError):
        memory_reader(BIG[:3])(1, 1)
    assert consistency_proof(0, 8, read) == consistency_proof(8, 8, read) == []


def test_the_compact_range_merges_like_a_binary_counter() -> None:
    edge = CompactRange()
    assert edge.root() == EMPTY_ROOT
    edge.append(LEVELS[2][0], level=2)
    edge.append(BIG[4])
    assert (edge.size, edge.root()) == (5, ROOT_AT[5])
    edge.append(BIG[5])
    edge.append(LEVELS[1][3], level=1)  # leaves 6 and 7
    assert (edge.size, edge.root()) == (8, ROOT_AT[8])
    with pytest.raises(MerkleError, match="cannot start"):
        range_of(3).append(LEVELS[1][0], level=1)
    with pytest.raises(MerkleError, match="32 bytes"):
        edge.append(b"\x00" * 31)


def range_of(size: int) -> CompactRange:
    """A compact range of the first `size` leaves of the big tree."""
    edge = CompactRange()
    for leaf in BIG[:size]:
        edge.append(leaf)
    return edge
