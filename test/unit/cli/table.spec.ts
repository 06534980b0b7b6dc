import { expect } from 'chai'
import { displayAddress, formatTable } from '../../../src/cli/table.js'

describe('supervise: table output', () => {
  it('aligns columns two spaces apart, without trailing spaces', () => {
    expect(formatTable(['peer', 'pid'], [['0', '12345'], ['10', '7']])).to.equal('peer  pid\n0     12345\n10    7')
  })

  it('shows an address without the /p2p part that has a column of its own', () => {
    expect(displayAddress({ addrs: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGzh8G8sbP6DDnJb7Lf1GJCHUjzfXtw2qmD9SUrmEbcXv'] })).to.equal('/ip4/127.0.0.1/tcp/4001')
    expect(displayAddress({ addrs: [] })).to.equal('-')
  })
})
