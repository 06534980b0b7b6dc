import { expect } from 'chai'
import { runBench, expectSaneRun } from '../helpers/bench.js'
import { makeTempDir, removeDir } from '../helpers/temp-dir.js'

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
})
