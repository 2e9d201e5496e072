/**
 * The ballot's binary form (docs/plebiscite-spec.md §8.1, §8.4), 198 + 192·n bytes:
 *
 *   "OPB1" || election hash || credential K || u16(n) || A_o || B_o (each o)
 *   || c_0 || c_1 || z_0 || z_1 (each o) || c || z (sum proof) || Ed25519 signature
 *
 * The body is every byte before the signature; the signature covers it.
 */

import { concat, scalarBytes, u16, u32, utf8 } from './bytes.js';

const MAGIC = utf8('OPB1');

/** The ballot statement T = enc(K) || u32(n) || A_0 || B_0 || … (§8.1), in every challenge. */
export function ballotStatement(credential, ciphertexts) {
  return concat(credential, u32(ciphertexts.length), ...ciphertexts.map((c) => c.bytes));
}

/** The body of a ballot: all of it but the signature. */
export function ballotBody({ electionHash, credential, ciphertexts, rangeProofs, sumProof }) {
  return concat(
    MAGIC, electionHash, credential, u16(ciphertexts.length),
    ...ciphertexts.map((c) => c.bytes),
    ...rangeProofs.flat().map(scalarBytes),
    ...sumProof.map(scalarBytes),
  );
}
