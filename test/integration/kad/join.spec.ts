import { expect } from 'chai'
import { resolveConfig } from '../../../src/index.js'
import { commonPrefixLength, kadId } from '../../../src/kad/kad-id.js'
import { addressOf, routingTableHas, startNetwork, startPeer, stopPeers } from '../../helpers/peers.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { Peer } from '../../../src/index.js'
import type { JoinProgressEvents } from '../../../src/kad/progress.js'
import type { TestNetwork } from '../../helpers/peers.js'
import type { PeerId } from '@libp2p/interface'

describe("Kademlia's join: the lookup of its own id, then the farther buckets", () => {
  let network: TestNetwork
  let newcomer: Peer | undefined
  const extra: Peer[] = []

  // 24 peers and k = 20: more peers than one lookup returns, yet few enough for
  // every routing table to hold all the peers it has heard of
  before(async () => { network = await startNetwork(24) })
  after(async () => { await stopPeers([...network?.peers ?? [], ...newcomer == null ? [] : [newcomer], ...extra]) })

  it('a joined peer knows every peer of a network larger than k, not only the k closest to itself', async () => {
    newcomer = await startPeer({ bootstrap: [addressOf(network.peers[0])] })
    await newcomer.joined
    expect(newcomer.routingTableSize).to.equal(network.peers.length)
  })

  it('joins with lookups that wait for all k closest peers, whatever dht.resiliency says', async () => {
    const config = resolveConfig()
    const hasty = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: { ...config, dht: { ...config.dht, resiliency: 1 } } })
    extra.push(hasty)
    await hasty.joined
    for (const other of [...network.peers, ...newcomer == null ? [] : [newcomer]]) {
      expect(routingTableHas(hasty, other.peerId)).to.equal(true)
    }
  })

  it('looks up its own id, then one key in each bucket up to the common prefix length of the farthest of its k closest peers', async () => {
    const peer = network.peers[5]
    const self = kadEngineOf(peer).routingTable.selfKadId
    const { lookups, onProgress } = recordLookups()
    await peer.refreshRoutingTable({ onProgress })

    const [own, ...refreshes] = lookups
    expect(own.key).to.deep.equal(peer.peerId.toMultihash().bytes)
    const k = resolveConfig().dht.kBucketSize
    expect(own.closest).to.have.length(k)
    const farthest = own.closest[k - 1].toMultihash().bytes
    const buckets = commonPrefixLength(self, kadId(farthest)) + 1
    expect(refreshes.map(({ key }) => commonPrefixLength(self, kadId(key)))).to.deep.equal(Array.from({ length: buckets }, (_, cpl) => cpl))
  })

  it('a network of k peers or fewer is known whole after the first lookup: no bucket is refreshed', async () => {
    const small = await startNetwork(4)
    try {
      const peer = small.peers[1]
      const { lookups, onProgress } = recordLookups()
      await peer.refreshRoutingTable({ onProgress })
      expect(lookups).to.have.length(1)
      expect(peer.routingTableSize).to.equal(3)
    } finally {
      await small.stop()
    }
  })
})

/** Records every lookup of a join or refresh of `peer`'s routing table, from its progress events: its key and the closest peers it found. */
function recordLookups (): { lookups: Array<{ key: Uint8Array, closest: PeerId[] }>, onProgress: (event: JoinProgressEvents) => void } {
  const lookups: Array<{ key: Uint8Array, closest: PeerId[] }> = []
  return {
    lookups,
    onProgress: (event) => {
      if (event.type === 'exper-dht:lookup:end') {
        lookups.push({ key: event.detail.key, closest: event.detail.closest })
      }
    }
  }
}
