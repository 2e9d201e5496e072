/**
 * The Benaloh audit (docs/plebiscite-spec.md §10): instead of casting an encrypted ballot, the
 * booth publishes it with its secrets, `{"ballot", "choice", "randomness"}`, so that anyone can
 * check it encrypts the choice; an audited ballot can never be cast.
 */

import { scalarBytes, toBase64, toHex } from './bytes.js';

/** The audit of a ballot from `encryptBallot`, as the audits endpoint takes it. */
export function auditReveal(ballot) {
  return {
    ballot: toBase64(ballot.bytes),
    choice: ballot.choice,
    randomness: ballot.randomness.map((r) => toHex(scalarBytes(r))),
  };
}
