import { fileURLToPath } from 'node:url'
import { describeEnvironment } from '../environment.js'
import { TURNOVER_IMPLEMENTATIONS, readyTimeoutFor } from '../options.js'
import { runInWorker } from '../run-in-worker.js'
import { round } from '../stats.js'
import { killCountFor, originalsFor } from './scenario.js'
import type { Environment } from '../environment.js'
import type { BenchOptions, Implementation } from '../options.js'
import type { Prepare } from '../benchmark.js'
import type { TurnoverImplementation } from './peers.js'
import type { TurnoverRun, TurnoverSpec, TurnoverStepName } from './scenario.js'

/** exper's number divided by go's, where both are non-zero. */
export interface TurnoverRatios {
  /** Records found after each step (found / of), exper / go. */
  found: Partial<Record<TurnoverStepName, number>>
  /** PUT_VALUE messages per record per replication interval, exper / go. */
  messagesPerRecordPerInterval?: number
  /** Bytes per record per replication interval, exper / go. */
  bytesPerRecordPerInterval?: number
}

/** A target of the turnover scenario and whether the run met it. */
export interface TurnoverTarget {
  target: string
  kind: 'must' | 'aim'
  /** undefined when the runs needed to tell did not complete. */
  met?: boolean
  detail: string
}

/** Everything a turnover benchmark measured: what `--json FILE` holds with `--turnover`. */
export interface TurnoverReport {
  mode: 'turnover'
  date: string
  environment: Environment
  options: BenchOptions
  /** One per implementation, in the order run. */
  runs: TurnoverRun[]
  skipped: Array<{ impl: Implementation, peers: number, reason: string }>
  /** exper / go, when both ran. */
  ratios?: TurnoverRatios
  targets: TurnoverTarget[]
}

/** The compiled worker (dist/bench/turnover/worker.js). */
const WORKER_PATH = fileURLToPath(new URL('./worker.js', import.meta.url))

/** Time a worker gets beyond its steps' own limits (process starts, stopping the peers, the waits). */
const WORKER_SLACK_MS = 120_000

/**
 * Runs the turnover scenario for each implementation of `options.impls` that
 * it supports (`exper`, `go`) at the first network size of `options.peers`,
 * each in a fresh worker process with a hard time limit.
 */
export async function runTurnoverBenchmark (options: BenchOptions, log: (line: string) => void, prepare: Prepare = async () => {}): Promise<TurnoverReport> {
  const peers = options.peers[0]
  const report: TurnoverReport = { mode: 'turnover', date: new Date().toISOString(), environment: describeEnvironment(), options, runs: [], skipped: [], targets: [] }
  if (options.peers.length > 1) {
    log(`--turnover runs one network size: N = ${peers} (the first of --peers)`)
  }
  for (const impl of options.impls) {
    if (!TURNOVER_IMPLEMENTATIONS.includes(impl)) {
      const reason = `--turnover runs only ${TURNOVER_IMPLEMENTATIONS.join(' and ')} (one OS process per peer, through the kv protocol)`
      log(`skipping ${impl}: ${reason}`)
      report.skipped.push({ impl, peers, reason })
      continue
    }
    try {
      await prepare(impl)
    } catch (err) {
      const reason = `cannot be prepared: ${(err as Error).message}`
      log(`skipping ${impl}: ${reason}`)
      report.skipped.push({ impl, peers, reason })
      continue
    }
    const spec = specOf(options, impl as TurnoverImplementation, peers)
    log(`turnover: ${impl}, N = ${peers} (${originalsFor(peers)} originals + ${peers - originalsFor(peers)} new), ${spec.records} records, replication every ${spec.replicateIntervalMs / 1000} s`)
    report.runs.push(await runSpecInWorker(spec))
  }
  report.ratios = ratiosOf(report.runs)
  report.targets = targetsOf(report.runs)
  return report
}

