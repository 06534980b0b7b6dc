import { expect } from 'chai'
import { runBench, expectSaneRun } from '../../helpers/bench.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'

describe('npm run bench', function () {
  this.timeout(300_000)
  let dir: string

  before(async () => { dir = await makeTempDir('exper-dht-bench-') })
  after(async () => { await removeDir(dir) })

  it('runs exper and vanilla-allow at N = 5 to completion and reports sane numbers', async () => {
    const run = await runBench(['--peers', '5', '--records', '5', '--duration', '1', '--impl', 'exper,vanilla-allow'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stderr).to.match(/\[exper N=5\] put: 5\/5/)

    const report = run.report!
    expect(report.environment.cores).to.be.above(0)
    expect(report.environment.node).to.equal(process.version)
    expect(report.options).to.include({ records: 5, durationS: 1, seed: 1, processes: false })
    expect(report.runs.map((r) => [r.impl, r.hosting, r.driver])).to.deep.equal([['exper', 'in-process', 'api'], ['vanilla-allow', 'in-process', 'api']])
    for (const r of report.runs) {
      expectSaneRun(r, 5, 5)
      expect(r.resources!.rssBaselineBytes).to.be.above(0)
      expect(r.resources!.rssPerPeerBasis).to.equal('growth')
      expect(r.resources!.eventLoopDelay!.p99Ms).to.be.at.least(0)
      expect(r.resources!.clientCpuSeconds).to.equal(undefined)
    }
    expect(report.ratios).to.have.length(1)
    expect(report.ratios[0]).to.include({ peers: 5, impl: 'exper', other: 'vanilla-allow' })
    expect(report.ratios[0].values.loadOpsPerSecond).to.be.above(0)
    expect(report.ratios[0].caveats).to.deep.equal([])

    const rows = run.stdout.split('\n').filter((line) => /^\| (exper|vanilla-allow) +\| in-process/.test(line))
    expect(rows).to.have.length(2)
    expect(rows[0]).to.include('| 5/5 ')
  })

  it('drives exper-dht through the kv protocol (exper-kv), and repeats the workload with --rounds', async () => {
    const run = await runBench(['--peers', '3', '--records', '3', '--duration', '1', '--impl', 'exper-kv', '--rounds', '2'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    const [r] = run.report!.runs
    expect([r.impl, r.hosting, r.driver]).to.deep.equal(['exper-kv', 'host-process', 'kv'])
    expectSaneRun(r, 3, 3)
    expect(r.resources!.rssPerPeerBasis).to.equal('total')
    expect(r.resources!.eventLoopDelay!.p99Ms).to.be.at.least(0)
    expect(r.resources!.clientCpuSeconds!.load).to.be.at.least(0)

    expect(r.laterRounds).to.have.length(1)
    const [second] = r.laterRounds!
    expect([second.put.ok, second.get.ok, second.get.wrong]).to.deep.equal([3, 3, 0])
    expect(second.load.ok).to.be.above(0)
    expect(r.resources!.rssAfterRoundsBytes).to.have.length(2)
    expect(r.resources!.rssAfterRoundsBytes![0]).to.equal(r.resources!.rssAfterBytes)
    expect(run.stdout).to.match(/exper-kv host-process N=3: RSS MB after each round: \d+, \d+/)
  })

  it('runs exper with one supervised process per peer (--processes)', async () => {
    const run = await runBench(['--peers', '3', '--records', '3', '--duration', '1', '--impl', 'exper,vanilla', '--processes'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    const report = run.report!
    expect(report.runs).to.have.length(1)
    const [r] = report.runs
    expect([r.impl, r.hosting, r.driver]).to.deep.equal(['exper', 'processes', 'kv'])
    expectSaneRun(r, 3, 3)
    expect(r.resources!.rssPerPeerBasis).to.equal('total')
    expect(report.skipped).to.deep.equal([{ impl: 'vanilla', peers: 3, reason: '--processes runs only exper, go and rust (exper then through the kv protocol)' }])
  })

  it('refuses an unknown implementation with a usage error', async () => {
    const run = await runBench(['--impl', 'exper,nope'], dir, 30_000)
    expect(run.code).to.equal(2)
    expect(run.stderr).to.include('unknown implementation "nope"')
  })

  it('refuses --rounds 0 with a usage error', async () => {
    const run = await runBench(['--rounds', '0'], dir, 30_000)
    expect(run.code).to.equal(2)
    expect(run.stderr).to.include('--rounds must be a whole number from 1 to 100, not "0"')
  })
})
