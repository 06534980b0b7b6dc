import { Deadline } from '../deadline.js'
import { QuorumFailedError } from '../errors.js'
import { decodeKvRecord, encodeKvRecord, toDhtKey } from '../records/index.js'
import type { KadEngine } from '../kad/kad-engine.js'
import type { RecordStore } from '../kad/record-store.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** Options of `Peer.put`. */
export interface PutOptions extends AbortOptions {
  /** Peers (this one included when it is a DHT server) that must store the record. @default config put.quorum */
  quorum?: number
  /** The record's seq. @default max(now in ms, stored seq + 1) */
  seq?: bigint
}

/** What a successful put did. */
export interface PutResult {
  /** Peers that acknowledged storing the record, this one included when it is a DHT server. */
  replicas: number
  /** The seq the record was published with. */
  seq: bigint
}

/** What `putKv` works with. */
export interface KvPutContext {
  engine: KadEngine
  records: RecordStore
  peerId: PeerId
  /** Whether this peer stores and serves records (a DHT server). */
  storesRecords: boolean
  /** Upper bound of the lookup and the PUT_VALUE requests, in ms. */
  queryTimeoutMs: number
}

/**
 * Publishes `value` under the user key `key`: a KvRecord stamped with `seq`
 * and this peer's id, stored here (a DHT server) and sent as PUT_VALUE to the
 * k peers closest to the key. Counts only the peers whose response echoes the
 * record back; throws a `QuorumFailedError` when they are fewer than
 * `quorum`, an `InvalidKeyError` / `ValueTooLargeError` before any work for
 * bad input, and a `StaleRecordError` when this peer holds a newer record.
 */
export async function putKv (context: KvPutContext, key: string, value: Uint8Array, quorum: number, options: PutOptions = {}): Promise<PutResult> {
  const dhtKey = toDhtKey(key)
  const seq = options.seq ?? nextSeq(context.records, dhtKey)
  const record = encodeKvRecord({ value, seq, publisher: context.peerId.toMultihash().bytes })
  if (context.storesRecords) {
    await context.records.put(dhtKey, record, options)
  }

  const deadline = new Deadline(context.queryTimeoutMs, options.signal)
  const { stored, asked } = await deadline.run(async (signal) => context.engine.putToClosest(dhtKey, record, { signal }))
  options.signal?.throwIfAborted()

  const local = context.storesRecords ? 1 : 0
  const replicas = stored.length + local
  if (replicas < quorum) {
    const timedOut = deadline.expired ? ` before the ${context.queryTimeoutMs} ms timeout` : ''
    throw new QuorumFailedError(
      `put of "${key}" reached ${replicas} of the ${quorum} replicas required${timedOut} (${local === 1 ? 'this peer and ' : ''}${stored.length} of the ${asked} closest peers found)`,
      replicas, quorum)
  }
  return { replicas, seq }
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
