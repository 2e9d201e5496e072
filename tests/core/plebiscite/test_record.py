"""The ballot box, the tally and the election record (spec §11–§13): the last ballot of each
credential counts, an audited ballot can never be cast, and `verify_record` catches every
tampering and names it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.plebiscite import (
    AuditedBallot,
    BallotBox,
    BallotRejected,
    Board,
    ElectionRecord,
    PartialDecryption,
    Result,
    encrypt_ballot,
    group,
    tracker,
    verify_ballots,
    verify_record,
)
from openpeace.core.plebiscite import ballot as ballot_module
from openpeace.core.plebiscite.ballot import ballot_problem
from openpeace.core.plebiscite.elgamal import Ciphertext, encrypt
from openpeace.core.plebiscite.proofs import EqualityProof

from .conftest import Setup, tallied
from .test_ballot import forge


def failures(record: ElectionRecord | bytes) -> list[str]:
    return list(verify_record(record).failures)


def test_an_honest_record_verifies(setup: Setup, record: ElectionRecord) -> None:
    # Last ballots: voter 0 → 0, 1 → 2, 2 → 1, 3 → 1, 4 → 0, 5 → 1.
    assert record.result == Result((2, 3, 1), 6)
    assert record.tally is not None and record.tally.counted == (2, 4, 5, 6, 7, 8)
    report = verify_record(record.to_bytes())
    assert report.ok, report.failures
    assert (report.ballots, report.audits, report.counted, report.counts) == (9, 1, 6, (2, 3, 1))
    assert "separate_state: 2" in report.summary()
    parsed, stated = ElectionRecord.from_bytes(record.to_bytes())
    assert parsed == record and stated == setup.parameters.hash


def test_a_record_before_the_tally_verifies(setup: Setup, record: ElectionRecord) -> None:
    report = verify_record(ElectionRecord(setup.parameters, record.board).to_bytes())
    assert report.ok and report.counts is None and "no tally yet" in report.summary()


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2)), min_size=0, max_size=9))
def test_the_tally_counts_only_the_last_ballot_per_credential(
    setup: Setup, casts: list[tuple[int, int]]
) -> None:
    box = BallotBox(setup.election)
    for voter, choice in casts:
        box.cast(encrypt_ballot(setup.election, setup.credentials[voter], choice).data)
    last = dict(casts)
    record = tallied(setup, box.board, trustees=(2, 3))
    assert record.result == Result(
        tuple(list(last.values()).count(option) for option in range(3)), len(last)
    )
    assert verify_record(record).ok


def test_an_audited_ballot_checks_and_can_never_be_cast(setup: Setup) -> None:
    box = BallotBox(setup.election)
    prepared = encrypt_ballot(setup.election, setup.credentials[0], 1)
    box.audit(prepared.reveal())
    with pytest.raises(BallotRejected, match=r"was audited \(audit 0\): it cannot be cast"):
        box.cast(prepared.data)
    with pytest.raises(BallotRejected, match="reuses a ciphertext of audit 0"):
        box.audit(prepared.reveal())
    cast = encrypt_ballot(setup.election, setup.credentials[0], 1)
    box.cast(cast.data)
    with pytest.raises(BallotRejected, match="reuses a ciphertext of ballot 0"):
        box.audit(cast.reveal())
    lying = dataclasses.replace(cast.reveal(), choice=2)
    with pytest.raises(BallotRejected, match="not the encryption"):
        box.audit(lying)


def test_a_replayed_ballot_is_refused(setup: Setup) -> None:
    """Replaying a voter's earlier ballot would make it the last again."""
    box = BallotBox(setup.election)
    first = encrypt_ballot(setup.election, setup.credentials[0], 1).data
    box.cast(first)
    box.cast(encrypt_ballot(setup.election, setup.credentials[0], 2).data)
    with pytest.raises(BallotRejected, match="reuses a ciphertext of ballot 0"):
        box.cast(first)
    with pytest.raises(BallotRejected, match="not a ballot of this format"):
        box.cast(b"nonsense")


