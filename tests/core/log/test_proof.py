"""C2SP tlog-proof: the `.tlog-proof` file, and its offline verification."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.log.checkpoint import Checkpoint, CheckpointError, sign_checkpoint
from openpeace.core.log.integrate import integrate
from openpeace.core.log.merkle import ProofError, inclusion_proof
from openpeace.core.log.note import NoteError, Signer
from openpeace.core.log.proof import TlogProof, TlogProofError, verify_proof
from openpeace.core.log.tiles import TileHashReader

# The example of the tlog-proof specification (its signatures are elided, so it only parses).
SPEC_EXAMPLE = b"""c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

\xe2\x80\x94 example.com/fancylog hI2DJw[...]1roloI=
\xe2\x80\x94 witness1.example mJirIklj[...]qY9v2B/5bg==
"""

ENTRIES = [b"act %d" % n for n in range(1000)]
SIGNER = Signer("log.openpeace.example/acts", bytes(range(32)))
WITNESS = Signer("witness.example/w1", bytes(range(32, 64)))
NO_FILES: dict[str, bytes] = {}
LOG = integrate(0, NO_FILES.__getitem__, ENTRIES)
NOTE = sign_checkpoint(Checkpoint(SIGNER.name, LOG.size, LOG.root_hash), [SIGNER, WITNESS])
READER = TileHashReader(LOG.size, LOG.files.__getitem__)


def proof_of(index: int, extra: bytes | None = None) -> TlogProof:
    return TlogProof(index, tuple(inclusion_proof(index, LOG.size, READER)), NOTE, extra)


def test_the_specification_example_parses_and_encodes_back() -> None:
    proof = TlogProof.parse(SPEC_EXAMPLE)
    assert proof.index == 73894
    assert proof.extra is not None and proof.extra.startswith(b"age-v1.2.1-darwin-arm64.tar.gz")
    assert len(proof.inclusion_proof) == 5
    assert proof.inclusion_proof[0] == base64.b64decode(
        "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ="
    )
    assert proof.checkpoint.startswith(b"example.com/fancylog\n109482\n")
    assert proof.encode() == SPEC_EXAMPLE


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=len(ENTRIES) - 1), st.none() | st.binary(max_size=40))
def test_every_entry_has_a_proof_that_verifies_offline(index: int, extra: bytes | None) -> None:
    data = proof_of(index, extra).encode()
    assert TlogProof.parse(data) == proof_of(index, extra)
    checkpoint = verify_proof(data, ENTRIES[index], [SIGNER.verifier], origin=SIGNER.name)
    assert (checkpoint.size, checkpoint.root_hash) == (LOG.size, LOG.root_hash)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=len(ENTRIES) - 1), st.data())
def test_a_changed_entry_index_or_hash_is_rejected(index: int, data: st.DataObject) -> None:
    proof = proof_of(index)
    other = data.draw(
        st.integers(min_value=0, max_value=len(ENTRIES) - 1).filter(lambda i: i != index)
    )
    with pytest.raises(ProofError):
        verify_proof(proof.encode(), ENTRIES[other], [SIGNER.verifier])
    moved = TlogProof(other, proof.inclusion_proof, NOTE)
    with pytest.raises(ProofError):
        verify_proof(moved.encode(), ENTRIES[index], [SIGNER.verifier])
    hashes = list(proof.inclusion_proof)
    which = data.draw(st.integers(min_value=0, max_value=len(hashes) - 1))
    hashes[which] = bytes([hashes[which][0] ^ 1]) + hashes[which][1:]
    with pytest.raises(ProofError):
        verify_proof(
            TlogProof(index, tuple(hashes), NOTE).encode(), ENTRIES[index], [SIGNER.verifier]
        )


def test_the_checkpoint_must_be_signed_by_the_log() -> None:
    data = proof_of(7).encode()
    with pytest.raises(NoteError, match="no known key"):
        verify_proof(data, ENTRIES[7], [Signer("log.openpeace.example/acts", bytes(32)).verifier])
    verify_proof(data, ENTRIES[7], [WITNESS.verifier])
    with pytest.raises(CheckpointError, match="expected"):
        verify_proof(data, ENTRIES[7], [SIGNER.verifier], origin="another.example/log")
    forged = data.replace(b"\n1000\n", b"\n1001\n")
    with pytest.raises(NoteError, match="does not verify"):
        verify_proof(forged, ENTRIES[7], [SIGNER.verifier])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"c2sp.org/tlog-proof@v2\nindex 0\n\nx", "starts with"),
        (b"c2sp.org/tlog-proof@v1\n\nx", "index line"),
        (b"c2sp.org/tlog-proof@v1\nindex 01\n\nx", "leading zeroes"),
        (b"c2sp.org/tlog-proof@v1\nindex 1\nextra AAAA\n\nx", "base64"),
        (b"c2sp.org/tlog-proof@v1\nindex 1\n" + b"A" * 40 + b"\n\nx", "32-byte hashes"),
        (b"c2sp.org/tlog-proof@v1\nindex 1\n", "blank line"),
        (b"c2sp.org/tlog-proof@v1\nindex 1\n\n", "carries a checkpoint"),
        (b"c2sp.org/tlog-proof@v1\nindex \xc3\xa9\n\nx", "ASCII"),
        (b"c2sp.org/tlog-proof@v1\nextra !\nindex 1\n\nx", "base64"),
    ],
)
def test_malformed_proof_files_are_rejected(data: bytes, message: str) -> None:
    with pytest.raises(TlogProofError, match=message):
        TlogProof.parse(data)
