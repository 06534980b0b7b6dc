import '../../src/shim/promise-with-resolvers.js'
import { rmSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { createKvDriver } from '../clusters/kv-driver.js'
import { makeRecords, timed } from '../phases.js'
import { Prng } from '../prng.js'
import { sampleProcesses, sampleThisProcess } from '../resources.js'
import { ErrorTally, round, summarizeLatencies } from '../stats.js'
import { PeerProcesses, startPeers } from './peers.js'
import { TrafficCounter } from './traffic.js'
import type { KvDriver, PeerAddress } from '../clusters/kv-driver.js'
import type { BenchRecord, PutPhaseResult } from '../phases.js'
import type { LatencySummary } from '../stats.js'
import type { PeerEvent, TurnoverImplementation } from './peers.js'
import type { TrafficReport, TurnoverPhase } from './traffic.js'

/** One turnover run: what a turnover worker receives. */
export interface TurnoverSpec {
  impl: TurnoverImplementation
  /** N: the network once grown. */
  peers: number
  records: number
  valueSize: number
  seed: number
  opTimeoutS: number
  /** Upper bound of each startup (the originals, the growth), in seconds. */
  readyTimeoutS: number
  /** Upper bound of the put step and of each get step, in seconds. */
  phaseTimeoutS: number
  /** exper's `records.replicateIntervalMs`; also the wait after growth and the unit of the traffic, for both implementations. */
  replicateIntervalMs: number
}

/** The steps after which every record is got. */
export const TURNOVER_STEPS = ['grown', 'originals-gone', 'killed'] as const

/** One of `TURNOVER_STEPS`. */
export type TurnoverStepName = typeof TURNOVER_STEPS[number]

/** A record a step did not find. */
export interface MissingRecord {
  key: string
  /** The peer the get went through. */
  getter: number
  /** Why: the error, or "wrong value". */
  error: string
  /** A second get of the key through another running peer (not counted): did it find the record? */
  retry?: { getter: number, found: boolean, error?: string }
}

/** The gets after one step. */
export interface TurnoverStep {
  name: TurnoverStepName
  /** Peers running when the step got, and which of them the gets went through. */
  running: number
  getters: number
  /** Records found with the value put, of the records put. */
  found: number
  of: number
  failed: number
  wrong: number
  /** Gets not started: the step's time limit passed. */
  skipped: number
  latency?: LatencySummary
  errors: Array<{ message: string, count: number }>
  missing: MissingRecord[]
  elapsedMs: number
}

/** Everything measured in one turnover run. */
export interface TurnoverRun {
  impl: TurnoverImplementation
  /** N, O and the new peers. */
  peers: number
  originals: number
  newPeers: number
  /** New peers killed in the last step. */
  killCount: number
  records: number
  replicateIntervalMs: number
  startup: {
    /** From starting peer 0 until the originals were ready, in ms. */
    originalsMs: number
    originalsReady: number
    /** From starting the first new peer until the new peers were ready, in ms. */
    growMs: number
    newReady: number
    /** Indices of the peers that never became ready (left out). */
    notReady: number[]
    errors: Array<{ message: string, count: number }>
  }
  put?: PutPhaseResult
  /** Records put (only these are got). */
  stored?: number
  steps: TurnoverStep[]
  /** The wait after the "grown" step, in ms; for exper, how many running peers reported an interval round that started in it (a round that sends nothing reports nothing). */
  replicationWait?: { ms: number, peersReporting: number, running: number }
  traffic?: TrafficReport
  /** Indices of the originals stopped (SIGTERM) and of the new peers killed (SIGKILL). */
  stopped: number[]
  killed: number[]
  /** Memory and CPU summed over the peer processes running at the end (before they were stopped). */
  resources?: { rssBytes: number, cpuSeconds: number, clientCpuSeconds: number }
  /** Why the run ended early, if it did. */
  error?: string
}

/** New peers killed in the last step ("4 more killed"), fewer when N is small (at least one new peer stays). */
export const TURNOVER_KILL = 4

/** Peers starting at once. */
const STARTUP_CONCURRENCY = 8

/** Added to one replication interval for the wait after the "grown" step: a round takes time, and the next wait starts when it ends. */
const REPLICATION_WAIT_MARGIN_MS = 2_000

/** After the last step, so that write-backs and corrections the last gets started are counted, in ms. */
const DRAIN_MS = 3_000

/** O for N: a quarter, at least one, leaving at least 3 new peers. */
export function originalsFor (peers: number): number {
  return Math.min(Math.max(1, Math.round(peers / 4)), peers - 3)
}

/** The peers killed in the last step for `newPeers` new peers: `TURNOVER_KILL`, keeping at least one. */
export function killCountFor (newPeers: number): number {
  return Math.max(0, Math.min(TURNOVER_KILL, newPeers - 1))
}

/** The temporary directory of the run in progress, for `removeTurnoverDirSync` (a worker that is being killed). */
let runDir: string | undefined

/** Removes the run's data dirs at once (when the worker is stopped mid-run, after its children were killed). */
export function removeTurnoverDirSync (): void {
  if (runDir != null) {
    rmSync(runDir, { recursive: true, force: true })
  }
}

/**
 * The "records that last" scenario with one OS process per peer:
 * 1. start O = N/4 originals (peer 0 alone, each other one joining through a
 *    random earlier one once it is ready);
 * 2. put the records through random originals (kv protocol);
 * 3. grow: start the N − O new peers, each joining through a random original;
 * 4. "grown": get every record through a random new peer;
 * 5. wait one replication interval (plus a margin);
 * 6. "originals-gone": stop every original (SIGTERM), get every record again;
 * 7. "killed": SIGKILL 4 new peers, get every record through the others.
 * Counts the PUT_VALUE traffic the peers report (exper: replication and
 * write-back; go: the DHT's correction) from the growth to the end. Never
 * throws: a failure ends the run with `error` and what was measured.
 */
export async function runTurnover (spec: TurnoverSpec, log: (line: string) => void): Promise<TurnoverRun> {
  const originals = originalsFor(spec.peers)
  const newPeers = spec.peers - originals
  const run: TurnoverRun = {
    impl: spec.impl,
    peers: spec.peers,
    originals,
    newPeers,
    killCount: killCountFor(newPeers),
    records: spec.records,
    replicateIntervalMs: spec.replicateIntervalMs,
    startup: { originalsMs: 0, originalsReady: 0, growMs: 0, newReady: 0, notReady: [], errors: [] },
    steps: [],
    stopped: [],
    killed: []
  }
  const dir = await mkdtemp(join(tmpdir(), 'exper-dht-turnover-'))
  runDir = dir
  const configFile = join(dir, 'config.json')
  await writeFile(configFile, JSON.stringify({ records: { replicateIntervalMs: spec.replicateIntervalMs } }, null, 2) + '\n')

  const traffic = new TrafficCounter()
  const intervalRounds: PeerEvent[] = []
  const peers = new PeerProcesses({
    impl: spec.impl,
    dir,
    configFile,
    onEvent: (event) => {
      traffic.count(event.event)
      if (event.event.event === 'replicated' && event.event.trigger === 'interval') {
        intervalRounds.push(event)
      }
    }
  })
  const enter = (phase: TurnoverPhase): void => { traffic.enter(phase, performance.now()) }
  let driver: KvDriver | undefined
  try {
    driver = await createKvDriver(peers.addresses, spec.opTimeoutS * 1000)
    await scenario(spec, run, peers, driver, enter, intervalRounds, log)
    enter('drain')
    log(`waiting ${DRAIN_MS / 1000} s for the last write-backs`)
    await sleep(DRAIN_MS)
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err)
    log(`ERROR ${run.error}`)
  } finally {
    traffic.close(performance.now())
    run.traffic = traffic.report(run.stored ?? 0, spec.replicateIntervalMs, performance.now())
    try {
      const sample = await sampleProcesses(peers.pids)
      run.resources = { rssBytes: sample.rssBytes, cpuSeconds: round(sample.cpuSeconds), clientCpuSeconds: round(sampleThisProcess().cpuSeconds) }
    } catch {}
    log('stopping the peers')
    await driver?.close().catch(() => {})
    await peers.stopAll()
    await rm(dir, { recursive: true, force: true }).catch(() => {})
    runDir = undefined
  }
  return run
}

