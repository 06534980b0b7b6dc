import { PeriodicJob } from './periodic-job.js'
import type { PeriodicJobOptions } from './periodic-job.js'
import type { KadEngine } from '../kad-engine.js'

/** What one periodic refresh did. */
export interface RefreshRound {
  routingTableSize: number
  durationMs: number
}

/**
 * The periodic refresh (after @libp2p/kad-dht's `routing-table/refresh.ts`):
 * Kademlia's join again every `intervalMs`, which finds the peers that
 * joined since and counts failures against the ones gone.
 */
export function refreshJob (engine: KadEngine, intervalMs: number, onStart: () => void, onRound: (round: RefreshRound) => void, options?: PeriodicJobOptions): PeriodicJob {
  return new PeriodicJob(async (signal) => {
    onStart()
    const started = performance.now()
    await engine.join({ signal })
    if (!signal.aborted) {
      onRound({ routingTableSize: engine.routingTable.size, durationMs: performance.now() - started })
    }
  }, intervalMs, options)
}
