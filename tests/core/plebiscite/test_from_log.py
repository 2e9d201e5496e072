"""The election record rebuilt from log entries (spec §13.4): the same record as exported, a
clear error naming the entry when the entries do not tell one consistent story, and a named
failure wherever the record is not the plebiscite that was published (its question, options,
credentials, trustees' commitments) or the decision recorded from it does not state its result.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.log.entries import LoggedEntry
from openpeace.core.plebiscite import (
    BallotBox,
    ElectionParameters,
    ElectionRecord,
    Option,
    encrypt_ballot,
    verify_record,
)
from openpeace.core.plebiscite.credentials import PrivateCredential
from openpeace.core.plebiscite.encoding import b64, hex32
from openpeace.core.plebiscite.from_log import (
    RecordFromLogError,
    entry_filter,
    outcome,
    read_record,
    record_from_entries,
    subject,
)

from .conftest import make_setup, seed, tallied

NATIONALITY = "armenians"


def decision_of(record: ElectionRecord, choice: str | None = None,
                joins: str | None = None) -> dict[str, Any]:
    """The `decision.recorded` content the service writes from the record's result; by
    default stating the result's outcome."""
    assert record.result is not None
    decided = outcome(record.parameters, record.result)
    if choice is None:
        assert decided is not None
        choice, joins = (("separate_state", None) if decided == "separate_state"
                         else ("join", decided.removeprefix("join:")))
    return {"nationality": NATIONALITY, "choice": choice, "joins": joins, "via": "plebiscite",
            "taken_on": "1918-01-10",
            "source": f"plebiscite {record.parameters.election_id} (…; "
                      f"{record.result.ballots} ballots counted)"}


def entries_of(record: ElectionRecord, *, decision: bool = False) -> list[LoggedEntry]:
    """The entries the service writes for this record, in order, among other acts' entries:
    the plebiscite called, its credentials published, each trustee's dealing, the ceremony, the
    board, the tally, the decryptions, the result (and, with `decision`, the decision)."""
    parameters = record.parameters
    about = subject(parameters.election_id)
    called = max(t.index for t in parameters.trustees)
    created: dict[str, object] = {
        "question": parameters.question, "threshold": parameters.threshold,
        "options": [{"id": o.id, "label": o.label} for o in parameters.options],
        "trustees": called,
        **parameters.context,
    }
    acts: list[tuple[str, dict[str, object]]] = [
        ("created", created),
        ("credentials_published", {"count": len(parameters.credentials),
                                   "credentials": [hex32(c) for c in parameters.credentials]}),
    ]
    acts += [("trustee_appointed", {"trustee": t.index, "name": t.name})
             for t in parameters.trustees]
    acts += [("dealing", {"name": t.name, **t.dealing.to_json()}) for t in parameters.trustees]
    acts.append(("key_ceremony", {"parameters": parameters.to_json(), "findings": [],
                                  "election_hash": hex32(parameters.hash),
                                  "public_key": hex32(parameters.public_key)}))
    acts += [("ballot_cast", {"position": n, "ballot": b64(data)})
             for n, data in enumerate(record.board.ballots)]
    acts += [("ballot_audited", {"position": n, "audit": audit.to_json()})
             for n, audit in enumerate(record.board.audits)]
    assert record.tally is not None and record.result is not None
    acts.append(("voting_closed", {"tally": record.tally.to_json()}))
    acts += [("decryption", {"decryption": p.to_json()}) for p in record.decryptions]
    ids = [o.id for o in parameters.options]
    acts.append(("result", {"result": record.result.to_json(),
                            "counts": dict(zip(ids, record.result.counts, strict=True)),
                            "decided": outcome(parameters, record.result)}))
    entries = []
    for kind, content in acts:
        entries.append(LoggedEntry(len(entries), "offer.note", "offer:1", "t", {"n": 1}))
        entries.append(LoggedEntry(len(entries), f"plebiscite.{kind}", about, "t",
                                   {"election_id": parameters.election_id,
                                    "nationality": NATIONALITY, **content}))
    if decision:
        entries.append(LoggedEntry(len(entries), "decision.recorded",
                                   f"nationality:{NATIONALITY}", "t", decision_of(record)))
    return entries


def rebuilt(entries: list[LoggedEntry], election_id: str) -> ElectionRecord:
    return record_from_entries(election_id, entries)


