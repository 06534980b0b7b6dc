import { expect } from 'chai'
import { resolveConfig, toDhtKey } from '../../../src/index.js'
import { kadId } from '../../../src/kad/kad-id.js'
import { startNetwork } from '../../helpers/peers.js'
import { closestTo } from '../../helpers/xor-distance.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { TestNetwork } from '../../helpers/peers.js'

describe('lookups with the default dht.resiliency (3, as go-libp2p-kad-dht)', () => {
  const { kBucketSize: k, resiliency } = resolveConfig().dht
  let network: TestNetwork

  // more peers than k, so that the k closest to a key are a choice
  before(async () => { network = await startNetwork(k + 4) })
  after(async () => { await network?.stop() })

  it('end once the closest have answered, asking fewer than k peers, and return the same k closest as a lookup that waits for all k', async () => {
    expect(resiliency).to.be.below(k)
    const peer = network.peers[3]
    for (let i = 0; i < 5; i++) {
      const key = toDhtKey(`lookup-${i}`)
      const early = await kadEngineOf(peer).closestPeers(key)
      const full = await kadEngineOf(peer).closestPeers(key, {}, k)
      expect(early.queried).to.be.below(k)
      expect(full.queried).to.be.at.least(k)
      expect(early.closest.map(({ id }) => id.toString())).to.deep.equal(full.closest.map(({ id }) => id.toString()))
    }
  })

  it('a put stores the record on the k peers closest to its key, and on the putter', async () => {
    const { peers } = network
    const ids = peers.map((peer) => peer.peerId)
    for (let i = 0; i < 5; i++) {
      const putter = peers[(i * 7) % peers.length]
      const key = `placed-${i}`
      const { replicas } = await putter.put(key, new TextEncoder().encode(`v${i}`))
      const holders = new Set<string>()
      for (const peer of peers) {
        if (await peer.getLocal(key) != null) {
          holders.add(peer.peerId.toString())
        }
      }
      const expected = new Set([...closestTo(kadId(toDhtKey(key)), ids.filter((id) => !id.equals(putter.peerId)), k), putter.peerId.toString()])
      expect(holders).to.deep.equal(expected)
      expect(replicas).to.equal(expected.size)
    }
  })
})
