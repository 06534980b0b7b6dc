import { round } from './stats.js'
import type { Implementation } from './options.js'
import type { RunResult } from './run-one.js'

/** The metrics compared between implementations, and whether a higher value is better. */
export const RATIO_METRICS = {
  startupMs: { higherIsBetter: false, of: (run: RunResult) => run.startup.ms },
  putP50Ms: { higherIsBetter: false, of: (run: RunResult) => run.put?.latency?.p50Ms },
  getP50Ms: { higherIsBetter: false, of: (run: RunResult) => run.get?.latency?.p50Ms },
  loadOpsPerSecond: { higherIsBetter: true, of: (run: RunResult) => run.load?.opsPerSecond },
  loadP50Ms: { higherIsBetter: false, of: (run: RunResult) => run.load?.latency?.p50Ms },
  loadP99Ms: { higherIsBetter: false, of: (run: RunResult) => run.load?.latency?.p99Ms },
  rssPerPeerBytes: { higherIsBetter: false, of: (run: RunResult) => run.resources?.rssPerPeerBytes },
  cpuSeconds: { higherIsBetter: false, of: (run: RunResult) => run.resources?.cpuSeconds.total }
} satisfies Record<string, { higherIsBetter: boolean, of: (run: RunResult) => number | undefined }>

/** One of `RATIO_METRICS`. */
export type RatioMetric = keyof typeof RATIO_METRICS

/** exper's value of each metric divided by another implementation's, at one network size. */
export interface Ratio {
  peers: number
  /** The exper run: `exper` or `exper-kv`. */
  impl: Implementation
  /** The implementation it is compared with. */
  other: Implementation
  hosting: RunResult['hosting']
  /** exper / other per metric; null where either value is missing or the other's is 0. */
  values: Record<RatioMetric, number | null>
  /**
   * How the startup ratio relates to the true one when a side never had every
   * peer ready (its startup is then its ready timeout, less than its true
   * startup): `below` when only the other side fell short (the true ratio is
   * smaller), `above` when only exper did. Absent otherwise; when both fell
   * short there is no startup ratio at all.
   */
  startupBound?: 'below' | 'above'
  /** Why the comparison is shaky, when it is: peers that were never ready (operations ran on fewer peers), or a failed run. */
  caveats: string[]
}

const EXPER: readonly Implementation[] = ['exper', 'exper-kv']
const OTHERS: readonly Implementation[] = ['vanilla', 'vanilla-allow', 'go', 'rust']

/**
 * exper / other for every pair of runs at the same network size that ran
 * the same way (same hosting, same driver): in-process `exper` against
 * `vanilla` and `vanilla-allow`, `exper-kv` against `go` and `rust` (each hosted in one
 * process, driven through the kv protocol), and with `--processes` `exper`
 * against `go` and `rust` (one process per peer, driven through the kv protocol).
 */
export function computeRatios (runs: readonly RunResult[]): Ratio[] {
  const ratios: Ratio[] = []
  for (const run of runs.filter((r) => EXPER.includes(r.impl))) {
    for (const other of runs.filter((r) => OTHERS.includes(r.impl))) {
      if (other.peers !== run.peers || other.hosting !== run.hosting || other.driver !== run.driver) {
        continue
      }
      const values = Object.fromEntries(Object.entries(RATIO_METRICS).map(([name, metric]) => {
        const a = metric.of(run)
        const b = metric.of(other)
        return [name, a == null || b == null || b === 0 ? null : round(a / b)]
      })) as Record<RatioMetric, number | null>
      const experShort = !allReady(run)
      const otherShort = !allReady(other)
      if (experShort && otherShort) {
        values.startupMs = null
      }
      const startupBound = experShort === otherShort ? undefined : otherShort ? 'below' : 'above'
      ratios.push({
        peers: run.peers,
        impl: run.impl,
        other: other.impl,
        hosting: run.hosting,
        values,
        ...(startupBound == null ? {} : { startupBound }),
        caveats: [...caveatsOf(run), ...caveatsOf(other)]
      })
    }
  }
  return ratios
}

function allReady (run: RunResult): boolean {
  return run.startup.ready >= run.peers
}

function caveatsOf (run: RunResult): string[] {
  const caveats: string[] = []
  if (!allReady(run)) {
    caveats.push(`${run.impl}: only ${run.startup.ready}/${run.peers} peers ready (its startup is the ready timeout)`)
  }
  const notStarted = (run.put?.skipped ?? 0) + (run.get?.skipped ?? 0)
  if (notStarted > 0) {
    caveats.push(`${run.impl}: ${notStarted} operations not started (phase time limit)`)
  }
  if (run.error != null) {
    caveats.push(`${run.impl}: failed`)
  }
  return caveats
}
