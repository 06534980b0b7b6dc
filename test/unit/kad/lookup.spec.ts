import { expect } from 'chai'
import { kadId } from '../../../src/kad/kad-id.js'
import { lookup } from '../../../src/kad/lookup.js'
import { makePeerIds } from '../../helpers/peer-ids.js'
import { closestTo } from '../../helpers/xor-distance.js'
import { MessageType } from '../../../src/kad/kad-message.js'
import type { Message, PeerInfo } from '../../../src/kad/kad-message.js'
import type { LookupPeer } from '../../../src/kad/lookup.js'
import type { PeerId } from '@libp2p/interface'

const K = 8

/**
 * A simulated network where knowledge is local: ranked by distance to the
 * target, each peer knows only the 6 peers just closer to it and the 2 just
 * farther, so a lookup from the far end must hop its way in.
 */
function simulate (peers: PeerId[], target: Uint8Array): Map<string, PeerId[]> {
  const ranked = closestTo(target, peers, peers.length)
  const knows = new Map<string, PeerId[]>()
  ranked.forEach((id, rank) => {
    const near = ranked.slice(Math.max(0, rank - 6), rank).concat(ranked.slice(rank + 1, rank + 3))
    knows.set(id, near.map((n) => peers.find((p) => p.toString() === n)!))
  })
  return knows
}

describe('kad lookup', () => {
  let self: PeerId
  let peers: PeerId[]
  let knows: Map<string, PeerId[]>
  const target = kadId(new TextEncoder().encode('/kv/target'))

  before(async () => {
    [self, ...peers] = await makePeerIds(81)
    knows = simulate(peers, target)
  })

  /**
   * The answer of `peer`: the closest to the target among those it knows
   * (everyone, when `omniscient`) — K of them, plus one per dead peer, which
   * it cannot tell from live ones.
   */
  function answer (peer: LookupPeer, dead = new Set<string>(), omniscient = false): Promise<Message> {
    if (dead.has(peer.id.toString())) return Promise.reject(new Error('unreachable'))
    const closer: PeerInfo[] = closestTo(target, omniscient ? peers.filter((p) => !p.equals(peer.id)) : knows.get(peer.id.toString())!, K + dead.size)
      .map((id) => peers.find((p) => p.toString() === id)!)
      .map((p) => ({ id: p.toMultihash().bytes as Uint8Array<ArrayBuffer>, multiaddrs: [] }))
    return Promise.resolve({ type: MessageType.FIND_NODE, closer, providers: [] })
  }

  /** The peer farthest from the target, as the only seed. */
  function farthestSeed (): LookupPeer[] {
    const farthest = closestTo(target, peers, peers.length).at(-1)!
    return [{ id: peers.find((p) => p.toString() === farthest)! }]
  }

  it('hops from the farthest peer to the k peers closest to the target', async () => {
    let queried = 0
    const result = await lookup({
      target, self, k: K, alpha: 3, seeds: farthestSeed(),
      query: async (peer) => { queried++; return answer(peer) }
    })
    expect(result.closest.map(({ id }) => id.toString())).to.deep.equal(closestTo(target, peers, K))
    expect(result.queried).to.equal(queried)
    expect(result.stopped).to.equal(false)
  })

  it('with resiliency, ends once the resiliency closest have answered and returns the k closest known', async () => {
    const full = await lookup({ target, self, k: K, alpha: 3, seeds: farthestSeed(), query: async (peer) => answer(peer) })
    const early = await lookup({ target, self, k: K, alpha: 3, resiliency: 2, seeds: farthestSeed(), query: async (peer) => answer(peer) })
    expect(early.closest.map(({ id }) => id.toString())).to.deep.equal(full.closest.map(({ id }) => id.toString()))
    expect(early.queried).to.be.below(full.queried)
  })

  it('never queries itself, even when listed by others', async () => {
    const result = await lookup({
      target, self, k: K, alpha: 3, seeds: [{ id: peers[0] }],
      query: async (peer) => {
        expect(peer.id.equals(self)).to.equal(false)
        const response = await answer(peer)
        return { ...response, closer: [...response.closer, { id: self.toMultihash().bytes as Uint8Array<ArrayBuffer>, multiaddrs: [] }] }
      }
    })
    expect(result.closest).to.have.length(K)
  })

  it('skips peers that fail and still returns the k closest live ones', async () => {
    const dead = new Set(closestTo(target, peers, 3))
    const live = peers.filter((p) => !dead.has(p.toString()))
    // the seed must be live (the peer ids are random): a dead one alone would leave nothing to ask
    const result = await lookup({
      target, self, k: K, alpha: 3, seeds: [{ id: live[0] }],
      query: async (peer) => answer(peer, dead, true)
    })
    expect(result.closest.map(({ id }) => id.toString())).to.deep.equal(closestTo(target, live, K))
  })

  it('stops as soon as onResponse says so, with at most alpha requests in flight', async () => {
    let inFlight = 0
    let maxInFlight = 0
    let responses = 0
    const result = await lookup({
      target, self, k: K, alpha: 2, seeds: peers.slice(0, 10).map((id) => ({ id })),
      query: async (peer) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight)
        await new Promise((resolve) => setImmediate(resolve))
        inFlight--
        return answer(peer)
      },
      onResponse: () => ++responses >= 3
    })
    expect(result.stopped).to.equal(true)
    expect(maxInFlight).to.be.at.most(2)
    expect(result.queried).to.be.below(6)
  })

  it('ends with what it has when its signal is aborted', async () => {
    const controller = new AbortController()
    const result = await lookup({
      target, self, k: K, alpha: 3, seeds: [{ id: peers[0] }], signal: controller.signal,
      query: async (peer, signal) => {
        controller.abort()
        expect(signal.aborted).to.equal(true)
        return answer(peer)
      }
    })
    expect(result.queried).to.equal(1)
  })

  it('ends at once without seeds', async () => {
    const result = await lookup({ target, self, k: K, alpha: 3, seeds: [], query: async () => { throw new Error('no') } })
    expect(result).to.deep.equal({ closest: [], queried: 0, stopped: false })
  })
})
