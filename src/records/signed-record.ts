import { concat as uint8ArrayConcat } from 'uint8arrays/concat'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { InvalidKeyError, InvalidRecordError, InvalidSignatureError } from '../errors.js'
import { checkLifetime, decodeKvRecord, encodeKvRecord } from './kv-record-codec.js'
import { fromSignedDhtKey } from './kvs-key.js'
import { KVS_SIGNATURE_DOMAIN, SIGNATURE_BYTES } from './limits.js'
import type { KvRecord } from './kv-record.js'
import type { SignedKey } from './kvs-key.js'
import type { PrivateKey } from '@libp2p/interface'

const domainBytes = uint8ArrayFromString(KVS_SIGNATURE_DOMAIN)

/** What an owner signs: everything a `/kvs` record says. */
export interface SignedFields {
  value: Uint8Array
  seq: bigint
  /** When the record ends (Unix ms). */
  expires: bigint
}

/**
 * The bytes an owner signs for a record of `dhtKey` (docs/records.md,
 * "Signed bytes"): the domain separator `exper-dht/kvs-record/v1`, then the
 * DHT key and the value, each after its length as a 4-byte big-endian
 * integer, then seq and expires as 8-byte big-endian integers.
 */
export function signedBytes (dhtKey: Uint8Array, fields: SignedFields): Uint8Array<ArrayBuffer> {
  const numbers = new Uint8Array(16)
  const view = new DataView(numbers.buffer)
  view.setBigUint64(0, fields.seq)
  view.setBigUint64(8, fields.expires)
  return uint8ArrayConcat([domainBytes, uint32(dhtKey.byteLength), dhtKey, uint32(fields.value.byteLength), fields.value, numbers])
}

/**
 * Signs a `/kvs` record for `dhtKey` with the owner's key and returns the
 * encoded KvRecord (value, seq, expires, signature; no publisher). Throws an
 * `InvalidKeyError` when `privateKey` is not the key's owner.
 */
export async function signRecord (privateKey: PrivateKey, dhtKey: Uint8Array, fields: SignedFields): Promise<Uint8Array<ArrayBuffer>> {
  const { owner } = fromSignedDhtKey(dhtKey)
  if (!owner.publicKey.equals(privateKey.publicKey)) {
    throw new InvalidKeyError(`this key (${privateKey.publicKey.toString()}) does not own ${owner.toString()}'s records: only the owner signs`)
  }
  const signature = await privateKey.sign(signedBytes(dhtKey, fields))
  return encodeKvRecord({ ...fields, publisher: new Uint8Array(), signature })
}

/**
 * The format and signature rules of `/kvs` (docs/records.md), without the
 * lifetime rule: the key is `/kvs/<Ed25519 owner>/<name>`, the value a
 * canonical KvRecord without publisher, whose 64-byte signature verifies
 * against the owner's public key (taken from the owner's peer id, no lookup).
 * Returns the key and the record; throws an `InvalidKeyError`,
 * `InvalidRecordError` or `InvalidSignatureError` otherwise.
 */
export function parseSignedRecord (dhtKey: Uint8Array, value: Uint8Array): { key: SignedKey, record: KvRecord } {
  const key = fromSignedDhtKey(dhtKey)
  const record = decodeKvRecord(value)
  if (record.publisher.byteLength > 0) {
    throw new InvalidRecordError('a /kvs record has no publisher field: its owner is in its key')
  }
  if (record.signature.byteLength !== SIGNATURE_BYTES) {
    throw new InvalidSignatureError(record.signature.byteLength === 0
      ? 'the record has no signature: a /kvs record is signed by its owner'
      : `the signature has ${record.signature.byteLength} bytes; an Ed25519 signature has ${SIGNATURE_BYTES}`)
  }
  const verified = key.owner.publicKey.verify(signedBytes(dhtKey, record), record.signature)
  if (verified !== true) {
    throw new InvalidSignatureError(`the signature does not verify against the owner ${key.owner.toString()}: the record was not signed by the key's owner for this key, value, seq and expiry`)
  }
  return { key, record }
}

/**
 * The `/kvs` validator: `parseSignedRecord` and the lifetime rule at `now`
 * (Unix ms). Matches the `ValidateFn` of @libp2p/kad-dht.
 */
export function validateSignedRecord (dhtKey: Uint8Array, value: Uint8Array, now = Date.now()): void {
  checkLifetime(parseSignedRecord(dhtKey, value).record, now)
}

function uint32 (n: number): Uint8Array {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, n)
  return bytes
}
