import { expect } from 'chai'
import type { TurnoverRun } from '../../bench/turnover/scenario.js'

/** A turnover run that completed at N peers with `records` records, every record found at every step. */
export function expectCompleteTurnover (run: TurnoverRun, peers: number, records: number): void {
  expect(run.error, `${run.impl}: ${run.error}`).to.equal(undefined)
  expect(run).to.include({ peers, originals: Math.round(peers / 4), newPeers: peers - Math.round(peers / 4), records })
  expect(run.startup.notReady).to.deep.equal([])
  expect(run.startup.originalsReady + run.startup.newReady).to.equal(peers)
  expect(run.put).to.include({ attempted: records, ok: records, failed: 0, skipped: 0 })
  expect(run.stored).to.equal(records)
  expect(run.steps.map((s) => s.name)).to.deep.equal(['grown', 'originals-gone', 'killed'])
  expect(run.stopped).to.deep.equal(Array.from({ length: run.originals }, (_, i) => i))
  expect(run.killed).to.have.length(run.killCount)
  for (const index of run.killed) {
    expect(index).to.be.at.least(run.originals)
  }
  const t = run.traffic!
  expect(t.windowMs).to.be.above(run.replicateIntervalMs)
  expect(t.intervals).to.be.closeTo(t.windowMs / run.replicateIntervalMs, 0.01)
  expect(t.total.messages).to.equal(Object.values(t.byKind).reduce((sum, k) => sum + k.messages, 0))
  expect(t.perRecordPerInterval.messages).to.be.closeTo(t.total.messages / records / t.intervals, 0.01)
}
