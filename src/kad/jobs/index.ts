import { REPLICATION_CONCURRENCY, REPLICATION_MAX_QUEUED, REPLICATION_NEW_PEERS_DELAY, REPLICATION_PUSHERS, REPUBLISH_CHECK_INTERVAL } from '../limits.js'
import { RecordSender } from '../record-sender.js'
import { expireJob } from './expire.js'
import { refreshJob } from './refresh.js'
import { ReplicateJob } from './replicate.js'
import { RepublishJob } from './republish.js'
import type { KadEngine } from '../kad-engine.js'
import type { PublishedRecords } from '../store/published-records.js'
import type { RecordStore } from '../store/record-store.js'
import type { PeriodicJob } from './periodic-job.js'
import type { RefreshRound } from './refresh.js'
import type { ReplicationRound } from './replicate.js'
import type { RepublishRound } from './republish.js'
import type { PrivateKey } from '@libp2p/interface'

export type { RefreshRound } from './refresh.js'
export type { ReplicationRound } from './replicate.js'
export type { RepublishRound } from './republish.js'

/** What the lifecycle jobs report. */
export interface LifecycleJobEvents {
  refreshing(): void
  refreshed(round: RefreshRound): void
  replicated(round: ReplicationRound): void
  republished(round: RepublishRound): void
  expired(removed: number): void
  failed(job: string, error: Error): void
}

/** What `LifecycleJobs` needs. */
export interface LifecycleJobsInit {
  engine: KadEngine
  records: RecordStore
  published: PublishedRecords
  /** Replication factor. */
  k: number
  /** Whether this peer stores records (a DHT server): only servers replicate. */
  storesRecords: boolean
  refreshIntervalMs: number
  replicateIntervalMs: number
  republishIntervalMs: number
  expireIntervalMs: number
  ttlMs: number
  /** This peer's key: the republish job signs its `/kvs` records anew. */
  privateKey: PrivateKey
}

/**
 * The periodic work of a peer (after rust-libp2p's `jobs.rs`): the routing
 * table's refresh, and the record lifecycle — replication by holders,
 * republish by the publisher, expiry. `Peer` starts the expiry sweep at once
 * and the others once it has joined, and stops them all.
 */
export class LifecycleJobs {
  /** The replication job (its `replicateAll` runs a round on demand). */
  readonly replicate?: ReplicateJob
  /** The republish job (its `republishDue` runs a pass on demand). */
  readonly republish: RepublishJob
  private readonly refresh: PeriodicJob
  private readonly expire: PeriodicJob
  private readonly sender: RecordSender

  constructor (init: LifecycleJobsInit, events: LifecycleJobEvents) {
    const failed = (job: string) => ({ onError: (error: Error) => { events.failed(job, error) } })
    // a peer that left the routing table while its copy waited (it failed twice) is not sent to
    this.sender = new RecordSender(init.engine, { concurrency: REPLICATION_CONCURRENCY, maxQueued: REPLICATION_MAX_QUEUED, shouldSend: (peer) => init.engine.routingTable.has(peer) })
    this.refresh = refreshJob(init.engine, init.refreshIntervalMs, events.refreshing, events.refreshed, failed('refresh'))
    this.expire = expireJob(init.records, init.expireIntervalMs, events.expired, failed('expire'))
    if (init.storesRecords) {
      this.replicate = new ReplicateJob({
        engine: init.engine,
        records: init.records,
        sender: this.sender,
        k: init.k,
        intervalMs: init.replicateIntervalMs,
        newPeersDelayMs: REPLICATION_NEW_PEERS_DELAY,
        pushers: REPLICATION_PUSHERS,
        onRound: events.replicated,
        ...failed('replicate')
      })
    }
    this.republish = new RepublishJob({
      engine: init.engine,
      records: init.records,
      published: init.published,
      storesRecords: init.storesRecords,
      ttlMs: init.ttlMs,
      intervalMs: init.republishIntervalMs,
      checkIntervalMs: REPUBLISH_CHECK_INTERVAL,
      privateKey: init.privateKey,
      onRound: events.republished,
      ...failed('republish')
    })
  }

  /** Starts the jobs that need no network: the expiry sweep. */
  startLocal (): void {
    this.expire.start()
  }

  /** Starts the jobs that work with other peers; call once the peer has joined. */
  startNetworked (): void {
    this.refresh.start()
    this.replicate?.start()
    this.republish.start()
  }

  /** Stops every job and drops the records still waiting to be sent. */
  stop (): void {
    this.refresh.stop()
    this.expire.stop()
    this.replicate?.stop()
    this.republish.stop()
    this.sender.stop()
  }
}
