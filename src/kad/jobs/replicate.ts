import { compareDistances, distancePrefix, peerKadId } from '../kad-id.js'
import { PeriodicJob } from './periodic-job.js'
import type { KadEngine } from '../kad-engine.js'
import type { RecordSender } from '../record-sender.js'
import type { HeldRecord, RecordStore } from '../store/record-store.js'
import type { PeriodicJobOptions } from './periodic-job.js'
import type { PeerId } from '@libp2p/interface'

/** What one replication round did. */
export interface ReplicationRound {
  /** `interval`: the periodic round; `new-peers`: records pushed to peers that entered the routing table. */
  trigger: 'interval' | 'new-peers'
  /** Records looked at. */
  records: number
  /** PUT_VALUE requests sent. */
  messages: number
  /** Requests the receiving peer stored. */
  stored: number
  /** Bytes of the records sent. */
  bytes: number
  durationMs: number
}

/** Options of `ReplicateJob`. */
export interface ReplicateJobInit extends PeriodicJobOptions {
  engine: KadEngine
  records: RecordStore
  sender: RecordSender
  /** Replication factor. */
  k: number
  /** The periodic round's period, in ms; 0: no periodic round. */
  intervalMs: number
  /** How long peers entering the routing table are gathered before their records are pushed, in ms. */
  newPeersDelayMs: number
  /** Of the k closest peers of a key other than the newcomers, how near the key this peer must be to push its record to them. */
  pushers: number
  onRound(round: ReplicationRound): void
}

/**
 * Replication by holders (Kademlia §2.5). Every `intervalMs` this peer
 * makes sure each record it holds is on the k closest peers of its key that
 * its routing table knows — no lookup per key — sending it to those not
 * known to hold this version (when no peer that replicates is nearer;
 * otherwise to the nearest such peer only, see `targetsOf`); a
 * record it received within the last interval is skipped (its sender sent
 * it to the others too). A peer is known to hold a version once it sent it
 * here or acknowledged it, and stays known when it leaves the routing table
 * (it may come back with its records). And when
 * peers enter the routing table, the records whose k closest they are now
 * among are pushed to them, in one pass per batch, by this peer when fewer
 * than `pushers` peers that replicate are nearer the key (not by all k).
 */
export class ReplicateJob {
  private readonly periodic: PeriodicJob
  private readonly newcomers = new Map<string, PeerId>()
  private newcomerTimer?: ReturnType<typeof setTimeout>
  private passes?: Promise<unknown>
  private stopped = false
  private readonly onAdd = (event: CustomEvent<PeerId>): void => { this.peerEntered(event.detail) }
  private readonly onRemove = (event: CustomEvent<PeerId>): void => {
    this.newcomers.delete(event.detail.toString())
  }

  constructor (private readonly init: ReplicateJobInit) {
    this.periodic = new PeriodicJob(async (signal) => { await this.replicateAll(signal) }, init.intervalMs, init)
  }

  /** Starts the periodic round and watches the routing table for new peers. */
  start (): void {
    if (this.stopped) {
      return
    }
    this.init.engine.routingTable.addEventListener('peer:add', this.onAdd)
    this.init.engine.routingTable.addEventListener('peer:remove', this.onRemove)
    this.periodic.start()
  }

  stop (): void {
    this.stopped = true
    this.init.engine.routingTable.removeEventListener('peer:add', this.onAdd)
    this.init.engine.routingTable.removeEventListener('peer:remove', this.onRemove)
    clearTimeout(this.newcomerTimer)
    this.periodic.stop()
  }

  /** The periodic round (exposed for tests and tools): each record held to the k closest peers the routing table knows that are not known to hold it. Runs after a pass in progress. */
  async replicateAll (signal: AbortSignal = this.periodic.signal): Promise<ReplicationRound> {
    return this.exclusive(async () => this.replicateRound(signal))
  }

  /** Runs `pass` after the one in progress: one pass at a time, so each round counts its own messages. */
  private async exclusive<T> (pass: () => Promise<T>): Promise<T> {
    const run = (this.passes ?? Promise.resolve()).then(pass)
    this.passes = run.catch(() => {})
    return run
  }

