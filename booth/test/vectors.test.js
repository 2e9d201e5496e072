// The booth against the known-answer vectors (docs/plebiscite-spec.md §14): from the same
// seeds it must produce every deterministic value of tests/core/plebiscite/vectors.json byte
// for byte, and it must refuse a credential that is not on the list before anything is sent.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { auditReveal } from '../src/audit.js';
import { encryptBallot } from '../src/ballot.js';
import { fromHex32, scalarBytes, toBase32Groups, toBase64, toHex, utf8 } from '../src/bytes.js';
import { canonicalJson, parseCanonical } from '../src/canonical.js';
import { CredentialError, publicCredential, readCredential } from '../src/credential.js';
import { Fn, G } from '../src/group.js';
import { digest32, hashScalar } from '../src/hashing.js';
import { readElection } from '../src/parameters.js';

const vectors = JSON.parse(readFileSync(
  new URL('../../tests/core/plebiscite/vectors.json', import.meta.url), 'utf8'));
const parametersBytes = utf8(vectors.parameters_canonical);
const election = readElection(parametersBytes);
const hexOf = (text) => new Uint8Array(Buffer.from(text, 'hex'));

test('the group: its generator and order', () => {
  assert.equal(toHex(G.toBytes()), vectors.group.base);
  assert.equal(Fn.ORDER.toString(), vectors.group.order);
});

test('the sample hashes: digest32 and scalar', () => {
  for (const sample of vectors.hashes) {
    const input = hexOf(sample.input);
    assert.equal(toHex(digest32(sample.tag, input)), sample.digest32, sample.tag);
    assert.equal(toHex(scalarBytes(hashScalar(sample.tag, input))), sample.scalar, sample.tag);
  }
});

test('canonical JSON of the parameters, and the election hash', () => {
  assert.equal(canonicalJson(vectors.parameters), vectors.parameters_canonical);
  assert.equal(toHex(election.hash), vectors.election_hash);
  assert.deepEqual(election.parameters, vectors.parameters);
});

test('parameters that are not canonical, or not valid, are refused', () => {
  const spaced = utf8(JSON.stringify(vectors.parameters, null, 1));
  assert.throws(() => readElection(spaced), /canonical JSON form/);
  const changed = structuredClone(vectors.parameters);
  changed.trustees[1].proofs[0].reverse();
  assert.throws(() => readElection(utf8(canonicalJson(changed))), /trustee 2: the proof/);
  const unsorted = structuredClone(vectors.parameters);
  unsorted.credentials.reverse();
  assert.throws(() => readElection(utf8(canonicalJson(unsorted))), /not sorted/);
  const keyed = structuredClone(vectors.parameters);
  keyed.public_key = vectors.group.base;
  assert.throws(() => readElection(utf8(canonicalJson(keyed))), /public key/);
  assert.throws(() => parseCanonical(utf8('{"b":1,"a":2}')), /canonical JSON form/);
  assert.throws(() => parseCanonical(utf8('{"a":1,"a":1}')), /canonical JSON form/);
  for (const value of [1.5, -1, 2 ** 53, true, null, '\ud800']) {
    assert.throws(() => canonicalJson({ a: value }), /only objects/);
  }
});

test('canonical JSON escapes strings as JSON.stringify does (§4)', () => {
  const value = { b: 'é"\\\n\u001f\u2028😀', a: [0, 2 ** 53 - 1] };
  const expected = '{"a":[0,9007199254740991],"b":"é\\"\\\\\\n\\u001f\u2028😀"}';
  assert.equal(canonicalJson(value), expected);
});

test('credentials: the public key and the text of each seed', () => {
  for (const credential of vectors.credentials) {
    const seed = fromHex32(credential.seed, 'seed');
    assert.equal(toHex(publicCredential(seed)), credential.public);
    assert.equal(toBase32Groups(seed), credential.text);
    const typed = credential.text.toLowerCase().replaceAll('-', ' ');
    assert.equal(toHex(readCredential(typed, election).public), credential.public);
  }
});

test('each ballot, byte for byte, with its randomness and tracker', () => {
  for (const vector of vectors.ballots) {
    const credential = readCredential(
      toBase32Groups(fromHex32(vector.credential_seed, 'seed')), election);
    const ballot = encryptBallot(election, credential, vector.choice,
      fromHex32(vector.seed, 'seed'));
    assert.equal(toBase64(ballot.bytes), vector.ballot);
    assert.equal(ballot.tracker.hex, vector.tracker);
    assert.equal(ballot.tracker.text, vector.tracker_text);
    assert.deepEqual(auditReveal(ballot), {
      ballot: vector.ballot, choice: vector.choice, randomness: vector.randomness,
    });
  }
});

test('a credential not on the list, or not a credential, is refused before sending', () => {
  const refused = (pattern) => (error) => error instanceof CredentialError
    && pattern.test(error.message);
  const stranger = toBase32Groups(new Uint8Array(32).fill(7));
  assert.throws(() => readCredential(stranger, election), refused(/not on this election's list/));
  const valid = vectors.credentials[0].text;
  for (const typo of [valid.slice(0, -1), `${valid}A`, valid.replace(/^./, '1')]) {
    assert.throws(() => readCredential(typo, election), refused(/not a private credential/));
  }
});

test('a choice outside the options is refused', () => {
  const credential = readCredential(vectors.credentials[0].text, election);
  assert.throws(() => encryptBallot(election, credential, 3, new Uint8Array(32)), RangeError);
});
