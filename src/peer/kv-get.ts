import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { Deadline } from '../deadline.js'
import { NotFoundError, TimeoutError } from '../errors.js'
import { compareKvRecords, decodeKvRecord, toDhtKey } from '../records/index.js'
import type { KadEngine } from '../kad/kad-engine.js'
import type { RecordStore } from '../kad/record-store.js'
import type { KvRecord } from '../records/index.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** Options of `Peer.get`. */
export interface GetOptions extends AbortOptions {
  /** Values to collect before picking the best; fewer when the lookup ends first. @default config get.quorum */
  quorum?: number
}

/** The best record found for a key. */
export interface GetResult {
  value: Uint8Array
  seq: bigint
  /** The peer that published the record, when its publisher field holds a peer id. */
  publisher?: PeerId
  /** How many values (this peer's included) the choice was made from. */
  sources: number
}

/** What `getKv` works with. */
export interface KvGetContext {
  engine: KadEngine
  records: RecordStore
  routingTableSize(): number
  queryTimeoutMs: number
}

/**
 * Finds the record of the user key `key`: this peer's own copy and the values
 * returned by a GET_VALUE lookup, until `quorum` values are in hand or the
 * lookup ends (never waiting longer than that), then returns the best by the
 * `/kv` selector. Throws `NotFoundError` when no peer has it, saying why, and
 * `TimeoutError` when the lookup ran past `queryTimeoutMs` empty-handed.
 */
export async function getKv (context: KvGetContext, key: string, quorum: number, options: GetOptions = {}): Promise<GetResult> {
  const dhtKey = toDhtKey(key)
  const found: KvRecord[] = []
  const held = context.records.get(dhtKey)
  if (held != null) {
    found.push(decodeKvRecord(held.value))
  }

  const deadline = new Deadline(context.queryTimeoutMs, options.signal)
  const remote = await deadline.run(async (signal) => context.engine.getValues(dhtKey, quorum - found.length, { signal }))
  options.signal?.throwIfAborted()
  for (const { value } of remote) {
    found.push(decodeKvRecord(value))
  }

  if (found.length === 0) {
    if (deadline.expired) {
      throw new TimeoutError(`no value for "${key}" found within ${context.queryTimeoutMs} ms`)
    }
    const reason = context.routingTableSize() === 0
      ? 'this peer knows no other peer (its routing table is empty) and holds no copy'
      : 'no peer on the lookup path holds it'
    throw new NotFoundError(`"${key}" not found: ${reason}`)
  }

  const best = found.reduce((a, b) => compareKvRecords(b, a) > 0 ? b : a)
  return { value: best.value, seq: best.seq, publisher: publisherPeerId(best.publisher), sources: found.length }
}

function publisherPeerId (bytes: Uint8Array): PeerId | undefined {
  try {
    return peerIdFromMultihash(Digest.decode(bytes))
  } catch {
    return undefined
  }
}
