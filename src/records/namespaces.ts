import { decodeKvRecord, encodeKvRecord } from './kv-record-codec.js'
import { KV_NAMESPACE, KVS_NAMESPACE } from './limits.js'
import { selectKvRecord } from './selector.js'
import { signRecord, validateSignedRecord } from './signed-record.js'
import { validateKvRecord } from './validator.js'
import type { KvRecordFields } from './kv-record-codec.js'
import type { PrivateKey } from '@libp2p/interface'
import type { Selectors, Validators } from '@libp2p/kad-dht'

/**
 * The record namespaces this peer accepts, one row each: the DHT stores a key
 * `/<namespace>/...` only when its namespace is listed here: `/kv` (anyone
 * writes) and `/kvs` (signed: only the owner in the key writes).
 */
const NAMESPACES: Record<string, Namespace> = {
  [KV_NAMESPACE]: {
    validate: (dhtKey, value) => { validateKvRecord(dhtKey, value) },
    select: selectKvRecord,
    expires: (value) => Number(decodeKvRecord(value).expires),
    renew: async (_dhtKey, record, expires) => encodeKvRecord({ ...record, expires })
  },
  [KVS_NAMESPACE]: {
    validate: (dhtKey, value) => { validateSignedRecord(dhtKey, value) },
    select: selectKvRecord,
    expires: (value) => Number(decodeKvRecord(value).expires),
    renew: async (dhtKey, record, expires, privateKey) => signRecord(privateKey, dhtKey, { ...record, expires })
  }
}

interface Namespace {
  validate(dhtKey: Uint8Array, value: Uint8Array): void
  select: typeof selectKvRecord
  expires(value: Uint8Array): number
  /** The record again with a later `expires`, as its publisher republishes it: `/kvs` records are signed anew with `privateKey`. */
  renew(dhtKey: Uint8Array, record: KvRecordFields, expires: bigint, privateKey: PrivateKey): Promise<Uint8Array<ArrayBuffer>>
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

/**
 * A record this peer published, renewed for republishing: the same record
 * with `expires` moved, re-signed with `privateKey` in a signed namespace.
 * Throws for a key outside the namespaces.
 */
export async function renewRecord (dhtKey: Uint8Array, record: KvRecordFields, expires: bigint, privateKey: PrivateKey): Promise<Uint8Array<ArrayBuffer>> {
  const namespace = NAMESPACES[namespaceOf(dhtKey)]
  if (namespace == null) {
    throw new TypeError(`no record namespace for ${new TextDecoder().decode(dhtKey.subarray(0, 64))}`)
  }
  return namespace.renew(dhtKey, record, expires, privateKey)
}
