import type { AbortOptions } from '@libp2p/interface'

/** A DHT record this peer holds. */
export interface HeldRecord {
  /** The DHT key, e.g. the bytes of `/kv/<key>`. */
  readonly key: Uint8Array
  /** The record's value (for `/kv`, an encoded KvRecord): a view into `encoded`. */
  readonly value: Uint8Array
  /** The encoded Kad `Record` (key, value, time received), as sent in GET_VALUE responses and replication. */
  readonly encoded: Uint8Array<ArrayBuffer>
  /** The Kademlia id of `key`. */
  readonly kadId: Uint8Array
  /** When the record ends (Unix ms), as the record itself says. */
  readonly expires: number
  /** When this peer stored this version (Unix ms). */
  readonly storedAt: number
  /** Whether this peer published it (a put through this peer): never evicted. */
  readonly published: boolean
  /** The peer whose share the record is charged to; undefined for this peer's own puts and records loaded from disk. */
  readonly chargedTo?: string
  /** Peers known to hold this very version (they sent it, or acknowledged it): replication skips them. */
  readonly holders: readonly string[]
}

/** Options of `RecordStore.put`. */
export interface RecordPutOptions extends AbortOptions {
  /** The remote peer the record comes from, charged with it; undefined for this peer's own put. */
  from?: string
  /** This peer is the publisher (a put through it, from the library or a thin client): the record is never evicted. @default from == null */
  published?: boolean
}

/** What `RecordStore.put` did. */
export type RecordPutOutcome = 'stored' | 'unchanged'

/** The limits of a record store (config `records.*`). */
export interface RecordStoreLimits {
  /** Records held at most. */
  maxRecords: number
  /** Bytes held at most (encoded records plus a fixed overhead each). */
  maxBytes: number
  /** Bytes any one remote peer may fill. */
  maxBytesPerPeer: number
}

/**
 * The DHT records a peer holds, after rust-libp2p's `RecordStore`: every
 * record validated (its namespace's rules and lifetime) before it is stored,
 * never replaced by a worse one, and held within `RecordStoreLimits`. Only
 * live records are returned.
 */
export interface RecordStore {
  /** Records held (expired ones included until the next sweep). */
  readonly size: number
  /** Bytes held, as counted against `maxBytes`. */
  readonly bytes: number
  /** The live record held for `dhtKey`. */
  get(dhtKey: Uint8Array, now?: number): HeldRecord | undefined
  /**
   * Validates and stores `value` under `dhtKey`. Resolves 'unchanged' when
   * the same record is already held (nothing is written). Throws the
   * validator's error for an invalid or expired record, a
   * `StaleRecordError` when the record held is better, and a
   * `StorageFullError` when the limits leave no room for it.
   */
  put(dhtKey: Uint8Array, value: Uint8Array, options?: RecordPutOptions): Promise<RecordPutOutcome>
  /** Removes the record of `dhtKey`. */
  remove(dhtKey: Uint8Array, options?: AbortOptions): Promise<void>
  /** Notes that `peer` holds the version `value` of `dhtKey` (it acknowledged or returned it). */
  addHolder(dhtKey: Uint8Array, value: Uint8Array, peer: string): void
  /** The live records held. */
  records(now?: number): Iterable<HeldRecord>
  /** Bytes charged to `peer`. */
  bytesOf(peer: string): number
  /** Deletes every expired record from memory and disk; resolves to how many. */
  sweep(now?: number, options?: AbortOptions): Promise<number>
}
