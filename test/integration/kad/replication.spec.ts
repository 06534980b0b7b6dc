import { expect } from 'chai'
import { packageVersion, resolveConfig, toDhtKey } from '../../../src/index.js'
import { kadId } from '../../../src/kad/kad-id.js'
import { nextEvent } from '../../helpers/events.js'
import { addressOf, startNetwork, startPeer, stopPeers } from '../../helpers/peers.js'
import { closestTo } from '../../helpers/xor-distance.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

const RECORDS = 20

/** How many of `keys` each of `readers` gets back with the value it was put with, in all. */
async function found (readers: Peer[], keys: string[]): Promise<{ found: number, of: number, missing: string[] }> {
  const missing: string[] = []
  let hits = 0
  await Promise.all(readers.map(async (reader, r) => {
    for (const key of keys) {
      try {
        const got = await reader.get(key)
        if (new TextDecoder().decode(got.value) === `value of ${key}`) {
          hits++
          continue
        }
      } catch {}
      missing.push(`${key} from reader ${r}`)
    }
  }))
  return { found: hits, of: readers.length * keys.length, missing }
}

/** Waits until each of `peers` has ended an interval round of replication that started after this call. */
async function replicationRoundsStartedNow (peers: Peer[]): Promise<void> {
  const since = performance.now()
  await Promise.all(peers.map(async (peer) => nextEvent(peer, 'replicated', (round) => round.trigger === 'interval' && performance.now() - round.durationMs >= since)))
}

describe('replication by holders: records stay while the network grows and its peers are replaced', () => {
  // a 2 s replication interval stands in for the hour of the default
  const config = resolveConfig({ records: { replicateIntervalMs: 2000 } })
  const keys = Array.from({ length: RECORDS }, (_, i) => `turnover-${i}`)
  let originals: TestNetwork
  let newcomers: Peer[] = []

  before(async function () {
    this.timeout(300_000)
    originals = await startNetwork(8, { config })
    for (const [i, key] of keys.entries()) {
      await originals.peers[i % 8].put(key, new TextEncoder().encode(`value of ${key}`))
    }
    // 24 newcomers, each joining through a random original: the network grows 4×
    newcomers = await Promise.all(Array.from({ length: 24 }, async (_, i) =>
      startPeer({ config, bootstrap: [addressOf(originals.peers[(i * 5) % 8])] })))
    await Promise.all(newcomers.map(async (peer) => peer.joined))
  })

  after(async () => {
    await stopPeers(newcomers)
    await originals?.stop()
  })

  it('peers identify as exper-dht/<version>, the peers replication counts on to send records on', async () => {
    const [first, second] = originals.peers
    // peer 1 joined through peer 0, which identified it on that inbound connection
    const agent = new TextDecoder().decode((await first.libp2p.peerStore.get(second.peerId)).metadata.get('AgentVersion'))
    expect(agent).to.match(new RegExp(`^exper-dht/${packageVersion().replaceAll('.', '\\.')} node/`))
    expect(kadEngineOf(first).replicates(second.peerId)).to.equal(true)
    expect(kadEngineOf(first).replicates(first.peerId), 'a peer it never identified is not counted on').to.equal(false)
  })

  it('every record is found from every new peer once the network has grown 8 → 32', async function () {
    this.timeout(300_000)
    const result = await found(newcomers, keys)
    expect(result.missing).to.deep.equal([])
  })

  it('within a few replication rounds, each record sits on the k closest peers of the grown network', async function () {
    this.timeout(300_000)
    const everyone = [...originals.peers, ...newcomers]
    const k = config.dht.kBucketSize
    /** For each key, the peers (by index) of its k closest in the whole network that lack it. */
    const gaps = (): Record<string, number[]> => Object.fromEntries(keys.map((key) => {
      const closest = closestTo(kadId(toDhtKey(key)), everyone.map((peer) => peer.peerId), k)
      return [key, everyone.filter((peer) => closest.includes(peer.peerId.toString()) && kadEngineOf(peer).records.get(toDhtKey(key)) == null).map((peer) => everyone.indexOf(peer))]
    }).filter(([, lacking]) => lacking.length > 0))
    // the nearest holder sends a record on to the rest of its k closest; a peer that has just received one waits a round
    for (let round = 1; round <= 6 && Object.keys(gaps()).length > 0; round++) {
      await replicationRoundsStartedNow(everyone)
    }
    expect(gaps(), 'peers of the k closest to each key that lack it, after at most 6 rounds').to.deep.equal({})
  })

  it('every record is still found from every remaining peer after all 8 original peers have left, and after 4 more', async function () {
    this.timeout(300_000)
    await originals.stop()
    const afterOriginals = await found(newcomers, keys)
    expect(afterOriginals.missing, 'after the original peers left').to.deep.equal([])

    await stopPeers(newcomers.splice(0, 4))
    const afterMore = await found(newcomers, keys)
    expect(afterMore.missing, 'after 4 more left').to.deep.equal([])
  })

  it('rounds cost nothing once every record is where it belongs: holders that know each other send no copies', async function () {
    this.timeout(300_000)
    const roundsUntilQuiet = await Promise.all(newcomers.map(async (peer) => {
      for (let round = 1; round <= 8; round++) {
        const { messages } = await nextEvent(peer, 'replicated', (detail) => detail.trigger === 'interval')
        if (messages === 0) {
          return round
        }
      }
      return Infinity
    }))
    expect(Math.max(...roundsUntilQuiet), 'interval rounds until one sends no copy, per peer').to.be.at.most(8)
  })
})
