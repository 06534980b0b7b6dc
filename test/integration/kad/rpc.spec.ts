import { Libp2pRecord } from '@libp2p/record'
import { pbStream } from '@libp2p/utils'
import { expect } from 'chai'
import { setTimeout as sleep } from 'node:timers/promises'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as varint from 'uint8-varint'
import { concat } from 'uint8arrays/concat'
import { encodeKvRecord, toDhtKey } from '../../../src/index.js'
import { MAX_KAD_MESSAGE_BYTES } from '../../../src/kad/limits.js'
import { Message, MessageType } from '../../../src/kad/kad-message.js'
import { KadRpcClient } from '../../../src/kad/rpc-client.js'
import { addressOf, startNetwork, startPeer, stopPeers } from '../../helpers/peers.js'
import { liveExpires } from '../../helpers/records.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

/** The part of @libp2p/kad-dht's routing table this test watches. */
interface KadDhtRoutingTable extends EventTarget {
  size: number
}

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

/**
 * How many streams `from` has opened to `to` so far, per connection: Yamux
 * numbers a side's streams 1, 3, 5, …, so a probe stream's id tells how many
 * came before it (the probe included).
 */
async function streamsOpened (from: Peer, to: Peer): Promise<Map<string, number>> {
  const opened = new Map<string, number>()
  for (const connection of from.libp2p.getConnections(to.peerId)) {
    const probe = await connection.newStream('/ipfs/ping/1.0.0')
    probe.abort(new Error('probe'))
    opened.set(connection.id, (Number(probe.id) + 1) / 2)
  }
  return opened
}

