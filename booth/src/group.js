/**
 * The ristretto255 group (docs/plebiscite-spec.md §2) through @noble/curves: elements are
 * `Point`s, encoded as their canonical 32 bytes only (`toBytes`, never Edwards coordinates);
 * scalars are BigInts modulo L.
 */

import { ristretto255 } from '@noble/curves/ed25519.js';
import { fromHex32, littleEndian } from './bytes.js';

export const { Point } = ristretto255;

/** The scalar field: `Fn.ORDER` is L, `Fn.create(x)` is x mod L. */
export const { Fn } = Point;

/** G, the standard generator. */
export const G = Point.BASE;

/**
 * `s·P`. noble's `multiply` refuses the scalar 0 (§14 pitfalls): 0·P is the identity.
 */
export function times(scalar, point) {
  return scalar === 0n ? Point.ZERO : point.multiply(scalar);
}

/** A group element from 64 hex digits: canonical encodings only (RFC 9496 §4.3.1). */
export function elementFromHex(text, what) {
  try {
    return Point.fromBytes(fromHex32(text, what));
  } catch {
    throw new Error(`${what}: not a ristretto255 element`);
  }
}

/** A scalar from the hex of its 32 little-endian bytes; it must be below L (§2). */
export function scalarFromHex(text, what) {
  const value = littleEndian(fromHex32(text, what));
  if (value >= Fn.ORDER) throw new Error(`${what}: a scalar is not below the group order`);
  return value;
}
