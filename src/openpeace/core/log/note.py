"""Signed notes, C2SP signed-note v1 (c2sp.org/signed-note), with Ed25519 keys.

A note is UTF-8 text ending in a newline, with no ASCII control characters but newline; a blank
line; then one or more signature lines `— <key name> base64(key ID || signature)` (em dash
U+2014). The text is everything up to and including the newline before the *last* blank line.

Keys (signature type 0x01, Ed25519 over the note text):

- key ID = the first four bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public key);
- key names are non-empty, with no Unicode space and no `+`;
- a verifier key ("vkey") is `<name>+<hex key ID>+base64(0x01 || public key)`;
- a signer key uses the golang.org/x/mod/sumdb/note form the spec's tooling shares,
  `PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte seed)`.

Opening a note follows the spec's rules: signatures from unknown keys are ignored; a known key's
signature must verify or the whole note is rejected; a note no known key verified is rejected.
Up to `MAX_SIGNATURES` lines are accepted (the spec asks for at least 16).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from openpeace.core.log.codec import decode_base64, encode_base64
from openpeace.core.log.errors import LogError

ED25519 = 0x01
MAX_SIGNATURES = 100
_KEY_SIZE = 32
_KEY_ID_SIZE = 4
_SIGNATURE_SIZE = 64
_DASH = "\u2014 "
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")
_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(LogError):
    """A note, a signature line or a key is malformed, or a signature does not verify."""


def check_key_name(name: str) -> None:
    """Raise `NoteError` unless `name` is a valid key name (non-empty, no space, no `+`)."""
    if not name or "+" in name or any(char.isspace() for char in name):
        raise NoteError(f"invalid key name {name!r}: it must be non-empty, with no space or '+'")
    if _FORBIDDEN_CONTROL.search(name):
        raise NoteError(f"invalid key name {name!r}: it contains a control character")


def key_id(name: str, public_key: bytes) -> int:
    """The Ed25519 key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key).digest()
    return int.from_bytes(digest[:_KEY_ID_SIZE], "big")


