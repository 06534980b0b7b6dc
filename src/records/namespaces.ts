import { KV_NAMESPACE } from './limits.js'
import { selectKvRecord } from './selector.js'
import { validateKvRecord } from './validator.js'
import type { Selectors, Validators } from '@libp2p/kad-dht'

/**
 * The record namespaces this peer accepts, one row each: the DHT stores a key
 * `/<namespace>/...` only when its namespace is listed here. A signed `/kvs`
 * namespace will be another row.
 */
const NAMESPACES = {
  [KV_NAMESPACE]: { validate: validateKvRecord, select: selectKvRecord }
} as const

/** The namespace of a DHT key: `kv` for `/kv/...`, '' when there is none. */
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
