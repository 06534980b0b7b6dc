import { expect } from 'chai'
import { runBench } from '../../helpers/bench.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import { expectCompleteTurnover } from '../../helpers/turnover-checks.js'
import type { TurnoverReport } from '../../../bench/turnover/benchmark.js'

describe('npm run bench -- --turnover', function () {
  this.timeout(300_000)
  let dir: string

  before(async () => { dir = await makeTempDir('exper-dht-bench-turnover-') })
  after(async () => { await removeDir(dir) })

  it('grows 2 → 8 exper-dht processes, stops the originals and kills 4 more: every record is found after each step', async () => {
    const run = await runBench(['--turnover', '--peers', '8', '--records', '5', '--impl', 'exper', '--replicate-interval', '2'], dir, 280_000)
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stderr).to.match(/\[turnover exper N=8\] killed: found 5\/5/)
    const report = run.report as unknown as TurnoverReport
    expect(report.mode).to.equal('turnover')
    expect(report.options).to.include({ turnover: true, records: 5, replicateIntervalS: 2 })
    expect(report.runs).to.have.length(1)
    const [r] = report.runs
    expect(r.impl).to.equal('exper')
    expectCompleteTurnover(r, 8, 5)
    expect(r.killCount).to.equal(4)
    expect(r.killed).to.have.length(4)
    for (const step of r.steps) {
      expect(step, step.name).to.include({ found: 5, of: 5, failed: 0, wrong: 0, skipped: 0 })
      expect(step.missing).to.deep.equal([])
    }
    expect(r.steps.map((s) => s.running)).to.deep.equal([8, 6, 2])
    // the new peers got the records from the originals' replication; exper never sends a Go correction
    const t = r.traffic!
    expect(t.byKind.replicationNewPeers.messages + t.byKind.replicationInterval.messages).to.be.above(0)
    expect(t.byKind.correction.messages).to.equal(0)
    expect(report.ratios).to.equal(undefined)
    expect(report.targets).to.deep.include({ target: 'exper finds 100 % of the records at every step', kind: 'must', met: true, detail: 'every record at every step' })

    const row = run.stdout.split('\n').find((line) => line.startsWith('| exper ') && line.includes('(2 + 6)'))
    expect(row, run.stdout).to.not.equal(undefined)
    expect(row!.match(/5\/5 \(100 %\)/g)).to.have.length(3)
    expect(run.stdout).to.include('- must: exper finds 100 % of the records at every step: met')
  })

  it('skips the implementations it does not run, and refuses a network too small to turn over', async () => {
    const small = await runBench(['--turnover', '--peers', '3'], dir, 30_000)
    expect(small.code).to.equal(2)
    expect(small.stderr).to.include('--turnover needs at least 4 peers, not 3')

    const run = await runBench(['--turnover', '--peers', '4', '--records', '2', '--impl', 'vanilla', '--replicate-interval', '1'], dir, 60_000)
    expect(run.code, run.stderr).to.equal(0)
    const report = run.report as unknown as TurnoverReport
    expect(report.runs).to.deep.equal([])
    expect(report.skipped).to.deep.equal([{ impl: 'vanilla', peers: 4, reason: '--turnover runs only exper and go (one OS process per peer, through the kv protocol)' }])
  })
})