  private async replicateRound (signal: AbortSignal): Promise<ReplicationRound> {
    const started = performance.now()
    const now = Date.now()
    const before = { ...this.init.sender.counters }
    let records = 0
    for (const record of [...this.init.records.records(now)]) {
      if (signal.aborted) break
      records++
      if (!record.published && record.storedAt > now - this.init.intervalMs) {
        continue
      }
      for (const peer of this.targetsOf(record)) {
        await this.init.sender.send(peer, record.key, record.value, { signal, wait: true })
      }
    }
    return this.finish('interval', records, before, started)
  }

  private peerEntered (peer: PeerId): void {
    if (this.stopped) {
      return
    }
    this.newcomers.set(peer.toString(), peer)
    this.newcomerTimer ??= setTimeout(() => {
      this.newcomerTimer = undefined
      this.exclusive(async () => { await this.pushToNewcomers() }).catch((err: Error) => { this.init.onError?.(err) })
    }, this.init.newPeersDelayMs)
  }

  /** One pass over the records for the peers that entered the routing table since the last pass. */
  private async pushToNewcomers (): Promise<void> {
    if (this.stopped || this.newcomers.size === 0) {
      return
    }
    const batch = new Map(this.newcomers)
    this.newcomers.clear()
    const started = performance.now()
    const before = { ...this.init.sender.counters }
    const signal = this.periodic.signal
    let records = 0
    for (const record of [...this.init.records.records()]) {
      if (signal.aborted) break
      records++
      for (const peer of this.newcomersToPush(record, batch)) {
        await this.init.sender.send(peer, record.key, record.value, { signal, wait: true })
      }
    }
    await this.finish('new-peers', records, before, started)
  }

  /**
   * Where the periodic round sends `record`: when no peer of the k closest
   * it knows that replicates (an exper-dht peer, `KadEngine.replicates`) is
   * nearer the key than this one, to every one of them not known to hold
   * it; otherwise to the nearest of those that replicate only, when it is
   * not known to hold it — it sends the record on once it holds it. Every
   * holder sending to all k would cost k × k copies per record before the
   * holders know each other; a peer that does not replicate (go-libp2p-kad-dht
   * does not) is never counted on to send it on.
   */
  private targetsOf (record: HeldRecord): PeerId[] {
    const closest = this.init.engine.routingTable.closestPeers(record.kadId, this.init.k)
    const nearer = this.nearerThanSelf(record.kadId)
    const relay = closest.find((peer) => nearer(peer) && this.init.engine.replicates(peer))
    return (relay == null ? closest : [relay]).filter((peer) => !record.holders.includes(peer.toString()))
  }

  /** A test of whether a peer is nearer to the Kademlia id `target` than this one. */
  private nearerThanSelf (target: Uint8Array): (peer: PeerId) => boolean {
    const self = this.init.engine.routingTable.selfKadId
    const selfPrefix = distancePrefix(self, target)
    return (peer) => {
      const kadId = peerKadId(peer.toMultihash().bytes, peer.toString())
      return compareDistances(kadId, distancePrefix(kadId, target), self, selfPrefix, target) < 0
    }
  }

  /** The peers of `batch` among the k closest to `record`'s key that lack it, when fewer than `pushers` peers that replicate and are not in `batch` are nearer the key than this one. */
  private newcomersToPush (record: HeldRecord, batch: Map<string, PeerId>): PeerId[] {
    const closest = this.init.engine.routingTable.closestPeers(record.kadId, this.init.k)
    const nearer = this.nearerThanSelf(record.kadId)
    const targets: PeerId[] = []
    let nearerOthers = 0
    for (const peer of closest) {
      const id = peer.toString()
      if (batch.has(id)) {
        if (!record.holders.includes(id)) {
          targets.push(peer)
        }
      } else if (this.init.engine.replicates(peer) && nearer(peer)) {
        nearerOthers++
      }
    }
    return nearerOthers < this.init.pushers ? targets : []
  }

  private async finish (trigger: ReplicationRound['trigger'], records: number, before: RecordSender['counters'], started: number): Promise<ReplicationRound> {
    await this.init.sender.idle()
    const counters = this.init.sender.counters
    const round: ReplicationRound = {
      trigger,
      records,
      messages: counters.messages - before.messages,
      stored: counters.stored - before.stored,
      bytes: counters.bytes - before.bytes,
      durationMs: performance.now() - started
    }
    if (!this.stopped) {
      this.init.onRound(round)
    }
    return round
  }
}
