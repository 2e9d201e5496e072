"""The trustees' key ceremony: k-of-n threshold ElGamal keys by joint Feldman verifiable secret
sharing (Pedersen's distributed key generation) (docs/plebiscite-spec.md §6).

Trustees are numbered 1..n (their number is the x-coordinate of their share). Each trustee i,
as a dealer, draws a random polynomial f_i of degree k−1, publishes a `Dealing`: the commitments
C_ij = a_ij·G to its coefficients with a Schnorr proof of knowledge of each, and sends trustee l
the share f_i(l) privately (encrypting it in transit is the service's job). Trustee l checks
each share against the dealer's commitments (`check_share`); a bad share is answered by a
public complaint, the dealer must then publish that share, and anyone can decide who lied
(`qualified_dealers`). The election key is H = Σ C_i0 over the qualified dealers; trustee l's
secret is x_l = Σ f_i(l), which never leaves it, and its public verification key
X_l = x_l·G = Σ_i Σ_j l^j·C_ij is computable by anyone. Any k trustees reconstruct x·A for a
ciphertext by Lagrange interpolation at 0; fewer learn nothing.

The joint Feldman protocol lets a rushing dealer bias the distribution of H (Gennaro et al.,
1999); this does not weaken ElGamal encryption or threshold decryption (Gennaro et al., 2003).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpeace.core.plebiscite import group
from openpeace.core.plebiscite.encoding import (
    hex32,
    json_integer,
    json_list,
    json_object,
    json_pair,
    lp16,
    scalar_hex,
    u32,
    unhex32,
)
from openpeace.core.plebiscite.group import L
from openpeace.core.plebiscite.hashing import TAG_COEFFICIENT, TAG_SEED, Transcript, to_scalar
from openpeace.core.plebiscite.proofs import KnowledgeProof, prove_knowledge, verify_knowledge

MAX_TRUSTEES = 255


class CeremonyError(ValueError):
    """A dealing, a share or a ceremony's outcome is not valid."""


@dataclass(frozen=True, slots=True)
class Ceremony:
    """What every dealing is bound to: the election, the threshold k and the trustees 1..n."""

    election_id: str
    threshold: int
    trustees: int

    def __post_init__(self) -> None:
        if not 1 <= self.threshold <= self.trustees <= MAX_TRUSTEES:
            raise CeremonyError(f"need 1 ≤ k ≤ n ≤ {MAX_TRUSTEES}")

    @property
    def indices(self) -> range:
        return range(1, self.trustees + 1)


@dataclass(frozen=True, slots=True)
class Dealing:
    """A dealer's public contribution: commitments C_0..C_{k−1} and a proof for each."""

    dealer: int
    commitments: tuple[bytes, ...]
    proofs: tuple[KnowledgeProof, ...]

    def to_json(self) -> dict[str, Any]:
        """`{"trustee", "commitments", "proofs"}`, hex as in the parameters (spec §5.1)."""
        return {"trustee": self.dealer, **self.parts_to_json()}

    def parts_to_json(self) -> dict[str, Any]:
        """`{"commitments", "proofs"}`: what a dealing and a trustee of the parameters share."""
        return {
            "commitments": [hex32(c) for c in self.commitments],
            "proofs": [[scalar_hex(p.c), scalar_hex(p.z)] for p in self.proofs],
        }

    @classmethod
    def from_json(cls, value: object, what: str) -> Dealing:
        obj = json_object(value, what, {"trustee", "commitments", "proofs"})
        return cls.from_parts(json_integer(obj["trustee"], f"{what} trustee"), obj, what)

    @classmethod
    def from_parts(cls, dealer: int, obj: dict[str, Any], what: str) -> Dealing:
        """The dealing of `dealer` from `obj`'s commitments and proofs (`parts_to_json`)."""
        return cls(
            dealer,
            tuple(unhex32(c, f"{what} commitment")
                  for c in json_list(obj["commitments"], f"{what} commitments")),
            tuple(KnowledgeProof(*json_pair(p, f"{what} proof"))
                  for p in json_list(obj["proofs"], f"{what} proofs")),
        )


@dataclass(frozen=True, slots=True)
class Share:
    """f_dealer(recipient): sent privately from dealer to recipient."""

    dealer: int
    recipient: int
    value: int


@dataclass(frozen=True, slots=True)
class TrusteeKey:
    """A trustee's secret share x_l of the election key. It never leaves the trustee."""

    index: int
    secret: int

    @property
    def verification_key(self) -> bytes:
        return group.mul_base(self.secret)


def _coefficient_transcript(
    election_id: str, threshold: int, dealer: int, commitments: Sequence[bytes]
) -> Transcript:
    return Transcript.start(
        TAG_COEFFICIENT,
        lp16(election_id.encode("utf-8")),
        u32(threshold),
        u32(dealer),
        u32(len(commitments)),
        *commitments,
    )


def deal(
    ceremony: Ceremony, dealer: int, *, seed: bytes | None = None
) -> tuple[Dealing, dict[int, Share]]:
    """Trustee `dealer`'s dealing and the shares for every trustee (its own included).

    `seed` (32 bytes) makes the dealing reproducible, for tests; by default it is random.
    """
    if dealer not in ceremony.indices:
        raise CeremonyError(f"dealer {dealer} is not one of trustees 1..{ceremony.trustees}")

    def draw(label: int, number: int) -> int:
        if seed is None:
            return group.random_scalar()
        return to_scalar(TAG_SEED, seed + u32(number) + bytes([label])) or 1

    coefficients = [draw(0, j) for j in range(ceremony.threshold)]
    commitments = tuple(group.mul_base(a) for a in coefficients)
    transcript = _coefficient_transcript(
        ceremony.election_id, ceremony.threshold, dealer, commitments
    )
    proofs = tuple(
        prove_knowledge(transcript.extend(u32(j)), a, draw(1, j))
        for j, a in enumerate(coefficients)
    )
    shares = {
        recipient: Share(dealer, recipient, evaluate(coefficients, recipient))
        for recipient in ceremony.indices
    }
    return Dealing(dealer, commitments, proofs), shares


