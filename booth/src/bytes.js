/**
 * Byte encodings (docs/plebiscite-spec.md §2, §7, §8.4, §8.6): big-endian integers for lengths
 * and indices, little-endian scalars, strict lowercase hex, standard base64 and the base32 in
 * groups of four that voters read and type.
 */

import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** Bytes one after another (`||`), and a string's UTF-8 bytes. */
export const concat = concatBytes;
export const utf8 = utf8ToBytes;

/** `u8`, `u16`, `u32`: unsigned big-endian integers of 1, 2, 4 bytes (the spec's conventions). */
export const u8 = (value) => bigEndian(value, 1);
export const u16 = (value) => bigEndian(value, 2);
export const u32 = (value) => bigEndian(value, 4);

/** `lp8(s) = u8(len(s)) || s` and `lp16(s) = u16(len(s)) || s` (the spec's conventions). */
export const lp8 = (bytes) => concat(u8(bytes.length), bytes);
export const lp16 = (bytes) => concat(u16(bytes.length), bytes);

function bigEndian(value, size) {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i -= 1, value = Math.floor(value / 256)) out[i] = value % 256;
  return out;
}

/** A scalar (BigInt in [0, L)) as its 32 bytes, little-endian (§2). */
export function scalarBytes(value) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1, value >>= 8n) out[i] = Number(value & 0xffn);
  return out;
}

/** Bytes read as a little-endian integer (a scalar's encoding, or a SHA-512 output, §3). */
export function littleEndian(bytes) {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

/** Lowercase hexadecimal. */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** 64 lowercase hexadecimal digits as 32 bytes; nothing else is accepted (§2). */
export function fromHex32(text, what) {
  if (typeof text !== 'string' || !/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`${what}: not 64 lowercase hexadecimal digits`);
  }
  return Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));
}

/** Standard padded base64 (RFC 4648 §4), the form of a ballot in JSON (§2). */
export function toBase64(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Unpadded base32 (RFC 4648, upper case) in groups of four joined by `-` (§7, §8.6). */
export function toBase32Groups(bytes) {
  let bits = 0;
  let buffer = 0;
  let text = '';
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) text += BASE32[(buffer << (5 - bits)) & 31];
  return text.match(/.{1,4}/g).join('-');
}

/**
 * The `length` bytes a person typed as base32 in groups: case, spaces and dashes are ignored
 * (§7). Returns null unless the letters are base32 and encode exactly `length` bytes.
 */
export function fromBase32Groups(text, length) {
  const letters = text.replace(/[\s-]/g, '').toUpperCase();
  if (letters.length !== Math.ceil((length * 8) / 5)) return null;
  const out = new Uint8Array(length);
  let bits = 0;
  let buffer = 0;
  let count = 0;
  for (const letter of letters) {
    const value = BASE32.indexOf(letter);
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[count] = (buffer >> bits) & 0xff;
      count += 1;
    }
  }
  return out;
}
