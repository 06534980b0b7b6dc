import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { Deadline } from '../deadline.js'
import { encodeKadRecord } from '../kad/kad-record.js'
import { NotFoundError, TimeoutError } from '../errors.js'
import { compareKvRecords, decodeKvRecord, parseSignedKey, toDhtKey, toSignedDhtKey } from '../records/index.js'
import type { KadEngine } from '../kad/kad-engine.js'
import type { GetProgressEvents } from '../kad/progress.js'
import type { RecordSender } from '../kad/record-sender.js'
import type { RecordStore } from '../kad/store/record-store.js'
import type { KvRecord } from '../records/index.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { ProgressOptions } from 'progress-events'

/** Options of `Peer.get`. */
export interface GetOptions extends AbortOptions, ProgressOptions<GetProgressEvents> {
  /** Values to collect before picking the best; fewer when the lookup ends first. @default config get.quorum */
  quorum?: number
  /** `key` is a signed key, `<owner peer id>/<name>`: the record of `/kvs/<owner>/<name>`, which every peer checked against the owner's signature. @default false: a `/kv` key */
  signed?: boolean
}

/** The best record found for a key. */
export interface GetResult {
  value: Uint8Array
  seq: bigint
  /** The peer that published the record, when its publisher field holds a peer id; the owner of a signed record. */
  publisher?: PeerId
  /** The record's bytes, the encoded KvRecord as found (a signed record's signature included, for a thin client to check). */
  record: Uint8Array
  /** How many values (this peer's included) the choice was made from. */
  sources: number
  /** When the record ends (Unix ms). */
  expires: number
  /** Peers among the lookup's closest that lacked the record (or held a worse one): it is being written back to them. */
  writeBack: number
}

/** What the write-back after a get did. */
export interface WriteBackDetail {
  key: string
  /** Peers the best record was sent to (fewer than those that lacked it when the write-back queue was full). */
  peers: number
  /** Peers that stored it. */
  stored: number
  /** Bytes of the PUT_VALUE records sent. */
  bytes: number
}

/** What `getKv` works with. */
export interface KvGetContext {
  engine: KadEngine
  records: RecordStore
  /** Sends the write-back. */
  writeBack: RecordSender
  routingTableSize(): number
  queryTimeoutMs: number
  /** Hears each write-back once its requests have ended. */
  onWriteBack?(detail: WriteBackDetail): void
}

/**
 * Finds the record of the user key `key`: this peer's own copy and the values
 * returned by a GET_VALUE lookup, until `quorum` values are in hand or the
 * lookup ends (never waiting longer than that), then returns the best by the
 * `/kv` selector. Without delaying the answer, the best record is then
 * written back to the lookup's closest peers that answered without it or
 * with a worse one. Throws `NotFoundError` when no peer has it, saying why,
 * and `TimeoutError` when the lookup ran past `queryTimeoutMs` empty-handed.
 */
export async function getKv (context: KvGetContext, key: string, quorum: number, options: GetOptions = {}): Promise<GetResult> {
  const signedKey = options.signed === true ? parseSignedKey(key) : undefined
  const dhtKey = signedKey == null ? toDhtKey(key) : toSignedDhtKey(signedKey.owner, signedKey.name)
  /** Each record found, with its bytes as they came and the peer they came from (none: this peer's own copy). */
  const found: Array<{ record: KvRecord, value: Uint8Array, from?: PeerId }> = []
  const held = context.records.get(dhtKey)
  if (held != null) {
    found.push({ record: decodeKvRecord(held.value), value: held.value })
  }

  const deadline = new Deadline(context.queryTimeoutMs, options.signal)
  const lookup = await deadline.run(async (signal) => context.engine.getValues(dhtKey, quorum - found.length, { signal, onProgress: options.onProgress }))
  options.signal?.throwIfAborted()
  found.push(...lookup.values.map(({ from, value }) => ({ record: decodeKvRecord(value), value, from })))

  if (found.length === 0) {
    if (deadline.expired) {
      throw new TimeoutError(`no value for "${key}" found within ${context.queryTimeoutMs} ms`)
    }
    const reason = context.routingTableSize() === 0
      ? 'this peer knows no other peer (its routing table is empty) and holds no copy'
      : 'no peer on the lookup path holds it'
    throw new NotFoundError(`"${key}" not found: ${reason}`)
  }

  const bestFound = found.reduce((a, b) => compareKvRecords(b.record, a.record) > 0 ? b : a)
  const best = bestFound.record
  const closest = new Set(lookup.closest.map(String))
  const worse = found.filter(({ record, from }) => from != null && compareKvRecords(record, best) < 0).map(({ from }) => from!)
  const lacking = [...lookup.without, ...worse].filter((peer) => closest.has(peer.toString()))
  if (lacking.length > 0) {
    writeBack(context, key, dhtKey, bestFound.value, lacking)
  }
  if (held != null && bestFound.from != null && compareKvRecords(best, found[0].record) > 0) {
    // this peer's own copy is outdated: it takes the best one too (a refusal changes nothing)
    context.records.put(dhtKey, bestFound.value, { from: bestFound.from.toString() }).catch(() => {})
  }
  return { value: best.value, seq: best.seq, publisher: signedKey?.owner ?? publisherPeerId(best.publisher), record: bestFound.value, sources: found.length, expires: Number(best.expires), writeBack: lacking.length }
}

/** Sends `value` to `peers` through the write-back sender (bounded: what does not fit is dropped) and reports when done. */
function writeBack (context: KvGetContext, key: string, dhtKey: Uint8Array, value: Uint8Array, peers: PeerId[]): void {
  const recordBytes = encodeKadRecord(dhtKey, value).byteLength
  void Promise.all(peers.map(async (peer) => context.writeBack.send(peer, dhtKey, value))).then(async (sends) => {
    const outcomes = await Promise.all(sends.map(async ({ outcome }) => outcome))
    const sent = sends.filter(({ queued }) => queued).length
    context.onWriteBack?.({ key, peers: sent, stored: outcomes.filter(Boolean).length, bytes: sent * recordBytes })
  })
}

function publisherPeerId (bytes: Uint8Array): PeerId | undefined {
  try {
    return peerIdFromMultihash(Digest.decode(bytes))
  } catch {
    return undefined
  }
}
