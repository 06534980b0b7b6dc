import { expect } from 'chai'
import { resolveConfig } from '../../../src/index.js'
import { addressOf, routingTableHas, startNetwork, startPeer, stopPeers } from '../../helpers/peers.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

/** The default configuration with `dht.refreshIntervalMs` set. */
function refreshingEvery (refreshIntervalMs: number): ReturnType<typeof resolveConfig> {
  const config = resolveConfig()
  return { ...config, dht: { ...config.dht, refreshIntervalMs } }
}

/** The routing-table size of the next `refreshed` event of `peer` that satisfies `accept`. */
async function nextRefresh (peer: Peer, accept: (routingTableSize: number) => boolean = () => true): Promise<{ routingTableSize: number, durationMs: number }> {
  return new Promise((resolve) => {
    const onRefreshed = ({ detail }: CustomEvent<{ routingTableSize: number, durationMs: number }>): void => {
      if (accept(detail.routingTableSize)) {
        peer.removeEventListener('refreshed', onRefreshed)
        resolve(detail)
      }
    }
    peer.addEventListener('refreshed', onRefreshed)
  })
}

/** Counts the periodic refreshes `peer` starts from now on (its `refreshing` events). */
function countRefreshes (peer: Peer): () => number {
  let refreshes = 0
  peer.addEventListener('refreshing', () => { refreshes++ })
  return () => refreshes
}

describe('the periodic refresh of the routing table (dht.refreshIntervalMs)', () => {
  let network: TestNetwork
  const extra: Peer[] = []

  // peers of the network itself keep the default interval (10 minutes): only the peer under test refreshes
  beforeEach(async () => { network = await startNetwork(6) })
  afterEach(async () => {
    await stopPeers(extra.splice(0))
    await network?.stop()
  })

  /** Starts a peer refreshing every 50 ms and waits for two of its refreshes: time for the peer under test to have refreshed, were it going to. */
  async function twoRefreshesOfAnotherPeer (): Promise<void> {
    const watcher = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: refreshingEvery(50) })
    extra.push(watcher)
    await nextRefresh(watcher)
    await nextRefresh(watcher)
  }

  it('is on by default, every 10 minutes', () => {
    expect(resolveConfig().dht.refreshIntervalMs).to.equal(10 * 60 * 1000)
  })

  it('runs Kademlia\'s join again every interval once joined, one run at a time, and reports each run', async () => {
    const peer = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: refreshingEvery(50) })
    extra.push(peer)
    let joins = 0
    let running = 0
    let overlapped = false
    peer.addEventListener('refreshing', () => {
      joins++
      overlapped ||= running > 0
      running++
    })
    peer.addEventListener('refreshed', () => { running-- })
    await peer.joined
    const joinsBefore = joins
    const first = await nextRefresh(peer)
    await nextRefresh(peer)
    expect(joins - joinsBefore).to.be.at.least(2)
    expect(overlapped).to.equal(false)
    expect(first.routingTableSize).to.equal(network.peers.length)
    expect(first.durationMs).to.be.a('number').and.at.least(0)
  })

  it('the first peer of a network, which joins no one, refreshes too', async () => {
    const lone = await startPeer({ config: refreshingEvery(50) })
    extra.push(lone)
    const newcomer = await startPeer({ bootstrap: [addressOf(lone)] })
    extra.push(newcomer)
    await newcomer.joined
    expect((await nextRefresh(lone)).routingTableSize).to.equal(1)
  })

  it('finds again the peers its routing table lost', async () => {
    const peer = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: refreshingEvery(50) })
    extra.push(peer)
    await peer.joined
    expect(peer.routingTableSize).to.equal(network.peers.length)
    for (const lost of network.peers.slice(1, 4)) {
      kadEngineOf(peer).routingTable.remove(lost.peerId)
    }
    expect(peer.routingTableSize).to.equal(network.peers.length - 3)
    await nextRefresh(peer, (size) => size === network.peers.length)
    for (const other of network.peers) {
      expect(routingTableHas(peer, other.peerId)).to.equal(true)
    }
  })

  it('drops the peers that have gone, as its lookups fail to reach them', async () => {
    const peer = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: refreshingEvery(50) })
    extra.push(peer)
    await peer.joined
    const gone = network.peers.slice(4)
    await stopPeers(gone)
    await nextRefresh(peer, (size) => size === network.peers.length - gone.length)
    for (const peerGone of gone) {
      expect(routingTableHas(peer, peerGone.peerId)).to.equal(false)
    }
  })

  it('stops with the peer: no refresh runs after stop()', async () => {
    const peer = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: refreshingEvery(50) })
    extra.push(peer)
    await nextRefresh(peer)
    await peer.stop()
    const joins = countRefreshes(peer)
    await twoRefreshesOfAnotherPeer()
    expect(joins()).to.equal(0)
  })

  it('0 turns it off: the peer joins once and never refreshes', async () => {
    const peer = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: refreshingEvery(0) })
    extra.push(peer)
    await peer.joined
    let refreshes = 0
    peer.addEventListener('refreshed', () => { refreshes++ })
    const joins = countRefreshes(peer)
    await twoRefreshesOfAnotherPeer()
    expect(joins()).to.equal(0)
    expect(refreshes).to.equal(0)
  })
})
