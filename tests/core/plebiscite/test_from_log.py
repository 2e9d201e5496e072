"""The election record rebuilt from log entries (spec §13.4): the same record as exported, and
a clear error naming the entry when the entries do not tell one consistent story."""

from __future__ import annotations

import pytest

from openpeace.core.log.entries import LoggedEntry
from openpeace.core.plebiscite import ElectionRecord, verify_record
from openpeace.core.plebiscite.encoding import b64
from openpeace.core.plebiscite.from_log import (
    RecordFromLogError,
    record_from_entries,
    subject,
)


def entries_of(record: ElectionRecord) -> list[LoggedEntry]:
    """The entries the service writes for this record, in order, among other acts' entries."""
    about = subject(record.parameters.election_id)
    acts: list[tuple[str, dict[str, object]]] = [
        ("key_ceremony", {"parameters": record.parameters.to_json()})]
    acts += [("ballot_cast", {"position": n, "ballot": b64(data)})
             for n, data in enumerate(record.board.ballots)]
    acts += [("ballot_audited", {"position": n, "audit": audit.to_json()})
             for n, audit in enumerate(record.board.audits)]
    assert record.tally is not None and record.result is not None
    acts.append(("voting_closed", {"tally": record.tally.to_json()}))
    acts += [("decryption", {"decryption": p.to_json()}) for p in record.decryptions]
    acts.append(("result", {"result": record.result.to_json()}))
    entries = []
    for kind, content in acts:
        entries.append(LoggedEntry(len(entries), "offer.note", "offer:1", "t", {"n": 1}))
        entries.append(LoggedEntry(len(entries), f"plebiscite.{kind}", about, "t", content))
    return entries


def rebuilt(entries: list[LoggedEntry], election_id: str) -> ElectionRecord:
    return record_from_entries(election_id, entries)


def test_the_entries_give_the_record_byte_for_byte(record: ElectionRecord) -> None:
    again = rebuilt(entries_of(record), record.parameters.election_id)
    assert again.to_bytes() == record.to_bytes()
    assert verify_record(again.to_bytes()).ok


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
        entries.append(entries[1])
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
    kept_out = ("plebiscite.result", "plebiscite.ballot_audited")
    acts = [n for n, e in enumerate(whole)
            if e.kind.startswith("plebiscite.") and e.kind not in kept_out]
    assert len(acts) == 1 + len(record.board.ballots) + 1 + len(record.decryptions)
    for dropped in acts:
        entries = whole[:dropped] + whole[dropped + 1:]
        try:
            again = rebuilt(entries, record.parameters.election_id)
        except RecordFromLogError:
            continue
        assert not verify_record(again.to_bytes()).ok, whole[dropped].kind