async function scenario (spec: TurnoverSpec, run: TurnoverRun, peers: PeerProcesses, driver: KvDriver, enter: (phase: TurnoverPhase) => void,
  intervalRounds: PeerEvent[], log: (line: string) => void): Promise<void> {
  const startupErrors = new ErrorTally()
  const bootstrapPrng = Prng.derive(spec.seed, 'turnover/bootstrap')
  const readyTimeoutMs = spec.readyTimeoutS * 1000
  const notReady = (index: number, error: Error): void => {
    run.startup.notReady.push(index)
    startupErrors.add(error)
  }

  // 1. the originals: peer 0 alone, each other one through a random earlier one
  enter('start')
  const started = performance.now()
  const readiness = Array.from({ length: run.originals }, () => Promise.withResolvers<PeerAddress | undefined>())
  const earlier = Array.from({ length: run.originals }, (_, i) => i === 0 ? -1 : bootstrapPrng.int(i))
  const originals = await startPeers(peers, range(0, run.originals), {
    bootstrapOf: async (index) => {
      if (index === 0) return undefined
      // an earlier peer that never became ready: join through peer 0 instead
      return (await readiness[earlier[index]].promise) ?? await readiness[0].promise
    },
    deadline: started + readyTimeoutMs,
    concurrency: STARTUP_CONCURRENCY,
    onReady: (index) => { readiness[index].resolve(peers.addresses.get(index)) },
    onFailed: (index, error) => { readiness[index].resolve(undefined); notReady(index, error) }
  })
  run.startup.originalsMs = round(performance.now() - started)
  run.startup.originalsReady = originals.length
  log(`${originals.length}/${run.originals} originals ready in ${(run.startup.originalsMs / 1000).toFixed(1)} s`)
  if (!originals.includes(0)) {
    run.startup.errors = startupErrors.top()
    throw new Error('peer 0 never became ready')
  }

  // 2. the records, through random originals
  enter('put')
  const records = makeRecords(spec.records, spec.valueSize, originals, spec.seed)
  const stored = await putRecords(driver, records, spec, log)
  run.put = stored.result
  run.stored = stored.records.length
  log(`put ${stored.records.length}/${records.length} records (replicas ${run.put.replicas?.mean ?? '–'} on average)`)

  // 3. growth: each new peer through a random original
  enter('grow')
  const growing = performance.now()
  const newIndices = range(run.originals, spec.peers)
  const bootstrapOf = new Map(newIndices.map((index) => [index, bootstrapPrng.pick(originals)]))
  let readyCount = 0
  const grown = await startPeers(peers, newIndices, {
    bootstrapOf: async (index) => peers.addresses.get(bootstrapOf.get(index)!),
    deadline: growing + readyTimeoutMs,
    concurrency: STARTUP_CONCURRENCY,
    onReady: () => {
      readyCount++
      if (readyCount % 10 === 0) log(`${readyCount}/${newIndices.length} new peers ready`)
    },
    onFailed: notReady
  })
  run.startup.growMs = round(performance.now() - growing)
  run.startup.newReady = grown.length
  run.startup.notReady.sort((a, b) => a - b)
  run.startup.errors = startupErrors.top()
  log(`${grown.length}/${newIndices.length} new peers ready in ${(run.startup.growMs / 1000).toFixed(1)} s`)
  if (grown.length === 0) {
    throw new Error('no new peer became ready')
  }

  // 4. grown: every record through a random new peer
  enter('grown')
  run.steps.push(await getStep('grown', stored.records, peers, grown, driver, spec, log))

  // 5. one replication interval
  enter('replication-wait')
  const waitStart = performance.now()
  const waitMs = spec.replicateIntervalMs + REPLICATION_WAIT_MARGIN_MS
  log(`waiting ${(waitMs / 1000).toFixed(1)} s: one replication interval and a margin`)
  await sleep(waitMs)
  const reporting = new Set(intervalRounds.filter((r) => r.at - Number(r.event.durationMs ?? 0) >= waitStart).map((r) => r.index))
  run.replicationWait = { ms: round(performance.now() - waitStart), peersReporting: reporting.size, running: peers.running.length }

  // 6. originals gone: SIGTERM every original
  enter('originals-gone')
  log(`stopping the ${originals.length} originals (SIGTERM)`)
  run.stopped = peers.running.filter((index) => index < run.originals)
  await Promise.all(run.stopped.map(async (index) => peers.stop(index)))
  run.steps.push(await getStep('originals-gone', stored.records, peers, grown, driver, spec, log))

  // 7. 4 more killed: SIGKILL new peers
  enter('killed')
  const killPrng = Prng.derive(spec.seed, 'turnover/kill')
  const candidates = grown.filter((index) => peers.addresses.has(index))
  while (run.killed.length < run.killCount && candidates.length > 1) {
    run.killed.push(candidates.splice(killPrng.int(candidates.length), 1)[0])
  }
  run.killed.sort((a, b) => a - b)
  log(`killing ${run.killed.length} new peers (SIGKILL): ${run.killed.join(', ')}`)
  await Promise.all(run.killed.map(async (index) => peers.kill(index)))
  run.steps.push(await getStep('killed', stored.records, peers, grown, driver, spec, log))
}

