import { performance } from 'node:perf_hooks'
import { startCluster } from './clusters/index.js'
import { makeRecords, runGetPhase, runLoadPhase, runPutPhase } from './phases.js'
import { sampleThisProcess } from './resources.js'
import { round } from './stats.js'
import type { BenchCluster } from './clusters/cluster.js'
import type { BenchOptions, Implementation } from './options.js'
import type { LoadInit, LoadPhaseResult, PhaseLimits, PhaseResult, PutPhaseResult } from './phases.js'
import type { EventLoopDelaySummary, ResourceSample } from './resources.js'

/** One implementation at one network size: what a worker process measures. */
export type RunSpec = Pick<BenchOptions, 'records' | 'valueSize' | 'concurrency' | 'durationS' | 'processes' | 'seed' | 'opTimeoutS' | 'phaseTimeoutS' | 'maxOps' | 'rounds'> & {
  impl: Implementation
  peers: number
  /** How long to wait for every peer to become ready, in seconds. */
  readyTimeoutS: number
}

/** Where the peers of a run live. */
export type Hosting = 'in-process' | 'host-process' | 'processes'

/** Memory, CPU and event-loop delay of a run. */
export interface RunResources {
  /** The hosting process before the first peer started (in-process runs only), in bytes. */
  rssBaselineBytes?: number
  /** Once the peers were ready, in bytes. */
  rssReadyBytes: number
  /** After the load phase, in bytes. */
  rssAfterBytes: number
  /** After each round's load phase (the first is `rssAfterBytes`), in bytes; with `--rounds` > 1. */
  rssAfterRoundsBytes?: number[]
  /** `growth`: (after − baseline) / peers; `total`: after / peers, the runtime included. */
  rssPerPeerBytes: number
  rssPerPeerBasis: 'growth' | 'total'
  /** CPU seconds (user + system) of the hosting processes, per phase and in all. */
  cpuSeconds: { startup: number, put: number, get: number, load: number, total: number }
  /** Of the process hosting the peers, when it is a Node process. */
  eventLoopDelay?: EventLoopDelaySummary
  /**
   * CPU seconds of the benchmark's own process, which drives kv-driven runs
   * through its KvClient: a load value close to the load phase's wall time
   * means the client, not the peers, set the pace. Absent for in-process runs.
   */
  clientCpuSeconds?: { load: number, total: number }
}

/** Everything measured for one implementation at one network size. */
export interface RunResult {
  impl: Implementation
  hosting: Hosting
  driver: 'api' | 'kv'
  peers: number
  startup: {
    /** From starting peer 0 until every peer was ready (or the ready timeout), in ms. */
    ms: number
    /** Peers that became ready. */
    ready: number
    /** Indices of the peers that did not; operations left them out. */
    notReady: number[]
    /** Why peers failed to join, when the implementation can tell. */
    errors?: Array<{ message: string, count: number }>
  }
  put?: PutPhaseResult
  get?: PhaseResult
  load?: LoadPhaseResult
  /** The rounds after the first (`--rounds`), on the same peers and records. */
  laterRounds?: RoundResult[]
  resources?: RunResources
  /** Time to stop every peer, in ms. */
  stopMs?: number
  /** Why the run ended early, if it did. */
  error?: string
}

/** The put, get and load phases of one round after the first. */
export interface RoundResult {
  put: PutPhaseResult
  get: PhaseResult
  load: LoadPhaseResult
}

/** Longest wait for a cluster to stop before the run gives up on it. */
const STOP_TIMEOUT_MS = 30_000

/**
 * Runs the benchmark of one implementation at one network size: starts the
 * peers, times their readiness, then the put, get and load phases, sampling
 * memory and CPU between them, and stops the peers. Never throws: a failure
 * is reported in `error` with whatever was measured before it.
 */
export async function runOne (spec: RunSpec, log: (line: string) => void): Promise<RunResult> {
  const started = performance.now()
  let cluster: BenchCluster
  try {
    cluster = await startCluster(spec, { peers: spec.peers, readyTimeoutMs: spec.readyTimeoutS * 1000, log })
  } catch (err) {
    return { impl: spec.impl, hosting: hostingOf(spec), driver: driverOf(spec), peers: spec.peers, startup: { ms: 0, ready: 0, notReady: [] }, error: `start failed: ${messageOf(err)}` }
  }
  const ready = new Set(cluster.readyPeers)
  const result: RunResult = {
    impl: spec.impl,
    hosting: hostingOf(spec),
    driver: driverOf(spec),
    peers: cluster.size,
    startup: {
      ms: round(performance.now() - started),
      ready: ready.size,
      notReady: Array.from({ length: cluster.size }, (_, i) => i).filter((i) => !ready.has(i)),
      errors: cluster.startupErrors
    }
  }
  log(`${ready.size}/${cluster.size} peers ready in ${(result.startup.ms / 1000).toFixed(1)} s`)
  try {
    await measure(cluster, spec, result, log)
  } catch (err) {
    result.error = messageOf(err)
  } finally {
    const stopping = performance.now()
    const stopped = await withTimeout(cluster.stop(), STOP_TIMEOUT_MS)
    result.stopMs = round(performance.now() - stopping)
    if (!stopped) {
      result.error ??= `the peers did not stop within ${STOP_TIMEOUT_MS} ms`
    }
  }
  return result
}

