import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import type { BenchReport } from '../../../bench/benchmark.js'
import type { PhaseResult } from '../../../bench/phases.js'
import type { LatencySummary } from '../../../bench/stats.js'

const BENCH_CLI = fileURLToPath(new URL('../../../bench/cli.js', import.meta.url))
const execFileAsync = promisify(execFile)

/** Runs `npm run bench`'s program to completion; never rejects on a non-zero exit. */
async function runBench (args: string[], timeoutMs: number): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BENCH_CLI, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const error = err as { code?: number, stdout: string, stderr: string }
    return { code: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }
  }
}

function expectSaneLatency (latency: LatencySummary | undefined, count: number): void {
  expect(latency, 'latency summary').to.not.equal(undefined)
  const { minMs, p50Ms, p90Ms, p99Ms, maxMs, meanMs } = latency!
  expect(latency!.count).to.equal(count)
  expect(minMs).to.be.at.least(0)
  expect([minMs, p50Ms, p90Ms, p99Ms, maxMs]).to.deep.equal([minMs, p50Ms, p90Ms, p99Ms, maxMs].sort((a, b) => a - b))
  expect(meanMs).to.be.within(minMs, maxMs)
}

function expectAllOk (phase: PhaseResult | undefined, count: number): void {
  expect(phase, 'phase result').to.not.equal(undefined)
  expect(phase).to.include({ attempted: count, ok: count, failed: 0, wrong: 0, skipped: 0 })
  expectSaneLatency(phase!.latency, count)
}

describe('npm run bench', function () {
  this.timeout(300_000)
  let dir: string

  before(async () => { dir = await makeTempDir('exper-dht-bench-') })
  after(async () => { await removeDir(dir) })

  it('runs exper and vanilla-allow at N = 5 to completion and reports sane numbers', async () => {
    const jsonFile = join(dir, 'report.json')
    const run = await runBench(['--peers', '5', '--records', '5', '--duration', '1', '--impl', 'exper,vanilla-allow', '--json', jsonFile], 280_000)
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stderr).to.match(/\[exper N=5\] put: 5\/5/)

    const report = JSON.parse(await readFile(jsonFile, 'utf8')) as BenchReport
    expect(report.environment.cores).to.be.above(0)
    expect(report.environment.node).to.equal(process.version)
    expect(report.options).to.include({ records: 5, durationS: 1, seed: 1 })
    expect(report.runs.map((r) => [r.impl, r.peers])).to.deep.equal([['exper', 5], ['vanilla-allow', 5]])

    for (const r of report.runs) {
      expect(r.error, `${r.impl}: ${r.error}`).to.equal(undefined)
      expect(r.hosting).to.equal('in-process')
      expect(r.startup.ready).to.equal(5)
      expect(r.startup.notReady).to.deep.equal([])
      expect(r.startup.ms).to.be.above(0)
      expectAllOk(r.put, 5)
      expect(r.put!.replicas!.min).to.be.at.least(1)
      expect(r.put!.replicas!.max).to.be.at.most(5)
      expectAllOk(r.get, 5)
      expect(r.load!.ok).to.be.at.least(1)
      expect(r.load!.wrong).to.equal(0)
      expect(r.load!.ok + r.load!.failed + r.load!.wrong).to.equal(r.load!.attempted)
      expectSaneLatency(r.load!.latency, r.load!.ok)
      expect(r.load!.opsPerSecond).to.be.above(0)
      expect(r.load!.concurrency).to.equal(32)
      const res = r.resources!
      expect(res.rssAfterBytes).to.be.above(res.rssBaselineBytes!)
      expect(res.rssPerPeerBasis).to.equal('growth')
      for (const seconds of Object.values(res.cpuSeconds)) {
        expect(seconds).to.be.at.least(0)
      }
      expect(res.cpuSeconds.total).to.be.above(0)
      expect(res.eventLoopDelay!.p99Ms).to.be.at.least(0)
    }
    expect(report.ratios).to.have.length(1)
    expect(report.ratios[0]).to.include({ peers: 5, impl: 'exper', other: 'vanilla-allow' })
    expect(report.ratios[0].values.loadOpsPerSecond).to.be.above(0)

    const rows = run.stdout.split('\n').filter((line) => /^\| (exper|vanilla-allow) +\| in-process/.test(line))
    expect(rows).to.have.length(2)
    expect(rows[0]).to.include('| 5/5 ')
  })

  it('refuses an unknown implementation with a usage error', async () => {
    const run = await runBench(['--impl', 'exper,nope'], 30_000)
    expect(run.code).to.equal(2)
    expect(run.stderr).to.include('unknown implementation "nope"')
  })
})