def test_the_entries_give_the_record_byte_for_byte(record: ElectionRecord) -> None:
    again = rebuilt(entries_of(record), record.parameters.election_id)
    assert again.to_bytes() == record.to_bytes()
    assert verify_record(again.to_bytes()).ok
    assert read_record(record.parameters.election_id, entries_of(record)).failures == ()


def test_another_plebiscite_has_no_record_in_these_entries(
    record: ElectionRecord,
) -> None:
    with pytest.raises(RecordFromLogError, match="no key ceremony for the plebiscite 'other'"):
        rebuilt(entries_of(record), "other")


def _plebiscite_positions(entries: list[LoggedEntry], kind: str) -> list[int]:
    return [n for n, e in enumerate(entries) if e.kind == f"plebiscite.{kind}"]


@pytest.mark.parametrize(("change", "message"), [
    ("drop ballot 1", "has board position 2, but it is the entry for position 1"),
    ("ballot after tally", "comes after the tally"),
    ("ceremony twice", "a second key ceremony"),
    ("ballot before ceremony", "comes before the key ceremony"),
    ("result first", "the one result comes after the decryptions"),
    ("decryption first", "a decryption comes between the tally and the result"),
    ("bad ballot", "log entry"),
])
def test_inconsistent_entries_are_refused_naming_the_entry(
    record: ElectionRecord, change: str, message: str,
) -> None:
    entries = entries_of(record)
    ballots = _plebiscite_positions(entries, "ballot_cast")
    closed = _plebiscite_positions(entries, "voting_closed")[0]
    if change == "drop ballot 1":
        del entries[ballots[1]]
    elif change == "ballot after tally":
        entries.append(entries[ballots[-1]])
    elif change == "ceremony twice":
        entries.append(entries[_plebiscite_positions(entries, "key_ceremony")[0]])
    elif change == "ballot before ceremony":
        entries.insert(0, entries[ballots[0]])
    elif change == "result first":
        entries.insert(closed, entries[-1])
    elif change == "decryption first":
        entries.insert(closed, entries[_plebiscite_positions(entries, "decryption")[0]])
    else:
        first = entries[ballots[0]]
        entries[ballots[0]] = LoggedEntry(first.index, first.kind, first.subject, first.time,
                                          {"position": 0, "ballot": "not base64!"})
    with pytest.raises(RecordFromLogError, match=message) as raised:
        rebuilt(entries, record.parameters.election_id)
    assert str(raised.value).startswith("log entry ")


def test_a_log_missing_any_counted_act_gives_no_verifying_record(
    record: ElectionRecord,
) -> None:
    """Dropping any one entry of the ceremony, the ballots, the tally or the decryptions
    either breaks the rebuilding or gives a record that does not verify. Two are left out, on
    purpose: the result (without it, the record is one not yet decided) and an audit (it
    changes no count, and the board digest covers cast ballots only); the log's tree, verified
    before, is what shows that no entry was dropped."""
    whole = entries_of(record)
    counted = ("plebiscite.key_ceremony", "plebiscite.ballot_cast", "plebiscite.voting_closed",
               "plebiscite.decryption")
    acts = [n for n, e in enumerate(whole) if e.kind in counted]
    assert len(acts) == 1 + len(record.board.ballots) + 1 + len(record.decryptions)
    for dropped in acts:
        entries = whole[:dropped] + whole[dropped + 1:]
        try:
            again = rebuilt(entries, record.parameters.election_id)
        except RecordFromLogError:
            continue
        assert not verify_record(again.to_bytes()).ok, whole[dropped].kind


# The record against what the plebiscite published (spec §13.4) ------------------------------

DECIDED_ID = "armenians-19180101-1"
SERVICE_OPTIONS = (Option("separate_state", "to form a separate state"),
                   Option("join:russia", "to join Russia"),
                   Option("join:ottoman-empire", "to join the Ottoman Empire"))


@pytest.fixture(scope="module")
def decided() -> ElectionRecord:
    """A record with the service's option ids, five voters, decided for joining Russia."""
    setup = make_setup(election_id=DECIDED_ID, options=SERVICE_OPTIONS, voters=5,
                       key_label="decided ", voter_label="decided ")
    box = BallotBox(setup.election)
    for voter, choice in enumerate([1, 1, 0, 1, 2]):
        box.cast(encrypt_ballot(setup.election, setup.credentials[voter], choice,
                                seed=seed(f"decided {voter}")).data)
    return tallied(setup, box.board)


