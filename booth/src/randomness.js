/**
 * A ballot's randomness (docs/plebiscite-spec.md §8.5): a fresh 32-byte seed from the browser's
 * cryptographic generator, from which every random scalar of the ballot is derived as
 * scalar("…/seed", seed || u32(index) || u8(role)). The seed is secret and never sent.
 */

import { u32, u8 } from './bytes.js';
import { TAGS, hashScalar } from './hashing.js';

/** The roles of §8.5. */
export const ROLE = Object.freeze({ randomness: 0, nonce: 1, fakeChallenge: 2, fakeResponse: 3 });

/** The index under which the seed derives the sum proof's nonce. */
export const SUM_INDEX = 0xffffffff;

/** A fresh ballot seed, from `crypto.getRandomValues`. */
export function freshSeed() {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** The scalar of (index, role) derived from a ballot seed. */
export function derive(seed, index, role) {
  return hashScalar(TAGS.seed, seed, u32(index), u8(role));
}
