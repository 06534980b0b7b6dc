import { expect } from 'chai'
import { kadId } from '../../../src/kad/kad-id.js'
import { MAX_FAILURES } from '../../../src/kad/limits.js'
import { RoutingTable } from '../../../src/kad/routing-table.js'
import { makePeerIds } from '../../helpers/peer-ids.js'
import { xorDistance } from '../../helpers/xor-distance.js'
import type { PeerId } from '@libp2p/interface'

const idOf = (peer: PeerId): Uint8Array => kadId(peer.toMultihash().bytes)

describe('kad routing table', () => {
  let self: PeerId
  let others: PeerId[]

  before(async () => { [self, ...others] = await makePeerIds(61) })

  it('returns the closest peers to a target, nearest first (as a full sort would)', () => {
    const table = new RoutingTable(self, 20)
    others.forEach((peer) => table.add(peer))
    const target = kadId(new TextEncoder().encode('/kv/some-key'))
    const expected = table.closestPeers(target, 1000)
      .map((peer) => ({ peer, distance: xorDistance(idOf(peer), target) }))
      .sort((a, b) => Buffer.compare(a.distance, b.distance))
      .slice(0, 5).map(({ peer }) => peer.toString())
    expect(table.closestPeers(target, 5).map(String)).to.deep.equal(expected)
  })

  it('never holds itself and emits peer:add once per peer', () => {
    const table = new RoutingTable(self, 20)
    let added = 0
    table.addEventListener('peer:add', () => { added++ })
    expect(table.add(self)).to.equal(false)
    table.add(others[0])
    table.add(others[0])
    expect(table.size).to.equal(1)
    expect(added).to.equal(1)
  })

  it('drops a new peer when its bucket is full of healthy peers, and replaces a failing one', () => {
    const table = new RoutingTable(self, 1)
    const bucketOf = (peer: PeerId): number => {
      const a = idOf(self)
      const b = idOf(peer)
      let i = 0
      while (i < 256 && ((a[i >> 3] ^ b[i >> 3]) & (0x80 >> (i & 7))) === 0) i++
      return i
    }
    const byBucket = new Map<number, PeerId[]>()
    for (const peer of others) byBucket.set(bucketOf(peer), [...(byBucket.get(bucketOf(peer)) ?? []), peer])
    const [first, second] = [...byBucket.values()].find((peers) => peers.length >= 2)!
    table.add(first)
    table.add(others.find((p) => bucketOf(p) !== bucketOf(first))!)
    expect(table.add(second)).to.equal(false)
    table.recordFailure(first)
    expect(table.add(second)).to.equal(true)
    expect(table.has(first)).to.equal(false)
  })

  it(`removes a peer after ${MAX_FAILURES} failures in a row, an answer resets the count, the last peer stays`, () => {
    const table = new RoutingTable(self, 20)
    const [a, b] = others
    table.add(a)
    table.add(b)
    table.recordFailure(a)
    table.add(a)
    table.recordFailure(a)
    expect(table.has(a)).to.equal(true)
    table.recordFailure(a)
    expect(table.has(a)).to.equal(false)
    for (let i = 0; i < MAX_FAILURES + 1; i++) table.recordFailure(b)
    expect(table.has(b)).to.equal(true)
  })
})
