"""The trustee's own client (`openpeace plebiscite trustee deal|answer|key|decrypt`), run on the
trustee's machine against the server's public API with the trustee's token: the core alone, no
Django, no database.

A trustee's secrets never reach the server (docs/plebiscite-spec.md §6, §12):

- `deal` draws the trustee's polynomial here and keeps what it deals (its share for every
  trustee) in a state file only its owner can read; it posts the dealing's public part and
  writes one share file for each other trustee, to hand over out of band, over a private and
  authenticated channel (in person, or encrypted to the recipient).
- `key` checks each share received against its dealer's posted commitments and complains in
  public of every one that fails. Once the commission has recorded the ceremony, it sums the
  shares of the qualified dealers (a complained share replaced by the dealer's published
  answer) into the trustee's key share, which it keeps in the state file.
- `answer` publishes, in answer to a complaint against the trustee, the share it dealt the
  complainant (the one secret of the trustee that must become public).
- `decrypt` fetches the published record, verifies the whole board, computes its tally itself
  and decrypts only that, with proofs (§12.2), after checking it is the tally published.

Every command first asks the server whose the token is, and refuses a state file or a share
file of another trustee or another election.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openpeace.core import plebiscite as core
from openpeace.core.plebiscite.encoding import (
    EncodingError,
    json_integer,
    json_list,
    json_object,
    json_string,
    scalar_hex,
    unhex_scalar,
)
from openpeace.plebiscites import client
from openpeace.plebiscites.client import ClientError

STATE_FORMAT = "openpeace-trustee-state-v1"
SHARE_FORMAT = "openpeace-trustee-share-v1"
BEFORE_CEREMONY = ("created", "credentials")


def token_read(path: Path) -> str:
    """The trustee's token, from the file it was saved to (never on the command line, where
    other users of the machine could read it)."""
    try:
        token = path.read_text(encoding="ascii").strip()
    except OSError as error:
        raise ClientError(f"cannot read the token file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ClientError(f"{path} does not hold a token") from None
    if not token:
        raise ClientError(f"{path} is empty: it should hold the trustee's token")
    return token


def _write_private(path: Path, data: bytes) -> None:
    """Write a file that only its owner can read, replacing it whole (never half-written)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.unlink(missing_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as error:
        raise ClientError(f"cannot write {path}: {error.strerror}") from None


def _json_file(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except OSError as error:
        raise ClientError(f"cannot read the {what} {path}: {error.strerror}") from None
    except ValueError:
        raise ClientError(f"{path} is not a {what}: it is not JSON") from None


@dataclass(frozen=True)
class Me:
    """Whose the token is, as the server says."""

    plebiscite: int
    index: int
    election_id: str
    threshold: int
    trustees: int
    status: str


def whoami(server: str, token: str) -> Me:
    data = client.fetch(server, "trustees/me", "the trustee's own record", token)
    try:
        answer = json.loads(data)
        return Me(answer["plebiscite"], answer["index"], answer["election_id"],
                  answer["threshold"], answer["trustees"], answer["status"])
    except (KeyError, TypeError, ValueError):
        raise ClientError(f"{server} did not answer as an openpeace server does") from None


@dataclass(frozen=True)
class State:
    """The trustee's private state: what it dealt (f(1)..f(n), its own share among them) and,
    after the ceremony, its key share. It never leaves the trustee's machine."""

    server: str
    plebiscite: int
    election_id: str
    threshold: int
    trustees: int
    index: int
    dealing: core.Dealing
    dealt: tuple[int, ...]
    key: int | None = None

    def to_json(self) -> dict[str, Any]:
        value = {
            "format": STATE_FORMAT, "server": self.server, "plebiscite": self.plebiscite,
            "election_id": self.election_id, "threshold": self.threshold,
            "trustees": self.trustees, "index": self.index, "dealing": self.dealing.to_json(),
            "dealt": [scalar_hex(v) for v in self.dealt],
        }
        if self.key is not None:
            value["key"] = scalar_hex(self.key)
        return value

    @classmethod
    def from_json(cls, value: object) -> State:
        fields = {"format", "server", "plebiscite", "election_id", "threshold", "trustees",
                  "index", "dealing", "dealt"}
        obj = json_object(value, "state", None)
        if set(obj) not in (fields, fields | {"key"}) or obj["format"] != STATE_FORMAT:
            raise EncodingError(f"not of the format {STATE_FORMAT}")
        return cls(
            server=json_string(obj["server"], "server"),
            plebiscite=json_integer(obj["plebiscite"], "plebiscite"),
            election_id=json_string(obj["election_id"], "election_id"),
            threshold=json_integer(obj["threshold"], "threshold"),
            trustees=json_integer(obj["trustees"], "trustees"),
            index=json_integer(obj["index"], "index"),
            dealing=core.Dealing.from_json(obj["dealing"], "dealing"),
            dealt=tuple(unhex_scalar(v, "dealt") for v in json_list(obj["dealt"], "dealt")),
            key=unhex_scalar(obj["key"], "key") if "key" in obj else None,
        )

    def write(self, path: Path) -> None:
        _write_private(path, json.dumps(self.to_json(), indent=1).encode() + b"\n")


def state_read(path: Path) -> State:
    value = _json_file(path, "trustee's state file")
    try:
        return State.from_json(value)
    except EncodingError as error:
        raise ClientError(f"{path} is not a trustee's state file: {error}") from None


def _load(token: str, path: Path) -> State:
    """The state in `path`, once the server says the token is that trustee's."""
    state = state_read(path)
    _mine(state, whoami(state.server, token), path)
    return state


def _mine(state: State, me: Me, path: Path) -> None:
    if (state.plebiscite, state.index, state.election_id) != (
        me.plebiscite, me.index, me.election_id
    ):
        raise ClientError(
            f"{path} is the state of trustee {state.index} of {state.election_id} (plebiscite "
            f"{state.plebiscite}), but the token is trustee {me.index}'s of {me.election_id} "
            f"(plebiscite {me.plebiscite})"
        )


@dataclass(frozen=True)
class Ceremony:
    """The key ceremony as the server publishes it."""

    recorded: bool
    dealings: dict[int, core.Dealing]
    complaints: dict[tuple[int, int], int | None]
    """(dealer, recipient) → the share the dealer published in answer, if it has."""


def ceremony_fetch(server: str, plebiscite: int) -> Ceremony:
    data = client.fetch(server, f"plebiscites/{plebiscite}/ceremony", "the key ceremony")
    try:
        value = json.loads(data)
        dealings = {
            t["index"]: core.Dealing.from_json(
                {"trustee": t["index"], "commitments": t["dealing"]["commitments"],
                 "proofs": t["dealing"]["proofs"]}, f"trustee {t['index']}'s dealing")
            for t in value["appointed"] if t["dealing"] is not None
        }
        complaints = {
            (c["dealer"], c["recipient"]):
                None if c["answer"] is None else unhex_scalar(c["answer"], "answer")
            for c in value["complaints"]
        }
        return Ceremony(value["recorded"], dealings, complaints)
    except (KeyError, TypeError, ValueError) as error:
        raise ClientError(f"the server's key ceremony is malformed: {error}") from None


def _share_file(directory: Path, state: State, recipient: int) -> Path:
    path = directory / f"share-{state.index}-for-{recipient}.json"
    share = {"format": SHARE_FORMAT, "election_id": state.election_id, "dealer": state.index,
             "recipient": recipient, "share": scalar_hex(state.dealt[recipient - 1])}
    _write_private(path, json.dumps(share, indent=1).encode() + b"\n")
    return path


def deal(server: str, token: str, state_path: Path, shares_out: Path) -> list[str]:
    """Draw (or, if `state_path` already holds one, take up again) this trustee's dealing, post
    its public part unless the server has it, and write the share files."""
    me = whoami(server, token)
    said = []
    if state_path.exists():
        state = state_read(state_path)
        _mine(state, me, state_path)
        said.append(f"{state_path} already holds this trustee's dealing: taking it up again")
    else:
        if me.status not in BEFORE_CEREMONY:
            raise ClientError("the key ceremony is recorded: it is too late to deal")
        dealing, dealt = core.deal(core.Ceremony(me.election_id, me.threshold, me.trustees),
                                   me.index)
        state = State(server.rstrip("/"), me.plebiscite, me.election_id, me.threshold,
                      me.trustees, me.index, dealing,
                      tuple(dealt[recipient].value for recipient in sorted(dealt)))
        state.write(state_path)  # before posting: a posted dealing is never without its secret
        said.append(f"polynomial drawn; kept in {state_path} (readable by you alone: keep it "
                    "so, and never hand it over)")
    posted = ceremony_fetch(state.server, state.plebiscite).dealings.get(state.index)
    if posted is None:
        client.post(state.server, state.plebiscite, "dealings", state.dealing.to_json(), token)
        said.append(f"dealing of trustee {state.index} posted")
    elif posted != state.dealing:
        raise ClientError(f"the server holds another dealing of trustee {state.index} than "
                          f"the one in {state_path}")
    try:
        shares_out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ClientError(f"cannot make {shares_out}: {error.strerror}") from None
    for recipient in range(1, state.trustees + 1):
        if recipient != state.index:
            said.append(f"hand {_share_file(shares_out, state, recipient)} to trustee "
                        f"{recipient}, and to no one else")
    return said


def shares_read(paths: Sequence[Path], state: State) -> dict[int, core.Share]:
    """The shares in the files the other trustees handed over, by dealer; each must be for this
    trustee of this election, and from another trustee, once."""
    shares: dict[int, core.Share] = {}
    for path in paths:
        value = _json_file(path, "share file")
        try:
            obj = json_object(value, "share", {"format", "election_id", "dealer", "recipient",
                                               "share"})
            if obj["format"] != SHARE_FORMAT:
                raise EncodingError(f"not of the format {SHARE_FORMAT}")
            election_id = json_string(obj["election_id"], "election_id")
            share = core.Share(json_integer(obj["dealer"], "dealer"),
                               json_integer(obj["recipient"], "recipient"),
                               unhex_scalar(obj["share"], "share"))
        except EncodingError as error:
            raise ClientError(f"{path} is not a share file: {error}") from None
        if election_id != state.election_id:
            raise ClientError(f"{path} is a share of the election {election_id!r}, not of "
                              f"{state.election_id!r}")
        if share.recipient != state.index:
            raise ClientError(f"{path} is a share for trustee {share.recipient}, not for this "
                              f"trustee ({state.index})")
        if share.dealer == state.index or not 1 <= share.dealer <= state.trustees:
            raise ClientError(f"{path} is a share from trustee {share.dealer}: this trustee "
                              f"receives shares from trustees 1..{state.trustees} but itself")
        if share.dealer in shares:
            raise ClientError(f"two share files from trustee {share.dealer}")
        shares[share.dealer] = share
    return shares


def key(token: str, state_path: Path, share_paths: Sequence[Path],
        complain_missing: bool = False) -> list[str]:
    """Before the ceremony is recorded: check the shares and complain of the bad ones (and,
    with `complain_missing`, of the ones that never came). After: compute the key share."""
    state = _load(token, state_path)
    received = shares_read(share_paths, state)
    ceremony = ceremony_fetch(state.server, state.plebiscite)
    if ceremony.recorded:
        return _key_share(state_path, state, received, ceremony)
    said, matching = [], 0
    for dealer, dealing in sorted(ceremony.dealings.items()):
        share = received.get(dealer)
        if dealer == state.index:
            continue
        if share is not None and core.check_share(dealing, share):
            matching += 1
            continue
        why = "never came" if share is None else "does not match its commitments"
        if (dealer, state.index) in ceremony.complaints:
            said.append(f"the share from trustee {dealer} {why}: complained of already")
        elif share is None and not complain_missing:
            said.append(f"the share from trustee {dealer} {why}: give its file, or complain "
                        "with --complain-missing (the dealer must then publish it)")
        else:
            client.post(state.server, state.plebiscite, "complaints",
                        {"dealer": dealer, "recipient": state.index}, token)
            said.append(f"the share from trustee {dealer} {why}: complaint posted")
    waiting = [str(i) for i in range(1, state.trustees + 1) if i not in ceremony.dealings]
    said.append(f"{matching} shares received match their dealers' commitments"
                + (f"; trustees {', '.join(waiting)} have not dealt yet" if waiting else ""))
    said.append("run `key` again once the commission has recorded the ceremony, to compute "
                "the key share")
    return said


def _key_share(state_path: Path, state: State, received: dict[int, core.Share],
               ceremony: Ceremony) -> list[str]:
    election = client.fetch_parameters(state.server, state.plebiscite)
    if election.parameters.election_id != state.election_id:
        raise ClientError(f"the server's parameters are of {election.parameters.election_id!r}, "
                          f"not of {state.election_id!r}")
    if state.index not in election.verification_keys:
        raise ClientError(f"the dealing of trustee {state.index} did not qualify: it takes no "
                          "further part (spec §6.3)")
    qualified = [t.dealing for t in election.parameters.trustees]
    shares = [core.Share(state.index, state.index, state.dealt[state.index - 1])]
    for dealer in (d.dealer for d in qualified if d.dealer != state.index):
        answer = ceremony.complaints.get((dealer, state.index))
        share = (received.get(dealer) if answer is None
                 else core.Share(dealer, state.index, answer))
        if share is None:
            raise ClientError(f"no share from trustee {dealer}: give its share file")
        shares.append(share)
    try:
        secret = core.trustee_key(state.index, qualified, shares)
    except core.CeremonyError as error:
        raise ClientError(f"{error}, and it was not complained of before the ceremony: this "
                          "trustee cannot compute its key share") from None
    replace(state, key=secret.secret).write(state_path)
    return [f"key share of trustee {state.index} computed from the shares of trustees "
            f"{', '.join(str(d.dealer) for d in qualified)} and kept in {state_path}; its "
            f"verification key is {secret.verification_key.hex()}"]


def answer(token: str, state_path: Path) -> list[str]:
    """Publish the share owed to each trustee who complained of this one, unanswered yet."""
    state = _load(token, state_path)
    ceremony = ceremony_fetch(state.server, state.plebiscite)
    owed = sorted(recipient for (dealer, recipient), answered in ceremony.complaints.items()
                  if dealer == state.index and answered is None)
    for recipient in owed:
        client.post(state.server, state.plebiscite, "answers",
                    {"dealer": state.index, "recipient": recipient,
                     "share": scalar_hex(state.dealt[recipient - 1])}, token)
    if not owed:
        return ["no complaint against this trustee awaits an answer"]
    return [f"answered trustee {recipient}'s complaint: its share is now public"
            for recipient in owed]


def decrypt(token: str, state_path: Path, processes: int = 1) -> list[str]:
    """Decrypt the tally of the whole published board, after verifying the board and checking
    that its tally is the one published; post the partial decryption with its proofs."""
    state = _load(token, state_path)
    if state.key is None:
        raise ClientError(f"{state_path} holds no key share yet: run `key` once the ceremony "
                          "is recorded")
    data = client.fetch(state.server, f"plebiscites/{state.plebiscite}/record",
                        "the election record")
    try:
        record, stated_hash = core.ElectionRecord.from_bytes(data)
        election = core.Election(record.parameters)
    except (EncodingError, core.ParameterError) as error:
        raise ClientError(f"the election record is not valid: {error}") from None
    if election.parameters.election_id != state.election_id or stated_hash != election.hash:
        raise ClientError(f"the record is not of the election {state.election_id!r}")
    if record.tally is None:
        raise ClientError("the tally is not published yet: the commission closes the voting "
                          "first")
    try:
        tally, partial = core.partial_decrypt(
            election, core.TrusteeKey(state.index, state.key), record.board,
            processes=processes)
    except core.TallyError as error:
        raise ClientError(f"not decrypting: {error}") from None
    if tally != record.tally:
        raise ClientError("not decrypting: the published tally is not the tally of the "
                          "published board")
    client.post(state.server, state.plebiscite, "decryptions", partial.to_json(), token)
    return [f"partial decryption of trustee {state.index} posted: the tally of "
            f"{len(tally.counted):,} ballots (board digest {tally.board_digest.hex()})"]
