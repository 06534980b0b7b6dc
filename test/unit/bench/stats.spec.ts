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

  it('groups failures that differ only by key, address or peer id', () => {
    const tally = new ErrorTally()
    tally.add(new Error('"bench-4" not found'))
    tally.add(new Error('"bench-17" not found'))
    tally.add(new Error('request to /ip4/127.0.0.1/tcp/39797/p2p/12D3KooWQUzrHTab7Au8zTtUMg4LFbxB1BmoyyzWcyEcBspnqGzc failed: timeout'))
    tally.add(new Error('request to /ip4/127.0.0.1/tcp/41425/p2p/12D3KooWG3GjFcsP53a1vLdoi3Se3PKQt9ZniPcfCvQBXSuknqhD failed: timeout'))
    tally.add(new Error('peer 12D3KooWG3GjFcsP53a1vLdoi3Se3PKQt9ZniPcfCvQBXSuknqhD is gone'))
    expect(tally.top()).to.deep.equal([
      { message: 'Error: "<key>" not found', count: 2 },
      { message: 'Error: request to <addr> failed: timeout', count: 2 },
      { message: 'Error: peer <peer> is gone', count: 1 }
    ])
  })
})