@settings(max_examples=8, deadline=None)
@given(pair=st.sampled_from([(0, 1), (0, 2), (1, 2)]), choice=st.integers(0, 2),
       r=st.integers(1, group.L - 1), audited=st.booleans())
def test_a_ballot_repeating_a_ciphertext_within_itself_is_refused(
    setup: Setup, pair: tuple[int, int], choice: int, r: int, audited: bool
) -> None:
    """Two options encrypted with the same r have the same A: the ballot verifies on its own,
    but the board refuses it (cast or audited) and the verifier names it (spec §11.2)."""
    first, second = pair
    randomness = [group.random_scalar() for _ in range(3)]
    randomness[first] = randomness[second] = r
    messages = [int(o == choice) for o in range(3)]
    data = forge(setup.election, setup.credentials[0], messages, randomness)
    assert ballot_problem(setup.election, data) is None
    a = encrypt(setup.election.public_key, 0, r).a.hex()  # r·G
    why = f"repeats a ciphertext: options {first} and {second} share the ciphertext A = {a}"
    box = BallotBox(setup.election)
    with pytest.raises(BallotRejected, match=f"^the (audited )?ballot {why}$"):
        if audited:
            box.audit(AuditedBallot(data, choice, tuple(randomness)))
        else:
            box.cast(data)
    assert box.board == Board(())
    honest = encrypt_ballot(setup.election, setup.credentials[1], choice).data
    board = (Board((honest,), (AuditedBallot(data, choice, tuple(randomness)),)) if audited
             else Board((honest, data)))
    found = failures(ElectionRecord(setup.parameters, board))
    assert found == [f"audit 0: {why}" if audited else f"ballot 1: {why}"]


def test_the_box_restores_and_finds_trackers(setup: Setup, record: ElectionRecord) -> None:
    box = BallotBox(setup.election, record.board)
    assert box.board == record.board
    assert box.position(tracker(record.board.ballots[3])) == 3
    assert box.position(bytes(32)) is None
    with pytest.raises(BallotRejected, match="it cannot be cast"):
        box.cast(record.board.audits[0].data)


def replace_tally(record: ElectionRecord, **changes: object) -> ElectionRecord:
    assert record.tally is not None
    return dataclasses.replace(
        record, tally=dataclasses.replace(record.tally, **changes)  # type: ignore[arg-type]
    )


def test_a_tampered_product_is_caught(record: ElectionRecord) -> None:
    assert record.tally is not None
    product = list(record.tally.product)
    product[1] = Ciphertext(product[1].a, group.add(product[1].b, group.BASE))
    found = failures(replace_tally(record, product=tuple(product)))
    assert "tally: the product for option 1 is not the product of the counted ballots" in found
    assert "trustee 1: the proof of decryption of option 1 does not verify" in found


def test_a_tampered_partial_decryption_is_caught(record: ElectionRecord) -> None:
    first = record.decryptions[0]
    shares = (first.shares[0], group.add(first.shares[1], group.BASE), first.shares[2])
    bad = PartialDecryption(first.trustee, shares, first.proofs)
    found = failures(dataclasses.replace(record, decryptions=(bad, *record.decryptions[1:])))
    assert found == [
        "trustee 1: the proof of decryption of option 1 does not verify",
        "decryptions: 1 valid partial decryptions, fewer than the threshold 2",
    ]
    proofs = (first.proofs[0], first.proofs[1], EqualityProof(first.proofs[2].c, 5))
    bad = PartialDecryption(first.trustee, first.shares, proofs)
    found = failures(dataclasses.replace(record, decryptions=(bad, *record.decryptions[1:])))
    assert found[0] == "trustee 1: the proof of decryption of option 2 does not verify"


