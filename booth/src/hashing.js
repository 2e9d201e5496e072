/**
 * Domain-separated hashes (docs/plebiscite-spec.md §3): every hash is SHA-512 over
 * `lp8(tag) || input`; `digest32` keeps its first 32 bytes, `hashScalar` reads all 64 as a
 * little-endian integer modulo L. Challenges (strong Fiat–Shamir) hash the group, the election
 * hash and the public key before the statement and the commitments.
 */

import { sha512 } from '@noble/hashes/sha2.js';
import { concat, littleEndian, lp8, utf8 } from './bytes.js';
import { Fn } from './group.js';

const PREFIX = 'openpeace/plebiscite/v1/';

/** The tags of §3, by use. */
export const TAGS = Object.freeze({
  election: `${PREFIX}election`,
  coefficient: `${PREFIX}coefficient`,
  signature: `${PREFIX}ballot-signature`,
  range: `${PREFIX}range`,
  sum: `${PREFIX}sum`,
  seed: `${PREFIX}seed`,
  tracker: `${PREFIX}tracker`,
});

/** The domain-separation prefix of a tag: `lp8(tag)`. */
export const dst = (tag) => lp8(utf8(tag));

/** The group's name as every challenge starts it: `lp8("ristretto255")` (§3, §6.2). */
export const GROUP_FIELD = lp8(utf8('ristretto255'));

/** `digest32(t, d) = SHA-512(lp8(t) || d)[0:32]` (§3). */
export function digest32(tag, ...parts) {
  return sha512(concat(dst(tag), ...parts)).slice(0, 32);
}

/** `scalar(t, d) = int_le(SHA-512(lp8(t) || d)) mod L` (§3), as a BigInt. */
export function hashScalar(tag, ...parts) {
  return Fn.create(littleEndian(sha512(concat(dst(tag), ...parts))));
}

/**
 * `challenge(t, d) = scalar(t, lp8("ristretto255") || election_hash || enc(H) || d)` (§3):
 * `election` gives `hash` and `publicKeyBytes`, `parts` are the statement and commitments.
 */
export function challenge(tag, election, ...parts) {
  return hashScalar(tag, GROUP_FIELD, election.hash, election.publicKeyBytes, ...parts);
}
