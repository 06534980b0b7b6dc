import { Queue } from '@libp2p/utils'
import { encodeKadRecord } from './kad-record.js'
import type { KadEngine } from './kad-engine.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** What a `RecordSender` has sent since it was made. */
export interface RecordSenderCounters {
  /** PUT_VALUE requests sent. */
  messages: number
  /** Bytes of the records they carried. */
  bytes: number
  /** Requests the peer acknowledged (it stored the record). */
  stored: number
  /** Requests not sent because `maxQueued` were already waiting. */
  dropped: number
  /** Requests not sent because `shouldSend` said no when their turn came (e.g. the peer had left the routing table). */
  skipped: number
}

/** Options of `RecordSender`. */
export interface RecordSenderInit {
  /** PUT_VALUE requests in flight at once. */
  concurrency: number
  /** Requests waiting at most; more are dropped (and counted). */
  maxQueued: number
  /** Asked when a request's turn comes; false skips it. @default always true */
  shouldSend?(peer: PeerId): boolean
}

/**
 * Sends records to single peers with PUT_VALUE in the background, for
 * replication and for the write-back after a get: at most `concurrency`
 * at once and `maxQueued` waiting, so neither can grow without bound, and
 * counts what it sent.
 */
export class RecordSender {
  readonly counters: RecordSenderCounters = { messages: 0, bytes: 0, stored: 0, dropped: 0, skipped: 0 }
  private readonly queue: Queue<boolean>
  private readonly maxQueued: number
  private readonly shouldSend: (peer: PeerId) => boolean

  constructor (private readonly engine: KadEngine, init: RecordSenderInit) {
    this.queue = new Queue({ concurrency: init.concurrency })
    this.maxQueued = init.maxQueued
    this.shouldSend = init.shouldSend ?? (() => true)
  }

  /** Requests waiting or in flight. */
  get pending (): number {
    return this.queue.size
  }

  /**
   * Queues a PUT_VALUE of `value` for `key` to `peer` and resolves once it
   * is queued (`queued`), with its `outcome`: true when the peer stored the
   * record, false when it refused or failed, or when the queue was full and
   * `wait` was not set (nothing sent; counted as dropped). With `wait`, waits
   * for room instead. Never rejects.
   */
  async send (peer: PeerId, key: Uint8Array, value: Uint8Array, options: AbortOptions & { wait?: boolean } = {}): Promise<{ queued: boolean, outcome: Promise<boolean> }> {
    if (this.queue.size >= this.maxQueued) {
      if (options.wait !== true) {
        this.counters.dropped++
        return { queued: false, outcome: Promise.resolve(false) }
      }
      try {
        await this.queue.onSizeLessThan(this.maxQueued, options)
      } catch {
        return { queued: false, outcome: Promise.resolve(false) }
      }
    }
    return { queued: true, outcome: this.enqueue(peer, key, value, options) }
  }

  private async enqueue (peer: PeerId, key: Uint8Array, value: Uint8Array, options: AbortOptions): Promise<boolean> {
    try {
      return await this.queue.add(async () => {
        if (!this.shouldSend(peer)) {
          this.counters.skipped++
          return false
        }
        const record = encodeKadRecord(key, value)
        this.counters.messages++
        this.counters.bytes += record.byteLength
        const stored = await this.engine.sendRecord(this.engine.lookupPeer(peer), key, value, record, options)
        if (stored) {
          this.counters.stored++
        }
        return stored
      }, options)
    } catch {
      return false
    }
  }

  /** Resolves once nothing is waiting or in flight. */
  async idle (options?: AbortOptions): Promise<void> {
    await this.queue.onIdle(options)
  }

  /** Drops what is waiting (the peer is stopping). */
  stop (): void {
    this.queue.abort()
  }
}
