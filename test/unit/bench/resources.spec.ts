import { expect } from 'chai'
import { parseCpuTicks, parseVmRss, sampleProcesses } from '../../../bench/resources.js'

describe('bench: process resources from /proc', () => {
  it('reads VmRSS in bytes', () => {
    expect(parseVmRss('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   2048 kB\nVmData:\t 1 kB\n')).to.equal(2048 * 1024)
    expect(() => parseVmRss('Name:\tnode\n')).to.throw(/VmRSS/)
  })

  it('reads utime + stime after a command name holding spaces and parentheses', () => {
    const stat = '1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 100 1000 10'
    expect(parseCpuTicks(stat)).to.equal(300)
  })

  it('samples a live process and counts a missing one as gone', async () => {
    const sample = await sampleProcesses([process.pid, 2 ** 22 + 1])
    expect(sample.rssBytes).to.be.above(1024 * 1024)
    expect(sample.cpuSeconds).to.be.above(0)
    expect(sample.gone).to.deep.equal([2 ** 22 + 1])
  })
})
