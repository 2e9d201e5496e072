"""The plebiscite's cryptographic core: verifiable, secret, one person one vote.

Pure Python over libsodium (`rbcl` for ristretto255, PyNaCl for Ed25519); no Django. The
normative description, precise enough to write an independent verifier, is
docs/plebiscite-spec.md; each module cites its sections.

- `group`, `encoding`, `hashing`: ristretto255, byte/JSON encodings, domain-separated hashes;
- `elgamal`, `proofs`: exponential ElGamal, Chaum–Pedersen and Schnorr proofs (strong
  Fiat–Shamir);
- `trustees`: the k-of-n key ceremony (joint Feldman VSS);
- `credentials`: the voters' Ed25519 credentials;
- `election`: the public parameters, their hash, the derived verification context;
- `ballot`: encrypting, proving, signing, verifying ballots; Benaloh audits; trackers;
- `board`: the ballot box's rules (no reused ciphertext, the last ballot counts);
- `tally`: the product of the whole board, partial decryptions, their combination;
- `record`: the election record as canonical JSON, and `verify_record`.
"""

from openpeace.core.plebiscite.ballot import (
    AuditedBallot,
    Ballot,
    InvalidBallot,
    PreparedBallot,
    audit_check,
    audit_problems,
    encrypt_ballot,
    tracker,
    tracker_text,
    verify_ballot,
    verify_ballots,
)
from openpeace.core.plebiscite.board import BallotBox, BallotRejected, Board, board_digest
from openpeace.core.plebiscite.credentials import PrivateCredential, issue
from openpeace.core.plebiscite.election import (
    Election,
    ElectionParameters,
    Option,
    ParameterError,
    Trustee,
)
from openpeace.core.plebiscite.record import ElectionRecord, Report, verify_record
from openpeace.core.plebiscite.tally import (
    PartialDecryption,
    Result,
    Tally,
    TallyError,
    combine,
    compute_tally,
    partial_decrypt,
)
from openpeace.core.plebiscite.trustees import (
    Ceremony,
    CeremonyError,
    Dealing,
    Share,
    TrusteeKey,
    check_share,
    deal,
    qualified_dealers,
    trustee_key,
)

__all__ = [
    "AuditedBallot", "Ballot", "BallotBox", "BallotRejected", "Board", "Ceremony",
    "CeremonyError", "Dealing", "Election", "ElectionParameters", "ElectionRecord",
    "InvalidBallot", "Option", "ParameterError", "PartialDecryption", "PreparedBallot",
    "PrivateCredential", "Report", "Result", "Share", "Tally", "TallyError", "Trustee",
    "TrusteeKey", "audit_check", "audit_problems", "board_digest", "check_share", "combine",
    "compute_tally", "deal", "encrypt_ballot", "issue", "partial_decrypt", "qualified_dealers",
    "tracker", "tracker_text", "trustee_key", "verify_ballot", "verify_ballots",
    "verify_record",
]
