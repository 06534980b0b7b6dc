import { expect } from 'chai'
import { runBench, expectSaneRun } from '../helpers/bench.js'
import { makeTempDir, removeDir } from '../helpers/temp-dir.js'
import { expectCompleteTurnover } from '../helpers/turnover-checks.js'
import type { TurnoverReport } from '../../bench/turnover/benchmark.js'

describe('interop: npm run bench with the Go peer', function () {
  this.timeout(300_000)
  let dir: string

  before(async () => { dir = await makeTempDir('exper-dht-bench-go-') })
  after(async () => { await removeDir(dir) })

  it('measures go (nodes hosted in one process) next to exper-kv, with their ratios', async () => {
    const run = await runBench(['--peers', '3', '--records', '3', '--duration', '1', '--impl', 'exper-kv,go'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    const report = run.report!
    expect(report.runs.map((r) => [r.impl, r.hosting, r.driver])).to.deep.equal([['exper-kv', 'host-process', 'kv'], ['go', 'host-process', 'kv']])
    for (const r of report.runs) {
      expectSaneRun(r, 3, 3)
    }
    expect(report.runs[1].resources!.eventLoopDelay).to.equal(undefined)
    expect(report.ratios.map((r) => [r.impl, r.other])).to.deep.equal([['exper-kv', 'go']])
  })

  it('measures go with one process per peer (--processes)', async () => {
    const run = await runBench(['--peers', '3', '--records', '3', '--duration', '1', '--impl', 'go', '--processes'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    const [r] = run.report!.runs
    expect([r.impl, r.hosting, r.driver]).to.deep.equal(['go', 'processes', 'kv'])
    expectSaneRun(r, 3, 3)
  })

  it('runs the turnover scenario with Go processes next to exper, counting go-libp2p-kad-dht\'s corrections (--turnover)', async () => {
    const run = await runBench(['--turnover', '--peers', '8', '--records', '5', '--impl', 'exper,go', '--replicate-interval', '2'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    const report = run.report as unknown as TurnoverReport
    expect(report.runs.map((r) => r.impl)).to.deep.equal(['exper', 'go'])
    const [exper, go] = report.runs
    expectCompleteTurnover(exper, 8, 5)
    expectCompleteTurnover(go, 8, 5)
    for (const step of exper.steps) {
      expect(step, step.name).to.include({ found: 5, of: 5 })
    }
    // Go has no replication: its only record traffic is the correction after gets, which the new peers (lacking every record) get
    const t = go.traffic!
    expect(t.byKind.correction.messages).to.be.above(0)
    expect(t.byKind.correction.bytes).to.be.above(t.byKind.correction.messages * 100)
    expect([t.byKind.replicationInterval.messages, t.byKind.replicationNewPeers.messages, t.byKind.writeBack.messages]).to.deep.equal([0, 0, 0])
    expect(report.ratios!.found.grown).to.be.a('number')
    expect(report.ratios!.messagesPerRecordPerInterval).to.be.above(0)
    expect(report.targets.map((target) => target.kind)).to.deep.equal(['must', 'aim'])
    expect(run.stdout).to.match(/^\| go +\| 8 \(2 \+ 6\)/m)
  })
})
