import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'chai'
import { refreshPeriodically } from '../../src/peer/periodic-refresh.js'

describe('refreshPeriodically', () => {
  it('runs one refresh per interval, the next wait starting when a run has ended', async () => {
    const controller = new AbortController()
    const runs: Array<{ start: number, end: number }> = []
    const done = refreshPeriodically(5, controller.signal, async () => {
      const start = performance.now()
      await sleep(20)
      runs.push({ start, end: performance.now() })
      if (runs.length === 3) {
        controller.abort()
      }
    })
    await done
    expect(runs).to.have.length(3)
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].start).to.be.at.least(runs[i - 1].end)
    }
  })

  it('ends during a wait when its signal aborts, without another run', async () => {
    const controller = new AbortController()
    let runs = 0
    const done = refreshPeriodically(60_000, controller.signal, async () => { runs++ })
    controller.abort()
    await done
    expect(runs).to.equal(0)
  })

  it('does nothing when the interval is 0', async () => {
    let runs = 0
    await refreshPeriodically(0, new AbortController().signal, async () => { runs++ })
    expect(runs).to.equal(0)
  })
})
