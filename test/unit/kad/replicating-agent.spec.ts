import { expect } from 'chai'
import { isReplicatingAgent } from '../../../src/kad/kad-engine.js'

describe('which peers replication counts on to send a record on', () => {
  it('peers of this package: exper-dht/<version>', () => {
    expect(isReplicatingAgent('exper-dht/0.1.0 node/20.20.2')).to.equal(true)
    expect(isReplicatingAgent('exper-dht/1.2.3')).to.equal(true)
  })

  it('not other implementations, nor programs whose module path starts with exper-dht (go-libp2p names them so)', () => {
    for (const agent of [undefined, '', 'exper-dht', 'exper-dht/interop', 'exper-dht-go/0.1.0', 'js-libp2p/3.0.0 node/20', 'github.com/libp2p/go-libp2p', 'rust-libp2p/0.57']) {
      expect(isReplicatingAgent(agent), String(agent)).to.equal(false)
    }
  })
})
