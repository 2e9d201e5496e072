"""The election record and its verification (docs/plebiscite-spec.md §13).

The record is everything public: the parameters, the board (cast ballots in order, audited
ballots), the tally (board digest, positions counted, product), the trustees' partial
decryptions with proofs, and the result; serialised as canonical JSON. `verify_record` checks
all of it from the record alone and names every failure ("ballot 17: the proof that option 2 is
0 or 1 does not verify"). Before the tally, a record of the board alone verifies as far as it
goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpeace.core.plebiscite.ballot import (
    AuditedBallot,
    Ballot,
    audit_problems,
    verify_ballots,
)
from openpeace.core.plebiscite.board import Board, board_digest, last_ballots, reuse_problems
from openpeace.core.plebiscite.election import Election, ElectionParameters
from openpeace.core.plebiscite.elgamal import add_vectors
from openpeace.core.plebiscite.encoding import (
    EncodingError,
    b64,
    canonical_json,
    hex32,
    json_list,
    json_object,
    parse_canonical_json,
    unb64,
    unhex32,
)
from openpeace.core.plebiscite.tally import (
    PartialDecryption,
    Result,
    Tally,
    TallyError,
    combine,
    decryption_problems,
)

RECORD_FORMAT = "openpeace-plebiscite-record-v1"
MAX_FAILURES = 100


@dataclass(frozen=True)
class ElectionRecord:
    """Everything public about one plebiscite (spec §13.1)."""

    parameters: ElectionParameters
    board: Board
    tally: Tally | None = None
    decryptions: tuple[PartialDecryption, ...] = ()
    result: Result | None = None

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "format": RECORD_FORMAT,
            "election_hash": hex32(self.parameters.hash),
            "parameters": self.parameters.to_json(),
            "board": {
                "ballots": [b64(data) for data in self.board.ballots],
                "audits": [audited.to_json() for audited in self.board.audits],
            },
        }
        if self.tally is not None:
            value["tally"] = self.tally.to_json()
            value["decryptions"] = [p.to_json() for p in self.decryptions]
        if self.result is not None:
            value["result"] = self.result.to_json()
        return value

    def to_bytes(self) -> bytes:
        """The canonical JSON bytes of the record."""
        return canonical_json(self.to_json())

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[ElectionRecord, bytes]:
        """The record and the election hash it states; `EncodingError` if it is not a record
        in canonical form."""
        value = parse_canonical_json(data)
        obj = json_object(value, "record", None)
        keys = set(obj)
        base = {"format", "election_hash", "parameters", "board"}
        if keys not in (base, base | {"tally", "decryptions"},
                        base | {"tally", "decryptions", "result"}):
            raise EncodingError(
                "record: fields must be format, election_hash, parameters, board, and after "
                "the tally, tally and decryptions, and result"
            )
        if obj["format"] != RECORD_FORMAT:
            raise EncodingError(f"record: format is not {RECORD_FORMAT!r}")
        stated_hash = unhex32(obj["election_hash"], "election_hash")
        board = json_object(obj["board"], "board", {"ballots", "audits"})
        record = cls(
            parameters=ElectionParameters.from_json(obj["parameters"]),
            board=Board(
                tuple(unb64(text, f"ballot {n}")
                      for n, text in enumerate(json_list(board["ballots"], "ballots"))),
                tuple(AuditedBallot.from_json(item, f"audit {n}")
                      for n, item in enumerate(json_list(board["audits"], "audits"))),
            ),
            tally=Tally.from_json(obj["tally"]) if "tally" in obj else None,
            decryptions=tuple(
                PartialDecryption.from_json(item, f"decryption {n}")
                for n, item in enumerate(json_list(obj.get("decryptions", []), "decryptions"))
            ),
            result=Result.from_json(obj["result"]) if "result" in obj else None,
        )
        return record, stated_hash


@dataclass(frozen=True)
class Report:
    """The outcome of `verify_record`: every failure (the first `MAX_FAILURES` of them, then a
    count of the rest), and what was verified."""

    failures: tuple[str, ...]
    ballots: int = 0
    audits: int = 0
    counted: int = 0
    counts: tuple[int, ...] | None = None
    options: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        if not self.ok:
            return "\n".join(["The record does NOT verify:", *self.failures])
        lines = [
            f"The record verifies: {self.ballots} ballots on the board, {self.audits} audited, "
            f"{self.counted} counted (the last of each credential)."
        ]
        if self.counts is None:
            lines.append("There is no tally yet.")
        else:
            lines += [f"  {o}: {c}" for o, c in zip(self.options, self.counts, strict=True)]
        return "\n".join(lines)


def _capped(failures: Sequence[str]) -> tuple[str, ...]:
    if len(failures) <= MAX_FAILURES:
        return tuple(failures)
    rest = len(failures) - MAX_FAILURES
    return (*failures[:MAX_FAILURES], f"… and {rest} more failures")


def _selection_failures(recorded: Sequence[int], computed: Sequence[int]) -> list[str]:
    """How the positions the tally says it counted differ from the last ballot per credential."""
    recorded_set, computed_set = set(recorded), set(computed)
    failures = [f"tally: ballot {n} is counted but is not the last valid ballot of its "
                "credential" for n in sorted(recorded_set - computed_set)]
    failures += [f"tally: ballot {n} is the last ballot of its credential but is not counted"
                 for n in sorted(computed_set - recorded_set)]
    if not failures and list(recorded) != sorted(computed_set):
        failures.append("tally: the positions counted are not listed once each, in order")
    return failures


def verify_record(record: ElectionRecord | bytes, *, processes: int = 1) -> Report:
    """Check everything in the record (spec §13.3); `processes` > 1 verifies ballots in
    parallel."""
    stated_hash = None
    if isinstance(record, bytes):
        try:
            record, stated_hash = ElectionRecord.from_bytes(record)
        except (EncodingError, ValueError) as error:
            return Report((f"record: {error}",))
    parameters = record.parameters
    failures: list[str] = []
    if stated_hash is not None and stated_hash != parameters.hash:
        failures.append("election_hash: not the hash of the parameters")
    problems = parameters.problems()
    if problems:
        return Report(_capped([*failures, *(f"parameters: {p}" for p in problems)]))
    election = Election(parameters)
    board = record.board
    options = tuple(o.id for o in parameters.options)

    # 1. Each ballot and each audit on its own (spec §9, §10), then across them (§11.2).
    valid: list[tuple[int, Ballot]] = []
    ballot_failures = verify_ballots(election, board.ballots, processes=processes)
    for n, (data, problem) in enumerate(zip(board.ballots, ballot_failures, strict=True)):
        if problem is None:
            valid.append((n, Ballot.from_bytes(data)))
        else:
            failures.append(f"ballot {n}: {problem}")
    audited: list[tuple[int, Ballot]] = []
    for n, entry in enumerate(board.audits):
        problems = audit_problems(election, entry)
        failures += [f"audit {n}: {p}" for p in problems]
        if not problems:
            audited.append((n, Ballot.from_bytes(entry.data)))
    failures += reuse_problems(valid, audited)
    tally = record.tally
    if tally is None:
        if record.decryptions or record.result is not None:
            failures.append("record: decryptions or a result without a tally")
        return Report(_capped(failures), len(board.ballots), len(board.audits), options=options)

    # 2. The tally: the selection, the board digest and the product, recomputed (spec §12.1).
    by_position = dict(valid)
    positions = [n for n, _ in valid]
    selected = [positions[i] for i in last_ballots([b.credential for _, b in valid])]
    failures += _selection_failures(tally.counted, selected)
    if tally.board_digest != board_digest(board.ballots):
        failures.append("tally: the board digest is not the digest of the board")
    product = add_vectors((by_position[n].ciphertexts for n in selected), election.options)
    if len(tally.product) != election.options:
        failures.append(
            f"tally: the product has {len(tally.product)} options, not {election.options}"
        )
    else:
        failures += [
            f"tally: the product for option {o} is not the product of the counted ballots"
            for o, (recorded, computed) in enumerate(zip(tally.product, product, strict=True))
            if recorded != computed
        ]

    # 3. The partial decryptions (spec §12.3), their combination and the result (§12.4).
    good: list[PartialDecryption] = []
    seen: set[int] = set()
    for partial in record.decryptions:
        if partial.trustee in seen:
            failures.append(f"trustee {partial.trustee}: decrypted twice")
            continue
        seen.add(partial.trustee)
        problems = decryption_problems(election, tally, partial)
        failures += problems
        if not problems:
            good.append(partial)
    counts = None
    if len(good) < election.threshold:
        failures.append(f"decryptions: {len(good)} valid partial decryptions, fewer than the "
                        f"threshold {election.threshold}")
    elif len(tally.product) == election.options:
        try:
            counts = combine(election, tally, good).counts
        except TallyError as error:
            failures.append(f"decryptions: {error}")
    result = record.result
    if result is None:
        failures.append("result: missing after the decryptions")
    else:
        if counts is not None and len(result.counts) != len(counts):
            failures.append(f"result: {len(result.counts)} counts for {len(counts)} options")
        elif counts is not None:
            failures += [
                f"result: option {o} ({options[o]}) has {stated} votes, "
                f"the decryption gives {computed}"
                for o, (stated, computed) in enumerate(zip(result.counts, counts, strict=True))
                if stated != computed
            ]
        if result.ballots != len(selected):
            failures.append(
                f"result: {result.ballots} ballots, but {len(selected)} are to be counted"
            )
    return Report(
        _capped(failures), len(board.ballots), len(board.audits), len(tally.counted), counts,
        options,
    )
