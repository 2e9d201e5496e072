"""docs/plebiscite-spec.md, followed literally: an independent check of the stored vectors using
only hashlib, the raw group operations and Ed25519 — not the package's transcripts, parsers or
verifiers — so that the specification and the implementation cannot drift apart."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import nacl.bindings

from openpeace.core.plebiscite import group
from openpeace.core.plebiscite.group import BASE, L, add, mul, mul_base, sub

VECTORS = json.loads(Path(__file__).with_name("vectors.json").read_text(encoding="utf-8"))
TAG = "openpeace/plebiscite/v1/"


def lp8(data: bytes) -> bytes:
    return bytes([len(data)]) + data


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def sha(tag: str, data: bytes) -> bytes:
    return hashlib.sha512(lp8((TAG + tag).encode()) + data).digest()


def scalar(tag: str, data: bytes) -> int:
    return int.from_bytes(sha(tag, data), "little") % L


def le(data: bytes) -> int:
    return int.from_bytes(data, "little")


def canonical(value: Any) -> bytes:  # §4
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


PARAMETERS = VECTORS["parameters"]
ELECTION_HASH = sha("election", canonical(PARAMETERS))[:32]
H = bytes.fromhex(PARAMETERS["public_key"])


def challenge(tag: str, data: bytes) -> int:  # §3
    return scalar(tag, lp8(b"ristretto255") + ELECTION_HASH + H + data)


def test_election_hash_and_hash_samples() -> None:
    assert ELECTION_HASH.hex() == VECTORS["election_hash"]
    assert canonical(PARAMETERS).decode() == VECTORS["parameters_canonical"]
    for sample in VECTORS["hashes"]:
        digest = hashlib.sha512(lp8(sample["tag"].encode()) + bytes.fromhex(sample["input"]))
        assert digest.digest()[:32].hex() == sample["digest32"]
        assert (le(digest.digest()) % L).to_bytes(32, "little").hex() == sample["scalar"]


def test_ceremony_proofs_and_public_key() -> None:  # §6.2, §6.4
    k = PARAMETERS["threshold"]
    election_id = PARAMETERS["election_id"].encode()
    constant_terms = []
    for trustee in PARAMETERS["trustees"]:
        commitments = [bytes.fromhex(c) for c in trustee["commitments"]]
        statement = (lp8(b"ristretto255") + len(election_id).to_bytes(2, "big") + election_id
                     + u32(k) + u32(trustee["index"]) + u32(len(commitments))
                     + b"".join(commitments))
        for j, (commitment, (c_hex, z_hex)) in enumerate(
            zip(commitments, trustee["proofs"], strict=True)
        ):
            c, z = le(bytes.fromhex(c_hex)), le(bytes.fromhex(z_hex))
            a = sub(mul_base(z), mul(c, commitment))
            assert c == scalar("coefficient", statement + u32(j) + a)
        constant_terms.append(commitments[0])
    assert group.total(constant_terms) == H


def test_ballots_by_the_letter() -> None:  # §8, §9
    n = len(PARAMETERS["options"])
    for vector in VECTORS["ballots"]:
        data = base64.b64decode(vector["ballot"])
        assert len(data) == 198 + 192 * n and data[:4] == b"OPB1"
        assert data[4:36] == ELECTION_HASH and int.from_bytes(data[68:70], "big") == n
        credential = data[36:68]
        assert credential.hex() in PARAMETERS["credentials"]
        body, signature = data[:-64], data[-64:]
        nacl.bindings.crypto_sign_open(
            signature + lp8((TAG + "ballot-signature").encode()) + body, credential
        )
        pairs = [(data[70 + 64 * o : 102 + 64 * o], data[102 + 64 * o : 134 + 64 * o])
                 for o in range(n)]
        statement = credential + u32(n) + b"".join(a + b for a, b in pairs)
        for o, (a_o, b_o) in enumerate(pairs):
            start = 70 + 64 * n + 128 * o
            c0, c1, z0, z1 = (le(data[start + 32 * i : start + 32 * i + 32]) for i in range(4))
            commitments = b""
            for j, (c, z) in enumerate(((c0, z0), (c1, z1))):
                shifted = sub(b_o, BASE) if j else b_o
                commitments += sub(mul_base(z), mul(c, a_o)) + sub(mul(z, H), mul(c, shifted))
            assert (c0 + c1) % L == challenge("range", statement + u32(o) + commitments)
        start = 70 + 192 * n
        c, z = le(data[start : start + 32]), le(data[start + 32 : start + 64])
        big_a = group.total(a for a, _ in pairs)
        big_y = sub(group.total(b for _, b in pairs), BASE)
        a_, b_ = sub(mul_base(z), mul(c, big_a)), sub(mul(z, H), mul(c, big_y))
        assert c == challenge("sum", statement + a_ + b_)
        assert sha("tracker", data)[:32].hex() == vector["tracker"]
        # §8.5: the randomness derived from the seed is what encrypts the choice.
        seed = bytes.fromhex(vector["seed"])
        for o, (a_o, b_o) in enumerate(pairs):
            r = scalar("seed", seed + u32(o) + b"\0")
            assert r.to_bytes(32, "little").hex() == vector["randomness"][o]
            m_g = BASE if o == vector["choice"] else group.IDENTITY
            assert (a_o, b_o) == (mul_base(r), add(mul(r, H), m_g))


def test_the_records_tally_by_the_letter() -> None:  # §11.3, §12
    record = json.loads(VECTORS["record"])
    ballots = [base64.b64decode(b) for b in record["board"]["ballots"]]
    digest = sha("board", len(ballots).to_bytes(8, "big")
                 + b"".join(sha("tracker", b)[:32] for b in ballots))[:32]
    tally = record["tally"]
    assert tally["board_digest"] == digest.hex()
    n = len(PARAMETERS["options"])
    product = [(bytes.fromhex(a), bytes.fromhex(b)) for a, b in tally["product"]]
    product_bytes = b"".join(a + b for a, b in product)
    combined_at = {}
    for partial in record["decryptions"]:
        index = partial["trustee"]
        # X_l = Σ_j l^j·(Σ_i C_ij)
        x_l = group.total(
            mul(pow(index, j, L), bytes.fromhex(t["commitments"][j]))
            for t in PARAMETERS["trustees"] for j in range(PARAMETERS["threshold"])
        )
        for o, (share_hex, (c_hex, z_hex)) in enumerate(
            zip(partial["shares"], partial["proofs"], strict=True)
        ):
            share, c, z = bytes.fromhex(share_hex), le(bytes.fromhex(c_hex)), le(
                bytes.fromhex(z_hex))
            a = sub(mul_base(z), mul(c, x_l))
            b = sub(mul(z, product[o][0]), mul(c, share))
            assert c == challenge("decryption", digest + u32(index) + x_l + u32(n)
                                  + product_bytes + u32(o) + share + a + b)
        combined_at[index] = [bytes.fromhex(s) for s in partial["shares"]]
    indices = sorted(combined_at)
    counts = []
    for o in range(n):
        total = group.IDENTITY
        for l_index in indices:
            lam = 1
            for m in indices:
                if m != l_index:
                    lam = lam * m * pow(m - l_index, -1, L) % L
            total = add(total, mul(lam, combined_at[l_index][o]))
        point = sub(product[o][1], total)
        counts.append(next(t for t in range(len(ballots) + 1) if mul_base(t) == point
                           or (t == 0 and point == group.IDENTITY)))
    assert counts == record["result"]["counts"]
