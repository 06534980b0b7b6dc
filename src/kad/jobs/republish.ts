import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { compareKvRecords, decodeKvRecord, renewRecord } from '../../records/index.js'
import { PeriodicJob } from './periodic-job.js'
import type { KadEngine } from '../kad-engine.js'
import type { PublishedRecords } from '../store/published-records.js'
import type { RecordStore } from '../store/record-store.js'
import type { PeriodicJobOptions } from './periodic-job.js'
import type { PrivateKey } from '@libp2p/interface'

/** What one republish pass did. */
export interface RepublishRound {
  /** Records put again. */
  republished: number
  /** Records taken off the published list: their lifetime ended, or another publisher's newer record replaced them. */
  retired: number
  /** PUT_VALUE acknowledgements the republished records got, in all. */
  replicas: number
  durationMs: number
}

/** Options of `RepublishJob`. */
export interface RepublishJobInit extends PeriodicJobOptions {
  engine: KadEngine
  records: RecordStore
  published: PublishedRecords
  /** Whether this peer stores records itself (a DHT server). */
  storesRecords: boolean
  /** A record's lifetime after each publication, in ms. */
  ttlMs: number
  /** A record is republished once this long has passed since its last publication, in ms; 0 never. */
  intervalMs: number
  /** How often the published list is looked through for records due, in ms. */
  checkIntervalMs: number
  /** This peer's key: a signed (`/kvs`) record is signed anew at each republish. */
  privateKey: PrivateKey
  onRound(round: RepublishRound): void
}

/**
 * Republish by the publisher: each record this peer published (its
 * published list, kept in the datastore) is put again — same seq and value,
 * `expires` moved to now + ttl (never past the end of its lifetime), a signed
 * record signed anew — once
 * `intervalMs` has passed since its last publication, so it outlives the
 * ttl for as long as this peer runs. The list is looked through every
 * `checkIntervalMs`, and at start (records that fell due while the peer was
 * down go out at once). A record whose lifetime has ended, or that another
 * publisher's newer record has replaced, is taken off the list.
 */
export class RepublishJob {
  private readonly periodic: PeriodicJob

  constructor (private readonly init: RepublishJobInit) {
    this.periodic = new PeriodicJob(async (signal) => {
      const round = await this.republishDue(signal)
      if (round.republished > 0 || round.retired > 0) {
        init.onRound(round)
      }
    }, init.intervalMs > 0 ? Math.min(init.intervalMs, init.checkIntervalMs) : 0, { ...init, runImmediately: true })
  }

  start (): void {
    this.periodic.start()
  }

  stop (): void {
    this.periodic.stop()
  }

  /** Republishes every record of the list that is due (exposed for tests and tools). */
  async republishDue (signal: AbortSignal = this.periodic.signal): Promise<RepublishRound> {
    const started = performance.now()
    const round: RepublishRound = { republished: 0, retired: 0, replicas: 0, durationMs: 0 }
    for (const entry of this.init.published.list()) {
      if (signal.aborted) break
      const now = Date.now()
      if (entry.until != null && entry.until <= now) {
        await this.init.published.remove(entry.key)
        round.retired++
        continue
      }
      if (entry.publishedAt + this.init.intervalMs > now) {
        continue
      }
      const last = await this.init.published.record(entry.key)
      if (last == null) {
        continue
      }
      const record = decodeKvRecord(last)
      if (this.supersededLocally(entry.key, record)) {
        await this.init.published.remove(entry.key)
        round.retired++
        continue
      }
      const expires = Math.min(now + this.init.ttlMs, entry.until ?? Infinity)
      const fresh = await renewRecord(entry.key, record, BigInt(expires), this.init.privateKey)
      if (this.init.storesRecords) {
        await this.init.records.put(entry.key, fresh, { published: true, signal })
      }
      const { stored } = await this.init.engine.putToClosest(entry.key, fresh, { signal })
      await this.init.published.add(entry.key, fresh, now, entry.until)
      round.republished++
      round.replicas += stored.length
    }
    round.durationMs = performance.now() - started
    return round
  }

  /** Whether this peer holds a better record for the key than the one it published, from another publisher (or a later seq). */
  private supersededLocally (dhtKey: Uint8Array, published: ReturnType<typeof decodeKvRecord>): boolean {
    const held = this.init.records.get(dhtKey)
    if (held == null) {
      return false
    }
    const current = decodeKvRecord(held.value)
    const sameVersion = current.seq === published.seq && uint8ArrayEquals(current.value, published.value) && uint8ArrayEquals(current.publisher, published.publisher)
    return !sameVersion && compareKvRecords(current, published) > 0
  }
}
