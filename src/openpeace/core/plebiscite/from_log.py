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

A record can verify on its own and still not be the plebiscite that was called: the parameters
are what the key ceremony says they are, and an operator who records a ceremony with one
credential more than the commission published can vote with it. So the record is also checked
against what the plebiscite published before and after it (`RecordFromLog.failures`, spec
§13.4), each disagreement naming the entries: the question, options, threshold and context (the
nationality, the question's language, the voting period, the commission) of
`plebiscite.created`; the credentials of the last `plebiscite.credentials_published` before
the ceremony; each trustee's commitments and proofs (and name) of its own `plebiscite.dealing`;
the commission each of the caller's acts names; the summary the ceremony and the result entries
state; and the `decision.recorded` entry that cites the plebiscite, which must state the
result's outcome (and exist only if the result entry withheld no decision).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from openpeace.core.log.entries import LoggedEntry, subject_marker
from openpeace.core.plebiscite.ballot import AuditedBallot
from openpeace.core.plebiscite.board import Board
from openpeace.core.plebiscite.election import ElectionParameters, Trustee
from openpeace.core.plebiscite.encoding import EncodingError, hex32, unb64
from openpeace.core.plebiscite.record import ElectionRecord
from openpeace.core.plebiscite.tally import PartialDecryption, Result, Tally
from openpeace.core.plebiscite.trustees import Dealing

KIND_PREFIX = "plebiscite."
DECISION = "decision.recorded"
"""The kind of the entry that records a nationality's decision (`selfdetermination`); the
plebiscite's result is recorded as one, citing the plebiscite in its `source`."""
SEPARATE_STATE = "separate_state"
JOIN_PREFIX = "join:"
CONTEXT_FROM_CREATED = ("nationality", "language", "opens_at", "closes_at", "commission")
"""The parameters' context fields that `plebiscite.created` published first (`language`, the tag
of the question's, since plebiscites have one: an earlier `created` entry has none to check)."""
CALLERS_ACTS = ("credentials_published", "trustee_appointed", "key_ceremony", "voting_closed")
"""The acts only the commission that called the plebiscite does; each names it."""


class RecordFromLogError(EncodingError):
    """The log's entries for a plebiscite do not give an election record; says which entry."""


def subject(election_id: str) -> str:
    """The subject of every log entry about the plebiscite `election_id`."""
    return f"plebiscite:{election_id}"


def cites(election_id: str, source: object) -> bool:
    """Whether a decision's `source` says it is the plebiscite `election_id`'s result
    (`plebiscite <election id> (<counts>…)`, as the service writes it)."""
    cited = f"plebiscite {election_id}"
    return isinstance(source, str) and (source == cited or source.startswith(cited + " "))


def entry_filter(election_id: str) -> Callable[[bytes], bool]:
    """A cheap test of an entry's bytes, before parsing, for the entries `record_from_entries`
    reads: the plebiscite's own, and the decisions that may cite it (canonical JSON writes
    `"kind":"decision.recorded"` exactly so; the election id appears in the cited source).
    It may keep more; `record_from_entries` looks at each entry itself."""
    own = subject_marker(subject(election_id))
    decision = b'"kind":' + json.dumps(DECISION).encode()
    cited = json.dumps(election_id, ensure_ascii=False)[1:-1].encode()
    return lambda body: own in body or (decision in body and cited in body)


def outcome(parameters: ElectionParameters, result: Result) -> str | None:
    """The option the result decides (the one with the most votes, alone), or None: no ballot
    counted, or a tie (as the service decides)."""
    top = max(result.counts, default=0)
    winners = [n for n, count in enumerate(result.counts) if count == top]
    if result.ballots <= 0 or len(winners) != 1 or winners[0] >= len(parameters.options):
        return None
    return parameters.options[winners[0]].id


def _named(entry: LoggedEntry) -> str:
    return f"log entry {entry.index} ({entry.kind})"


def _short(values: list[str]) -> str:
    return ", ".join(values[:3]) + (f" and {len(values) - 3} more" if len(values) > 3 else "")


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
    # What was published before the ceremony, and after the result, to check the record by.
    created: LoggedEntry | None = None
    credentials: LoggedEntry | None = None
    dealings: dict[int, list[LoggedEntry]] = field(default_factory=dict)
    ceremony: LoggedEntry | None = None
    result_entry: LoggedEntry | None = None
    decision: LoggedEntry | None = None
    failures: list[str] = field(default_factory=list)

    def fail(self, entry: LoggedEntry, why: str) -> RecordFromLogError:
        return RecordFromLogError(f"{_named(entry)}: {why}")

    def disagree(self, entry: LoggedEntry, why: str) -> None:
        """A consistency failure: the record is still built, and does not verify."""
        self.failures.append(f"{_named(entry)}: {why}")

    def position(self, entry: LoggedEntry, expected: int) -> None:
        if entry.content.get("position") != expected:
            raise self.fail(entry, f"has board position {entry.content.get('position')!r}, "
                                   f"but it is the entry for position {expected}")

    def read(self, entry: LoggedEntry) -> None:
        act, content = entry.kind.removeprefix(KIND_PREFIX), entry.content
        if act in CALLERS_ACTS:
            self.check_caller(entry)
        if act in ("created", "credentials_published", "dealing"):
            self.before_ceremony(entry, act)
            return
        if act == "key_ceremony":
            if self.parameters is not None:
                raise self.fail(entry, "a second key ceremony")
            self.parameters = ElectionParameters.from_json(content.get("parameters"))
            if self.parameters.election_id != self.election_id:
                raise self.fail(entry, f"its parameters are for {self.parameters.election_id!r}")
            self.ceremony = entry
            self.check_parameters(entry, self.parameters)
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
            self.result_entry = entry
            self.check_result_summary(entry, self.result)

    # What the plebiscite published before its key ceremony ------------------------------------

    def check_caller(self, entry: LoggedEntry) -> None:
        if self.created is None or "commission" not in entry.content:
            return
        caller = self.created.content.get("commission")
        if entry.content["commission"] != caller:
            self.disagree(entry, f"names the commission {entry.content['commission']!r}, but "
                                 f"the plebiscite was called by {caller!r} (log entry "
                                 f"{self.created.index})")

    def before_ceremony(self, entry: LoggedEntry, act: str) -> None:
        if self.parameters is not None:
            self.disagree(entry, "comes after the key ceremony, which fixed the parameters")
            return
        if act == "created":
            if self.created is not None:
                self.disagree(entry, f"a second {entry.kind} (the first is log entry "
                                     f"{self.created.index})")
                return
            self.created = entry
        elif act == "credentials_published":
            self.credentials = entry  # the last one before the ceremony is the list it fixes
        else:
            trustee = entry.content.get("trustee")
            if not isinstance(trustee, int) or isinstance(trustee, bool):
                self.disagree(entry, f"names no trustee (trustee is {trustee!r})")
                return
            self.dealings.setdefault(trustee, []).append(entry)

    def check_parameters(self, ceremony: LoggedEntry, parameters: ElectionParameters) -> None:
        """The parameters are the ones the earlier entries published (spec §13.4)."""
        self.check_created(ceremony, parameters)
        self.check_credentials(ceremony, parameters)
        for trustee in parameters.trustees:
            self.check_dealing(ceremony, trustee)
        stated = ceremony.content
        if "election_hash" in stated and stated["election_hash"] != hex32(parameters.hash):
            self.disagree(ceremony, "its election_hash is not the hash of its parameters")
        if "public_key" in stated and stated["public_key"] != hex32(parameters.public_key):
            self.disagree(ceremony, "its public_key is not the one in its parameters")

    def check_created(self, ceremony: LoggedEntry, parameters: ElectionParameters) -> None:
        created = self.created
        if created is None:
            self.disagree(ceremony, f"no {KIND_PREFIX}created entry precedes it: the question "
                                    "and options in its parameters were never published")
            return
        published, by = created.content, f"log entry {created.index} ({created.kind})"
        if parameters.question != published.get("question"):
            self.disagree(ceremony, f"the question in its parameters is not the one {by} "
                                    "published")
        options = [{"id": o.id, "label": o.label} for o in parameters.options]
        said = published.get("options")
        if options != said:
            if isinstance(said, list) and len(said) == len(options):
                n = next(n for n, (o, p) in enumerate(zip(options, said, strict=True)) if o != p)
                how = f"option {n} is {options[n]!r} in them, {said[n]!r} in {by}"
            else:
                theirs = ([str(o.get("id")) if isinstance(o, dict) else repr(o) for o in said]
                          if isinstance(said, list) else [repr(said)])
                how = (f"{_short([o.id for o in parameters.options])} in them, "
                       f"{_short(theirs)} in {by}")
            self.disagree(ceremony, f"the options in its parameters are not those {by} "
                                    f"published: {how}")
        if parameters.threshold != published.get("threshold"):
            self.disagree(ceremony, f"its threshold is {parameters.threshold}, {by} published "
                                    f"{published.get('threshold')!r}")
        called = published.get("trustees")
        for trustee in parameters.trustees:
            if isinstance(called, int) and not 1 <= trustee.index <= called:
                self.disagree(ceremony, f"trustee {trustee.index} is not one of the {called} "
                                        f"trustees {by} called for")
        for key in CONTEXT_FROM_CREATED:
            if key in published and parameters.context.get(key) != published[key]:
                self.disagree(ceremony, f"the {key} in its parameters' context is "
                                        f"{parameters.context.get(key)!r}, {by} published "
                                        f"{published[key]!r}")

    def check_credentials(self, ceremony: LoggedEntry, parameters: ElectionParameters) -> None:
        entry = self.credentials
        if entry is None:
            self.disagree(ceremony, f"no {KIND_PREFIX}credentials_published entry precedes it: "
                                    "the credentials in its parameters were never published")
            return
        by = f"log entry {entry.index} ({entry.kind})"
        published = entry.content.get("credentials")
        if not (isinstance(published, list) and all(isinstance(c, str) for c in published)):
            self.disagree(ceremony, f"{by} holds no list of credentials to check its "
                                    "parameters' credentials against")
            return
        fixed = [hex32(c) for c in parameters.credentials]
        if fixed == published:
            return
        added = [c for c in fixed if c not in set(published)]
        left_out = [c for c in published if c not in set(fixed)]
        why = (f"its parameters hold {len(fixed)} credentials, not the {len(published)} {by} "
               "published")
        if added:
            why += f"; {len(added)} never published ({_short(added)})"
        if left_out:
            why += f"; {len(left_out)} published but left out ({_short(left_out)})"
        if not added and not left_out:
            why += "; the same credentials in another order, or some twice"
        self.disagree(ceremony, why)

    def check_dealing(self, ceremony: LoggedEntry, trustee: Trustee) -> None:
        index = trustee.index
        posted = self.dealings.get(index, [])
        if not posted:
            self.disagree(ceremony, f"trustee {index} is in its parameters, but no "
                                    f"{KIND_PREFIX}dealing of trustee {index} precedes it")
            return
        if len(posted) > 1:
            self.disagree(ceremony, f"trustee {index} dealt more than once (log entries "
                                    f"{', '.join(str(e.index) for e in posted)})")
            return
        entry = posted[0]
        by = f"its own dealing, log entry {entry.index} ({entry.kind})"
        content = entry.content
        try:
            if not {"commitments", "proofs"} <= set(content):
                raise EncodingError("it lacks its commitments or proofs")
            dealt = Dealing.from_parts(index, content, f"log entry {entry.index}")
        except EncodingError as error:
            self.disagree(ceremony, f"trustee {index}'s dealing, log entry {entry.index}, does "
                                    f"not read: {error}")
            return
        if dealt.commitments != trustee.dealing.commitments:
            self.disagree(ceremony, f"trustee {index}'s commitments in its parameters are not "
                                    f"those of {by}")
        if dealt.proofs != trustee.dealing.proofs:
            self.disagree(ceremony, f"trustee {index}'s proofs of knowledge in its parameters "
                                    f"are not those of {by}")
        if "name" in content and content["name"] != trustee.name:
            self.disagree(ceremony, f"trustee {index}'s name in its parameters is "
                                    f"{trustee.name!r}, {by} says {content['name']!r}")

    # What the result entry and the decision state ------------------------------------------

    def check_result_summary(self, entry: LoggedEntry, result: Result) -> None:
        """The readable summary beside the result (`counts`, `decided`) is the result's."""
        assert self.parameters is not None
        ids = [o.id for o in self.parameters.options]
        stated: dict[str, Any] = entry.content
        if "counts" in stated and (len(result.counts) != len(ids)
                                   or stated["counts"] != dict(zip(ids, result.counts,
                                                                   strict=True))):
            self.disagree(entry, "its counts are not those of its result")
        if "decided" in stated and stated["decided"] != outcome(self.parameters, result):
            self.disagree(entry, f"it says {stated['decided']!r} was decided, its result "
                                 f"decides {outcome(self.parameters, result)!r}")

    def read_decision(self, entry: LoggedEntry) -> None:
        """A `decision.recorded` entry citing this plebiscite: it must come after the result,
        once, for the plebiscite's nationality, and state the result's outcome."""
        if self.result is None or self.parameters is None or self.result_entry is None:
            self.disagree(entry, "records a decision by the plebiscite, which has no result "
                                 "before it")
            return
        if self.decision is not None:
            self.disagree(entry, f"a second decision by the plebiscite (the first is log "
                                 f"entry {self.decision.index})")
            return
        self.decision = entry
        by = f"the result, log entry {self.result_entry.index}"
        content = entry.content
        withheld = self.result_entry.content.get("decision_withheld")
        if withheld:
            self.disagree(entry, f"records a decision by the plebiscite, but {by}, says none "
                                 f"was recorded: {withheld}")
        nationality = self.nationality()
        if nationality is not None and (content.get("nationality") != nationality
                                        or entry.subject != f"nationality:{nationality}"):
            self.disagree(entry, f"is a decision of {content.get('nationality')!r}, but the "
                                 f"plebiscite is of {nationality!r}")
        if content.get("via") != "plebiscite":
            self.disagree(entry, f"says it was taken via {content.get('via')!r}, not by the "
                                 "plebiscite it cites")
        decided = outcome(self.parameters, self.result)
        stated = (content.get("choice"), content.get("joins"))
        if decided is None:
            self.disagree(entry, f"records a decision, but {by}, decides nothing (no ballot "
                                 "counted, or a tie)")
        elif decided == SEPARATE_STATE:
            if stated != (SEPARATE_STATE, None):
                self.disagree(entry, f"states {_decision(stated)}, but {by}, decides "
                                     "for a separate state")
        elif decided.startswith(JOIN_PREFIX):
            if stated != ("join", decided.removeprefix(JOIN_PREFIX)):
                self.disagree(entry, f"states {_decision(stated)}, but {by}, decides "
                                     f"to join {decided.removeprefix(JOIN_PREFIX)}")
        else:
            self.disagree(entry, f"records a decision, but the option {by} decides "
                                 f"({decided!r}) is not one a decision states")

    def nationality(self) -> str | None:
        if self.created is not None and isinstance(self.created.content.get("nationality"), str):
            return str(self.created.content["nationality"])
        if self.parameters is not None:
            return self.parameters.context.get("nationality")
        return None

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


def _decision(stated: tuple[object, object]) -> str:
    choice, joins = stated
    if choice == "join":
        return f"joining {joins!r}"
    return "a separate state" if (choice, joins) == (SEPARATE_STATE, None) else repr(stated)


@dataclass(frozen=True)
class RecordFromLog:
    """The record the entries give, and every way it disagrees with what the plebiscite
    published before its key ceremony and after its result (spec §13.4), each naming the
    entries. A record with failures must not be taken as the plebiscite's."""

    record: ElectionRecord
    failures: tuple[str, ...]


def read_record(election_id: str, entries: Iterable[LoggedEntry]) -> RecordFromLog:
    """The election record of `election_id` from the log's entries, in log order (entries about
    other subjects are skipped, but for the decisions that cite the plebiscite), with its
    consistency failures; raises `RecordFromLogError` (an `EncodingError`) naming the entry when
    the entries give no record at all."""
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
        elif entry.kind == DECISION and cites(election_id, entry.content.get("source")):
            reading.read_decision(entry)
    return RecordFromLog(reading.record(), tuple(reading.failures))


def record_from_entries(election_id: str, entries: Iterable[LoggedEntry]) -> ElectionRecord:
    """The election record of `election_id` from its log entries (`read_record`); raises
    `RecordFromLogError` naming the entry that does not fit, and also when the record disagrees
    with what the plebiscite published (every failure, one a line)."""
    read = read_record(election_id, entries)
    if read.failures:
        raise RecordFromLogError("\n".join(read.failures))
    return read.record
