import { expect } from 'chai'
import { computeRatios } from '../../../bench/ratios.js'
import type { Implementation } from '../../../bench/options.js'
import type { RunResult } from '../../../bench/run-one.js'

/** A run of `peers` peers, `ready` of them ready after `startupMs`. */
function run (impl: Implementation, peers: number, ready: number, startupMs: number): RunResult {
  return {
    impl,
    hosting: 'in-process',
    driver: 'api',
    peers,
    startup: { ms: startupMs, ready, notReady: Array.from({ length: peers - ready }, (_, i) => i) }
  }
}

describe('bench: ratios', () => {
  it('divides exper by the other implementation of the same size', () => {
    const [ratio] = computeRatios([run('exper', 10, 10, 500), run('vanilla-allow', 10, 10, 2_000), run('vanilla-allow', 50, 50, 1)])
    expect(ratio).to.include({ peers: 10, impl: 'exper', other: 'vanilla-allow' })
    expect(ratio.values.startupMs).to.equal(0.25)
    expect(ratio.startupBound).to.equal(undefined)
    expect(ratio.caveats).to.deep.equal([])
  })

  it('marks the startup ratio as an upper bound when only the other never had every peer ready', () => {
    const [ratio] = computeRatios([run('exper', 50, 50, 7_500), run('vanilla-allow', 50, 36, 80_000)])
    expect(ratio.values.startupMs).to.equal(0.094)
    expect(ratio.startupBound).to.equal('below')
    expect(ratio.caveats).to.deep.equal(['vanilla-allow: only 36/50 peers ready (its startup is the ready timeout)'])
  })

  it('marks it as a lower bound when only exper fell short, and gives none when both did', () => {
    const [short] = computeRatios([run('exper', 10, 9, 30_000), run('vanilla', 10, 10, 15_000)])
    expect(short.values.startupMs).to.equal(2)
    expect(short.startupBound).to.equal('above')
    const [both] = computeRatios([run('exper', 10, 9, 30_000), run('vanilla', 10, 6, 30_000)])
    expect(both.values.startupMs).to.equal(null)
    expect(both.startupBound).to.equal(undefined)
  })
})
