import { expect } from 'chai'
import { BenchUsageError, parseImplementations, parsePeerCounts, parseSeconds, parseWholeNumber } from '../../../bench/options.js'

describe('bench: flag values', () => {
  it('parses lists of sizes and implementations, dropping repeats', () => {
    expect(parsePeerCounts('10, 50,10')).to.deep.equal([10, 50])
    expect(parseImplementations('exper,vanilla-allow')).to.deep.equal(['exper', 'vanilla-allow'])
    expect(parseImplementations('exper-kv,go,rust')).to.deep.equal(['exper-kv', 'go', 'rust'])
  })

  it('refuses what it cannot run, naming the flag', () => {
    expect(() => parsePeerCounts('1')).to.throw(BenchUsageError, /--peers/)
    expect(() => parsePeerCounts('ten')).to.throw(BenchUsageError, /--peers/)
    expect(() => parseImplementations('exper,java')).to.throw(BenchUsageError, /unknown implementation "java"/)
    expect(() => parseWholeNumber('--records', '2.5', 1)).to.throw(BenchUsageError, /--records/)
    expect(() => parseSeconds('--duration', '0')).to.throw(BenchUsageError, /--duration/)
    expect(parseSeconds('--duration', '0.5')).to.equal(0.5)
  })
})