/** Puts each record through its putter, one at a time (each bounded by the op timeout, all by the phase timeout). */
async function putRecords (driver: KvDriver, records: readonly BenchRecord[], spec: TurnoverSpec, log: (line: string) => void): Promise<{ result: PutPhaseResult, records: BenchRecord[] }> {
  const started = performance.now()
  const deadline = started + spec.phaseTimeoutS * 1000
  const errors = new ErrorTally()
  const latencies: number[] = []
  const replicas: number[] = []
  const stored: BenchRecord[] = []
  let attempted = 0
  for (const record of records) {
    if (performance.now() >= deadline) break
    attempted++
    const outcome = await timed(async (signal) => driver.put(record.putter, record.key, record.value, signal), spec.opTimeoutS * 1000)
    if (outcome.ok) {
      latencies.push(outcome.ms)
      replicas.push(outcome.value.replicas)
      stored.push(record)
    } else {
      errors.add(outcome.error)
    }
    if (attempted % 10 === 0 || attempted === records.length) log(`put: ${attempted}/${records.length}`)
  }
  const result: PutPhaseResult = {
    attempted,
    ok: stored.length,
    failed: attempted - stored.length,
    wrong: 0,
    skipped: records.length - attempted,
    latency: summarizeLatencies(latencies),
    errors: errors.top(),
    elapsedMs: round(performance.now() - started)
  }
  if (replicas.length > 0) {
    result.replicas = { min: Math.min(...replicas), mean: round(replicas.reduce((a, b) => a + b, 0) / replicas.length), max: Math.max(...replicas) }
  }
  return { result, records: stored }
}

