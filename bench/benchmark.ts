import { fileURLToPath } from 'node:url'
import { describeEnvironment } from './environment.js'
import { PROCESS_IMPLEMENTATIONS, readyTimeoutFor } from './options.js'
import { computeRatios } from './ratios.js'
import { runInWorker } from './run-in-worker.js'
import { driverOf, hostingOf } from './run-one.js'
import type { Environment } from './environment.js'
import type { BenchOptions, Implementation } from './options.js'
import type { Ratio } from './ratios.js'
import type { RunResult, RunSpec } from './run-one.js'

/** Everything a benchmark measured: what `--json FILE` holds. */
export interface BenchReport {
  /** When the benchmark started (ISO 8601). */
  date: string
  environment: Environment
  options: BenchOptions
  /** One per implementation and network size that ran, in the order run. */
  runs: RunResult[]
  /** Combinations that were not run, and why. */
  skipped: Array<{ impl: Implementation, peers: number, reason: string }>
  /** exper's numbers divided by another implementation's, where both ran the same way. */
  ratios: Ratio[]
}

/** The compiled worker (dist/bench/worker.js). */
const WORKER_PATH = fileURLToPath(new URL('./worker.js', import.meta.url))

/** Time a worker gets beyond its phases' own limits (process start, stopping the peers). */
const WORKER_SLACK_MS = 90_000

/** Hooks `runBenchmark` prepares an implementation with before its first run (e.g. building a binary); may throw. */
export type Prepare = (impl: Implementation) => Promise<void>

/**
 * Runs every implementation of `options.impls` at every network size of
 * `options.peers`, each in a fresh worker process with a hard time limit,
 * and collects the report. Progress goes to `log` (and the workers' stderr).
 */
export async function runBenchmark (options: BenchOptions, log: (line: string) => void, prepare: Prepare = async () => {}): Promise<BenchReport> {
  const report: BenchReport = { date: new Date().toISOString(), environment: describeEnvironment(), options, runs: [], skipped: [], ratios: [] }
  const unavailable = new Map<Implementation, string>()
  for (const impl of options.impls) {
    if (options.processes && !PROCESS_IMPLEMENTATIONS.includes(impl)) {
      unavailable.set(impl, `--processes runs only ${PROCESS_IMPLEMENTATIONS.slice(0, -1).join(', ')} and ${PROCESS_IMPLEMENTATIONS.at(-1)} (exper then through the kv protocol)`)
      continue
    }
    try {
      await prepare(impl)
    } catch (err) {
      unavailable.set(impl, `cannot be prepared: ${(err as Error).message}`)
    }
  }
  for (const peers of options.peers) {
    for (const impl of options.impls) {
      const reason = unavailable.get(impl)
      if (reason != null) {
        log(`skipping ${impl} at N=${peers}: ${reason}`)
        report.skipped.push({ impl, peers, reason })
        continue
      }
      log(`running ${impl} with ${peers} peers${options.processes ? ', one process each' : ''}`)
      report.runs.push(await runSpecInWorker(specOf(options, impl, peers)))
    }
  }
  report.ratios = computeRatios(report.runs)
  return report
}

function specOf (options: BenchOptions, impl: Implementation, peers: number): RunSpec {
  const { records, valueSize, concurrency, durationS, processes, seed, opTimeoutS, readyTimeoutS, phaseTimeoutS, maxOps, rounds } = options
  return { impl, peers, records, valueSize, concurrency, durationS, processes, seed, opTimeoutS, readyTimeoutS: readyTimeoutS ?? readyTimeoutFor(peers), phaseTimeoutS, maxOps, rounds }
}

/** The longest a worker may take: every phase's limit, plus slack. */
export function workerBudgetMs (spec: RunSpec): number {
  return (spec.readyTimeoutS + spec.rounds * (2 * spec.phaseTimeoutS + spec.durationS + 2 * spec.opTimeoutS)) * 1000 + WORKER_SLACK_MS
}

/** Runs `spec` in a fresh worker; a worker that crashes or overruns its budget yields a result with an `error`. */
async function runSpecInWorker (spec: RunSpec): Promise<RunResult> {
  return runInWorker(spec, {
    workerPath: WORKER_PATH,
    budgetMs: workerBudgetMs(spec),
    failed: (error): RunResult => ({ impl: spec.impl, hosting: hostingOf(spec), driver: driverOf(spec), peers: spec.peers, startup: { ms: 0, ready: 0, notReady: [] }, error })
  })
}
