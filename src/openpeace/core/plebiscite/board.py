"""The public ballot box and its rules across ballots (docs/plebiscite-spec.md §11).

The board is the ordered list of cast ballots (their bytes) and the ordered list of audited
ballots. Beyond each ballot verifying on its own, it keeps one rule: no two entries share a
ciphertext, compared by its first component A = r·G. That one rule refuses

- a replayed ballot (an old ballot of a voter re-submitted to make it the last again),
- an audited ballot cast, or a cast ballot audited (an audited ballot can never be cast), and
- a copy of another voter's ciphertexts (which the proofs, bound to the credential, already
  refuse).

The rule holds within one entry too: two options of one ballot never share a ciphertext
(`repeated_ciphertext`). Such a ballot can verify on its own (equal randomness for every option
gives valid proofs), but honest clients never repeat r, and a board that kept it would have two
owners for one ciphertext.

Of the ballots of one credential, the last on the board counts (`last_ballots`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpeace.core.plebiscite.ballot import (
    AuditedBallot,
    Ballot,
    InvalidBallot,
    audit_problems,
    tracker,
    verify_ballot,
)
from openpeace.core.plebiscite.election import Election
from openpeace.core.plebiscite.encoding import u64
from openpeace.core.plebiscite.hashing import TAG_BOARD, digest32


class BallotRejected(ValueError):
    """The board refuses a submission; the message says why."""


@dataclass(frozen=True, slots=True)
class Board:
    """The public ballot box: cast ballots in the order received, audited ballots likewise."""

    ballots: tuple[bytes, ...]
    audits: tuple[AuditedBallot, ...] = ()


def board_digest(ballots: Iterable[bytes]) -> bytes:
    """digest32("…/board", u64(count) || tracker_0 || tracker_1 || …) (spec §11.3)."""
    trackers = [tracker(data) for data in ballots]
    return digest32(TAG_BOARD, u64(len(trackers)) + b"".join(trackers))


def last_ballots(credentials: Sequence[bytes]) -> list[int]:
    """Given each board ballot's credential in board order, the positions that count: the
    last of each credential, in increasing order."""
    last = {credential: position for position, credential in enumerate(credentials)}
    return sorted(last.values())


def repeated_ciphertext(ballot: Ballot) -> str | None:
    """Why the ballot shares a ciphertext between two of its own options (spec §11.2), naming
    them and the repeated A; None if it does not."""
    seen: dict[bytes, int] = {}
    for option, ciphertext in enumerate(ballot.ciphertexts):
        first = seen.setdefault(ciphertext.a, option)
        if first != option:
            return (f"options {first} and {option} share the ciphertext A = "
                    f"{ciphertext.a.hex()}")
    return None


def reuse_problems(
    ballots: Sequence[tuple[int, Ballot]], audits: Sequence[tuple[int, Ballot]] = ()
) -> list[str]:
    """Every entry that repeats a ciphertext among its own options, or shares one with an
    earlier entry (cast ballots first, then audited ballots), named against the entry it
    copies. Entries are (position, ballot)."""
    owner: dict[bytes, str] = {}
    problems = []
    entries = [(f"ballot {n}", b) for n, b in ballots]
    entries += [(f"audit {n}", b) for n, b in audits]
    for name, ballot in entries:
        repeated = repeated_ciphertext(ballot)
        if repeated is not None:
            problems.append(f"{name}: repeats a ciphertext: {repeated}")
        for ciphertext in ballot.ciphertexts:
            first = owner.setdefault(ciphertext.a, name)
            if first != name:
                problems.append(f"{name}: reuses a ciphertext of {first}")
                break
    return problems


class BallotBox:
    """The board's acceptance rules, one submission at a time (spec §11.1).

    `board` is a board this class accepted before (restored from storage): its ballots are
    parsed, not verified again.
    """

    def __init__(self, election: Election, board: Board | None = None) -> None:
        self.election = election
        self._ballots: list[bytes] = []
        self._audits: list[AuditedBallot] = []
        self._owners: dict[bytes, str] = {}
        self._positions: dict[bytes, int] = {}
        board = board or Board(())
        for data in board.ballots:
            self._record(Ballot.from_bytes(data), data)
        for audited in board.audits:
            self._record_audit(Ballot.from_bytes(audited.data), audited)

    @property
    def board(self) -> Board:
        return Board(tuple(self._ballots), tuple(self._audits))

    def position(self, tracker_bytes: bytes) -> int | None:
        """Where the ballot with this tracker is on the board (recorded-as-cast), if it is."""
        return self._positions.get(tracker_bytes)

    def _reused(self, ballot: Ballot, what: str) -> str | None:
        repeated = repeated_ciphertext(ballot)
        if repeated is not None:
            raise BallotRejected(f"{what} repeats a ciphertext: {repeated}")
        for ciphertext in ballot.ciphertexts:
            owner = self._owners.get(ciphertext.a)
            if owner is not None:
                return owner
        return None

    def _claim(self, ballot: Ballot, name: str) -> None:
        for ciphertext in ballot.ciphertexts:
            self._owners[ciphertext.a] = name

    def _record(self, ballot: Ballot, data: bytes) -> None:
        self._claim(ballot, f"ballot {len(self._ballots)}")
        self._positions[tracker(data)] = len(self._ballots)
        self._ballots.append(data)

    def _record_audit(self, ballot: Ballot, audited: AuditedBallot) -> None:
        self._claim(ballot, f"audit {len(self._audits)}")
        self._audits.append(audited)

    def cast(self, data: bytes) -> bytes:
        """Append a ballot and return its tracker, or refuse it with `BallotRejected`."""
        try:
            ballot = verify_ballot(self.election, data)
        except InvalidBallot as error:
            raise BallotRejected(f"the ballot {error}") from error
        owner = self._reused(ballot, "the ballot")
        if owner is not None:
            if owner.startswith("audit"):
                raise BallotRejected(f"the ballot was audited ({owner}): it cannot be cast")
            raise BallotRejected(f"the ballot reuses a ciphertext of {owner}")
        self._record(ballot, data)
        return tracker(data)

    def audit(self, audited: AuditedBallot) -> None:
        """Publish an audited ballot (so that it can never be cast), or refuse it."""
        problems = audit_problems(self.election, audited)
        if problems:
            raise BallotRejected("; ".join(problems))
        ballot = Ballot.from_bytes(audited.data)
        owner = self._reused(ballot, "the audited ballot")
        if owner is not None:
            raise BallotRejected(f"the audited ballot reuses a ciphertext of {owner}")
        self._record_audit(ballot, audited)
