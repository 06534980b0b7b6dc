import { InvalidRecordError } from '../errors.js'
import { checkLifetime, decodeKvRecord } from './kv-record-codec.js'
import { fromDhtKey } from './kv-key.js'
import type { KvRecord } from './kv-record.js'

/**
 * The `/kv` validator (docs/records.md): the format rules of
 * `parseKvRecord` and the lifetime rule at the clock `now` (Unix ms). Throws
 * an `InvalidKeyError`, `InvalidRecordError`, `ExpiredRecordError` or
 * `ValueTooLargeError` otherwise. Matches the `ValidateFn` of @libp2p/kad-dht.
 */
export function validateKvRecord (dhtKey: Uint8Array, value: Uint8Array, now = Date.now()): void {
  checkLifetime(parseKvRecord(dhtKey, value).record, now)
}

/**
 * The format rules alone: the DHT key is `/kv/` + 1–256 bytes of UTF-8 and
 * the value a canonical `KvRecord` within the limits, without a signature. Returns the user key
 * and the decoded record.
 */
export function parseKvRecord (dhtKey: Uint8Array, value: Uint8Array): { key: string, record: KvRecord } {
  const key = fromDhtKey(dhtKey)
  const record = decodeKvRecord(value)
  if (record.signature.byteLength > 0) {
    throw new InvalidRecordError('a /kv record carries no signature (signed records live under /kvs/<owner>/<name>)')
  }
  return { key, record }
}