def at(entries: list[LoggedEntry], kind: str, nth: int = 0) -> int:
    return [n for n, e in enumerate(entries) if e.kind == kind][nth]


def edited(entries: list[LoggedEntry], position: int, **changes: Any) -> list[LoggedEntry]:
    """The entries with the content of the one at `position` changed (None deletes a field)."""
    entry = entries[position]
    content = copy.deepcopy(entry.content)
    for name, value in changes.items():
        if value is None:
            content.pop(name, None)
        else:
            content[name] = value
    return [*entries[:position], dataclasses.replace(entry, content=content),
            *entries[position + 1:]]


def ceremony_with(entries: list[LoggedEntry], parameters: ElectionParameters
                  ) -> list[LoggedEntry]:
    """A key ceremony recorded with other parameters, its stated hash and key recomputed (as
    an operator recording it from an altered database would)."""
    return edited(entries, at(entries, "plebiscite.key_ceremony"),
                  parameters=parameters.to_json(), election_hash=hex32(parameters.hash),
                  public_key=hex32(parameters.public_key))


def failures_of(entries: list[LoggedEntry], election_id: str = DECIDED_ID) -> tuple[str, ...]:
    return read_record(election_id, entries).failures


def named(failures: tuple[str, ...], entry: LoggedEntry, pattern: str) -> bool:
    """Whether a failure names `entry` and says `pattern`."""
    return any(f.startswith(f"log entry {entry.index} ({entry.kind}): ")
               and re.search(pattern, f) for f in failures)


def test_an_honest_log_with_its_decision_has_no_failure(decided: ElectionRecord) -> None:
    entries = entries_of(decided, decision=True)
    read = read_record(DECIDED_ID, entries)
    assert read.failures == ()
    assert read.record.to_bytes() == decided.to_bytes()
    assert verify_record(read.record.to_bytes()).ok
    assert outcome(decided.parameters, decided.result) == "join:russia"  # type: ignore[arg-type]


def test_a_credential_stuffed_into_the_ceremony_is_named(decided: ElectionRecord) -> None:
    """The audit's case: one credential more in the parameters than the commission published;
    the record verifies on its own, but not against the log."""
    stuffed = PrivateCredential(seed("stuffed")).public
    parameters = dataclasses.replace(
        decided.parameters, credentials=tuple(sorted((*decided.parameters.credentials,
                                                      stuffed))))
    entries = ceremony_with(entries_of(decided), parameters)
    failures = failures_of(entries)
    ceremony = entries[at(entries, "plebiscite.key_ceremony")]
    published = entries[at(entries, "plebiscite.credentials_published")]
    assert named(failures, ceremony,
                 f"its parameters hold 6 credentials, not the 5 log entry {published.index} "
                 rf"\(plebiscite.credentials_published\) published; 1 never published "
                 rf"\({stuffed.hex()}\)")
    assert len(failures) == 1, failures
    with pytest.raises(RecordFromLogError, match="1 never published"):
        record_from_entries(DECIDED_ID, entries)


def _other_dealing(index: int) -> dict[str, Any]:
    other = make_setup(election_id=DECIDED_ID, options=SERVICE_OPTIONS, voters=5,
                       key_label="other trustees ", voter_label="decided ")
    return other.parameters.trustees[index - 1].dealing.to_json()