def evaluate(coefficients: Sequence[int], x: int) -> int:
    """f(x) mod L by Horner's rule."""
    result = 0
    for a in reversed(coefficients):
        result = (result * x + a) % L
    return result


def dealing_problems(election_id: str, threshold: int, dealing: Dealing) -> list[str]:
    """What is wrong with a published dealing (empty when it is valid)."""
    who = f"trustee {dealing.dealer}"
    if len(dealing.commitments) != threshold or len(dealing.proofs) != threshold:
        return [f"{who}: {threshold} commitments and proofs expected"]
    if not all(group.is_nonidentity(c) for c in dealing.commitments):
        return [f"{who}: a commitment is not a group element"]
    transcript = _coefficient_transcript(
        election_id, threshold, dealing.dealer, dealing.commitments
    )
    return [
        f"{who}: the proof of knowledge of coefficient {j} does not verify"
        for j, (c, proof) in enumerate(zip(dealing.commitments, dealing.proofs, strict=True))
        if not verify_knowledge(transcript.extend(u32(j)), c, proof)
    ]


def committed_value(commitments: Sequence[bytes], x: int) -> bytes:
    """Σ_j x^j·C_j = f(x)·G, from the commitments alone (Horner's rule in the group)."""
    result = commitments[-1]
    for c in reversed(commitments[:-1]):
        result = group.add(group.mul(x, result), c)
    return result


def check_share(dealing: Dealing, share: Share) -> bool:
    """Whether a share matches its dealer's commitments: share·G = Σ_j recipient^j·C_j."""
    return (
        share.dealer == dealing.dealer
        and 0 <= share.value < L
        and group.mul_base(share.value) == committed_value(dealing.commitments, share.recipient)
    )


def qualified_dealers(
    ceremony: Ceremony,
    dealings: Iterable[Dealing],
    complaints: Iterable[tuple[int, int]] = (),
    answers: Mapping[tuple[int, int], Share] | None = None,
) -> tuple[list[Dealing], list[str]]:
    """The dealings that stand, and why the others fell.

    A dealer falls if its dealing is invalid, or if a recipient complained of its share
    (a (dealer, recipient) pair) and the dealer's published answer is missing or does not
    match its commitments. A complaint answered with a valid share is dismissed (the recipient
    then uses the published share).
    """
    answers = answers or {}
    standing: dict[int, Dealing] = {}
    findings: list[str] = []
    for dealing in dealings:
        if dealing.dealer not in ceremony.indices or dealing.dealer in standing:
            findings.append(f"trustee {dealing.dealer}: not a dealer of this ceremony")
            continue
        problems = dealing_problems(ceremony.election_id, ceremony.threshold, dealing)
        if problems:
            findings += problems
        else:
            standing[dealing.dealer] = dealing
    for dealer, recipient in complaints:
        if dealer not in standing:
            continue
        answer = answers.get((dealer, recipient))
        if answer is None:
            findings.append(
                f"trustee {dealer}: did not answer trustee {recipient}'s complaint"
            )
            del standing[dealer]
        elif answer.recipient != recipient or not check_share(standing[dealer], answer):
            findings.append(
                f"trustee {dealer}: its share for trustee {recipient} "
                "does not match its commitments"
            )
            del standing[dealer]
    qualified = [standing[d] for d in sorted(standing)]
    if len(qualified) < ceremony.threshold:
        findings.append(
            f"only {len(qualified)} dealers qualified, fewer than the threshold "
            f"{ceremony.threshold}"
        )
    return qualified, findings


def trustee_key(recipient: int, dealings: Sequence[Dealing], shares: Sequence[Share]) -> TrusteeKey:
    """Trustee `recipient`'s secret: the sum of its shares from every qualified dealer, each
    checked against its dealer's commitments."""
    by_dealer = {share.dealer: share for share in shares if share.recipient == recipient}
    secret = 0
    for dealing in dealings:
        share = by_dealer.get(dealing.dealer)
        if share is None:
            raise CeremonyError(f"no share from trustee {dealing.dealer}")
        if not check_share(dealing, share):
            raise CeremonyError(
                f"trustee {dealing.dealer}: the share for trustee {recipient} "
                "does not match its commitments"
            )
        secret = (secret + share.value) % L
    return TrusteeKey(recipient, secret)


def public_key(dealings: Sequence[Dealing]) -> bytes:
    """H = Σ C_i0 over the qualified dealers."""
    return group.total(d.commitments[0] for d in dealings)


def verification_keys(dealings: Sequence[Dealing], indices: Iterable[int]) -> dict[int, bytes]:
    """X_l = Σ_j l^j·(Σ_i C_ij) for each trustee l."""
    width = len(dealings[0].commitments)
    combined = [group.total(d.commitments[j] for d in dealings) for j in range(width)]
    return {index: committed_value(combined, index) for index in indices}


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, int]:
    """λ_l = Π_{m ≠ l} m / (m − l) mod L, so that Σ λ_l·f(l) = f(0)."""
    coefficients = {}
    for l_index in indices:
        numerator, denominator = 1, 1
        for m in indices:
            if m != l_index:
                numerator = numerator * m % L
                denominator = denominator * (m - l_index) % L
        coefficients[l_index] = numerator * pow(denominator, -1, L) % L
    return coefficients
