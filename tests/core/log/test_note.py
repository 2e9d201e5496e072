"""C2SP signed-note: Ed25519 keys, key strings, signing, and the rules for opening a note."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.log.note import (
    MAX_SIGNATURES,
    NoteError,
    Signer,
    Verifier,
    check_key_name,
    key_id,
    open_note,
    sign_note,
)

# The example of the signed-note specification (section "Verifier keys").
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
).encode()
# The specification's opening example, a note signed by a key it does not publish.
QUASIMODO_NOTE = (
    "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n"
    "— quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
).encode()
# The example key and note of golang.org/x/mod/sumdb/note, where the signer key form comes from.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
).encode()

TEXT = "openpeace.example/acts\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"


def test_the_go_reference_key_signs_the_reference_note_byte_for_byte() -> None:
    signer = Signer.from_skey(GO_SKEY)
    assert signer.key_id == 0xC74F20A3
    assert signer.to_skey() == GO_SKEY
    assert signer.verifier.to_vkey() == GO_VKEY
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE
    note = open_note(GO_NOTE, [Verifier.from_vkey(GO_VKEY)])
    assert note.text == GO_TEXT
    assert note.verified_by == (signer.verifier,)


def test_the_specification_example_verifies() -> None:
    verifier = Verifier.from_vkey(SPEC_VKEY)
    assert (verifier.name, verifier.key_id) == ("example.com/foo", 0x530D903A)
    assert verifier.to_vkey() == SPEC_VKEY
    assert open_note(SPEC_NOTE, [verifier]).text == "This is an example message.\n"


def test_a_note_signed_only_by_unknown_keys_is_rejected() -> None:
    impostor = Signer("quasimodo.example/salvatore", bytes(32)).verifier
    for verifiers in ([Verifier.from_vkey(SPEC_VKEY)], [impostor], []):
        with pytest.raises(NoteError, match="no known key"):
            open_note(QUASIMODO_NOTE, verifiers)


def test_key_ids_are_the_truncated_sha256_of_name_type_and_key() -> None:
    verifier = Verifier.from_vkey(SPEC_VKEY)
    assert key_id("example.com/foo", verifier.public_key) == 0x530D903A
    assert key_id("example.com/bar", verifier.public_key) != 0x530D903A


def test_the_seed_never_shows_in_repr_or_str() -> None:
    signer = Signer.from_skey(GO_SKEY)
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])[1:]
    for shown in (repr(signer), str(signer), repr([signer]), f"{signer}"):
        assert "PeterNeumann" in shown
        assert seed.hex() not in shown
        assert GO_SKEY.split("+", 4)[4] not in shown
        assert base64.b64encode(seed).decode()[:10] not in shown


def test_generated_keys_round_trip_through_their_strings() -> None:
    signer = Signer.generate("openpeace.example/acts")
    again = Signer.from_skey(signer.to_skey())
    verifier = Verifier.from_vkey(signer.verifier.to_vkey())
    assert again.verifier == verifier == signer.verifier
    assert open_note(sign_note(TEXT, [again]), [verifier]).text == TEXT
    assert Signer.generate("openpeace.example/acts").verifier != verifier


def test_signatures_from_unknown_keys_are_ignored(
    log_signer: Signer, witness_signer: Signer
) -> None:
    note = sign_note(TEXT, [witness_signer, log_signer])
    assert open_note(note, [log_signer.verifier]).verified_by == (log_signer.verifier,)
    both = open_note(note, [log_signer.verifier, witness_signer.verifier])
    assert both.verified_by == (witness_signer.verifier, log_signer.verifier)
    same_name = Signer(log_signer.name, bytes(32))
    with pytest.raises(NoteError, match="no known key"):
        open_note(sign_note(TEXT, [same_name]), [log_signer.verifier])


def test_at_least_sixteen_signatures_are_accepted(log_signer: Signer) -> None:
    cosigners = [Signer(f"witness.example/{n}", bytes([n]) * 32) for n in range(MAX_SIGNATURES - 1)]
    note = sign_note(TEXT, [*cosigners, log_signer])
    assert open_note(note, [log_signer.verifier]).verified_by == (log_signer.verifier,)
    extra = sign_note(TEXT, [Signer("witness.example/extra", b"\xff" * 32)])
    too_many = note + extra[len(TEXT) + 1 :]
    with pytest.raises(NoteError, match=f"at most {MAX_SIGNATURES}"):
        open_note(too_many, [log_signer.verifier])


def _signature_blob(note: bytes) -> tuple[bytes, bytes]:
    head, _, encoded = note.rstrip(b"\n").rpartition(b" ")
    return head + b" ", base64.b64decode(encoded)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=8 * 68 - 1))
def test_a_flipped_signature_bit_is_rejected(bit: int) -> None:
    signer = Signer("openpeace.example/acts", bytes(range(32)))
    head, blob = _signature_blob(sign_note(TEXT, [signer]))
    changed = bytearray(blob)
    changed[bit // 8] ^= 1 << (bit % 8)
    note = head + base64.b64encode(bytes(changed)) + b"\n"
    with pytest.raises(NoteError):
        open_note(note, [signer.verifier])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_flipped_text_bit_is_rejected(data: st.DataObject) -> None:
    signer = Signer("openpeace.example/acts", bytes(range(32)))
    note = bytearray(sign_note(TEXT, [signer]))
    bit = data.draw(st.integers(min_value=0, max_value=8 * len(TEXT) - 1))
    note[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(NoteError):
        open_note(bytes(note), [signer.verifier])


def test_a_known_key_that_signs_twice_or_is_configured_twice_is_an_error(
    log_signer: Signer,
) -> None:
    note = sign_note(TEXT, [log_signer])
    twice = note + note[len(TEXT) + 1 :]
    with pytest.raises(NoteError, match="twice"):
        open_note(twice, [log_signer.verifier])
    with pytest.raises(NoteError, match="twice"):
        sign_note(TEXT, [log_signer, log_signer])
    # Two different keys with one name and key ID: astronomically rare, so forced here.
    twin = Verifier(log_signer.name, Signer("x", bytes(32)).verifier.public_key)
    object.__setattr__(twin, "key_id", log_signer.key_id)
    with pytest.raises(NoteError, match="share the name"):
        open_note(note, [log_signer.verifier, twin])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no final newline", "end in a newline"),
        ("a tab\there\n", "control characters"),
        ("a carriage return\r\n", "control characters"),
        ("a nul\x00\n", "control characters"),
    ],
)
def test_signing_enforces_the_text_rules(log_signer: Signer, text: str, message: str) -> None:
    with pytest.raises(NoteError, match=message):
        sign_note(text, [log_signer])


def test_signing_needs_a_signer() -> None:
    with pytest.raises(NoteError, match="at least one"):
        sign_note(TEXT, [])


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda note: note[:-1], "end in a newline"),
        (lambda note: note.replace(b"\n\n", b"\n"), "blank line"),
        (lambda note: note.split(b"\xe2\x80\x94")[0], "at least one signature"),
        (lambda note: note.replace("—".encode(), b"-"), "not a signature line"),
        (lambda note: note.replace(b"\n\n", b"\n\xff\n\n"), "UTF-8"),
        (lambda note: note.replace(b"\n\n", b"\n\x07\n\n"), "control characters"),
        (lambda note: note.replace(b"acts ", b"acts+x "), "invalid key name"),
        (lambda note: note.replace(b"acts ", b"acts"), "no signature"),
        (lambda note: note[:-3] + b"!\n", "base64"),
        (lambda note: note.rpartition(b" ")[0] + b" AAAA\n", "too short"),
    ],
)
def test_opening_enforces_the_note_rules(
    log_signer: Signer, mangle: Callable[[bytes], bytes], message: str
) -> None:
    note = sign_note(TEXT.replace("openpeace.example/acts", "x"), [log_signer])
    with pytest.raises(NoteError, match=message):
        open_note(mangle(note), [log_signer.verifier])


def test_the_text_ends_at_the_last_blank_line(log_signer: Signer) -> None:
    text = "paragraph one\n\nparagraph two\n\n"
    assert open_note(sign_note(text, [log_signer]), [log_signer.verifier]).text == text


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        (SPEC_VKEY.replace("530d903a", "530d903b"), "does not match"),
        (SPEC_VKEY.replace("530d903a", "530D903A"), "lowercase hex"),
        (SPEC_VKEY.replace("+Aeky", "+Aiky"), "not an Ed25519 key"),
        (SPEC_VKEY[:-1], "base64"),
        ("example.com/foo+530d903a", "<name>+<key ID>+<key>"),
        ("example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "invalid key name"),
    ],
)
def test_malformed_verifier_keys_are_rejected(vkey: str, message: str) -> None:
    with pytest.raises(NoteError, match=re.escape(message)):
        Verifier.from_vkey(vkey)


@pytest.mark.parametrize(
    ("skey", "message"),
    [
        (GO_SKEY.removeprefix("PRIVATE+KEY+"), "starts with PRIVATE"),
        (GO_SKEY.replace("c74f20a3", "c74f20a4"), "does not match"),
        ("PRIVATE+KEY+PeterNeumann+c74f20a3", "PRIVATE+KEY+<name>"),
    ],
)
def test_malformed_signer_keys_are_rejected(skey: str, message: str) -> None:
    with pytest.raises(NoteError, match=re.escape(message)):
        Signer.from_skey(skey)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\u00a0b", "a\u3000b", "a\nb", "a\x00b"])
def test_key_names_have_no_space_plus_or_control_character(name: str) -> None:
    with pytest.raises(NoteError, match="invalid key name"):
        check_key_name(name)
    with pytest.raises(NoteError):
        Signer(name, bytes(32))


def test_keys_have_the_ed25519_sizes() -> None:
    with pytest.raises(NoteError, match="seed is 32 bytes"):
        Signer("a", bytes(31))
    with pytest.raises(NoteError, match="public key is 32 bytes"):
        Verifier("a", bytes(33))
    assert not Verifier.from_vkey(SPEC_VKEY).verify(b"message", bytes(63))
