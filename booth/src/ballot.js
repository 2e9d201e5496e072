/**
 * Encrypting a vote (docs/plebiscite-spec.md §8): each option's ciphertext (§8.1) with its
 * 0-or-1 proof (§8.2), the exactly-one proof (§8.3), the binary form signed by the credential
 * (§8.4), all randomness derived from a fresh seed (§8.5), and the tracker (§8.6).
 */

import { concat } from './bytes.js';
import { signBody } from './credential.js';
import { encrypt } from './elgamal.js';
import { Fn } from './group.js';
import { ballotBody, ballotStatement } from './layout.js';
import { proveRange, proveSum } from './proofs.js';
import { ROLE, SUM_INDEX, derive } from './randomness.js';
import { tracker } from './tracker.js';

/**
 * A ballot for option `choice` (0-based) of `election` (from `readElection`), signed with
 * `credential` (from `readCredential`), its randomness derived from `seed` (32 bytes).
 * Returns `{bytes, choice, randomness, tracker}`: the bytes to cast, and the secrets an audit
 * reveals instead (§10).
 */
export function encryptBallot(election, credential, choice, seed) {
  const n = election.parameters.options.length;
  if (!Number.isInteger(choice) || choice < 0 || choice >= n) {
    throw new RangeError(`the choice must be an option number in 0..${n - 1}`);
  }
  const messages = Array.from({ length: n }, (_, o) => (o === choice ? 1 : 0));
  const randomness = messages.map((_, o) => derive(seed, o, ROLE.randomness));
  const ciphertexts = messages.map((m, o) => encrypt(election.publicKey, m, randomness[o]));
  const statement = ballotStatement(credential.public, ciphertexts);
  const rangeProofs = ciphertexts.map((ciphertext, o) =>
    proveRange(election, statement, o, ciphertext, messages[o], randomness[o], {
      nonce: derive(seed, o, ROLE.nonce),
      fakeChallenge: derive(seed, o, ROLE.fakeChallenge),
      fakeResponse: derive(seed, o, ROLE.fakeResponse),
    }));
  const total = Fn.create(randomness.reduce((sum, r) => sum + r, 0n));
  const sumProof = proveSum(election, statement, total, derive(seed, SUM_INDEX, ROLE.nonce));
  const body = ballotBody({
    electionHash: election.hash, credential: credential.public, ciphertexts, rangeProofs,
    sumProof,
  });
  const bytes = concat(body, signBody(credential.seed, body));
  return { bytes, choice, randomness, tracker: tracker(bytes) };
}
