/**
 * The ballot tracker (docs/plebiscite-spec.md §8.6): digest32("…/tracker", ballot bytes), hex on
 * the board and in URLs, base32 in groups of four for the voter to keep.
 */

import { toBase32Groups, toHex } from './bytes.js';
import { TAGS, digest32 } from './hashing.js';

/** `{hex, text}`: the tracker of a ballot's bytes, as the board and the voter write it. */
export function tracker(ballot) {
  const digest = digest32(TAGS.tracker, ballot);
  return { hex: toHex(digest), text: toBase32Groups(digest) };
}
