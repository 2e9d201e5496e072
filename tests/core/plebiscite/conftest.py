"""Fixtures for the plebiscite core: small deterministic elections (every secret derived from a
label), built once per session so that property tests stay fast."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import pytest

from openpeace.core.plebiscite import (
    Ceremony,
    Election,
    ElectionParameters,
    Option,
    PrivateCredential,
    Share,
    Trustee,
    TrusteeKey,
    deal,
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
