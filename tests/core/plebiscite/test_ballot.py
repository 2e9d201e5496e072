"""Ballots on their own (spec §8–§10): honest ballots always verify; a ballot for two options,
for none, with a value of 2, with proofs made for another election, key or voter, with an
unknown credential, or with any byte flipped, never does."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.plebiscite import (
    AuditedBallot,
    Ballot,
    InvalidBallot,
    PrivateCredential,
    audit_check,
    audit_problems,
    elgamal,
    encrypt_ballot,
    group,
    tracker,
    tracker_text,
    verify_ballot,
    verify_ballots,
)
from openpeace.core.plebiscite.ballot import ballot_size
from openpeace.core.plebiscite.election import Election
from openpeace.core.plebiscite.encoding import u32
from openpeace.core.plebiscite.group import L
from openpeace.core.plebiscite.proofs import prove_equality, prove_range

from .conftest import Setup, make_setup, seed

seeds = st.binary(min_size=32, max_size=32)
FAST = settings(max_examples=15, deadline=None)


def resign(ballot: Ballot, signer: PrivateCredential, **changes: object) -> bytes:
    """The ballot with `changes`, signed again by `signer` (an attacker with a credential can
    sign anything; only the proofs stand in the way)."""
    changed = dataclasses.replace(ballot, **changes)  # type: ignore[arg-type]
    body = changed.body()
    return body + signer.sign(body)


def forge(election: Election, credential: PrivateCredential, messages: list[int],
          randomness: Sequence[int] | None = None) -> bytes:
    """A ballot encrypting `messages` (any integers mod L), with the best proofs a cheater can
    make: honest where the claim is true, the 0/1 proof computed as if m were 1 otherwise; with
    the given `randomness` per option (fresh by default)."""
    h = election.public_key
    rs = list(randomness) if randomness is not None else [group.random_scalar() for _ in messages]
    cts = tuple(elgamal.encrypt(h, m % L, r) for m, r in zip(messages, rs, strict=True))
    parts = (credential.public, u32(len(cts)), *(c.to_bytes() for c in cts))
    range_t = election.prefixes.range.extend(*parts)
    proofs = tuple(
        prove_range(range_t.extend(u32(o)), h, c, m if m in (0, 1) else 1, r,
                    group.random_scalar(), group.random_scalar(), group.random_scalar())
        for o, (c, m, r) in enumerate(zip(cts, messages, rs, strict=True))
    )
    sum_proof = prove_equality(
        election.prefixes.sum.extend(*parts), h, sum(rs) % L, group.random_scalar()
    )
    unsigned = Ballot(election.hash, credential.public, cts, proofs, sum_proof, b"")
    return resign(unsigned, credential)


def reason(election: Election, data: bytes) -> str:
    with pytest.raises(InvalidBallot) as caught:
        verify_ballot(election, data)
    return str(caught.value)


@FAST
@given(voter=st.integers(0, 5), choice=st.integers(0, 2), ballot_seed=seeds)
def test_honest_ballots_always_verify(
    setup: Setup, voter: int, choice: int, ballot_seed: bytes
) -> None:
    prepared = encrypt_ballot(setup.election, setup.credentials[voter], choice, seed=ballot_seed)
    assert len(prepared.data) == ballot_size(3) == 774
    ballot = verify_ballot(setup.election, prepared.data)
    assert ballot.to_bytes() == prepared.data
    assert Ballot.from_bytes(prepared.data) == ballot
    assert audit_check(setup.election, prepared.reveal())


def test_a_seed_determines_the_ballot(setup: Setup) -> None:
    one = encrypt_ballot(setup.election, setup.credentials[0], 1, seed=bytes(32))
    assert one == encrypt_ballot(setup.election, setup.credentials[0], 1, seed=bytes(32))
    assert one.data != encrypt_ballot(setup.election, setup.credentials[0], 1).data
    assert len(one.tracker) == 32 and tracker(one.data) == one.tracker
    assert len(tracker_text(one.tracker).split("-")) == 13


def test_forged_honest_messages_verify(setup: Setup) -> None:
    # The forger itself is right when it does not cheat: the failures below are the cheats.
    assert verify_ballot(setup.election, forge(setup.election, setup.credentials[0], [0, 1, 0]))


@pytest.mark.parametrize(("messages", "why"), [
    ([1, 1, 0], "exactly one option"),         # two options
    ([0, 0, 0], "exactly one option"),         # none
    ([1, 1, 1], "exactly one option"),
    ([2, 0, 0], "option 0 is 0 or 1"),         # a value of 2 (its sum is wrong too)
    ([2, -1, 0], "option 0 is 0 or 1"),        # 2 and −1: the sum is 1, the range proofs lie
    ([0, 0, 2], "option 2 is 0 or 1"),
])
def test_cheating_ballots_never_verify(setup: Setup, messages: list[int], why: str) -> None:
    assert why in reason(setup.election, forge(setup.election, setup.credentials[0], messages))


def test_proofs_made_for_another_election_do_not_verify(setup: Setup) -> None:
    other = make_setup(question="Another question?").election
    assert other.public_key == setup.election.public_key and other.hash != setup.election.hash
    voter = setup.credentials[0]
    made_there = verify_ballot(other, encrypt_ballot(other, voter, 0).data)
    moved = resign(made_there, voter, election_hash=setup.election.hash)
    assert "proof that option 0 is 0 or 1 does not verify" in reason(setup.election, moved)
    assert "another election" in reason(setup.election, encrypt_ballot(other, voter, 0).data)


def test_proofs_made_for_another_key_do_not_verify(setup: Setup) -> None:
    other = make_setup(key_label="other trustees ").election
    assert other.public_key != setup.election.public_key
    voter = setup.credentials[1]
    made_there = verify_ballot(other, encrypt_ballot(other, voter, 2).data)
    moved = resign(made_there, voter, election_hash=setup.election.hash)
    assert "does not verify" in reason(setup.election, moved)


def test_copying_another_voters_ciphertexts_does_not_verify(setup: Setup) -> None:
    victim = verify_ballot(setup.election, encrypt_ballot(setup.election,
                                                          setup.credentials[0], 1).data)
    thief = setup.credentials[1]
    copied = resign(victim, thief, credential=thief.public)
    assert "proof that option 0 is 0 or 1 does not verify" in reason(setup.election, copied)


def test_unknown_credentials_and_wrong_signers_are_refused(setup: Setup) -> None:
    stranger = PrivateCredential(seed("not a voter"))
    with pytest.raises(ValueError, match="not on the election's list"):
        encrypt_ballot(setup.election, stranger, 0)
    ballot = verify_ballot(setup.election,
                           encrypt_ballot(setup.election, setup.credentials[0], 0).data)
    assert "not on the election's list" in reason(
        setup.election, resign(ballot, stranger, credential=stranger.public)
    )
    # Voter 1 signing a ballot that names voter 0's credential.
    assert "signature does not verify" in reason(
        setup.election, resign(ballot, setup.credentials[1])
    )


def test_every_flipped_byte_is_refused(setup: Setup) -> None:
    data = encrypt_ballot(setup.election, setup.credentials[2], 1, seed=seed("flip")).data
    accepted = [
        position for position in range(len(data))
        if verify_ballots(setup.election,
                          [data[:position] + bytes([data[position] ^ 1]) + data[position + 1:]])
        == [None]
    ]
    assert accepted == []


@FAST
@given(position=st.integers(0, 773), mask=st.integers(1, 255), ballot_seed=seeds)
def test_any_flipped_byte_is_refused(
    setup: Setup, position: int, mask: int, ballot_seed: bytes
) -> None:
    data = encrypt_ballot(setup.election, setup.credentials[3], 0, seed=ballot_seed).data
    flipped = data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]
    reason(setup.election, flipped)


@pytest.mark.parametrize("cut", [0, 1, 69, 70, 773, -1])
def test_truncated_or_extended_ballots_are_refused(setup: Setup, cut: int) -> None:
    data = encrypt_ballot(setup.election, setup.credentials[3], 0).data
    changed = data + b"\0" if cut == -1 else data[:cut]
    assert reason(setup.election, changed) in (
        "not a ballot of this format", "not a ballot: wrong length"
    )


def test_a_ballot_for_another_number_of_options_is_refused(setup: Setup) -> None:
    two = make_setup(options=setup.parameters.options[:2]).election
    data = encrypt_ballot(two, setup.credentials[0], 0).data
    assert "has 2 options, the election 3" in reason(setup.election, data)


@FAST
@given(choice=st.integers(0, 2), claimed=st.integers(0, 2), ballot_seed=seeds)
def test_benaloh_audit_reveals_exactly_the_choice(
    setup: Setup, choice: int, claimed: int, ballot_seed: bytes
) -> None:
    prepared = encrypt_ballot(setup.election, setup.credentials[4], choice, seed=ballot_seed)
    audited = AuditedBallot(prepared.data, claimed, prepared.randomness)
    assert audit_check(setup.election, audited) == (claimed == choice)


def test_an_audit_with_wrong_randomness_fails(setup: Setup) -> None:
    prepared = encrypt_ballot(setup.election, setup.credentials[4], 1)
    randomness = (prepared.randomness[0] + 1, *prepared.randomness[1:])
    problems = audit_problems(setup.election, AuditedBallot(prepared.data, 1, randomness))
    assert problems == [
        "the ciphertext of option 0 is not the encryption of 0 with the revealed randomness"
    ]
    assert audit_problems(setup.election, AuditedBallot(prepared.data, 5, prepared.randomness))


def test_every_flipped_byte_re_signed_by_the_voter_is_refused(setup: Setup) -> None:
    """The voter may sign anything: a flip in the ciphertexts or proofs, re-signed, must still
    be caught by the proofs alone (or by the group-element check)."""
    voter = setup.credentials[2]
    data = encrypt_ballot(setup.election, voter, 1, seed=seed("flip and sign")).data
    body = data[:-64]
    flipped = []
    for position in range(70, len(body)):
        changed = body[:position] + bytes([body[position] ^ 1]) + body[position + 1 :]
        flipped.append(changed + voter.sign(changed))
    assert None not in verify_ballots(setup.election, flipped)
