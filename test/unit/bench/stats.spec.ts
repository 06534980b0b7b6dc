import { expect } from 'chai'
import { ErrorTally, summarizeLatencies } from '../../../bench/stats.js'

describe('bench: latency statistics', () => {
  it('gives nearest-rank percentiles', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(summarizeLatencies(latencies)).to.deep.equal({ count: 100, meanMs: 50.5, minMs: 1, p50Ms: 50, p90Ms: 90, p99Ms: 99, maxMs: 100 })
    expect(summarizeLatencies([7])).to.include({ p50Ms: 7, p99Ms: 7 })
  })

  it('has no summary rather than zeros when nothing succeeded', () => {
    expect(summarizeLatencies([])).to.equal(undefined)
  })

  it('counts failures by message, most frequent first', () => {
    const tally = new ErrorTally()
    tally.add(new Error('a'))
    tally.add(new TypeError('b'))
    tally.add(new TypeError('b'))
    expect(tally.top()).to.deep.equal([{ message: 'TypeError: b', count: 2 }, { message: 'Error: a', count: 1 }])
  })
})