TAMPERED: dict[str, tuple[str, str]] = {
    # change: (the entry the failure names, what it says)
    "credential left out of the list": (
        "plebiscite.key_ceremony", r"1 never published \("),
    "credentials republished after the ceremony": (
        "plebiscite.credentials_published", "comes after the key ceremony"),
    "no credentials published": (
        "plebiscite.key_ceremony", "no plebiscite.credentials_published entry precedes it"),
    "question": ("plebiscite.key_ceremony", "the question in its parameters is not the one"),
    "option label": ("plebiscite.key_ceremony",
                     r"the options in its parameters are not those .*: option 0 is "),
    "option added": ("plebiscite.key_ceremony",
                     "separate_state, join:russia, join:ottoman-empire and 1 more in them"),
    "threshold": ("plebiscite.key_ceremony", "its threshold is 2, .* published 3"),
    "nationality": ("plebiscite.key_ceremony", "the nationality in its parameters' context"),
    "question's language": ("plebiscite.key_ceremony",
                            "the language in its parameters' context is None, .* published 'ru'"),
    "trustee not called": ("plebiscite.key_ceremony", "trustee 3 is not one of the 2 trustees"),
    "no plebiscite.created": ("plebiscite.key_ceremony", "no plebiscite.created entry"),
    "commitments": ("plebiscite.key_ceremony",
                    r"trustee 2's commitments in its parameters are not those of its own "
                    r"dealing, log entry \d+ \(plebiscite.dealing\)"),
    "proofs": ("plebiscite.key_ceremony", "trustee 2's proofs of knowledge"),
    "trustee name": ("plebiscite.key_ceremony", "trustee 1's name in its parameters is"),
    "no dealing": ("plebiscite.key_ceremony",
                   "trustee 3 is in its parameters, but no plebiscite.dealing"),
    "dealt twice": ("plebiscite.key_ceremony", r"trustee 2 dealt more than once"),
    "stated election hash": ("plebiscite.key_ceremony", "its election_hash is not the hash"),
    "result says decided": ("plebiscite.result", "it says 'separate_state' was decided"),
    "result counts": ("plebiscite.result", "its counts are not those of its result"),
    "decision joins another state": (
        "decision.recorded", r"states joining 'ottoman-empire', but the result, log entry \d+, "
                             "decides to join russia"),
    "decision for a separate state": ("decision.recorded", "states a separate state"),
    "decision before the result": ("decision.recorded", "which has no result before it"),
    "decision twice": ("decision.recorded", "a second decision by the plebiscite"),
    "decision of another nationality": ("decision.recorded", "is a decision of 'finns'"),
    "decision via another way": ("decision.recorded", "taken via 'referendum'"),
    "decision from a tie": ("decision.recorded", "decides nothing"),
    "decision withheld, yet recorded": ("decision.recorded", "says none was recorded: it "
                                                             "contradicts"),
    "another commission closes the vote": (
        "plebiscite.voting_closed", "names the commission 'another commission', but the "
                                    "plebiscite was called by 'the commission'"),
}


def tamper(decided: ElectionRecord, change: str) -> list[LoggedEntry]:
    """The honest entries changed by `change`, given their indexes in the new order."""
    return [dataclasses.replace(e, index=n) for n, e in enumerate(_tamper(decided, change))]


def _tamper(decided: ElectionRecord, change: str) -> list[LoggedEntry]:
    entries = entries_of(decided, decision=True)
    parameters = decided.parameters
    credentials = at(entries, "plebiscite.credentials_published")
    created = at(entries, "plebiscite.created")
    dealing = at(entries, "plebiscite.dealing", 1)
    decision = at(entries, "decision.recorded")
    result = at(entries, "plebiscite.result")
    if change == "credential left out of the list":
        listed = entries[credentials].content["credentials"]
        return edited(entries, credentials, credentials=listed[1:], count=len(listed) - 1)
    if change == "credentials republished after the ceremony":
        return [*entries, entries[credentials]]
    if change == "no credentials published":
        return entries[:credentials] + entries[credentials + 1:]
    if change == "question":
        return edited(entries, created, question="Join Russia?")
    if change == "option label":
        options = copy.deepcopy(entries[created].content["options"])
        options[0]["label"] = "to stay as we are"
        return edited(entries, created, options=options)
    if change == "option added":
        return ceremony_with(entries, dataclasses.replace(
            parameters, options=(*parameters.options, Option("join:germany", "Germany"))))
    if change == "threshold":
        return edited(entries, created, threshold=3)
    if change == "nationality":
        return edited(entries, created, nationality="finns")
    if change == "question's language":
        return edited(entries, created, language="ru")
    if change == "trustee not called":
        return edited(entries, created, trustees=2)
    if change == "no plebiscite.created":
        return entries[:created] + entries[created + 1:]
    if change == "commitments":
        return edited(entries, dealing, commitments=_other_dealing(2)["commitments"])
    if change == "proofs":
        return edited(entries, dealing, proofs=_other_dealing(2)["proofs"])
    if change == "trustee name":
        return ceremony_with(entries, dataclasses.replace(parameters, trustees=(
            dataclasses.replace(parameters.trustees[0], name="Somebody else"),
            *parameters.trustees[1:])))
    if change == "no dealing":
        third = at(entries, "plebiscite.dealing", 2)
        return entries[:third] + entries[third + 1:]
    if change == "dealt twice":
        return [*entries[:dealing], entries[dealing], *entries[dealing:]]
    if change == "stated election hash":
        return edited(entries, at(entries, "plebiscite.key_ceremony"), election_hash="00" * 32)
    if change == "result says decided":
        return edited(entries, result, decided="separate_state")
    if change == "result counts":
        return edited(entries, result, counts={"separate_state": 5})
    if change == "decision joins another state":
        return edited(entries, decision, joins="ottoman-empire")
    if change == "decision for a separate state":
        return edited(entries, decision, choice="separate_state", joins=None)
    if change == "decision before the result":
        return [*entries[:result], entries[decision], *entries[result:decision]]
    if change == "decision twice":
        return [*entries, entries[decision]]
    if change == "decision of another nationality":
        return edited(entries, decision, nationality="finns")
    if change == "decision via another way":
        return edited(entries, decision, via="referendum")
    if change == "decision withheld, yet recorded":
        return edited(entries, result, decision_withheld="it contradicts a free decision")
    if change == "another commission closes the vote":
        entries = edited(entries, created, commission="the commission")
        return edited(entries, at(entries, "plebiscite.voting_closed"),
                      commission="another commission")
    assert change == "decision from a tie"
    return edited(entries, result, result={"counts": [2, 2, 1], "ballots": 5},
                  counts={"separate_state": 2, "join:russia": 2, "join:ottoman-empire": 1},
                  decided=None)