function specOf (options: BenchOptions, impl: TurnoverImplementation, peers: number): TurnoverSpec {
  return {
    impl,
    peers,
    records: options.records,
    valueSize: options.valueSize,
    seed: options.seed,
    opTimeoutS: options.opTimeoutS,
    readyTimeoutS: options.readyTimeoutS ?? readyTimeoutFor(peers),
    phaseTimeoutS: options.phaseTimeoutS,
    replicateIntervalMs: Math.round(options.replicateIntervalS * 1000)
  }
}

/** The longest a worker may take: two startups, the put step and three get steps, the wait, plus slack. */
export function turnoverBudgetMs (spec: TurnoverSpec): number {
  return (2 * spec.readyTimeoutS + 4 * spec.phaseTimeoutS) * 1000 + spec.replicateIntervalMs + WORKER_SLACK_MS
}

/** Runs `spec` in a fresh worker; a worker that crashes or overruns its budget yields a run with an `error`. */
async function runSpecInWorker (spec: TurnoverSpec): Promise<TurnoverRun> {
  const originals = originalsFor(spec.peers)
  return runInWorker(spec, {
    workerPath: WORKER_PATH,
    budgetMs: turnoverBudgetMs(spec),
    stopOnSignals: true,
    failed: (error): TurnoverRun => ({
      impl: spec.impl,
      peers: spec.peers,
      originals,
      newPeers: spec.peers - originals,
      killCount: killCountFor(spec.peers - originals),
      records: spec.records,
      replicateIntervalMs: spec.replicateIntervalMs,
      startup: { originalsMs: 0, originalsReady: 0, growMs: 0, newReady: 0, notReady: [], errors: [] },
      steps: [],
      stopped: [],
      killed: [],
      error
    })
  })
}

/** found / of of a step of `run`, or undefined when the step did not run. */
export function foundShare (run: TurnoverRun, step: TurnoverStepName): number | undefined {
  const s = run.steps.find((x) => x.name === step)
  return s == null || s.of === 0 ? undefined : s.found / s.of
}

function ratiosOf (runs: readonly TurnoverRun[]): TurnoverRatios | undefined {
  const exper = runs.find((r) => r.impl === 'exper')
  const go = runs.find((r) => r.impl === 'go')
  if (exper == null || go == null) {
    return undefined
  }
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => a == null || b == null || a === 0 || b === 0 ? undefined : round(a / b)
  const found: TurnoverRatios['found'] = {}
  for (const step of ['grown', 'originals-gone', 'killed'] as const) {
    const value = ratio(foundShare(exper, step), foundShare(go, step))
    if (value != null) found[step] = value
  }
  return {
    found,
    messagesPerRecordPerInterval: ratio(exper.traffic?.perRecordPerInterval.messages, go.traffic?.perRecordPerInterval.messages),
    bytesPerRecordPerInterval: ratio(exper.traffic?.perRecordPerInterval.bytes, go.traffic?.perRecordPerInterval.bytes)
  }
}

function targetsOf (runs: readonly TurnoverRun[]): TurnoverTarget[] {
  const exper = runs.find((r) => r.impl === 'exper')
  const go = runs.find((r) => r.impl === 'go')
  const targets: TurnoverTarget[] = []
  if (exper != null) {
    const complete = exper.error == null && exper.steps.length === 3
    const short = exper.steps.filter((s) => s.found < s.of)
    targets.push({
      target: 'exper finds 100 % of the records at every step',
      kind: 'must',
      met: complete ? short.length === 0 : false,
      detail: complete
        ? short.length === 0 ? 'every record at every step' : short.map((s) => `${s.name}: ${s.found}/${s.of}`).join(', ')
        : `the run did not complete${exper.error == null ? '' : `: ${exper.error}`}`
    })
  }
  if (exper?.traffic != null && go?.traffic != null && exper.error == null && go.error == null) {
    const e = exper.traffic.perRecordPerInterval
    const g = go.traffic.perRecordPerInterval
    targets.push({
      target: 'exper\'s replication traffic per record per interval no more than Go\'s correction traffic',
      kind: 'aim',
      met: e.messages <= g.messages && e.bytes <= g.bytes,
      detail: `messages ${e.messages} vs ${g.messages}, bytes ${e.bytes} vs ${g.bytes} per record per interval`
    })
  }
  return targets
}
