/**
 * The voter's credential (docs/plebiscite-spec.md §7): the private credential is the 32-byte
 * seed of an Ed25519 key, typed as base32 in groups of four; the public credential, listed in
 * the parameters, is its Ed25519 public key. The credential signs the ballot body (§8.4).
 */

import { ed25519 } from '@noble/curves/ed25519.js';
import { concat, fromBase32Groups, toHex } from './bytes.js';
import { TAGS, dst } from './hashing.js';

/** A credential the booth refuses before anything is sent; the message is for the voter. */
export class CredentialError extends Error {}

/**
 * The private credential the voter typed, checked against the election's list: returns
 * `{seed, public}` (32 bytes each) or throws a `CredentialError` that says what is wrong.
 */
export function readCredential(text, election) {
  const seed = fromBase32Groups(text, 32);
  if (seed === null) {
    throw new CredentialError('This is not a private credential: a credential is 52 letters ' +
      'and digits (A to Z, 2 to 7), in groups of four.');
  }
  const credential = { seed, public: publicCredential(seed) };
  if (!election.credentials.has(toHex(credential.public))) {
    throw new CredentialError("This credential is not on this election's list: check that " +
      'you typed it exactly as it was handed to you.');
  }
  return credential;
}

/** The public credential of a seed: its Ed25519 public key (RFC 8032). */
export function publicCredential(seed) {
  return ed25519.getPublicKey(seed);
}

/** The ballot signature: Ed25519 by the seed over lp8("…/ballot-signature") || body (§8.4). */
export function signBody(seed, body) {
  return ed25519.sign(concat(dst(TAGS.signature), body), seed);
}
