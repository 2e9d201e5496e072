"""Known-answer vectors (docs/plebiscite-spec.md §14): everything derived from fixed seeds —
hashes, parameters, credentials, ballots — must come out byte for byte as in vectors.json. Any
other implementation (the browser booth on @noble/curves) must reproduce the same file, and
must accept the stored record.

Regenerate after a deliberate format change with:
    .venv/bin/python -m tests.core.plebiscite.test_vectors
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from openpeace.core.plebiscite import (
    BallotBox,
    ElectionRecord,
    combine,
    encrypt_ballot,
    group,
    hashing,
    partial_decrypt,
    tracker_text,
    verify_record,
)
from openpeace.core.plebiscite.encoding import b64, parse_canonical_json, scalar_hex

from .conftest import make_setup, seed

VECTORS = Path(__file__).with_name("vectors.json")
LABEL = "openpeace plebiscite vectors "


def build_vectors() -> dict[str, Any]:
    """The deterministic part of the vectors."""
    setup = make_setup(voters=4, key_label=LABEL, voter_label=LABEL)
    election = setup.election
    samples = [(tag, bytes(range(n))) for tag, n in
               [(hashing.TAG_RANGE, 0), (hashing.TAG_SEED, 37), (hashing.TAG_TRACKER, 64)]]
    ballots = []
    for number, (voter, choice) in enumerate([(0, 0), (1, 1), (2, 2), (0, 2)]):
        ballot_seed = seed(f"{LABEL}ballot {number}")
        prepared = encrypt_ballot(election, setup.credentials[voter], choice, seed=ballot_seed)
        ballots.append({
            "credential_seed": setup.credentials[voter].seed.hex(),
            "choice": choice,
            "seed": ballot_seed.hex(),
            "randomness": [scalar_hex(r) for r in prepared.randomness],
            "ballot": b64(prepared.data),
            "tracker": prepared.tracker.hex(),
            "tracker_text": tracker_text(prepared.tracker),
        })
    return {
        "group": {"base": group.BASE.hex(), "order": str(group.L)},
        "hashes": [
            {"tag": tag, "input": data.hex(),
             "digest32": hashing.digest32(tag, data).hex(),
             "scalar": scalar_hex(hashing.to_scalar(tag, data))}
            for tag, data in samples
        ],
        "credentials": [
            {"seed": c.seed.hex(), "public": c.public.hex(), "text": c.to_text()}
            for c in setup.credentials
        ],
        "parameters": election.parameters.to_json(),
        "parameters_canonical": election.parameters.canonical_bytes().decode("utf-8"),
        "election_hash": election.hash.hex(),
        "ballots": ballots,
    }


def build_record() -> str:
    """A small tallied record (its decryption proofs use fresh randomness: stored once)."""
    setup = make_setup(voters=4, key_label=LABEL, voter_label=LABEL)
    box = BallotBox(setup.election)
    for entry in build_vectors()["ballots"]:
        box.cast(base64.b64decode(entry["ballot"]))
    partials = []
    for index in (1, 3):
        tally, partial = partial_decrypt(setup.election, setup.keys[index], box.board)
        partials.append(partial)
    record = ElectionRecord(setup.parameters, box.board, tally, tuple(partials),
                            combine(setup.election, tally, partials))
    return record.to_bytes().decode("utf-8")


def test_vectors_are_reproduced() -> None:
    stored = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert {k: v for k, v in stored.items() if k != "record"} == build_vectors()


def test_the_stored_record_verifies() -> None:
    stored = json.loads(VECTORS.read_text(encoding="utf-8"))
    data = stored["record"].encode("utf-8")
    parse_canonical_json(data)
    report = verify_record(data)
    assert report.ok, report.failures
    assert report.counts == (0, 1, 2)


if __name__ == "__main__":
    vectors = build_vectors()
    vectors["record"] = build_record()
    VECTORS.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    print(f"wrote {VECTORS}")
