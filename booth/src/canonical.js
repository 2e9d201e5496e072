/**
 * Canonical JSON (docs/plebiscite-spec.md §4): RFC 8785 restricted to objects with ASCII keys,
 * arrays, strings and integers in [0, 2^53); keys sorted, no whitespace, strings escaped as
 * JSON.stringify does. A reader refuses bytes that are not exactly the canonical form of what
 * they parse to.
 */

import { utf8 } from './bytes.js';

const isObject = (value) =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

const isAscii = (text) => /^[\x00-\x7f]*$/.test(text);

/** Whether a string is Unicode text: no surrogate on its own. */
const isUnicode = (text) => !/\p{Surrogate}/u.test(text);

/** The canonical serialisation of `value`, as text. */
export function canonicalJson(value) {
  if (typeof value === 'string' && isUnicode(value)) return JSON.stringify(value);
  if (Number.isSafeInteger(value) && value >= 0) return String(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    if (!keys.every(isAscii)) throw new Error('canonical JSON: object keys must be ASCII');
    const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new Error('canonical JSON: only objects, arrays, strings and integers are allowed');
}

/** Parse canonical JSON bytes; anything but the canonical bytes of the value is refused. */
export function parseCanonical(bytes) {
  const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  const again = utf8(canonicalJson(value));
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new Error('not in canonical JSON form (key order, spacing or escaping)');
  }
  return value;
}