/**
 * Gets every record once, each through a seeded random running new peer,
 * checking the value; a record not found is got once more through another
 * running peer (not counted), to tell a lost record from a failing getter.
 */
async function getStep (name: TurnoverStepName, records: readonly BenchRecord[], peers: PeerProcesses, newPeers: readonly number[], driver: KvDriver,
  spec: TurnoverSpec, log: (line: string) => void): Promise<TurnoverStep> {
  const started = performance.now()
  const deadline = started + spec.phaseTimeoutS * 1000
  const opTimeoutMs = spec.opTimeoutS * 1000
  const getters = newPeers.filter((index) => peers.addresses.has(index))
  const prng = Prng.derive(spec.seed, `turnover/${name}`)
  const errors = new ErrorTally()
  const latencies: number[] = []
  const missing: MissingRecord[] = []
  let found = 0
  let failed = 0
  let wrong = 0
  let attempted = 0
  const get = async (getter: number, record: BenchRecord): Promise<string | undefined> => {
    const outcome = await timed(async (signal) => driver.get(getter, record.key, signal), opTimeoutMs)
    if (!outcome.ok) {
      return outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : String(outcome.error)
    }
    latencies.push(outcome.ms)
    return uint8ArrayEquals(outcome.value, record.value) ? undefined : 'wrong value'
  }
  for (const record of records) {
    if (performance.now() >= deadline || getters.length === 0) break
    attempted++
    const getter = prng.pick(getters)
    const error = await get(getter, record)
    if (error == null) {
      found++
    } else {
      if (error === 'wrong value') wrong++
      else failed++
      errors.add(new Error(error))
      const entry: MissingRecord = { key: record.key, getter, error }
      const other = prng.pickOther(getters, getter)
      if (other !== getter) {
        const again = await timed(async (signal) => driver.get(other, record.key, signal), opTimeoutMs)
        entry.retry = again.ok
          ? { getter: other, found: uint8ArrayEquals(again.value, record.value) }
          : { getter: other, found: false, error: String((again.error as Error)?.message ?? again.error) }
      }
      missing.push(entry)
      log(`${name}: ${record.key} not found through peer ${getter}: ${error}${entry.retry == null ? '' : ` (through peer ${entry.retry.getter}: ${entry.retry.found ? 'found' : 'not found either'})`}`)
    }
  }
  const step: TurnoverStep = {
    name,
    running: peers.running.length,
    getters: getters.length,
    found,
    of: records.length,
    failed,
    wrong,
    skipped: records.length - attempted,
    latency: summarizeLatencies(latencies),
    errors: errors.top(),
    missing,
    elapsedMs: round(performance.now() - started)
  }
  log(`${name}: found ${found}/${records.length} through ${getters.length} new peers (${step.running} running)`)
  return step
}

function range (from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
