/**
 * Exponential ElGamal on ristretto255 (docs/plebiscite-spec.md §2, §8.1): with public key H,
 * the encryption of m ∈ {0, 1} with randomness r is (A, B) = (r·G, r·H + m·G).
 */

import { concat } from './bytes.js';
import { G, times } from './group.js';

/** `{A, B, bytes}`: the ciphertext of `m` under `publicKey`, with its 64-byte encoding. */
export function encrypt(publicKey, m, r) {
  const A = times(r, G);
  const B = m === 1 ? times(r, publicKey).add(G) : times(r, publicKey);
  return { A, B, bytes: concat(A.toBytes(), B.toBytes()) };
}
