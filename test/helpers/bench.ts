import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'chai'
import type { BenchReport } from '../../bench/benchmark.js'
import type { PhaseResult } from '../../bench/phases.js'
import type { RunResult } from '../../bench/run-one.js'
import type { LatencySummary } from '../../bench/stats.js'

/** The compiled program of `npm run bench` (dist/bench/cli.js). */
export const BENCH_CLI = fileURLToPath(new URL('../../bench/cli.js', import.meta.url))

const execFileAsync = promisify(execFile)

/** How `npm run bench` ended, with its report when it wrote one. */
export interface BenchRun {
  code: number
  stdout: string
  stderr: string
  report?: BenchReport
}

/** Runs `npm run bench`'s program with `args` plus `--json` into `dir`; never rejects on a non-zero exit. */
export async function runBench (args: string[], dir: string, timeoutMs: number): Promise<BenchRun> {
  const jsonFile = join(dir, `report-${Date.now()}.json`)
  let run: BenchRun
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BENCH_CLI, ...args, '--json', jsonFile], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })
    run = { code: 0, stdout, stderr }
  } catch (err) {
    const error = err as { code?: number, stdout: string, stderr: string }
    run = { code: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }
  }
  try {
    run.report = JSON.parse(await readFile(jsonFile, 'utf8')) as BenchReport
  } catch {}
  return run
}

/** Latencies that are counted, non-negative and ordered. */
export function expectSaneLatency (latency: LatencySummary | undefined, count: number): void {
  expect(latency, 'latency summary').to.not.equal(undefined)
  const { minMs, p50Ms, p90Ms, p99Ms, maxMs, meanMs } = latency!
  expect(latency!.count).to.equal(count)
  expect(minMs).to.be.at.least(0)
  expect([minMs, p50Ms, p90Ms, p99Ms, maxMs]).to.deep.equal([minMs, p50Ms, p90Ms, p99Ms, maxMs].sort((a, b) => a - b))
  expect(meanMs).to.be.within(minMs, maxMs)
}

/** A phase where every one of `count` operations succeeded. */
function expectAllOk (phase: PhaseResult | undefined, count: number): void {
  expect(phase, 'phase result').to.not.equal(undefined)
  expect(phase).to.include({ attempted: count, ok: count, failed: 0, wrong: 0, skipped: 0 })
  expectSaneLatency(phase!.latency, count)
}

/**
 * A run that completed on a small loopback network: every peer ready, every
 * record put and got back, a load phase with successes and no wrong value,
 * and non-negative resources. Says nothing about speed.
 */
export function expectSaneRun (run: RunResult, peers: number, records: number): void {
  expect(run.error, `${run.impl}: ${run.error}`).to.equal(undefined)
  expect(run.peers).to.equal(peers)
  expect(run.startup.ready).to.equal(peers)
  expect(run.startup.notReady).to.deep.equal([])
  expect(run.startup.ms).to.be.above(0)
  expectAllOk(run.put, records)
  expect(run.put!.replicas!.min).to.be.at.least(1)
  expect(run.put!.replicas!.max).to.be.at.most(peers)
  expectAllOk(run.get, records)
  const load = run.load!
  expect(load.ok).to.be.at.least(1)
  expect(load.wrong).to.equal(0)
  expect(load.ok + load.failed + load.wrong).to.equal(load.attempted)
  expectSaneLatency(load.latency, load.ok)
  expect(load.opsPerSecond).to.be.above(0)
  const res = run.resources!
  expect(res.rssAfterBytes).to.be.above(0)
  expect(res.rssPerPeerBytes).to.be.above(0)
  for (const seconds of Object.values(res.cpuSeconds)) {
    expect(seconds).to.be.at.least(0)
  }
  expect(res.cpuSeconds.total).to.be.above(0)
}
