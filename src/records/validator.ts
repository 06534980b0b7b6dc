import { decodeKvRecord } from './kv-record-codec.js'
import { fromDhtKey } from './kv-key.js'
import type { KvRecord } from './kv-record.js'

/**
 * The `/kv` validator: the DHT key is `/kv/` + 1–256 bytes of UTF-8 and the
 * value is a canonical `KvRecord` within the limits. Throws an
 * `InvalidKeyError`, `InvalidRecordError` or `ValueTooLargeError` otherwise.
 * Matches the `ValidateFn` of @libp2p/kad-dht.
 */
export function validateKvRecord (dhtKey: Uint8Array, value: Uint8Array): void {
  parseKvRecord(dhtKey, value)
}

/** Validates like `validateKvRecord` and returns the user key and the decoded record. */
export function parseKvRecord (dhtKey: Uint8Array, value: Uint8Array): { key: string, record: KvRecord } {
  const key = fromDhtKey(dhtKey)
  return { key, record: decodeKvRecord(value) }
}
