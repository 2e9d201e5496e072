"""The transparency log: every public act of openpeace, in a verifiable append-only log.

Pure Python (stdlib and PyNaCl only), one specification per module:

- `merkle`: RFC 9162 §2.1 Merkle tree hashes, inclusion and consistency proofs;
- `note`: C2SP signed-note, Ed25519 keys and signed notes;
- `checkpoint`: C2SP tlog-checkpoint, the signed tree head;
- `tiles`: C2SP tlog-tiles addressing, and proofs read from tiles;
- `bundle`: C2SP tlog-tiles entry bundles;
- `integrate`: appending entries, producing the new tiles and bundles;
- `proof`: C2SP tlog-proof, offline proofs of inclusion;
- `source` and `verifier`: reading a published log and verifying all of it.
"""