@pytest.mark.parametrize("change", sorted(TAMPERED))
def test_each_disagreement_with_what_was_published_is_a_named_failure(
    decided: ElectionRecord, change: str,
) -> None:
    kind, says = TAMPERED[change]
    entries = tamper(decided, change)
    read = read_record(DECIDED_ID, entries)
    assert read.failures, change
    blamed = [e for e in entries if e.kind == kind]
    assert any(named(read.failures, entry, says) for entry in blamed), read.failures
    with pytest.raises(RecordFromLogError):
        record_from_entries(DECIDED_ID, entries)


@given(dropped=st.sets(st.integers(min_value=0, max_value=4), max_size=5),
       added=st.integers(min_value=0, max_value=3), shuffled=st.booleans())
def test_the_parameters_credentials_must_be_exactly_the_published_list(
    decided: ElectionRecord, dropped: set[int], added: int, shuffled: bool,
) -> None:
    """Whatever credentials the operator adds to or drops from the list the ceremony fixes,
    or reorders, the failure names the ceremony; only the published list itself passes."""
    published = list(decided.parameters.credentials)
    fixed = [c for n, c in enumerate(published) if n not in dropped]
    fixed += [PrivateCredential(seed(f"stuffed {n}")).public for n in range(added)]
    fixed = sorted(fixed, reverse=shuffled)
    entries = ceremony_with(entries_of(decided), dataclasses.replace(
        decided.parameters, credentials=tuple(fixed)))
    failures = failures_of(entries)
    ceremony = entries[at(entries, "plebiscite.key_ceremony")]
    if fixed == published:
        assert failures == ()
    else:
        assert named(failures, ceremony, "credentials, not the 5"), failures
        assert (f"{added} never published" in failures[0]) == (added > 0)
        assert (f"{len(dropped)} published but left out" in failures[0]) == bool(dropped)


def test_only_the_plebiscites_entries_and_decisions_citing_it_are_kept() -> None:
    def body(kind: str, subject_: str, content: dict[str, object]) -> bytes:
        return json.dumps({"v": 1, "kind": kind, "subject": subject_, "time": "t",
                           "content": content}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()

    wanted = entry_filter(DECIDED_ID)
    assert wanted(body("plebiscite.ballot_cast", subject(DECIDED_ID), {"position": 0}))
    assert wanted(body("decision.recorded", "nationality:armenians",
                       {"source": f"plebiscite {DECIDED_ID} (separate_state: 1)"}))
    assert not wanted(body("decision.recorded", "nationality:armenians",
                           {"source": "the National Council"}))
    assert not wanted(body("plebiscite.ballot_cast", subject("finns-19180101-1"),
                           {"position": 0}))
    assert not wanted(body("offer.released", "offer:x", {"note": DECIDED_ID}))
