import { Libp2pRecord } from '@libp2p/record'
import { pbStream } from '@libp2p/utils'
import { expect } from 'chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { NotFoundError, QuorumFailedError, StaleRecordError, encodeKvRecord, resolveConfig, toDhtKey } from '../../../src/index.js'
import { Message, MessageType } from '../../../src/kad/kad-message.js'
import { startNetwork, startPeer } from '../../helpers/peers.js'
import { liveExpires } from '../../helpers/records.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (value: Uint8Array): string => uint8ArrayToString(value)

/** How many peers of `peers` hold a record for `key` with this `seq`. */
async function holders (peers: Peer[], key: string, seq: bigint): Promise<number> {
  const records = await Promise.all(peers.map(async (peer) => peer.getLocal(key)))
  return records.filter((record) => record?.seq === seq).length
}

describe('a network of in-process peers', function () {
  describe('10 peers with the default configuration', () => {
    let network: TestNetwork

    before(async () => { network = await startNetwork(10) })
    after(async () => { await network?.stop() })

    it('every peer has a non-empty routing table', () => {
      for (const peer of network.peers) {
        expect(peer.routingTableSize).to.be.above(0)
      }
    })

    it('gets every record put from any peer from every other peer', async () => {
      const { peers } = network
      const puts = []
      for (const [i, peer] of peers.entries()) {
        puts.push(await peer.put(`record-${i}`, bytes(`value from peer ${i}`)))
      }
      let got = 0
      for (const [i] of peers.entries()) {
        for (const [j, reader] of peers.entries()) {
          if (i === j) continue
          const result = await reader.get(`record-${i}`)
          expect(text(result.value)).to.equal(`value from peer ${i}`)
          expect(result.seq).to.equal(puts[i].seq)
          expect(result.publisher?.equals(peers[i].peerId)).to.equal(true)
          got++
        }
      }
      expect(got).to.equal(90)
    })

    it('reports as replicas exactly the peers that stored the record', async () => {
      const result = await network.peers[3].put('counted', bytes('v'))
      expect(result.replicas).to.be.above(1)
      expect(await holders(network.peers, 'counted', result.seq)).to.equal(result.replicas)
    })

    it('a newer seq wins, whoever wrote it and whoever reads it', async () => {
      const { peers } = network
      await peers[1].put('contested', bytes('first'), { seq: 10n })
      await peers[2].put('contested', bytes('second'), { seq: 11n })
      const result = await peers[7].get('contested')
      expect(text(result.value)).to.equal('second')
      expect(result.seq).to.equal(11n)
    })

    it('a put of an older seq than the one this peer holds is refused', async () => {
      const { peers } = network
      await peers[4].put('monotonic', bytes('new'), { seq: 50n })
      await expectRejection(peers[5].put('monotonic', bytes('old'), { seq: 49n }), StaleRecordError)
      expect(await holders(peers, 'monotonic', 49n)).to.equal(0)
      expect(text((await peers[6].get('monotonic')).value)).to.equal('new')
    })

    it('picks the next seq after the stored one when the clock is behind it', async () => {
      const { peers } = network
      const future = BigInt(Date.now()) + 3_600_000n
      await peers[8].put('future', bytes('a'), { seq: future })
      const next = await peers[8].put('future', bytes('b'))
      expect(next.seq).to.equal(future + 1n)
    })

    it('throws NotFoundError for a key nobody stored, without waiting for a timeout', async () => {
      const started = Date.now()
      await expectRejection(network.peers[9].get('never-stored'), NotFoundError)
      expect(Date.now() - started).to.be.below(resolveConfig().dht.queryTimeoutMs)
    })

    it('rejects an invalid record sent by a raw PUT_VALUE and does not store it', async () => {
      const [sender, target] = network.peers
      const key = toDhtKey('raw-invalid')
      const invalid = new Libp2pRecord(key, Uint8Array.of(0xff, 0xff, 0xff), new Date())
      const response = await sendKadMessage(sender, target, { type: MessageType.PUT_VALUE, key, record: new Uint8Array(invalid.serialize()) })
      expect(response).to.equal(undefined)
      expect(await target.getLocal('raw-invalid')).to.equal(undefined)

      const valid = new Libp2pRecord(key, encodeKvRecord({ value: bytes('ok'), seq: 1n, publisher: new Uint8Array(), expires: liveExpires() }), new Date())
      const echoed = await sendKadMessage(sender, target, { type: MessageType.PUT_VALUE, key, record: new Uint8Array(valid.serialize()) })
      expect(echoed?.record).to.not.equal(undefined)
      expect(text((await target.getLocal('raw-invalid'))!.value)).to.equal('ok')
    })
  })

  describe('small k: records live on a subset of the peers', () => {
    let network: TestNetwork

    before(async () => { network = await startNetwork(10, { config: resolveConfig({ dht: { kBucketSize: 3 } }) }) })
    after(async () => { await network?.stop() })

    it('counts as replicas exactly the peers whose datastore holds the record', async () => {
      for (let i = 0; i < 5; i++) {
        const result = await network.peers[i].put(`subset-${i}`, bytes(`v${i}`))
        expect(result.replicas).to.be.within(2, 4)
        expect(await holders(network.peers, `subset-${i}`, result.seq)).to.equal(result.replicas)
      }
    })

    it('peers holding a newer record refuse an older one, and are not counted', async () => {
      const { peers } = network
      const newer = await peers[0].put('refused', bytes('new'), { seq: 20n })
      const outsider = (await Promise.all(peers.map(async (peer) => (await peer.getLocal('refused')) == null ? peer : undefined)))
        .find((peer) => peer != null)
      expect(outsider, 'a peer that does not hold the record').to.not.equal(undefined)
      const older = await outsider!.put('refused', bytes('old'), { seq: 19n, quorum: 1 })
      expect(await holders(peers, 'refused', 19n)).to.equal(older.replicas)
      expect(await holders(peers, 'refused', 20n)).to.equal(newer.replicas)
      expect(text((await peers[9].get('refused', { quorum: 10 })).value)).to.equal('new')
    })

    it('still finds every record from every peer', async () => {
      for (let i = 0; i < 5; i++) {
        for (const reader of network.peers) {
          expect(text((await reader.get(`subset-${i}`)).value)).to.equal(`v${i}`)
        }
      }
    })
  })

  describe('a lone peer', () => {
    let peer: Peer

    before(async () => { peer = await startPeer() })
    after(async () => { await peer?.stop() })

    it('is ready at once and stores on itself (quorum 1)', async () => {
      await peer.ready
      const result = await peer.put('alone', bytes('v'))
      expect(result.replicas).to.equal(1)
      expect(text((await peer.get('alone')).value)).to.equal('v')
    })

    it('fails a put with quorum 2, saying how many of how many', async () => {
      const err = await expectRejection(peer.put('alone', bytes('v2'), { quorum: 2 }), QuorumFailedError)
      expect(err.replicas).to.equal(1)
      expect(err.quorum).to.equal(2)
      expect(err.message).to.match(/1 of the 2 replicas/)
    })

    it('reports a miss at once, with the reason', async () => {
      const err = await expectRejection(peer.get('missing'), NotFoundError)
      expect(err.message).to.match(/routing table is empty/)
    })
  })
})

async function expectRejection<E extends Error> (promise: Promise<unknown>, type: new (...args: any[]) => E): Promise<E> {
  try {
    await promise
  } catch (err) {
    expect(err).to.be.instanceOf(type)
    return err as E
  }
  throw new Error(`expected a ${type.name}`)
}

/** Sends one Kad-DHT message on a new stream and returns the response, or undefined when the peer reset the stream. */
async function sendKadMessage (from: Peer, to: Peer, message: Partial<Message>): Promise<Message | undefined> {
  const stream = await from.libp2p.dialProtocol(to.getMultiaddrs()[0], from.config.dht.protocol)
  const messages = pbStream(stream).pb(Message)
  await messages.write({ closer: [], providers: [], type: MessageType.PING, ...message })
  try {
    return await messages.read()
  } catch {
    return undefined
  } finally {
    await stream.close().catch(() => {})
  }
}
