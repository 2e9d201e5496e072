"""The ElectionGuard peer of `bench/plebiscite.py`: ElectionGuard 1.4.0 encrypts and verifies the
same plebiscite ballots as openpeace, and prints its figures as one JSON object.

Run by the interpreter of `var/bench/electionguard-venv` (ElectionGuard 1.4.0 imports only on
Python 3.10; `bench/peers/setup-electionguard` makes it), never by the project's own:

    var/bench/electionguard-venv/bin/python bench/peers/electionguard_peer.py < choices.json

Standard input is `{"choices": [c_0, c_1, …]}`, each the option (0, 1 or 2) of one ballot.

The work is ElectionGuard's own, through its public API and with its standard 4096-bit group:
one referendum contest of 3 selections, one of which is chosen (`one_of_m`, one vote allowed).
Encryption is `EncryptionMediator.encrypt`, as a voting device does it: ElGamal encryption of
each selection and of the contest's one placeholder selection, a disjunctive Chaum–Pedersen
proof for each of the 4, the constant Chaum–Pedersen proof that the contest adds up to its
limit, the hashes, and the ballot code chained from the previous ballot's. Verification is
`ballot_is_valid_for_election(…, should_validate=True)`: the ballot's style, and every proof and
hash. ElectionGuard does not sign ballots (it has no voter credentials), where openpeace also
signs and verifies an Ed25519 signature per ballot.

The election key is a single ElGamal key pair (one guardian): the key ceremony is no part of
encrypting or verifying a ballot. After timing, the peer adds up the ballots and decrypts the
sums with that key, and checks the counts against the choices, so that a wrong encoding of the
ballots cannot pass as a fast one.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime
from importlib.metadata import version

from electionguard.ballot import PlaintextBallot, PlaintextBallotContest, PlaintextBallotSelection
from electionguard.ballot_validator import ballot_is_valid_for_election
from electionguard.constants import STANDARD_CONSTANTS, get_constants
from electionguard.election import make_ciphertext_election_context
from electionguard.elgamal import elgamal_add, elgamal_keypair_random
from electionguard.encrypt import EncryptionDevice, EncryptionMediator
from electionguard.group import TWO_MOD_Q
from electionguard.manifest import (
    BallotStyle,
    Candidate,
    ElectionType,
    GeopoliticalUnit,
    InternalManifest,
    Manifest,
    ReferendumContestDescription,
    ReportingUnitType,
    SelectionDescription,
    SpecVersion,
    VoteVariationType,
)

OPTIONS = ("separate_state", "join_russia", "join_turkey")


def manifest() -> Manifest:
    """One district, one ballot style, one referendum contest with the plebiscite's options."""
    contest = ReferendumContestDescription(
        object_id="plebiscite",
        sequence_order=0,
        electoral_district_id="turkish-armenia",
        vote_variation=VoteVariationType.one_of_m,
        number_elected=1,
        votes_allowed=1,
        name="Shall Turkish Armenia form a separate state, or join which state?",
        ballot_selections=[
            SelectionDescription(option, number, option) for number, option in enumerate(OPTIONS)
        ],
    )
    return Manifest(
        election_scope_id="turkish-armenia-1917",
        spec_version=SpecVersion.EG1_0,
        type=ElectionType.special,
        start_date=datetime.fromisoformat("1918-01-15T08:00:00+00:00"),
        end_date=datetime.fromisoformat("1918-01-29T20:00:00+00:00"),
        geopolitical_units=[
            GeopoliticalUnit("turkish-armenia", "Turkish Armenia", ReportingUnitType.state)
        ],
        parties=[],
        candidates=[Candidate(option) for option in OPTIONS],
        contests=[contest],
        ballot_styles=[BallotStyle("plebiscite", ["turkish-armenia"])],
    )


def plaintext(number: int, choice: int) -> PlaintextBallot:
    """The voter's ballot as a device receives it: only the chosen selection, marked 1."""
    selection = PlaintextBallotSelection(OPTIONS[choice], 1)
    return PlaintextBallot(f"ballot-{number}", "plebiscite",
                           [PlaintextBallotContest("plebiscite", [selection])])


def main() -> None:
    logging.disable(logging.CRITICAL)  # ElectionGuard logs every ballot at INFO
    assert get_constants() is STANDARD_CONSTANTS, "unset PRIME_OPTION: the 4096-bit group only"
    choices = json.load(sys.stdin)["choices"]
    election = manifest()
    assert election.is_valid()
    internal = InternalManifest(election)
    keys = elgamal_keypair_random()
    context = make_ciphertext_election_context(1, 1, keys.public_key, TWO_MOD_Q,
                                               election.crypto_hash())
    device = EncryptionMediator(internal, context, EncryptionDevice(1, 1, 1, "bench"))

    cpu, wall = time.process_time(), time.perf_counter()
    ballots = [device.encrypt(plaintext(n, c)) for n, c in enumerate(choices)]
    encrypt_cpu, encrypt_wall = time.process_time() - cpu, time.perf_counter() - wall
    assert all(b is not None for b in ballots), "ElectionGuard refused to encrypt a ballot"

    cpu, wall = time.process_time(), time.perf_counter()
    valid = [ballot_is_valid_for_election(b, internal, context, True) for b in ballots]
    verify_cpu, verify_wall = time.process_time() - cpu, time.perf_counter() - wall
    assert all(valid), "a ballot ElectionGuard encrypted does not verify"

    for option, name in enumerate(OPTIONS):
        total = elgamal_add(*(s.ciphertext for b in ballots for s in b.contests[0].ballot_selections
                              if s.object_id == name))
        assert total.decrypt(keys.secret_key) == choices.count(option), f"wrong count for {name}"

    json.dump({
        "peer": f"ElectionGuard {version('electionguard')}",
        "python": sys.version.split()[0],
        "ballots": len(choices),
        "encrypt_cpu": encrypt_cpu, "encrypt_wall": encrypt_wall,
        "verify_cpu": verify_cpu, "verify_wall": verify_wall,
    }, sys.stdout)


if __name__ == "__main__":
    main()
