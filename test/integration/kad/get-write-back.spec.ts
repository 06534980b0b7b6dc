import { expect } from 'chai'
import { encodeKvRecord, toDhtKey } from '../../../src/index.js'
import { kadId } from '../../../src/kad/kad-id.js'
import { nextEvent } from '../../helpers/events.js'
import { startNetwork } from '../../helpers/peers.js'
import { liveExpires } from '../../helpers/records.js'
import { closestTo } from '../../helpers/xor-distance.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

describe('gets that find what exists (a lookup goes on to the k closest; the best record is written back)', () => {
  const k = 20
  let network: TestNetwork
  before(async () => { network = await startNetwork(24) })
  after(async () => { await network?.stop() })

  /** The network's peers ordered by the XOR distance of their ids to `key`'s, nearest first. */
  function byDistance (key: Uint8Array): Peer[] {
    const order = closestTo(kadId(key), network.peers.map((peer) => peer.peerId), network.peers.length)
    return order.map((id) => network.peers.find((peer) => peer.peerId.toString() === id)!)
  }

  it('finds a record held only by the farthest of the k closest peers, then writes it back to the closest peers that answered without it', async () => {
    const key = 'held-far-away'
    const dhtKey = toDhtKey(key)
    const order = byDistance(dhtKey)
    const holder = order[k - 1]
    const reader = order[order.length - 1]
    const record = encodeKvRecord({ value: new TextEncoder().encode('found'), seq: 7n, publisher: new Uint8Array(), expires: liveExpires() })
    await kadEngineOf(holder).records.put(dhtKey, record)

    const writtenBack = nextEvent(reader, 'write-back', (detail) => detail.key === key)
    const got = await reader.get(key, { quorum: 1 })
    expect(new TextDecoder().decode(got.value)).to.equal('found')
    expect(got.seq).to.equal(7n)
    expect(got.writeBack, 'peers that answered without it').to.be.at.least(3)
    const { peers, stored } = await writtenBack
    expect(stored).to.equal(peers)
    expect(peers).to.equal(got.writeBack)
    for (const peer of order.slice(0, 3)) {
      expect(await peer.getLocal(key), 'each of the 3 closest answers first, so it lacked it and now holds it').to.not.equal(undefined)
    }
    const holders = order.filter((peer) => kadEngineOf(peer).records.get(dhtKey) != null)
    expect(holders).to.have.length(1 + peers)
    expect(holders.every((peer) => order.indexOf(peer) < k), 'written back only to the k closest').to.equal(true)
  })

  it('a record nobody holds: the lookup asks all k closest peers before it says so', async () => {
    const reader = network.peers[5]
    const dhtKey = toDhtKey('held-by-nobody')
    const err = await reader.get('held-by-nobody', { quorum: 1 }).then(() => undefined, (error: Error) => error)
    expect(err?.name).to.equal('NotFoundError')
    const { values, without } = await kadEngineOf(reader).getValues(dhtKey, 1)
    expect(values).to.deep.equal([])
    const asked = new Set(without.map(String))
    const order = byDistance(dhtKey).filter((peer) => peer !== reader)
    for (const [i, peer] of order.slice(0, k).entries()) {
      expect(asked.has(peer.peerId.toString()), `peer ${i} of the k closest answered`).to.equal(true)
    }
  })
})