def test_a_tampered_result_is_caught(record: ElectionRecord) -> None:
    found = failures(dataclasses.replace(record, result=Result((3, 2, 1), 6)))
    assert found == [
        "result: option 0 (separate_state) has 3 votes, the decryption gives 2",
        "result: option 1 (join_russia) has 2 votes, the decryption gives 3",
    ]
    found = failures(dataclasses.replace(record, result=Result((2, 3, 1), 7)))
    assert found == ["result: 7 ballots, but 6 are to be counted"]


def test_a_removed_ballot_is_caught(record: ElectionRecord) -> None:
    ballots = record.board.ballots[:4] + record.board.ballots[5:]  # voter 3's only ballot
    found = failures(dataclasses.replace(record, board=Board(ballots, record.board.audits)))
    assert "tally: the board digest is not the digest of the board" in found
    assert any(f.startswith("tally: the product for option") for f in found)


def test_an_added_ballot_is_caught(setup: Setup, record: ElectionRecord) -> None:
    # A real voter's ballot slipped in after the tally.
    late = encrypt_ballot(setup.election, setup.credentials[3], 0).data
    found = failures(dataclasses.replace(
        record, board=Board((*record.board.ballots, late), record.board.audits)
    ))
    assert "tally: ballot 9 is the last ballot of its credential but is not counted" in found
    assert "tally: ballot 4 is counted but is not the last valid ballot of its credential" \
        in found
    assert "tally: the board digest is not the digest of the board" in found
    # A ballot the server made up: it has no credential of the list.
    forged = bytearray(late)
    forged[40] ^= 1
    found = failures(dataclasses.replace(
        record, board=Board((*record.board.ballots, bytes(forged)), record.board.audits)
    ))
    assert found[0] == "ballot 9: its credential is not on the election's list"


def test_an_audited_ballot_on_the_board_is_caught(setup: Setup, record: ElectionRecord) -> None:
    ballots = (*record.board.ballots, record.board.audits[0].data)
    found = failures(dataclasses.replace(record, board=Board(ballots, record.board.audits)))
    assert "audit 0: reuses a ciphertext of ballot 9" in found


def test_swapped_ballots_are_caught(record: ElectionRecord) -> None:
    ballots = list(record.board.ballots)
    ballots[0], ballots[8] = ballots[8], ballots[0]  # voter 0's first and last
    found = failures(dataclasses.replace(record, board=Board(tuple(ballots),
                                                             record.board.audits)))
    # Position 8 is still voter 0's last, but now holds another ballot (for option 2).
    assert found[:2] == [
        "tally: the board digest is not the digest of the board",
        "tally: the product for option 0 is not the product of the counted ballots",
    ]


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_any_flipped_byte_of_the_record_fails(record: ElectionRecord, data: st.DataObject) -> None:
    encoded = record.to_bytes()
    position = data.draw(st.integers(0, len(encoded) - 1))
    mask = data.draw(st.integers(1, 255))
    flipped = encoded[:position] + bytes([encoded[position] ^ mask]) + encoded[position + 1 :]
    report = verify_record(flipped)
    assert not report.ok and report.failures


@pytest.mark.parametrize("mutate", [
    lambda s: s.replace(b'"threshold":2', b'"threshold":1'),
    lambda s: s.replace(b'"question":"Shall', b'"question":"Will'),
    lambda s: s.replace(b'"format":"openpeace-plebiscite-v1"', b'"format":"other"'),
    lambda s: s.replace(b'{"ballots"', b'{ "ballots"'),
])
def test_edited_records_name_what_failed(
    record: ElectionRecord, mutate: Callable[[bytes], bytes]
) -> None:
    edited = mutate(record.to_bytes())
    assert edited != record.to_bytes()
    report = verify_record(edited)
    assert not report.ok and len(report.failures) <= 101, report.failures


def test_parallel_verification_agrees(setup: Setup, record: ElectionRecord,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ballot_module, "_CHUNK", 2)
    ballots = [*record.board.ballots, b"junk"]
    assert verify_ballots(setup.election, ballots, processes=2) == \
        verify_ballots(setup.election, ballots) == [None] * 9 + ["not a ballot of this format"]