def _decode_key(name: str, hex_id: str, encoded: str) -> tuple[int, bytes]:
    """Check a key's name and ID and decode base64(0x01 || key) into (key ID, key bytes)."""
    check_key_name(name)
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise NoteError(f"key ID {hex_id!r} is not 8 lowercase hex digits")
    try:
        material = decode_base64(encoded)
    except ValueError as error:
        raise NoteError(f"key of {name!r}: {error}") from error
    if len(material) != 1 + _KEY_SIZE or material[0] != ED25519:
        raise NoteError(f"key of {name!r} is not an Ed25519 key (type 0x01 and 32 bytes)")
    return int(hex_id, 16), material[1:]


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 public key under a name, which checks note signatures."""

    name: str
    public_key: bytes
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.public_key) != _KEY_SIZE:
            raise NoteError(f"an Ed25519 public key is {_KEY_SIZE} bytes")
        object.__setattr__(self, "key_id", key_id(self.name, self.public_key))

    def __repr__(self) -> str:
        return f"Verifier(name={self.name!r}, key_id={self.key_id:08x})"

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse a verifier key `<name>+<hex key ID>+<base64(0x01 || public key)>`."""
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key is <name>+<key ID>+<key>")
        identifier, public_key = _decode_key(*parts)
        verifier = cls(parts[0], public_key)
        if verifier.key_id != identifier:
            raise NoteError(f"verifier key of {parts[0]!r}: its key ID does not match its key")
        return verifier

    def to_vkey(self) -> str:
        """This key as a verifier key string."""
        encoded = encode_base64(bytes([ED25519]) + self.public_key)
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature of `message`."""
        if len(signature) != _SIGNATURE_SIZE:
            return False
        try:
            VerifyKey(self.public_key).verify(message, signature)
        except BadSignatureError:
            return False
        return True


class Signer:
    """An Ed25519 private key under a name, which signs notes.

    The seed is never shown by `repr()` or `str()`; `to_skey()` is the one way to get it out.
    """

    __slots__ = ("_key", "_verifier")

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != _KEY_SIZE:
            raise NoteError(f"an Ed25519 seed is {_KEY_SIZE} bytes")
        self._key = SigningKey(seed)
        self._verifier = Verifier(name, bytes(self._key.verify_key))

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new random key under `name`."""
        return cls(name, bytes(SigningKey.generate()))

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse a signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`."""
        if not skey.startswith(_PRIVATE_PREFIX):
            raise NoteError("a signer key starts with PRIVATE+KEY+")
        parts = skey[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise NoteError("a signer key is PRIVATE+KEY+<name>+<key ID>+<key>")
        identifier, seed = _decode_key(*parts)
        signer = cls(parts[0], seed)
        if signer.key_id != identifier:
            raise NoteError(f"signer key of {parts[0]!r}: its key ID does not match its key")
        return signer

    def to_skey(self) -> str:
        """This key as a signer key string. It holds the secret seed: store it as a secret."""
        encoded = encode_base64(bytes([ED25519]) + bytes(self._key))
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id:08x}+{encoded}"

    @property
    def name(self) -> str:
        """The key name."""
        return self._verifier.name

    @property
    def key_id(self) -> int:
        """The key ID."""
        return self._verifier.key_id

    @property
    def verifier(self) -> Verifier:
        """The public half of this key."""
        return self._verifier

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        return self._key.sign(message).signature

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, key_id={self.key_id:08x})"


@dataclass(frozen=True)
class Note:
    """The text of an opened note, and the known keys whose signatures on it verified."""

    text: str
    verified_by: tuple[Verifier, ...]


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text must end in a newline")
    if _FORBIDDEN_CONTROL.search(text):
        raise NoteError("a note must not contain control characters other than newline")


def sign_note(text: str, signers: Sequence[Signer]) -> bytes:
    """The signed note: `text`, a blank line, then one signature line per signer."""
    _check_text(text)
    if not signers:
        raise NoteError("a signed note needs at least one signature")
    if len({(signer.name, signer.key_id) for signer in signers}) != len(signers):
        raise NoteError("the same key cannot sign a note twice")
    message = text.encode("utf-8")
    lines = [
        f"{_DASH}{signer.name} "
        f"{encode_base64(signer.key_id.to_bytes(_KEY_ID_SIZE, 'big') + signer.sign(message))}\n"
        for signer in signers
    ]
    return (text + "\n" + "".join(lines)).encode("utf-8")


def _parse_signature_line(line: str) -> tuple[str, int, bytes]:
    """`— <name> <base64>` → (name, key ID, signature)."""
    if not line.startswith(_DASH):
        raise NoteError(f"not a signature line (em dash, space, name, space, base64): {line!r}")
    name, space, encoded = line[len(_DASH) :].partition(" ")
    if not space:
        raise NoteError(f"signature line has no signature: {line!r}")
    check_key_name(name)
    try:
        blob = decode_base64(encoded)
    except ValueError as error:
        raise NoteError(f"signature of {name!r}: {error}") from error
    if len(blob) <= _KEY_ID_SIZE:
        raise NoteError(f"signature of {name!r} is too short")
    return name, int.from_bytes(blob[:_KEY_ID_SIZE], "big"), blob[_KEY_ID_SIZE:]


def open_note(note: bytes, verifiers: Iterable[Verifier]) -> Note:
    """Check a signed note against the known `verifiers` and return its text.

    Raises `NoteError` if the note is malformed, if a known key's signature fails, or if no
    known key signed it. Signatures by keys not among `verifiers` are ignored.
    """
    known: dict[tuple[str, int], Verifier] = {}
    for verifier in verifiers:
        if known.setdefault((verifier.name, verifier.key_id), verifier) != verifier:
            raise NoteError(f"two known keys share the name and key ID of {verifier.name!r}")
    try:
        decoded = note.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NoteError("a note must be valid UTF-8") from error
    _check_text(decoded)
    split = decoded.rfind("\n\n")
    if split < 0:
        raise NoteError("a note needs a blank line between its text and its signatures")
    text, lines = decoded[: split + 1], decoded[split + 2 :].split("\n")[:-1]
    if not lines:
        raise NoteError("a note needs at least one signature line")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    message = text.encode("utf-8")
    verified: list[Verifier] = []
    for line in lines:
        name, identifier, signature = _parse_signature_line(line)
        key = known.get((name, identifier))
        if key is None:
            continue
        if key in verified:
            raise NoteError(f"{name!r} signed this note twice")
        if not key.verify(message, signature):
            raise NoteError(f"the signature of {name!r} does not verify")
        verified.append(key)
    if not verified:
        raise NoteError("no known key signed this note")
    return Note(text, tuple(verified))
