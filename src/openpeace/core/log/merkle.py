"""The Merkle tree of a transparency log, as RFC 9162 §2.1 defines it.

- Hashing (§2.1.1): SHA-256, `MTH({}) = SHA-256()`, a leaf is `SHA-256(0x00 || d)`, an interior
  node `SHA-256(0x01 || left || right)`, and a tree of n > 1 leaves splits at k, the largest
  power of two below n, so the left subtree is always perfect.
- Inclusion proofs (§2.1.3): `PATH(m, D[n])`, generated here and verified with the algorithm of
  §2.1.3.2.
- Consistency proofs (§2.1.4): `PROOF(m, D[n])` through `SUBPROOF`, verified with the algorithm
  of §2.1.4.2; the edge cases (m = 0, m = n) follow the C2SP merkle-tree draft.

Proofs are generated from a `NodeReader`, a function giving the hash of the perfect subtree at
(level, index), the one over leaves `[index * 2**level, (index + 1) * 2**level)`. The log stores
those hashes in tiles (see `tiles.TileHashReader`), so a proof never needs the whole tree.
A `CompactRange` holds the O(log n) right-edge perfect subtree roots of a growing tree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import TypeAlias

from openpeace.core.log.errors import LogError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeReader: TypeAlias = Callable[[int, int], bytes]
"""`read(level, index)`: the hash of the perfect subtree over leaves [index·2^level, …+2^level)."""


class MerkleError(LogError):
    """A Merkle computation was asked for something outside the tree (an index past its end)."""


class ProofError(MerkleError):
    """An inclusion or consistency proof is malformed or does not verify."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of the leaf holding `data`: SHA-256(0x00 || data) (§2.1.1)."""
    return hashlib.sha256(b"\x00" + data).digest()


