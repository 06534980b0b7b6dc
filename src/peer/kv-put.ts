import { Deadline } from '../deadline.js'
import { QuorumFailedError } from '../errors.js'
import { decodeKvRecord, encodeKvRecord, parseSignedKey, signRecord, toDhtKey, toSignedDhtKey, validateSignedRecord } from '../records/index.js'
import type { KadEngine } from '../kad/kad-engine.js'
import type { PutProgressEvents } from '../kad/progress.js'
import type { PublishedRecords } from '../kad/store/published-records.js'
import type { RecordStore } from '../kad/store/record-store.js'
import type { AbortOptions, PeerId, PrivateKey } from '@libp2p/interface'
import type { ProgressOptions } from 'progress-events'

/** Options of `Peer.put`. */
export interface PutOptions extends AbortOptions, ProgressOptions<PutProgressEvents> {
  /** Peers (this one included when it is a DHT server) that must store the record. @default config put.quorum */
  quorum?: number
  /** The record's seq. @default max(now in ms, stored seq + 1) */
  seq?: bigint
  /**
   * How long the record lives, in ms: this peer republishes it until then
   * and no longer. @default no end: republished for as long as this peer
   * runs, each publication living `records.ttlMs`
   */
  ttlMs?: number
  /** The thin client this put is made for (a kv protocol STORE): the record is charged to its share of this peer's storage. */
  client?: PeerId
  /**
   * A signed record (`/kvs/<this peer's id>/<key>`, docs/records.md) that only
   * this peer can write: it signs it with its own key, and re-signs it at
   * each republish. @default false: a `/kv` record
   */
  signed?: boolean
}

/** Options of `Peer.putSigned`. */
export interface PutSignedOptions extends AbortOptions, ProgressOptions<PutProgressEvents> {
  /** Peers (this one included when it is a DHT server) that must store the record. @default config put.quorum */
  quorum?: number
  /** The thin client this put is made for (a kv protocol STORE): the record is charged to its share of this peer's storage. */
  client?: PeerId
}

/** What a successful put did. */
export interface PutResult {
  /** Peers that acknowledged storing the record, this one included when it is a DHT server. */
  replicas: number
  /** The seq the record was published with. */
  seq: bigint
  /** When this publication of the record ends (Unix ms). */
  expires: number
}

/** What `putKv` works with. */
export interface KvPutContext {
  engine: KadEngine
  records: RecordStore
  /** The published list the record joins once the put succeeded. */
  published: PublishedRecords
  peerId: PeerId
  /** Whether this peer stores and serves records (a DHT server). */
  storesRecords: boolean
  /** Upper bound of the lookup and the PUT_VALUE requests, in ms. */
  queryTimeoutMs: number
  /** A record's lifetime after each publication (`records.ttlMs`), in ms. */
  ttlMs: number
  /** This peer's key: it signs this peer's `/kvs` records. */
  privateKey: PrivateKey
}

/**
 * Publishes `value` under the user key `key`: a KvRecord stamped with `seq`,
 * this peer's id and its end (now + `ttlMs`, or the end of `options.ttlMs`
 * when sooner), stored here (a DHT server) and sent as PUT_VALUE to the k
 * peers closest to the key; once the quorum is met, it joins this peer's
 * published list, to be republished until `options.ttlMs` ends. Counts only
 * the peers whose response echoes the record back; throws a
 * `QuorumFailedError` when they are fewer than `quorum`, an
 * `InvalidKeyError` / `ValueTooLargeError` / `RangeError` before any work for
 * bad input, a `StaleRecordError` when this peer holds a newer record and a
 * `StorageFullError` when a client's share of this peer's storage is used up.
 * With `options.signed`, the record is `/kvs/<this peer>/<key>`, signed
 * with this peer's key.
 */
export async function putKv (context: KvPutContext, key: string, value: Uint8Array, quorum: number, options: PutOptions = {}): Promise<PutResult> {
  const dhtKey = options.signed === true ? toSignedDhtKey(context.peerId, key) : toDhtKey(key)
  if (options.ttlMs != null && (!Number.isSafeInteger(options.ttlMs) || options.ttlMs <= 0)) {
    throw new RangeError(`ttl must be a positive whole number of ms, not ${options.ttlMs}`)
  }
  const now = Date.now()
  const until = options.ttlMs == null ? undefined : now + options.ttlMs
  const expires = Math.min(now + context.ttlMs, until ?? Infinity)
  const seq = options.seq ?? nextSeq(context.records, dhtKey)
  const record = options.signed === true
    ? await signRecord(context.privateKey, dhtKey, { value, seq, expires: BigInt(expires) })
    : encodeKvRecord({ value, seq, publisher: context.peerId.toMultihash().bytes, expires: BigInt(expires) })
  const replicas = await publish(context, key, dhtKey, record, quorum, options)
  await context.published.add(dhtKey, record, now, until, options)
  return { replicas, seq, expires }
}

/**
 * Publishes a record its owner signed elsewhere (a thin client's STORE of a
 * signed record): `key` is `<owner>/<name>`, `record` the encoded signed
 * KvRecord. It is checked first (an `InvalidKeyError`, `InvalidRecordError`,
 * `InvalidSignatureError` or `ExpiredRecordError` says why it is refused),
 * then stored and sent as `putKv` does; this peer cannot re-sign it, so it
 * does not republish it: it lives until its signed `expires`.
 */
export async function putSignedRecord (context: KvPutContext, key: string, record: Uint8Array, quorum: number, options: PutSignedOptions = {}): Promise<PutResult> {
  const { owner, name } = parseSignedKey(key)
  const dhtKey = toSignedDhtKey(owner, name)
  validateSignedRecord(dhtKey, record)
  const { seq, expires } = decodeKvRecord(record)
  const replicas = await publish(context, key, dhtKey, record, quorum, options)
  return { replicas, seq, expires: Number(expires) }
}

/** Stores `record` here (a DHT server) and on the k closest peers; returns the replicas, or throws a `QuorumFailedError` under `quorum`. */
async function publish (context: KvPutContext, key: string, dhtKey: Uint8Array, record: Uint8Array, quorum: number, options: PutSignedOptions): Promise<number> {
  if (context.storesRecords) {
    await context.records.put(dhtKey, record, { published: true, from: options.client?.toString(), signal: options.signal })
  }

  const deadline = new Deadline(context.queryTimeoutMs, options.signal)
  const { stored, asked } = await deadline.run(async (signal) => context.engine.putToClosest(dhtKey, record, { signal, onProgress: options.onProgress }))
  options.signal?.throwIfAborted()

  const local = context.storesRecords ? 1 : 0
  const replicas = stored.length + local
  if (replicas < quorum) {
    const timedOut = deadline.expired ? ` before the ${context.queryTimeoutMs} ms timeout` : ''
    throw new QuorumFailedError(
      `put of "${key}" reached ${replicas} of the ${quorum} replicas required${timedOut} (${local === 1 ? 'this peer and ' : ''}${stored.length} of the ${asked} closest peers found)`,
      replicas, quorum)
  }
  return replicas
}

/** The publisher's clock in ms, or one more than the held seq when that is later. */
function nextSeq (records: RecordStore, dhtKey: Uint8Array): bigint {
  const now = BigInt(Date.now())
  const held = records.get(dhtKey)
  if (held == null) {
    return now
  }
  try {
    const heldSeq = decodeKvRecord(held.value).seq
    return heldSeq >= now ? heldSeq + 1n : now
  } catch {
    return now
  }
}
