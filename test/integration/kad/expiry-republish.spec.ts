import { expect } from 'chai'
import { NotFoundError, resolveConfig, toDhtKey } from '../../../src/index.js'
import { nextEvent } from '../../helpers/events.js'
import { addressOf, startNetwork, startPeer, stopPeers } from '../../helpers/peers.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

const text = (value: Uint8Array): string => new TextDecoder().decode(value)
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value)

/** Resolves once `peer` holds no live record of `key` and its sweep has deleted what expired. */
async function expiredAt (peer: Peer, key: string): Promise<void> {
  while (kadEngineOf(peer).records.get(toDhtKey(key)) != null || peer.holdings.records > 0) {
    await nextEvent(peer, 'expired')
  }
}

describe('expiry and republish: a record ends ttl after its last publication, unless its publisher puts it again', () => {
  // lifetimes of seconds stand in for the 48 h of the default
  const config = resolveConfig({ records: { ttlMs: 3000, republishIntervalMs: 1000, expireIntervalMs: 200, replicateIntervalMs: 500 } })
  let network: TestNetwork
  const extra: Peer[] = []

  beforeEach(async () => { network = await startNetwork(4, { config }) })
  afterEach(async () => {
    await stopPeers(extra.splice(0))
    await network?.stop()
  })

  async function publisher (): Promise<Peer> {
    const peer = await startPeer({ config, bootstrap: [addressOf(network.peers[0])] })
    extra.push(peer)
    await peer.joined
    return peer
  }

  it('with its publisher gone, a record expires on every holder — replication copies it, never extends it — and the sweep deletes it', async () => {
    const origin = await publisher()
    const { expires } = await origin.put('ephemeral', bytes('gone in 3 s'))
    for (const peer of network.peers) {
      expect(Number(decodeExpires(peer, 'ephemeral')), 'every holder ends it when the publisher said').to.equal(expires)
    }
    await stopPeers(extra.splice(0))
    await Promise.all(network.peers.map(async (peer) => expiredAt(peer, 'ephemeral')))
    expect(Date.now()).to.be.at.least(expires)
    for (const peer of network.peers) {
      const err = await peer.get('ephemeral').then(() => undefined, (error: Error) => error)
      expect(err).to.be.instanceOf(NotFoundError)
    }
  })

  it('its publisher republishes it, so it lives past its ttl, and each republish moves the end on every holder', async () => {
    const origin = await publisher()
    const first = await origin.put('kept', bytes('kept alive'))
    while (Date.now() < first.expires + 1000) {
      await nextEvent(origin, 'republished')
    }
    for (const peer of network.peers) {
      const got = await peer.get('kept', { quorum: 1 })
      expect(text(got.value)).to.equal('kept alive')
      expect(got.seq, 'a republish is the same record').to.equal(first.seq)
      expect(got.expires).to.be.above(first.expires)
    }
  })

  it('put with a ttl: republished until the ttl ends, then retired, and the record expires everywhere', async () => {
    const origin = await publisher()
    const started = Date.now()
    const { expires } = await origin.put('for-a-while', bytes('2.5 s only'), { ttlMs: 2500 })
    expect(expires - started).to.be.within(2400, 2600)
    expect(origin.holdings.published).to.equal(1)
    await nextEvent(origin, 'republished', (round) => round.retired === 1)
    expect(origin.holdings.published).to.equal(0)
    expect(Date.now()).to.be.at.least(started + 2500)
    await Promise.all([origin, ...network.peers].map(async (peer) => expiredAt(peer, 'for-a-while')))
  })

  it('a newer record from another publisher retires the older publisher\'s own', async () => {
    const origin = await publisher()
    await origin.put('contested', bytes('first'))
    await network.peers[1].put('contested', bytes('second'), { quorum: 4 })
    await nextEvent(origin, 'republished', (round) => round.retired === 1)
    expect(text((await network.peers[2].get('contested')).value)).to.equal('second')
  })
})

describe('a restart keeps the published list and the expiries', () => {
  let dir: string
  const peers: Peer[] = []

  beforeEach(async () => { dir = await makeTempDir() })
  afterEach(async () => {
    await stopPeers(peers.splice(0))
    await removeDir(dir)
  })

  it('a record published before a restart is republished after it, and a held record keeps its end', async () => {
    const config = resolveConfig({ records: { ttlMs: 60_000, republishIntervalMs: 1500 } })
    const other = await startPeer({ config })
    peers.push(other)
    const first = await startPeer({ config, dataDir: dir, bootstrap: [addressOf(other)] })
    await first.joined
    const published = await first.put('mine', bytes('published here'))
    const received = await other.put('theirs', bytes('held here'), { quorum: 2 })
    await first.stop()

    const restarted = await startPeer({ config, dataDir: dir, bootstrap: [addressOf(other)] })
    peers.push(restarted)
    expect(restarted.holdings.published).to.equal(1)
    expect(Number((await restarted.getLocal('theirs'))?.expires)).to.equal(received.expires)
    expect(Number((await restarted.getLocal('mine'))?.expires)).to.equal(published.expires)
    const round = await nextEvent(restarted, 'republished')
    expect(round.republished).to.equal(1)
    expect(Number((await restarted.getLocal('mine'))?.expires)).to.be.above(published.expires)
  })
})

function decodeExpires (peer: Peer, key: string): bigint {
  const held = kadEngineOf(peer).records.get(toDhtKey(key))
  expect(held, 'held').to.not.equal(undefined)
  return BigInt(held!.expires)
}
