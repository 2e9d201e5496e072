/**
 * The election parameters as the booth reads them (docs/plebiscite-spec.md §5): the canonical
 * bytes the server sends, parsed strictly (§4), checked as §5.2 says, and hashed (§5.3).
 *
 * Of the credential list the booth checks the form (hex, sorted, no repeats), not that each key
 * is a valid Ed25519 point: that costs a scalar multiplication per voter and cannot harm this
 * voter's ballot; `openpeace plebiscite verify` checks it for the whole record.
 */

import { fromHex32 } from './bytes.js';
import { parseCanonical } from './canonical.js';
import { Point, elementFromHex, scalarFromHex } from './group.js';
import { TAGS, digest32 } from './hashing.js';
import { coefficientVerifies, dealerStatement } from './proofs.js';

const FORMAT = 'openpeace-plebiscite-v1';
const MAX_OPTIONS = 64;
const MAX_TRUSTEES = 255;

/**
 * The election of `bytes` (the parameters' canonical JSON): `{parameters, hash, publicKey,
 * publicKeyBytes, credentials}` with `credentials` the set of listed keys (hex). Throws an
 * Error naming the first problem when the bytes are not valid parameters.
 */
export function readElection(bytes) {
  const parameters = parseCanonical(bytes);
  checkShape(parameters);
  return {
    parameters,
    hash: digest32(TAGS.election, bytes),
    publicKey: checkValidity(parameters),
    publicKeyBytes: fromHex32(parameters.public_key, 'public_key'),
    credentials: new Set(parameters.credentials),
  };
}

function object(value, what) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what}: not an object`);
  }
  return value;
}

function fields(value, names, what) {
  if (Object.keys(object(value, what)).sort().join() !== [...names].sort().join()) {
    throw new Error(`${what}: fields must be exactly ${names.join(', ')}`);
  }
}

function list(value, what) {
  if (!Array.isArray(value)) throw new Error(`${what}: not an array`);
  return value;
}

function string(value, what) {
  if (typeof value !== 'string') throw new Error(`${what}: not a string`);
}

/** Exactly the fields of §5.1, of their types. */
function checkShape(p) {
  fields(p, ['format', 'group', 'election_id', 'question', 'options', 'threshold', 'trustees',
    'public_key', 'credentials', 'context'], 'parameters');
  if (p.format !== FORMAT) throw new Error(`parameters: format is not ${FORMAT}`);
  if (p.group !== 'ristretto255') throw new Error('parameters: group is not ristretto255');
  string(p.election_id, 'election_id');
  string(p.question, 'question');
  list(p.options, 'options').forEach((option, n) => {
    fields(option, ['id', 'label'], `option ${n}`);
    string(option.id, `option ${n} id`);
    string(option.label, `option ${n} label`);
  });
  list(p.trustees, 'trustees').forEach((trustee, n) => {
    fields(trustee, ['index', 'name', 'commitments', 'proofs'], `trustee ${n}`);
    string(trustee.name, `trustee ${n} name`);
    list(trustee.commitments, `trustee ${n} commitments`);
    list(trustee.proofs, `trustee ${n} proofs`).forEach((pair) => {
      if (list(pair, `trustee ${n} proof`).length !== 2) {
        throw new Error(`trustee ${n} proof: not a [c, z] pair`);
      }
    });
  });
  list(p.credentials, 'credentials').forEach((c) => fromHex32(c, 'credential'));
  for (const [key, value] of Object.entries(object(p.context, 'context'))) {
    string(value, `context ${key}`);
  }
}

/** The rules of §5.2; throws naming the first one broken, else returns the public key H. */
function checkValidity(p) {
  if (!p.election_id) throw new Error('the election id is empty');
  const ids = p.options.map((option) => option.id);
  if (ids.length < 2 || ids.length > MAX_OPTIONS) {
    throw new Error(`a plebiscite has 2 to ${MAX_OPTIONS} options`);
  }
  if (new Set(ids).size !== ids.length || !ids.every(Boolean)) {
    throw new Error('option ids must be non-empty and distinct');
  }
  const k = p.threshold;
  if (!Number.isSafeInteger(k) || k < 1 || k > p.trustees.length) {
    throw new Error('the threshold must be between 1 and the number of trustees');
  }
  let previous = 0;
  let key = Point.ZERO;
  for (const trustee of p.trustees) {
    const i = trustee.index;
    if (!Number.isSafeInteger(i) || i <= previous || i > MAX_TRUSTEES) {
      throw new Error(`trustee indices must be increasing, in 1..${MAX_TRUSTEES}`);
    }
    previous = i;
    key = key.add(checkDealing(p.election_id, k, trustee));
  }
  const publicKey = elementFromHex(p.public_key, 'public_key');
  if (publicKey.equals(Point.ZERO) || !publicKey.equals(key)) {
    throw new Error("the public key is not the sum of the trustees' commitments");
  }
  if (!p.credentials.every((c, n) => n === 0 || p.credentials[n - 1] < c)) {
    throw new Error('the credential list is not sorted without repeats');
  }
  return publicKey;
}

/** A trustee's k commitments and k proofs (§6.2); returns its C_0. */
function checkDealing(electionId, k, trustee) {
  const what = `trustee ${trustee.index}`;
  if (trustee.commitments.length !== k || trustee.proofs.length !== k) {
    throw new Error(`${what}: needs exactly ${k} commitments and proofs`);
  }
  const commitments = trustee.commitments.map((c) => elementFromHex(c, `${what} commitment`));
  if (commitments.some((c) => c.equals(Point.ZERO))) {
    throw new Error(`${what}: a commitment is the identity`);
  }
  const statement = dealerStatement(electionId, k, trustee.index, commitments);
  trustee.proofs.forEach(([c, z], j) => {
    const proof = [scalarFromHex(c, `${what} proof`), scalarFromHex(z, `${what} proof`)];
    if (!coefficientVerifies(statement, j, commitments[j], proof)) {
      throw new Error(`${what}: the proof of coefficient ${j} does not verify`);
    }
  });
  return commitments[0];
}
