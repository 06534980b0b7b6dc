import { performance } from 'node:perf_hooks'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { Prng } from './prng.js'
import { ErrorTally, round, summarizeLatencies } from './stats.js'
import type { BenchCluster } from './clusters/cluster.js'
import type { LatencySummary } from './stats.js'

/** One record of the workload: its key, its value and the peer that puts it. */
export interface BenchRecord {
  key: string
  value: Uint8Array
  putter: number
}

/** How many operations of a phase did what, and how long the successful ones took. */
export interface PhaseResult {
  /** Operations started. */
  attempted: number
  /** Operations that succeeded (for gets: with the value that was put). */
  ok: number
  /** Operations that threw or timed out. */
  failed: number
  /** Gets that returned a value other than the one put. */
  wrong: number
  /** Operations never started because the phase ran out of time. */
  skipped: number
  /** Latency of the successful operations; absent when none succeeded. */
  latency?: LatencySummary
  /** The most frequent failure messages. */
  errors: Array<{ message: string, count: number }>
  /** Wall time of the phase, in ms. */
  elapsedMs: number
}

/** What the put phase adds: the replica counts of the successful puts. */
export interface PutPhaseResult extends PhaseResult {
  replicas?: { min: number, mean: number, max: number }
}

/** What the load phase adds: the throughput. */
export interface LoadPhaseResult extends PhaseResult {
  /** Concurrent operations kept in flight. */
  concurrency: number
  /** Successful operations per second of wall time (until the last in-flight operation ended). */
  opsPerSecond: number
}

/** Time limits of the phases. */
export interface PhaseLimits {
  /** Upper bound of one operation, in ms. */
  opTimeoutMs: number
  /** Upper bound of the put and of the get phase: no operation starts after it, in ms. */
  phaseTimeoutMs: number
}

/** The records of a run: `count` keys `bench-<i>`, each with `valueSize` seeded random bytes and a putter among `peers`. */
export function makeRecords (count: number, valueSize: number, peers: readonly number[], seed: number): BenchRecord[] {
  const values = Prng.derive(seed, 'values')
  const putters = Prng.derive(seed, 'putters')
  return Array.from({ length: count }, (_, i) => ({ key: `bench-${i}`, value: values.bytes(valueSize), putter: putters.pick(peers) }))
}

/**
 * Puts each record through its putter, one at a time. Resolves with the
 * phase's numbers and the records that were stored.
 */
export async function runPutPhase (cluster: BenchCluster, records: readonly BenchRecord[], limits: PhaseLimits, log: (line: string) => void): Promise<{ result: PutPhaseResult, stored: BenchRecord[] }> {
  const tally = new Tally()
  const replicas: number[] = []
  const stored: BenchRecord[] = []
  const deadline = performance.now() + limits.phaseTimeoutMs
  for (const [i, record] of records.entries()) {
    if (performance.now() >= deadline) {
      tally.skipped = records.length - i
      break
    }
    const outcome = await timed(async (signal) => cluster.put(record.putter, record.key, record.value, signal), limits.opTimeoutMs)
    if (tally.count(outcome)) {
      replicas.push(outcome.value.replicas)
      stored.push(record)
    }
    progress(log, 'put', i + 1, records.length)
  }
  const result: PutPhaseResult = tally.result()
  if (replicas.length > 0) {
    result.replicas = {
      min: Math.min(...replicas),
      mean: round(replicas.reduce((a, b) => a + b, 0) / replicas.length),
      max: Math.max(...replicas)
    }
  }
  return { result, stored }
}

/** Gets each stored record from a seeded random ready peer other than its putter, one at a time, checking the value. */
export async function runGetPhase (cluster: BenchCluster, stored: readonly BenchRecord[], limits: PhaseLimits, seed: number, log: (line: string) => void): Promise<PhaseResult> {
  const prng = Prng.derive(seed, 'get')
  const tally = new Tally()
  const deadline = performance.now() + limits.phaseTimeoutMs
  for (const [i, record] of stored.entries()) {
    if (performance.now() >= deadline) {
      tally.skipped = stored.length - i
      break
    }
    const getter = prng.pickOther(cluster.readyPeers, record.putter)
    tally.countGet(await timed(async (signal) => cluster.get(getter, record.key, signal), limits.opTimeoutMs), record)
    progress(log, 'get', i + 1, stored.length)
  }
  return tally.result()
}

