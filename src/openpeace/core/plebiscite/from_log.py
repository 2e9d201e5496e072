"""The election record rebuilt from the plebiscite's entries in the log (docs/plebiscite-spec.md
§13.4).

Every public act of a plebiscite is a log entry with the subject `plebiscite:<election id>`:
`plebiscite.key_ceremony` carries the parameters, `plebiscite.ballot_cast` each ballot's bytes
and board position, `plebiscite.ballot_audited` each audit, `plebiscite.voting_closed` the tally,
`plebiscite.decryption` each partial decryption, `plebiscite.result` the result. Read in log
order they give the record; `verify_record` then checks it as it checks an exported one. So an
auditor needs nothing from the server but the log, whose tree proves no entry was changed,
dropped or added afterwards.

The entries must also tell one consistent story, or the record cannot be rebuilt and the
error says which entry broke it: one key ceremony before any ballot, board positions 0, 1, 2…
in log order, no ballot after the tally, decryptions only after it, one result at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from openpeace.core.log.entries import LoggedEntry
from openpeace.core.plebiscite.ballot import AuditedBallot
from openpeace.core.plebiscite.board import Board
from openpeace.core.plebiscite.election import ElectionParameters
from openpeace.core.plebiscite.encoding import EncodingError, unb64
from openpeace.core.plebiscite.record import ElectionRecord
from openpeace.core.plebiscite.tally import PartialDecryption, Result, Tally

KIND_PREFIX = "plebiscite."


class RecordFromLogError(EncodingError):
    """The log's entries for a plebiscite do not give an election record; says which entry."""


def subject(election_id: str) -> str:
    """The subject of every log entry about the plebiscite `election_id`."""
    return f"plebiscite:{election_id}"


@dataclass
class _Reading:
    """The record as far as the entries read so far have built it."""

    election_id: str
    parameters: ElectionParameters | None = None
    ballots: list[bytes] = field(default_factory=list)
    audits: list[AuditedBallot] = field(default_factory=list)
    tally: Tally | None = None
    decryptions: list[PartialDecryption] = field(default_factory=list)
    result: Result | None = None

    def fail(self, entry: LoggedEntry, why: str) -> RecordFromLogError:
        return RecordFromLogError(f"log entry {entry.index} ({entry.kind}): {why}")

    def position(self, entry: LoggedEntry, expected: int) -> None:
        if entry.content.get("position") != expected:
            raise self.fail(entry, f"has board position {entry.content.get('position')!r}, "
                                   f"but it is the entry for position {expected}")

    def read(self, entry: LoggedEntry) -> None:
        act, content = entry.kind.removeprefix(KIND_PREFIX), entry.content
        if act == "key_ceremony":
            if self.parameters is not None:
                raise self.fail(entry, "a second key ceremony")
            self.parameters = ElectionParameters.from_json(content.get("parameters"))
            if self.parameters.election_id != self.election_id:
                raise self.fail(entry, f"its parameters are for {self.parameters.election_id!r}")
            return
        if act in ("ballot_cast", "ballot_audited", "voting_closed") and self.tally is not None:
            raise self.fail(entry, "comes after the tally")
        if act in ("ballot_cast", "ballot_audited", "voting_closed") and self.parameters is None:
            raise self.fail(entry, "comes before the key ceremony")
        if act == "ballot_cast":
            self.position(entry, len(self.ballots))
            self.ballots.append(unb64(content.get("ballot"), f"log entry {entry.index}"))
        elif act == "ballot_audited":
            self.position(entry, len(self.audits))
            self.audits.append(AuditedBallot.from_json(content.get("audit"),
                                                       f"log entry {entry.index}"))
        elif act == "voting_closed":
            self.tally = Tally.from_json(content.get("tally"))
        elif act == "decryption":
            if self.tally is None or self.result is not None:
                raise self.fail(entry, "a decryption comes between the tally and the result")
            self.decryptions.append(PartialDecryption.from_json(content.get("decryption"),
                                                                f"log entry {entry.index}"))
        elif act == "result":
            if not self.decryptions or self.result is not None:
                raise self.fail(entry, "the one result comes after the decryptions")
            self.result = Result.from_json(content.get("result"))

    def record(self) -> ElectionRecord:
        if self.parameters is None:
            raise RecordFromLogError(
                f"the log has no key ceremony for the plebiscite {self.election_id!r}: its "
                "parameters were never fixed, or the election id is wrong"
            )
        return ElectionRecord(
            parameters=self.parameters, board=Board(tuple(self.ballots), tuple(self.audits)),
            tally=self.tally, decryptions=tuple(self.decryptions), result=self.result,
        )


def record_from_entries(election_id: str, entries: Iterable[LoggedEntry]) -> ElectionRecord:
    """The election record of `election_id` from its log entries, in log order (entries about
    other subjects are skipped); raises `RecordFromLogError` (an `EncodingError`) naming the
    entry that does not fit."""
    reading = _Reading(election_id)
    wanted = subject(election_id)
    for entry in entries:
        if entry.subject == wanted and entry.kind.startswith(KIND_PREFIX):
            try:
                reading.read(entry)
            except RecordFromLogError:
                raise
            except EncodingError as error:
                raise reading.fail(entry, str(error)) from None
    return reading.record()
