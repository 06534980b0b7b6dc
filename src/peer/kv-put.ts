import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { QuorumFailedError } from '../errors.js'
import { decodeKvRecord, encodeKvRecord, toDhtKey } from '../records/index.js'
import { readLocalRecord } from './local-records.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'

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
  dht: KadDHT
  datastore: Datastore
  peerId: PeerId
  /** Whether this peer stores and serves records (a DHT server). */
  storesRecords: boolean
  /** Upper bound of the lookup and the PUT_VALUE requests, in ms. */
  queryTimeoutMs: number
}

/**
 * Publishes `value` under the user key `key`: a KvRecord stamped with `seq`
 * and this peer's id, stored locally and sent as PUT_VALUE
 * to the k peers closest to the key. Counts only the peers whose response
 * echoes the record back; throws a `QuorumFailedError` when they are fewer
 * than `quorum`, an `InvalidKeyError` / `ValueTooLargeError` before any work
 * for bad input.
 */
export async function putKv (context: KvPutContext, key: string, value: Uint8Array, quorum: number, options: PutOptions = {}): Promise<PutResult> {
  const dhtKey = toDhtKey(key)
  const seq = options.seq ?? await nextSeq(context.datastore, dhtKey)
  const record = encodeKvRecord({ value, seq, publisher: context.peerId.toMultihash().bytes })

  let replicas = context.storesRecords ? 1 : 0
  let sent = 0
  const timeout = AbortSignal.timeout(context.queryTimeoutMs)
  const signal = options.signal == null ? timeout : AbortSignal.any([timeout, options.signal])
  try {
    for await (const event of context.dht.put(dhtKey, record, { signal })) {
      if (event.name === 'SEND_QUERY' && event.messageName === 'PUT_VALUE') {
        sent++
      } else if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE' &&
        event.record != null && uint8ArrayEquals(event.record.value, record)) {
        replicas++
      }
    }
  } catch (err) {
    if (!timeout.aborted || options.signal?.aborted === true) {
      throw err
    }
  }

  if (replicas < quorum) {
    const local = context.storesRecords ? 'this peer and ' : ''
    const timedOut = timeout.aborted ? ` before the ${context.queryTimeoutMs} ms timeout` : ''
    throw new QuorumFailedError(
      `put of "${key}" reached ${replicas} of the ${quorum} replicas required${timedOut} (${local}${replicas - (context.storesRecords ? 1 : 0)} of the ${sent} remote peers sent the record stored it)`,
      replicas, quorum)
  }
  return { replicas, seq }
}

/** The publisher's clock in ms, or one more than the stored seq when that is later. */
async function nextSeq (datastore: Datastore, dhtKey: Uint8Array): Promise<bigint> {
  const now = BigInt(Date.now())
  const stored = await readLocalRecord(datastore, dhtKey)
  if (stored == null) {
    return now
  }
  try {
    const storedSeq = decodeKvRecord(stored.value).seq
    return storedSeq >= now ? storedSeq + 1n : now
  } catch {
    return now
  }
}