def hash_leaves(entries: Iterable[bytes]) -> list[bytes]:
    """`leaf_hash` of each entry, in one tight loop (this is the log's hot path).

    Each leaf starts from a copy of a hash state that has already taken in the 0x00 prefix,
    which costs less than building `0x00 || entry` anew for every entry.
    """
    new_leaf = hashlib.sha256(b"\x00").copy
    hashes: list[bytes] = []
    append = hashes.append
    for entry in entries:
        state = new_leaf()
        state.update(entry)
        append(state.digest())
    return hashes


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right) (§2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of the leaves with these hashes (§2.1.1).

    Hashes level by level, pairing neighbours and carrying an odd last node up unchanged: for a
    left-balanced tree this is the same as splitting at the largest power of two below n.
    """
    level = list(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    sha256 = hashlib.sha256
    while len(level) > 1:
        # node_hash, inlined: this loop builds every tile of the log. An odd last node is
        # carried up unpaired.
        paired = [
            sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def memory_reader(leaf_hashes: Sequence[bytes]) -> NodeReader:
    """A `NodeReader` over leaf hashes held in memory (each read hashes its subtree afresh)."""

    def read(level: int, index: int) -> bytes:
        start = index << level
        end = start + (1 << level)
        if index < 0 or level < 0 or end > len(leaf_hashes):
            raise MerkleError(f"no perfect subtree ({level}, {index}) in {len(leaf_hashes)} leaves")
        return root_hash(leaf_hashes[start:end])

    return read


class CompactRange:
    """The roots of the perfect subtrees that make up the leaves [0, size), largest first.

    Appending a leaf merges equal-sized subtrees at the right edge, like a binary counter, so
    the range never holds more than log2(size) + 1 hashes, and `root()` folds them from the right
    into MTH(D[0:size]).
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._hashes: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        """The number of leaves covered."""
        return self._size

    def append(self, node: bytes, level: int = 0) -> None:
        """Append a leaf hash, or (level > 0) the root of a perfect subtree of 2**level leaves.

        A subtree can only start where the range is aligned to its size, as in a Merkle tree.
        """
        if len(node) != HASH_SIZE:
            raise MerkleError(f"a node hash is {HASH_SIZE} bytes, not {len(node)}")
        if level < 0 or self._size % (1 << level):
            raise MerkleError(f"a subtree of level {level} cannot start at leaf {self._size}")
        count = self._size >> level
        while count & 1:
            node = node_hash(self._hashes.pop(), node)
            count >>= 1
        self._hashes.append(node)
        self._size += 1 << level

    def root(self) -> bytes:
        """MTH(D[0:size]); `EMPTY_ROOT` for an empty range."""
        if not self._hashes:
            return EMPTY_ROOT
        node = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            node = node_hash(left, node)
        return node


def subtree_hash(start: int, end: int, read_node: NodeReader) -> bytes:
    """MTH(D[start:end]) for a subtree of the log's tree, read from perfect subtree hashes.

    The range must start on a multiple of the smallest power of two ≥ its width, as every
    subtree of a left-balanced tree does; [0, size) is the whole tree.
    """
    width = end - start
    if start < 0 or width < 0 or (width and start % (1 << (width - 1).bit_length())):
        raise MerkleError(f"[{start}, {end}) is not a subtree of a Merkle tree")
    subtrees = CompactRange()
    position = start
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            subtrees.append(read_node(level, position >> level), level)
            position += 1 << level
    return subtrees.root()


def _split(width: int) -> int:
    """k, the largest power of two strictly below width (width ≥ 2) (§2.1.1)."""
    return 1 << ((width - 1).bit_length() - 1)


def inclusion_proof(index: int, size: int, read_node: NodeReader) -> list[bytes]:
    """PATH(index, D[size]): the inclusion proof of leaf `index` in the tree of `size` (§2.1.3.1).

    Walks from the root down to the leaf, then returns the siblings leaf-first, as the RFC's
    recursion orders them.
    """
    if not 0 <= index < size:
        raise MerkleError(f"leaf {index} is not in a tree of size {size}")
    siblings: list[bytes] = []
    low, high = 0, size
    while high - low > 1:
        middle = low + _split(high - low)
        if index < middle:
            siblings.append(subtree_hash(middle, high, read_node))
            high = middle
        else:
            siblings.append(subtree_hash(low, middle, read_node))
            low = middle
    siblings.reverse()
    return siblings


def consistency_proof(old_size: int, new_size: int, read_node: NodeReader) -> list[bytes]:
    """PROOF(old_size, D[new_size]): that the tree of old_size is a prefix of new_size (§2.1.4.1).

    Empty when the sizes are equal or the old tree is empty. Otherwise this is SUBPROOF unrolled
    from the root down: `complete` is its flag b, false once the old tree's edge has entered a
    right subtree, in which case the subtree where the walk stops belongs in the proof too.
    """
    if not 0 <= old_size <= new_size:
        raise MerkleError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    nodes: list[bytes] = []
    low, high, old_leaves = 0, new_size, old_size
    complete = True
    while old_leaves != high - low:
        middle = low + _split(high - low)
        if old_leaves <= middle - low:
            nodes.append(subtree_hash(middle, high, read_node))
            high = middle
        else:
            nodes.append(subtree_hash(low, middle, read_node))
            old_leaves -= middle - low
            low = middle
            complete = False
    if not complete:
        nodes.append(subtree_hash(low, high, read_node))
    nodes.reverse()
    return nodes


def _check_hashes(what: str, hashes: Sequence[bytes]) -> None:
    for value in hashes:
        if len(value) != HASH_SIZE:
            raise ProofError(f"{what}: a hash is {HASH_SIZE} bytes, not {len(value)}")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that the leaf with hash `leaf` is at `index` in the tree of `size` with `root`.

    The algorithm of RFC 9162 §2.1.3.2, step by step; raises `ProofError` on any failure.
    """
    _check_hashes("inclusion proof", [leaf, root, *proof])
    # 1. The leaf must be inside the tree.
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    # 2.-3. fn is the leaf's index, sn the last index; r starts as the leaf hash.
    fn, sn = index, size - 1
    r = leaf
    # 4. Hash along the path.
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof has more than the {len(proof)} hashes needed")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    # 5. All levels consumed, and the root reached.
    if sn != 0:
        raise ProofError(f"inclusion proof of {len(proof)} hashes is too short for size {size}")
    if r != root:
        raise ProofError(f"leaf {index} is not included under this root of size {size}")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of `old_size` with `old_root` is a prefix of the newer one.

    The algorithm of RFC 9162 §2.1.4.2, step by step; raises `ProofError` on any failure.
    """
    _check_hashes("consistency proof", [old_root, new_root, *proof])
    if not 0 <= old_size <= new_size:
        raise ProofError(f"a tree of size {old_size} cannot grow into size {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("a consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}")
        return
    if old_size == 0:
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        return
    # 1. An empty path proves nothing.
    if not proof:
        raise ProofError(f"empty consistency proof from size {old_size} to {new_size}")
    # 2. If the old tree is perfect, its root is the first node of the path.
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    # 3.-4. fn and sn are the last indices; skip the levels where the old edge is a right child.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. Both roots are rebuilt from the first node.
    fr = sr = path[0]
    # 6. Hash along the path.
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof has more than the {len(proof)} hashes needed")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # 7. All levels consumed, and both roots reached.
    if sn != 0:
        raise ProofError(f"consistency proof of {len(proof)} hashes is too short")
    if fr != old_root:
        raise ProofError(f"consistency proof does not lead to the root of size {old_size}")
    if sr != new_root:
        raise ProofError(f"consistency proof does not lead to the root of size {new_size}")
