import { TypedEventEmitter } from 'main-event'
import { jsonSeq, ms } from './json.js'
import type { Peer, PeerEvents } from '../peer/index.js'

/** One event of `GET /api/v1/events`: its `type` is the SSE event name, the rest its JSON data. */
export interface FeedEvent {
  type: string
  /** When it happened (Unix ms). */
  time: number
  [field: string]: unknown
}

/** What `EventFeed` emits. */
export interface EventFeedEvents {
  event: CustomEvent<FeedEvent>
}

type Describe<K extends keyof PeerEvents> = (detail: PeerEvents[K]['detail']) => Record<string, unknown>

/**
 * The peer's events of interest to a person or a tool watching it —
 * connections, puts, gets, routing table changes, replication, refreshes —
 * as plain JSON objects (`FeedEvent`), for the SSE stream and the dashboard.
 */
export class EventFeed extends TypedEventEmitter<EventFeedEvents> {
  private readonly unsubscribe: Array<() => void> = []

  constructor (private readonly peer: Peer) {
    super()
    this.on('peer:connect', (peerId) => ({ peerId: peerId.toString() }))
    this.on('peer:disconnect', (peerId) => ({ peerId: peerId.toString() }))
    this.on('routing-table:add', ({ peerId, size }) => ({ peerId: peerId.toString(), size }))
    this.on('routing-table:remove', ({ peerId, size }) => ({ peerId: peerId.toString(), size }))
    this.on('put', (d) => ({ key: d.key, durationMs: ms(d.durationMs), replicas: d.replicas, seq: d.seq == null ? undefined : jsonSeq(d.seq), error: d.error?.message, errorName: d.error?.name }))
    this.on('get', (d) => ({ key: d.key, durationMs: ms(d.durationMs), seq: d.seq == null ? undefined : jsonSeq(d.seq), sources: d.sources, error: d.error?.message, errorName: d.error?.name }))
    this.on('kv:request', (d) => ({ requestType: d.type, client: d.client.toString(), status: String(d.status), durationMs: ms(d.durationMs) }))
    this.on('replicated', (d) => ({ trigger: d.trigger, records: d.records, messages: d.messages, stored: d.stored, bytes: d.bytes, durationMs: ms(d.durationMs) }))
    this.on('republished', (d) => ({ republished: d.republished, retired: d.retired, replicas: d.replicas, durationMs: ms(d.durationMs) }))
    this.on('expired', (d) => ({ removed: d.removed }))
    this.on('write-back', (d) => ({ key: d.key, peers: d.peers, stored: d.stored, bytes: d.bytes }))
    this.on('refreshing', () => ({}))
    this.on('refreshed', (d) => ({ routingTableSize: d.routingTableSize, durationMs: ms(d.durationMs) }))
    this.on('job:failed', (d) => ({ job: d.job, error: d.error.message }))
  }

  /** Stops listening to the peer. */
  stop (): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe()
  }

  private on<K extends keyof PeerEvents> (type: K, describe: Describe<K>): void {
    const listener = (event: PeerEvents[K]): void => {
      if (this.listenerCount('event') > 0) {
        this.safeDispatchEvent('event', { detail: { type, time: Date.now(), ...describe(event.detail) } })
      }
    }
    this.peer.addEventListener(type, listener as any)
    this.unsubscribe.push(() => { this.peer.removeEventListener(type, listener as any) })
  }
}