describe('Kad RPC on long-lived streams', () => {
  let network: TestNetwork

  before(async () => {
    network = await startNetwork(4)
  })
  after(async () => { await network?.stop() })

  it('puts and gets reuse the streams of earlier requests instead of opening new ones', async () => {
    const [a, b] = network.peers
    await a.put('warm-up', bytes('v'))
    const before = await streamsOpened(a, b)
    for (let i = 0; i < 20; i++) {
      await a.put(`reuse-${i}`, bytes('v'))
      await a.get(`reuse-${i}`)
    }
    const after = await streamsOpened(a, b)
    const newStreams = [...after].reduce((sum, [id, count]) => sum + count - (before.get(id) ?? 0), 0)
    expect(newStreams, 'streams opened for 40 operations (the second probe is one)').to.be.at.most(2)
  })

  it('a request whose signal is already aborted fails at once and leaves the pooled stream alone', async () => {
    const [a, b] = network.peers
    const client = new KadRpcClient(a.libp2p, { protocol: a.config.dht.protocol, requestTimeoutMs: 10_000, maxStreamsPerPeer: 1 })
    const ping = async (signal?: AbortSignal): Promise<Message> => client.request(b.peerId, undefined, { type: MessageType.PING }, { signal })
    try {
      await ping()
      const before = await streamsOpened(a, b)
      const gone = new Error('the caller gave up')
      for (const attempt of [ping(AbortSignal.abort(gone)), Promise.all([ping(), ping(AbortSignal.abort(gone))])]) {
        const error = await attempt.then(() => undefined, (err: unknown) => err)
        expect(error).to.equal(gone)
      }
      await ping()
      const after = await streamsOpened(a, b)
      const newStreams = [...after].reduce((sum, [id, count]) => sum + count - (before.get(id) ?? 0), 0)
      expect(newStreams, 'streams opened (the second probe is one)').to.equal(1)
    } finally {
      client.close()
    }
  })

  it('answers request after request on one stream, as go-libp2p-kad-dht clients send them', async () => {
    const [a, b] = network.peers
    const key = toDhtKey('one-stream')
    const record = new Uint8Array(new Libp2pRecord(key, encodeKvRecord({ value: bytes('v'), seq: 1n, publisher: new Uint8Array(), expires: liveExpires() }), new Date()).serialize())
    const stream = await a.libp2p.dialProtocol(b.peerId, a.config.dht.protocol)
    const messages = pbStream(stream).pb(Message)
    const exchange = async (message: Partial<Message>): Promise<Message> => {
      await messages.write({ closer: [], providers: [], type: MessageType.PING, ...message })
      return messages.read()
    }
    expect((await exchange({ type: MessageType.PING })).type).to.equal(MessageType.PING)
    expect((await exchange({ type: MessageType.PUT_VALUE, key, record })).record).to.deep.equal(record)
    const got = await exchange({ type: MessageType.GET_VALUE, key })
    expect(Libp2pRecord.deserialize(got.record!).value).to.deep.equal(Libp2pRecord.deserialize(record).value)
    const found = await exchange({ type: MessageType.FIND_NODE, key: a.peerId.toMultihash().bytes as Uint8Array<ArrayBuffer> })
    expect(found.closer.length).to.be.within(1, 3)
    expect(found.closer.every((peer) => peer.multiaddrs.length > 0)).to.equal(true)
    await stream.close()
  })

  it('answers requests that arrive together in one write, in order', async () => {
    const [a, b] = network.peers
    const stream = await a.libp2p.dialProtocol(b.peerId, a.config.dht.protocol)
    const request = (type: MessageType): Uint8Array => {
      const encoded = Message.encode({ type, key: a.peerId.toMultihash().bytes as Uint8Array<ArrayBuffer>, closer: [], providers: [] })
      return concat([varint.encode(encoded.byteLength), encoded])
    }
    stream.send(concat([request(MessageType.PING), request(MessageType.FIND_NODE), request(MessageType.PING)]))
    const messages = pbStream(stream).pb(Message)
    expect([(await messages.read()).type, (await messages.read()).type, (await messages.read()).type]).to.deep.equal([MessageType.PING, MessageType.FIND_NODE, MessageType.PING])
    await stream.close()
  })

  for (const [name, bytes] of [
    ['a length above MAX_KAD_MESSAGE_BYTES', concat([varint.encode(MAX_KAD_MESSAGE_BYTES + 1), new Uint8Array(64)])],
    ['a frame that is no Kad message', concat([varint.encode(4), Uint8Array.from([0xff, 0xff, 0xff, 0xff])])],
    ['a GET_VALUE without a key', concat([varint.encode(2), Message.encode({ type: MessageType.GET_VALUE, closer: [], providers: [] })])]
  ] as const) {
    it(`resets the stream that sent ${name}; the peer keeps serving`, async () => {
      const [a, b] = network.peers
      const stream = await a.libp2p.dialProtocol(b.peerId, a.config.dht.protocol)
      const closed = new Promise<Error | undefined>((resolve) => { stream.addEventListener('close', (event) => { resolve(event.error) }, { once: true }) })
      stream.send(bytes)
      expect((await closed)?.name).to.equal('StreamResetError')
      const fresh = pbStream(await a.libp2p.dialProtocol(b.peerId, a.config.dht.protocol)).pb(Message)
      await fresh.write({ type: MessageType.PING, closer: [], providers: [] })
      expect((await fresh.read()).type).to.equal(MessageType.PING)
      await fresh.unwrap().unwrap().close()
    })
  }

  it('leaves provider records to @libp2p/kad-dht', async () => {
    const [a, b] = network.peers
    const cid = CID.createV1(0x55, await sha256.digest(bytes('provided')))
    const stream = await a.libp2p.dialProtocol(b.peerId, a.config.dht.protocol)
    const messages = pbStream(stream).pb(Message)
    await messages.write({ type: MessageType.ADD_PROVIDER, key: cid.multihash.bytes as Uint8Array<ArrayBuffer>, closer: [], providers: [{ id: a.peerId.toMultihash().bytes as Uint8Array<ArrayBuffer>, multiaddrs: a.getMultiaddrs().map((ma) => ma.bytes as Uint8Array<ArrayBuffer>) }] })
    await messages.write({ type: MessageType.GET_PROVIDERS, key: cid.multihash.bytes as Uint8Array<ArrayBuffer>, closer: [], providers: [] })
    const response = await messages.read()
    expect(response.providers.map((p) => Buffer.from(p.id).toString('hex'))).to.include(Buffer.from(a.peerId.toMultihash().bytes).toString('hex'))
    await stream.close()
  })

  it('a joined peer knows the others and is connected to them', () => {
    for (const peer of network.peers) {
      expect(peer.routingTableSize).to.equal(3)
    }
  })

  it('finds every internal of the installed @libp2p/kad-dht the fast path relies on: nothing degraded', () => {
    for (const peer of network.peers) {
      expect(kadEngineOf(peer).kadDhtDegraded).to.deep.equal([])
    }
  })

  it("feeds @libp2p/kad-dht's routing table from ours without its pings, and libp2p's content routing still finds providers", async () => {
    const kadDhtTable = (peer: Peer): KadDhtRoutingTable => (peer.libp2p.services.dht as unknown as { routingTable: KadDhtRoutingTable }).routingTable
    let pings = 0
    const countPing = (): void => { pings++ }
    for (const peer of network.peers) {
      kadDhtTable(peer).addEventListener('peer:ping', countPing)
    }
    const newcomer = await startPeer({ bootstrap: [addressOf(network.peers[0])] })
    kadDhtTable(newcomer).addEventListener('peer:ping', countPing)
    try {
      await newcomer.joined
      for (const peer of [...network.peers, newcomer]) {
        expect(kadDhtTable(peer).size).to.equal(peer.routingTableSize)
      }
      expect(newcomer.routingTableSize).to.equal(network.peers.length)
      expect(pings).to.equal(0)

      const cid = CID.createV1(0x55, await sha256.digest(bytes('provided through libp2p')))
      await newcomer.libp2p.contentRouting.provide(cid)
      const found: string[] = []
      for await (const provider of network.peers[3].libp2p.contentRouting.findProviders(cid, { signal: AbortSignal.timeout(10_000) })) {
        found.push(provider.id.toString())
        break
      }
      expect(found).to.deep.equal([newcomer.peerId.toString()])
    } finally {
      for (const peer of network.peers) {
        kadDhtTable(peer).removeEventListener('peer:ping', countPing)
      }
      await stopPeers([newcomer])
    }
  })

  it('leaves @libp2p/kad-dht no lookups of its own to run in the background', async () => {
    const started = performance.now()
    const newcomer = await startPeer({ bootstrap: [addressOf(network.peers[0])] })
    const peerRouting = (newcomer.libp2p.services.dht as unknown as { peerRouting: { getClosestPeers: (...args: unknown[]) => unknown } }).peerRouting
    const getClosestPeers = peerRouting.getClosestPeers.bind(peerRouting)
    let lookups = 0
    peerRouting.getClosestPeers = (...args) => {
      lookups++
      return getClosestPeers(...args)
    }
    try {
      await newcomer.joined
      // Nothing to await here: @libp2p/kad-dht would start its self-query 1 s
      // after starting (QUERY_SELF_INITIAL_INTERVAL), so wait well past that.
      await sleep(Math.max(0, started + 2500 - performance.now()))
      expect(lookups).to.equal(0)
    } finally {
      await stopPeers([newcomer])
    }
  })
})