async function measure (cluster: BenchCluster, spec: RunSpec, result: RunResult, log: (line: string) => void): Promise<void> {
  const clientAtReady = sampleThisProcess()
  const atReady = await cluster.resources()
  if (cluster.readyPeers.length === 0) {
    throw new Error('no peer became ready')
  }
  const limits: PhaseLimits = { opTimeoutMs: spec.opTimeoutS * 1000, phaseTimeoutMs: spec.phaseTimeoutS * 1000 }
  const records = makeRecords(spec.records, spec.valueSize, cluster.readyPeers, spec.seed)

  const put = await runPutPhase(cluster, records, limits, log)
  result.put = put.result
  const afterPut = await cluster.resources()

  result.get = await runGetPhase(cluster, put.stored, limits, spec.seed, log)
  const afterGet = await cluster.resources()
  const clientBeforeLoad = sampleThisProcess()

  result.load = await runLoadPhase(cluster, put.stored, loadInit(spec, limits), log)
  const clientAfterLoad = sampleThisProcess()
  const afterLoad = await cluster.resources()

  result.resources = resourcesOf(cluster.baseline, [atReady, afterPut, afterGet, afterLoad], cluster.size)
  if (driverOf(spec) === 'kv') {
    result.resources.clientCpuSeconds = {
      load: round(clientAfterLoad.cpuSeconds - clientBeforeLoad.cpuSeconds),
      total: round(clientAfterLoad.cpuSeconds - clientAtReady.cpuSeconds)
    }
  }
  if (spec.rounds > 1) {
    result.laterRounds = []
    result.resources.rssAfterRoundsBytes = [afterLoad.rssBytes]
    for (let n = 2; n <= spec.rounds; n++) {
      const roundLog = (line: string): void => { log(`round ${n}/${spec.rounds}: ${line}`) }
      const again = await runPutPhase(cluster, records, limits, roundLog)
      const get = await runGetPhase(cluster, again.stored, limits, spec.seed, roundLog)
      const load = await runLoadPhase(cluster, again.stored, loadInit(spec, limits), roundLog)
      result.laterRounds.push({ put: again.result, get, load })
      const rssBytes = (await cluster.resources()).rssBytes
      result.resources.rssAfterRoundsBytes.push(rssBytes)
      roundLog(`RSS ${(rssBytes / 2 ** 20).toFixed(0)} MiB`)
    }
  }
  result.resources.eventLoopDelay = await cluster.eventLoopDelay()
}

function loadInit (spec: RunSpec, limits: PhaseLimits): LoadInit {
  return { concurrency: spec.concurrency, durationMs: spec.durationS * 1000, maxOps: spec.maxOps, opTimeoutMs: limits.opTimeoutMs, seed: spec.seed }
}

function resourcesOf (baseline: ResourceSample | undefined, [atReady, afterPut, afterGet, afterLoad]: ResourceSample[], peers: number): RunResources {
  const cpu = (a: ResourceSample | undefined, b: ResourceSample): number => round(b.cpuSeconds - (a?.cpuSeconds ?? 0))
  return {
    rssBaselineBytes: baseline?.rssBytes,
    rssReadyBytes: atReady.rssBytes,
    rssAfterBytes: afterLoad.rssBytes,
    rssPerPeerBytes: Math.round((afterLoad.rssBytes - (baseline?.rssBytes ?? 0)) / peers),
    rssPerPeerBasis: baseline == null ? 'total' : 'growth',
    cpuSeconds: {
      startup: cpu(baseline, atReady),
      put: cpu(atReady, afterPut),
      get: cpu(afterPut, afterGet),
      load: cpu(afterGet, afterLoad),
      total: cpu(baseline, afterLoad)
    }
  }
}

/** Where `spec`'s peers run. */
export function hostingOf (spec: Pick<RunSpec, 'impl' | 'processes'>): Hosting {
  if (spec.processes) {
    return 'processes'
  }
  return spec.impl === 'exper-kv' || spec.impl === 'go' || spec.impl === 'rust' ? 'host-process' : 'in-process'
}

/** How `spec`'s peers are driven: the library API in this process, or the store/retrieve protocol. */
export function driverOf (spec: Pick<RunSpec, 'impl' | 'processes'>): 'api' | 'kv' {
  return hostingOf(spec) === 'in-process' ? 'api' : 'kv'
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
async function withTimeout (promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([promise.then(() => true, () => true), expired])
  } finally {
    clearTimeout(timer)
  }
}

function messageOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
