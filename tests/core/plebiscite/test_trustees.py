"""The key ceremony and threshold decryption (spec §6, §12): bad shares are caught and
attributed, any k of n trustees give the same result, fewer than k cannot decrypt."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpeace.core.plebiscite import (
    BallotBox,
    Board,
    Ceremony,
    CeremonyError,
    Share,
    TallyError,
    check_share,
    combine,
    deal,
    encrypt_ballot,
    group,
    partial_decrypt,
    qualified_dealers,
    trustee_key,
)
from openpeace.core.plebiscite import trustees as tr
from openpeace.core.plebiscite.group import L
from openpeace.core.plebiscite.proofs import KnowledgeProof
from openpeace.core.plebiscite.tally import compute_tally, decryption_problems

from .conftest import Setup, make_setup, seed


def ceremony_of(n: int, k: int) -> tuple[Ceremony, list[tr.Dealing], list[Share]]:
    ceremony = Ceremony("ceremony-test", k, n)
    dealings: list[tr.Dealing] = []
    shares: list[Share] = []
    for dealer in ceremony.indices:
        dealing, dealt = deal(ceremony, dealer)
        dealings.append(dealing)
        shares += dealt.values()
    return ceremony, dealings, shares


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))))
def test_shares_reconstruct_the_key_from_any_k(nk: tuple[int, int]) -> None:
    n, k = nk
    ceremony, dealings, shares = ceremony_of(n, k)
    qualified, findings = qualified_dealers(ceremony, dealings)
    assert findings == [] and len(qualified) == n
    assert all(check_share(dealings[s.dealer - 1], s) for s in shares)
    keys = [trustee_key(i, qualified, shares) for i in ceremony.indices]
    expected = tr.verification_keys(qualified, ceremony.indices)
    assert all(expected[key.index] == key.verification_key for key in keys)
    public = tr.public_key(qualified)
    for subset in itertools.combinations(keys, k):
        lam = tr.lagrange_at_zero([key.index for key in subset])
        secret = sum(lam[key.index] * key.secret for key in subset) % L
        assert group.mul_base(secret) == public


def test_a_bad_share_is_detected_and_attributed() -> None:
    ceremony, dealings, shares = ceremony_of(4, 3)
    bad = next(s for s in shares if s.dealer == 2 and s.recipient == 3)
    tampered = Share(2, 3, (bad.value + 1) % L)
    assert not check_share(dealings[1], tampered)
    with pytest.raises(CeremonyError, match="trustee 2: the share for trustee 3"):
        trustee_key(3, dealings, [tampered if s == bad else s for s in shares])
    # Trustee 3 complains; dealer 2 answers with the same bad share, and falls.
    qualified, findings = qualified_dealers(ceremony, dealings, [(2, 3)], {(2, 3): tampered})
    assert [d.dealer for d in qualified] == [1, 3, 4]
    assert findings == ["trustee 2: its share for trustee 3 does not match its commitments"]
    # A dealer that does not answer falls too; one that answers with a good share stands.
    qualified, findings = qualified_dealers(ceremony, dealings, [(2, 3), (4, 1)],
                                            {(4, 1): next(s for s in shares
                                                          if (s.dealer, s.recipient) == (4, 1))})
    assert [d.dealer for d in qualified] == [1, 3, 4]
    assert findings == ["trustee 2: did not answer trustee 3's complaint"]


def test_an_invalid_dealing_is_attributed() -> None:
    ceremony, dealings, _ = ceremony_of(3, 2)
    forged = tr.Dealing(2, dealings[1].commitments,
                        (KnowledgeProof(1, 2), dealings[1].proofs[1]))
    qualified, findings = qualified_dealers(ceremony, [dealings[0], forged, dealings[2]])
    assert [d.dealer for d in qualified] == [1, 3]
    assert findings == ["trustee 2: the proof of knowledge of coefficient 0 does not verify"]
    # A dealing for another election does not carry over (its proofs name the election).
    elsewhere = Ceremony("another", 2, 3)
    _, findings = qualified_dealers(elsewhere, dealings)
    assert len(findings) == 7  # two bad proofs for each dealer, then too few qualified
    assert findings[-1] == "only 0 dealers qualified, fewer than the threshold 2"


def test_too_few_qualified_dealers_is_reported() -> None:
    ceremony, dealings, _ = ceremony_of(3, 3)
    _, findings = qualified_dealers(ceremony, dealings[:2])
    assert findings == ["only 2 dealers qualified, fewer than the threshold 3"]


def cast_votes(setup: Setup, choices: list[int]) -> Board:
    box = BallotBox(setup.election)
    for voter, choice in enumerate(choices):
        box.cast(encrypt_ballot(setup.election, setup.credentials[voter], choice).data)
    return box.board


@pytest.fixture(scope="module")
def three_of_five() -> tuple[Setup, Board]:
    setup = make_setup(trustees=5, threshold=3, key_label="five ")
    return setup, cast_votes(setup, [0, 1, 1, 2, 1, 0])


def test_any_k_of_n_trustees_give_the_same_result(three_of_five: tuple[Setup, Board]) -> None:
    setup, board = three_of_five
    partials = {}
    for index, key in setup.keys.items():
        tally, partials[index] = partial_decrypt(setup.election, key, board)
    results = {
        combine(setup.election, tally, [partials[i] for i in subset]).counts
        for size in (3, 4, 5)
        for subset in itertools.combinations(sorted(partials), size)
    }
    assert results == {(2, 3, 1)}


def test_fewer_than_k_trustees_cannot_decrypt(three_of_five: tuple[Setup, Board]) -> None:
    setup, board = three_of_five
    tally, one = partial_decrypt(setup.election, setup.keys[1], board)
    _, two = partial_decrypt(setup.election, setup.keys[4], board)
    with pytest.raises(TallyError, match="2 partial decryptions, fewer than the threshold 3"):
        combine(setup.election, tally, [one, two])
    with pytest.raises(TallyError, match="given twice"):
        combine(setup.election, tally, [one, two, one])


def test_a_decryption_is_bound_to_the_whole_board(three_of_five: tuple[Setup, Board]) -> None:
    """The operator-subset attack: a tally of part of the board cannot use decryptions of the
    whole, and there is no call that decrypts a chosen subset at all."""
    setup, board = three_of_five
    _, partial = partial_decrypt(setup.election, setup.keys[2], board)
    subset = compute_tally(setup.election, Board(board.ballots[:1]))
    assert decryption_problems(setup.election, subset, partial) == [
        f"trustee 2: the proof of decryption of option {o} does not verify" for o in range(3)
    ]


def test_a_trustee_needs_its_own_key(three_of_five: tuple[Setup, Board]) -> None:
    setup, board = three_of_five
    stolen = tr.TrusteeKey(1, setup.keys[2].secret)
    with pytest.raises(TallyError, match="not the key of trustee 1"):
        partial_decrypt(setup.election, stolen, board)


def test_deterministic_dealing() -> None:
    ceremony = Ceremony("x", 2, 2)
    assert deal(ceremony, 1, seed=seed("a")) == deal(ceremony, 1, seed=seed("a"))
    with pytest.raises(CeremonyError):
        deal(ceremony, 3)
    with pytest.raises(CeremonyError):
        Ceremony("x", 3, 2)
