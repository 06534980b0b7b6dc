import { expect } from 'chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { KvClient, NotFoundError } from '../../../src/index.js'
import { kadId, commonPrefixLength } from '../../../src/kad/kad-id.js'
import { MessageType } from '../../../src/kad/kad-message.js'
import { nextEvent } from '../../helpers/events.js'
import { KadProbe } from '../../helpers/kad-probe.js'
import { addressOf, startNetwork, startPeer, stopPeers } from '../../helpers/peers.js'
import type { GetProgressEvents, PutProgressEvents } from '../../../src/kad/progress.js'
import type { Peer, PeerEvents } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

type Detail<K extends keyof PeerEvents> = PeerEvents[K] extends CustomEvent<infer D> ? D : never

/** Every `event` of `peer` from now on, in order. */
function collect<K extends keyof PeerEvents> (peer: Peer, event: K): Array<Detail<K>> {
  const details: Array<Detail<K>> = []
  peer.addEventListener(event, (e: Event) => { details.push((e as CustomEvent<Detail<K>>).detail) })
  return details
}

describe('what a peer reports: its events and the progress of its operations', function () {
  this.timeout(60_000)
  let network: TestNetwork
  const extra: Peer[] = []

  before(async () => { network = await startNetwork(5) })
  after(async () => { await network?.stop() })
  afterEach(async () => { await stopPeers(extra.splice(0)) })

  it('emits routing-table:add as peers enter its routing table, and getRoutingTable lists them in their buckets', async () => {
    const newcomer = await startPeer({ bootstrap: [addressOf(network.peers[0])] })
    extra.push(newcomer)
    const added = collect(newcomer, 'routing-table:add')
    await newcomer.joined
    expect([...new Set(added.map(({ peerId }) => peerId.toString()))].sort()).to.deep.equal(network.peers.map((peer) => peer.peerId.toString()).sort())
    expect(added.map(({ size }) => size)).to.deep.equal(added.map((_, i) => i + 1))
    expect(newcomer.routingTableSize).to.equal(network.peers.length)
    const self = kadId(newcomer.peerId.toMultihash().bytes)
    const listed = newcomer.getRoutingTable()
    expect(listed.flatMap(({ peers }) => peers.map(({ peerId }) => peerId.toString())).sort()).to.deep.equal(network.peers.map((peer) => peer.peerId.toString()).sort())
    for (const { commonPrefixLength: cpl, peers } of listed) {
      for (const { peerId, lastSeen, failures } of peers) {
        expect(commonPrefixLength(self, kadId(peerId.toMultihash().bytes))).to.equal(cpl)
        expect(lastSeen).to.be.within(Date.now() - 60_000, Date.now())
        expect(failures).to.equal(0)
      }
    }
  })

  it('emits routing-table:add for every peer of its routing table, and routing-table:remove (with the new size) when one leaves it', async () => {
    const config = network.peers[0].config
    // a peer that refreshes every 100 ms notices a stopped peer within a few refreshes (two failed requests)
    const watcher = await startPeer({ bootstrap: [addressOf(network.peers[0])], config: { ...config, dht: { ...config.dht, refreshIntervalMs: 100 } } })
    extra.push(watcher)
    const added = collect(watcher, 'routing-table:add')
    await watcher.joined
    expect(new Set(added.map(({ peerId }) => peerId.toString())).size).to.equal(watcher.routingTableSize)
    const leaving = await startPeer({ bootstrap: [addressOf(network.peers[0])] })
    await nextEvent(watcher, 'routing-table:add', ({ peerId }) => peerId.equals(leaving.peerId))
    const sizeWith = watcher.routingTableSize
    const removed = nextEvent(watcher, 'routing-table:remove', ({ peerId }) => peerId.equals(leaving.peerId))
    await leaving.stop()
    expect((await removed).size).to.equal(sizeWith - 1)
  })

  it('a put reports its lookup and each PUT_VALUE through onProgress, and emits put when it ends', async () => {
    const [putter] = network.peers
    const events: PutProgressEvents[] = []
    const done = nextEvent(putter, 'put', ({ key }) => key === 'events/put')
    const result = await putter.put('events/put', uint8ArrayFromString('v'), { onProgress: (event) => { events.push(event) } })
    const types = events.map(({ type }) => type)
    expect(types).to.include('exper-dht:lookup:send-query')
    expect(types).to.include('exper-dht:lookup:peer-response')
    const end = events.find((event) => event.type === 'exper-dht:lookup:end')
    expect(end?.type === 'exper-dht:lookup:end' && end.detail.type).to.equal(MessageType.FIND_NODE)
    expect(types.indexOf('exper-dht:lookup:end')).to.be.below(types.indexOf('exper-dht:put:record-sent'))
    const sent = events.filter((event) => event.type === 'exper-dht:put:record-sent')
    expect(sent.filter((event) => event.type === 'exper-dht:put:record-sent' && event.detail.stored)).to.have.length(result.replicas - 1)
    const detail = await done
    expect(detail).to.include({ key: 'events/put', replicas: result.replicas, seq: result.seq })
    expect(detail.durationMs).to.be.a('number').and.at.least(0)
    expect(detail.error).to.equal(undefined)
  })

  it('a get reports each record found through onProgress, and emits get, with the error when nothing is found', async () => {
    const [putter, reader] = network.peers
    await putter.put('events/get', uint8ArrayFromString('v'))
    const events: GetProgressEvents[] = []
    const done = nextEvent(reader, 'get', ({ key }) => key === 'events/get')
    const result = await reader.get('events/get', { quorum: 3, onProgress: (event) => { events.push(event) } })
    const values = events.filter((event) => event.type === 'exper-dht:get:value')
    expect(values.length).to.be.at.least(1)
    expect(values.every((event) => event.type === 'exper-dht:get:value' && event.detail.valid)).to.equal(true)
    expect(events.find((event) => event.type === 'exper-dht:lookup:end')?.detail).to.have.property('type', MessageType.GET_VALUE)
    expect(await done).to.include({ key: 'events/get', seq: result.seq, sources: result.sources })

    const failed = nextEvent(reader, 'get', ({ key }) => key === 'events/missing')
    await reader.get('events/missing').catch(() => {})
    expect((await failed).error).to.be.instanceOf(NotFoundError)
  })

  it('emits kad:request for the Kad requests it answers and kv:request for the kv requests it serves', async () => {
    const [server] = network.peers
    const probe = await KadProbe.start()
    const client = await KvClient.create()
    try {
      const kad = nextEvent(server, 'kad:request', ({ from }) => from.equals(probe.peer.peerId))
      await probe.routingTable(addressOf(server))
      expect(await kad).to.include({ type: MessageType.FIND_NODE })

      const refused = nextEvent(server, 'kad:request', ({ from, type }) => from.equals(probe.peer.peerId) && type === MessageType.PUT_VALUE)
      expect(await probe.putValue(addressOf(server), uint8ArrayFromString('/kv/not-a-record'), uint8ArrayFromString('garbage'))).to.equal(false)
      expect((await refused).error).to.be.instanceOf(Error)

      const stored = nextEvent(server, 'kv:request', ({ client: from }) => from.equals(client.peerId))
      await client.store(addressOf(server), 'events/kv', uint8ArrayFromString('v'))
      expect(await stored).to.include({ type: 'STORE', status: 'OK' })
      const missing = nextEvent(server, 'kv:request', ({ client: from, type }) => from.equals(client.peerId) && type === 'RETRIEVE')
      await client.retrieve(addressOf(server), 'events/kv-missing').catch(() => {})
      expect(await missing).to.include({ type: 'RETRIEVE', status: 'NOT_FOUND' })
    } finally {
      await client.close()
      await probe.stop()
    }
  })
})
