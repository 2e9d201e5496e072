/**
 * The sigma proofs the booth makes and checks, in compact form (challenges and responses), made
 * non-interactive by strong Fiat–Shamir (docs/plebiscite-spec.md §3):
 *
 * - `proveRange`: option o encrypts 0 or 1, a disjunctive Chaum–Pedersen proof (§8.2);
 * - `proveSum`: the ballot's options add up to exactly one, a Chaum–Pedersen proof (§8.3);
 * - `coefficientVerifies`: a trustee's proof of knowledge of a coefficient (§6.2), which the
 *   booth checks in the parameters (§5.2).
 *
 * `election` is what `readElection` returns; `statement` is the ballot statement T (§8.1).
 */

import { concat, lp16, u32, utf8 } from './bytes.js';
import { Fn, G, times } from './group.js';
import { GROUP_FIELD, TAGS, challenge, hashScalar } from './hashing.js';

/**
 * The range proof of option `o` (§8.2): ciphertext {A, B} = (r·G, r·H + m·G) with m ∈ {0, 1}.
 * The real branch m commits (w·G, w·H); the other branch is simulated from the chosen
 * challenge and response. Returns [c0, c1, z0, z1].
 */
export function proveRange(election, statement, o, ciphertext, m, r, secrets) {
  const { nonce, fakeChallenge, fakeResponse } = secrets;
  const H = election.publicKey;
  const other = 1 - m;
  const shifted = other === 0 ? ciphertext.B : ciphertext.B.subtract(G); // B − other·G
  const fake = [
    times(fakeResponse, G).subtract(times(fakeChallenge, ciphertext.A)),
    times(fakeResponse, H).subtract(times(fakeChallenge, shifted)),
  ];
  const real = [times(nonce, G), times(nonce, H)];
  const [a0, b0, a1, b1] = m === 0 ? [...real, ...fake] : [...fake, ...real];
  const e = challenge(TAGS.range, election, statement, u32(o),
    ...[a0, b0, a1, b1].map((point) => point.toBytes()));
  const realChallenge = Fn.create(e - fakeChallenge);
  const realResponse = Fn.create(nonce + realChallenge * r);
  return m === 0
    ? [realChallenge, fakeChallenge, realResponse, fakeResponse]
    : [fakeChallenge, realChallenge, fakeResponse, realResponse];
}

/**
 * The sum proof (§8.3): (Σ A_o, Σ B_o − G) encrypts 0 with randomness R = Σ r_o, i.e.
 * log_G A = log_H Y. Commitments a = w·G, b = w·H; returns [c, z].
 */
export function proveSum(election, statement, totalRandomness, nonce) {
  const a = times(nonce, G);
  const b = times(nonce, election.publicKey);
  const c = challenge(TAGS.sum, election, statement, a.toBytes(), b.toBytes());
  return [c, Fn.create(nonce + c * totalRandomness)];
}

/**
 * A dealer's statement S_i (§6.2): lp8("ristretto255") || lp16(utf8(election_id)) || u32(k) ||
 * u32(i) || u32(k) || C_0 || … || C_{k−1}.
 */
export function dealerStatement(electionId, threshold, dealer, commitments) {
  return concat(GROUP_FIELD, lp16(utf8(electionId)), u32(threshold), u32(dealer),
    u32(commitments.length), ...commitments.map((point) => point.toBytes()));
}

/**
 * Whether `[c, z]` proves knowledge of log_G of the dealer's commitment j (§6.2): recompute
 * a' = z·G − c·C_j and check that c = scalar(coefficient, S_i || u32(j) || a').
 */
export function coefficientVerifies(statement, j, commitment, [c, z]) {
  const a = times(z, G).subtract(times(c, commitment));
  return hashScalar(TAGS.coefficient, statement, u32(j), a.toBytes()) === c;
}
