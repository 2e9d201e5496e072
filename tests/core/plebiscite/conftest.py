"""Fixtures for the plebiscite core: small deterministic elections (every secret derived from a
label), built once per session so that property tests stay fast."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import pytest

from openpeace.core.plebiscite import (
    BallotBox,
    Board,
    Ceremony,
    Election,
    ElectionParameters,
    ElectionRecord,
    Option,
    PrivateCredential,
    Share,
    Trustee,
    TrusteeKey,
    combine,
    deal,
    encrypt_ballot,
    partial_decrypt,
    qualified_dealers,
    trustee_key,
)
from openpeace.core.plebiscite import trustees as tr

OPTIONS = (
    Option("separate_state", "A separate state"),
    Option("join_russia", "Join Russia"),
    Option("join_turkey", "Join Turkey"),
)


def seed(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


@dataclass(frozen=True)
class Setup:
    election: Election
    credentials: tuple[PrivateCredential, ...]
    keys: dict[int, TrusteeKey]

    @property
    def parameters(self) -> ElectionParameters:
        return self.election.parameters


@cache
def make_setup(
    election_id: str = "turkish-armenia-1917",
    question: str = "Shall Turkish Armenia form a separate state, or join which state?",
    trustees: int = 3,
    threshold: int = 2,
    voters: int = 6,
    options: tuple[Option, ...] = OPTIONS,
    key_label: str = "",
    voter_label: str = "",
) -> Setup:
    ceremony = Ceremony(election_id, threshold, trustees)
    dealings: list[tr.Dealing] = []
    shares: list[Share] = []
    for dealer in ceremony.indices:
        dealing, dealt = deal(ceremony, dealer, seed=seed(f"{key_label}dealer {dealer}"))
        dealings.append(dealing)
        shares += dealt.values()
    qualified, findings = qualified_dealers(ceremony, dealings)
    assert findings == []
    keys = {i: trustee_key(i, qualified, shares) for i in ceremony.indices}
    credentials = tuple(PrivateCredential(seed(f"{voter_label}voter {v}")) for v in range(voters))
    parameters = ElectionParameters(
        election_id=election_id,
        question=question,
        options=options,
        threshold=threshold,
        trustees=tuple(Trustee(f"Trustee {d.dealer}", d) for d in qualified),
        public_key=tr.public_key(qualified),
        credentials=tuple(sorted(c.public for c in credentials)),
        context={"nationality": "armenians", "territory": "turkish-armenia"},
    )
    return Setup(Election(parameters), credentials, keys)


@pytest.fixture(scope="session")
def setup() -> Setup:
    return make_setup()


def tallied(setup: Setup, board: Board, trustees: tuple[int, ...] = (1, 3)) -> ElectionRecord:
    """The record of `board`, tallied and decrypted by `trustees`."""
    partials = []
    for index in trustees:
        tally, partial = partial_decrypt(setup.election, setup.keys[index], board)
        partials.append(partial)
    result = combine(setup.election, tally, partials)
    return ElectionRecord(setup.parameters, board, tally, tuple(partials), result)


@pytest.fixture(scope="module")
def record(setup: Setup) -> ElectionRecord:
    """Six voters; voter 0 votes three times, voter 1 twice; one ballot audited."""
    box = BallotBox(setup.election)
    casts = [(0, 2), (1, 0), (2, 1), (0, 1), (3, 1), (4, 0), (1, 2), (5, 1), (0, 0)]
    for number, (voter, choice) in enumerate(casts):
        prepared = encrypt_ballot(setup.election, setup.credentials[voter], choice,
                                  seed=seed(f"record {number}"))
        box.cast(prepared.data)
    audited = encrypt_ballot(setup.election, setup.credentials[2], 2, seed=seed("audited"))
    box.audit(audited.reveal())
    return tallied(setup, box.board)
