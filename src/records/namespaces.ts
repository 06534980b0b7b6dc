import { decodeKvRecord } from './kv-record-codec.js'
import { KV_NAMESPACE, KVS_NAMESPACE } from './limits.js'
import { selectKvRecord } from './selector.js'
import { validateSignedRecord } from './signed-record.js'
import { validateKvRecord } from './validator.js'
import type { Selectors, Validators } from '@libp2p/kad-dht'

/**
 * The record namespaces this peer accepts, one row each: the DHT stores a key
 * `/<namespace>/...` only when its namespace is listed here: `/kv` (anyone
 * writes) and `/kvs` (signed: only the owner in the key writes).
 */
const NAMESPACES: Record<string, { validate(dhtKey: Uint8Array, value: Uint8Array): void, select: typeof selectKvRecord, expires(value: Uint8Array): number }> = {
  [KV_NAMESPACE]: { validate: (dhtKey, value) => { validateKvRecord(dhtKey, value) }, select: selectKvRecord, expires: (value) => Number(decodeKvRecord(value).expires) },
  [KVS_NAMESPACE]: { validate: (dhtKey, value) => { validateSignedRecord(dhtKey, value) }, select: selectKvRecord, expires: (value) => Number(decodeKvRecord(value).expires) }
}

/** The namespace of a DHT key: `kv` for `/kv/...`, `kvs` for `/kvs/...`, '' when there is none. */
export function namespaceOf (dhtKey: Uint8Array): string {
  return new TextDecoder().decode(dhtKey.subarray(0, 64)).split('/')[1] ?? ''
}

/** Validators for @libp2p/kad-dht, keyed by namespace. */
export const recordValidators: Validators = Object.fromEntries(
  Object.entries(NAMESPACES).map(([ns, { validate }]) => [ns, validate])
)

/** Selectors for @libp2p/kad-dht, keyed by namespace. */
export const recordSelectors: Selectors = Object.fromEntries(
  Object.entries(NAMESPACES).map(([ns, { select }]) => [ns, select])
)

/**
 * When the record `value` for `dhtKey` ends (Unix ms; 0 for none), by its
 * namespace's format. Throws for a key outside the namespaces or a value
 * that does not decode.
 */
export function recordExpiry (dhtKey: Uint8Array, value: Uint8Array): number {
  const namespace = NAMESPACES[namespaceOf(dhtKey)]
  if (namespace == null) {
    throw new TypeError(`no record namespace for ${new TextDecoder().decode(dhtKey.subarray(0, 64))}`)
  }
  return namespace.expires(value)
}
