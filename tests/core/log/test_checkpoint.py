"""C2SP tlog-checkpoint: the text format, parsed strictly, and signed as a note."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.log.checkpoint import (
    MAX_SIZE,
    Checkpoint,
    CheckpointError,
    open_checkpoint,
    sign_checkpoint,
)
from openpeace.core.log.note import NoteError, Signer, sign_note

# The example of the tlog-checkpoint specification.
SPEC_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
ROOT = bytes(range(32))

origins = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\n"), min_size=1
)
checkpoints = st.builds(
    Checkpoint,
    origins,
    st.integers(min_value=0, max_value=MAX_SIZE),
    st.binary(min_size=32, max_size=32),
    st.lists(origins, max_size=3).map(tuple),
)


def test_the_specification_example_parses_and_prints_back() -> None:
    checkpoint = Checkpoint.parse(SPEC_TEXT)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash.hex().startswith("0ac5186a91863e8e")
    assert checkpoint.extensions == ()
    assert checkpoint.to_text() == SPEC_TEXT


@given(checkpoints)
def test_every_checkpoint_round_trips_through_its_text(checkpoint: Checkpoint) -> None:
    assert Checkpoint.parse(checkpoint.to_text()) == checkpoint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("example.com/log\n1\n" + "A" * 43 + "=", "ends in a newline"),
        ("example.com/log\n1\n", "origin, a size and a root"),
        ("\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "origin must not be empty"),
        ("o\n01\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "leading zeroes"),
        ("o\n+1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "leading zeroes"),
        ("o\n١\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "leading zeroes"),
        ("o\n1 \nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "leading zeroes"),
        ("o\n18446744073709551616\n" + "A" * 43 + "=\n", "out of range"),
        ("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", "base64"),
        ("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n", "canonical"),
        ("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8-\n", "base64"),
        ("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n", "32 bytes"),
        ("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n", "extension line"),
    ],
)
def test_malformed_checkpoints_are_rejected(text: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        Checkpoint.parse(text)


def test_a_checkpoint_is_built_only_from_valid_parts() -> None:
    with pytest.raises(CheckpointError, match="control character"):
        Checkpoint("log\nforged", 1, ROOT)
    with pytest.raises(CheckpointError, match="out of range"):
        Checkpoint("log", -1, ROOT)
    with pytest.raises(CheckpointError, match="32 bytes"):
        Checkpoint("log", 1, ROOT[:31])
    with pytest.raises(CheckpointError, match="extension line"):
        Checkpoint("log", 1, ROOT, ("",))


def test_a_signed_checkpoint_opens_with_the_log_key(
    log_signer: Signer, witness_signer: Signer
) -> None:
    checkpoint = Checkpoint(log_signer.name, 70_000, ROOT)
    note = sign_checkpoint(checkpoint, [log_signer, witness_signer])
    assert open_checkpoint(note, [log_signer.verifier]) == checkpoint
    assert open_checkpoint(note, [log_signer.verifier], origin=log_signer.name) == checkpoint
    with pytest.raises(CheckpointError, match=r"expected 'another\.example/log'"):
        open_checkpoint(note, [log_signer.verifier], origin="another.example/log")
    with pytest.raises(NoteError, match="no known key"):
        open_checkpoint(sign_checkpoint(checkpoint, [witness_signer]), [log_signer.verifier])


def test_a_signed_note_that_is_not_a_checkpoint_is_rejected(log_signer: Signer) -> None:
    note = sign_note("just some text\n", [log_signer])
    with pytest.raises(CheckpointError):
        open_checkpoint(note, [log_signer.verifier])


@settings(deadline=None)
@given(st.data())
def test_a_changed_byte_of_a_signed_checkpoint_is_rejected(data: st.DataObject) -> None:
    signer = Signer("log.example", bytes(32))
    note = bytearray(sign_checkpoint(Checkpoint("log.example", 1234, ROOT), [signer]))
    position = data.draw(st.integers(min_value=0, max_value=len(note) - 1))
    note[position] ^= data.draw(st.integers(min_value=1, max_value=255))
    with pytest.raises((NoteError, CheckpointError)):
        open_checkpoint(bytes(note), [signer.verifier])
