import { expect } from 'chai'
import { addressOf, routingTableHas, startPeer, stopPeers } from '../../helpers/peers.js'
import type { Peer } from '../../../src/index.js'
import type { PeerId } from '@libp2p/interface'

/** The peers `peer` identifies from now on, and a wait for one of them. */
function watchIdentify (peer: Peer): { ids: PeerId[], identified(id: PeerId): Promise<void> } {
  const ids: PeerId[] = []
  peer.libp2p.addEventListener('peer:identify', (event) => { ids.push(event.detail.peerId) })
  return {
    ids,
    identified: async (id) => {
      while (!ids.some((known) => known.equals(id))) {
        await new Promise((resolve) => { peer.libp2p.addEventListener('peer:identify', resolve, { once: true }) })
      }
    }
  }
}

describe('identify on new connections', function () {
  this.timeout(60_000)
  const peers: Peer[] = []

  afterEach(async () => { await stopPeers(peers.splice(0)) })

  it('skips the connections its own Kad requests open; the peer dialed still identifies it, and the bootstrap connection is identified', async () => {
    const first = await startPeer()
    peers.push(first)
    const second = await startPeer({ bootstrap: [addressOf(first)] })
    peers.push(second)
    await second.joined
    const bySecond = watchIdentify(second)

    const third = await startPeer({ bootstrap: [addressOf(first)] })
    peers.push(third)
    const byThird = watchIdentify(third)
    await third.joined

    // the join's lookup learned of `second` from `first` and dialed it for a FIND_NODE
    const toSecond = third.libp2p.getConnections(second.peerId)
    expect(toSecond.map((connection) => connection.direction)).to.deep.equal(['outbound'])
    expect(routingTableHas(third, second.peerId)).to.equal(true)
    expect(byThird.ids.map(String)).to.deep.equal([first.peerId.toString()])
    // `second` identified the inbound connection
    await bySecond.identified(third.peerId)
  })
})