/** Options of the load phase. */
export interface LoadInit {
  /** Operations in flight at once. */
  concurrency: number
  /** How long new operations are started, in ms. */
  durationMs: number
  /** Upper bound of operations started in the whole phase. */
  maxOps: number
  opTimeoutMs: number
  seed: number
}

/**
 * `concurrency` workers each get a seeded random stored record from a seeded
 * random ready peer other than its putter, again and again, until
 * `durationMs` has passed or `maxOps` operations have started; then waits
 * for the operations in flight (each bounded by `opTimeoutMs`).
 */
export async function runLoadPhase (cluster: BenchCluster, stored: readonly BenchRecord[], init: LoadInit, log: (line: string) => void): Promise<LoadPhaseResult> {
  const tally = new Tally()
  if (stored.length === 0) {
    return { ...tally.result(), concurrency: init.concurrency, opsPerSecond: 0 }
  }
  const start = performance.now()
  const end = start + init.durationMs
  let started = 0
  const ticker = setInterval(() => { log(`load: ${tally.attempted} gets done, ${Math.max(0, Math.round((end - performance.now()) / 1000))} s left`) }, 1000)
  const worker = async (index: number): Promise<void> => {
    const prng = Prng.derive(init.seed, `load/${index}`)
    while (performance.now() < end && started < init.maxOps) {
      started++
      const record = prng.pick(stored)
      const getter = prng.pickOther(cluster.readyPeers, record.putter)
      tally.countGet(await timed(async (signal) => cluster.get(getter, record.key, signal), init.opTimeoutMs), record)
    }
  }
  try {
    await Promise.all(Array.from({ length: init.concurrency }, async (_, index) => worker(index)))
  } finally {
    clearInterval(ticker)
  }
  const result = tally.result()
  return { ...result, concurrency: init.concurrency, opsPerSecond: round(result.ok / ((performance.now() - start) / 1000)) }
}

/** How one operation of `timed` ended. */
export type Outcome<T> = { ok: true, ms: number, value: T } | { ok: false, ms: number, error: unknown }

/**
 * Runs `operation` with a signal that aborts after `timeoutMs`, and gives up
 * on it then even if it ignores the signal.
 */
export async function timed<T> (operation: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<Outcome<T>> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`operation timed out after ${timeoutMs} ms`)
      error.name = 'BenchTimeoutError'
      controller.abort(error)
      reject(error)
    }, timeoutMs)
  })
  const begin = performance.now()
  try {
    const value = await Promise.race([operation(controller.signal), expired])
    return { ok: true, ms: performance.now() - begin, value }
  } catch (error) {
    return { ok: false, ms: performance.now() - begin, error }
  } finally {
    clearTimeout(timer)
  }
}

/** Counts the outcomes of a phase. */
class Tally {
  attempted = 0
  ok = 0
  failed = 0
  wrong = 0
  skipped = 0
  private readonly latencies: number[] = []
  private readonly errors = new ErrorTally()
  private readonly start = performance.now()

  /** Counts a put (or any operation whose success needs no check); true when it succeeded. */
  count<T> (outcome: Outcome<T>): outcome is Outcome<T> & { ok: true } {
    this.attempted++
    if (!outcome.ok) {
      this.failed++
      this.errors.add(outcome.error)
      return false
    }
    this.ok++
    this.latencies.push(outcome.ms)
    return true
  }

  /** Counts a get, which succeeded only when it returned the record's value. */
  countGet (outcome: Outcome<Uint8Array>, record: BenchRecord): void {
    if (outcome.ok && !uint8ArrayEquals(outcome.value, record.value)) {
      this.attempted++
      this.wrong++
      return
    }
    this.count(outcome)
  }

  result (): PhaseResult {
    return {
      attempted: this.attempted,
      ok: this.ok,
      failed: this.failed,
      wrong: this.wrong,
      skipped: this.skipped,
      latency: summarizeLatencies(this.latencies),
      errors: this.errors.top(),
      elapsedMs: round(performance.now() - this.start)
    }
  }
}

/** Logs every 10th operation of a phase, and its last. */
function progress (log: (line: string) => void, phase: string, done: number, total: number): void {
  if (done % 10 === 0 || done === total) {
    log(`${phase}: ${done}/${total}`)
  }
}
