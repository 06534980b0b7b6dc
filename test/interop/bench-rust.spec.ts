import { expect } from 'chai'
import { runBench, expectSaneRun } from '../helpers/bench.js'
import { makeTempDir, removeDir } from '../helpers/temp-dir.js'

describe('interop: npm run bench with the Rust peer', function () {
  this.timeout(300_000)
  let dir: string

  before(async () => { dir = await makeTempDir('exper-dht-bench-rust-') })
  after(async () => { await removeDir(dir) })

  it('measures rust (nodes hosted in one process) next to exper-kv and go, with the ratios exper-kv/go and exper-kv/rust', async () => {
    const run = await runBench(['--peers', '3', '--records', '3', '--duration', '1', '--impl', 'exper-kv,go,rust'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    const report = run.report!
    expect(report.runs.map((r) => [r.impl, r.hosting, r.driver])).to.deep.equal([
      ['exper-kv', 'host-process', 'kv'], ['go', 'host-process', 'kv'], ['rust', 'host-process', 'kv']
    ])
    for (const r of report.runs) {
      expectSaneRun(r, 3, 3)
    }
    expect(report.ratios.map((r) => [r.impl, r.other])).to.deep.equal([['exper-kv', 'go'], ['exper-kv', 'rust']])
    expect(run.stdout).to.match(/^\| 3 +\| exper-kv +\| rust +\|/m)
  })

  it('measures rust with one process per peer (--processes)', async () => {
    const run = await runBench(['--peers', '3', '--records', '3', '--duration', '1', '--impl', 'rust', '--processes'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    const [r] = run.report!.runs
    expect([r.impl, r.hosting, r.driver]).to.deep.equal(['rust', 'processes', 'kv'])
    expectSaneRun(r, 3, 3)
  })
})
