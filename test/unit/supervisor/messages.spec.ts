import { expect } from 'chai'
import { isPeerMessage, isSupervisorMessage } from '../../../src/supervisor/messages.js'

describe('supervisor IPC messages', () => {
  it('recognises what a peer sends', () => {
    expect(isPeerMessage({ type: 'ready', peerId: '12D3KooW', addrs: ['/ip4/127.0.0.1/tcp/1'] })).to.equal(true)
    expect(isPeerMessage({ type: 'routing-table', size: 3 })).to.equal(true)
    expect(isPeerMessage({ type: 'ready', peerId: '12D3KooW', addrs: [1] })).to.equal(false)
    expect(isPeerMessage({ type: 'routing-table', size: 1.5 })).to.equal(false)
    expect(isPeerMessage({ type: 'ready', peerId: '12D3KooW', addrs: [], api: 'http://127.0.0.1:1' })).to.equal(true)
    expect(isPeerMessage({ type: 'ready', peerId: '12D3KooW', addrs: [], api: 5080 })).to.equal(false)
    expect(isPeerMessage({ type: 'refresh-routing-table' })).to.equal(false)
    expect(isPeerMessage(null)).to.equal(false)
  })

  it('recognises what the supervisor sends', () => {
    expect(isSupervisorMessage({ type: 'refresh-routing-table' })).to.equal(true)
    expect(isSupervisorMessage({ type: 'routing-table', size: 3 })).to.equal(false)
    expect(isSupervisorMessage('refresh-routing-table')).to.equal(false)
  })
})
