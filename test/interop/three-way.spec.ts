import { expect } from 'chai'
import { MAX_VALUE_BYTES, decodeKvRecord, encodeKvRecord, toDhtKey } from '../../src/index.js'
import { KadProbe } from '../helpers/kad-probe.js'
import { liveExpires } from '../helpers/records.js'
import { eventually } from './helpers/eventually.js'
import { jsonOf } from './helpers/results.js'
import { IMPLEMENTATIONS, runOf, startThreeWayNetwork } from './helpers/three-way-network.js'
import { lifetimeVectorsNow, validationVectors } from './helpers/vectors.js'
import type { GetJson, PutJson } from './helpers/results.js'
import type { Implementation, ThreeWayNetwork, ThreeWayPeer } from './helpers/three-way-network.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** The implementations other than `kind`. */
const othersThan = (kind: Implementation): Implementation[] => IMPLEMENTATIONS.filter((other) => other !== kind)

/** Routing tables fill through lookups that no process announces: asked again until full, within this bound. */
const ROUTING_TABLES_TIMEOUT_MS = 60_000

describe('interop: 2 exper-dht, 2 go-libp2p and 2 rust-libp2p peers in one network, real processes on 127.0.0.1', () => {
  let network: ThreeWayNetwork
  let probe: KadProbe
  let tables = new Map<ThreeWayPeer, string[]>()

  /** Asks every peer for its routing table (FIND_NODE). */
  async function askRoutingTables (): Promise<void> {
    const answers = await Promise.all(network.all.map(async (peer) => probe.routingTable(peer.addr)))
    tables = new Map(network.all.map((peer, i) => [peer, answers[i]]))
  }

  /** The peers whose store holds the record of `key` with this `seq`, asked with GET_VALUE. */
  async function holders (key: string, seq: number): Promise<ThreeWayPeer[]> {
    const values = await Promise.all(network.all.map(async (peer) => probe.getValue(peer.addr, toDhtKey(key))))
    return network.all.filter((_, i) => values[i] != null && decodeKvRecord(values[i]).seq === BigInt(seq))
  }

  before(async function () {
    this.timeout(180_000)
    network = await startThreeWayNetwork()
    probe = await KadProbe.start()
    await eventually(async () => {
      await askRoutingTables()
      return network.all.every((peer) => tables.get(peer)!.length === network.all.length - 1)
    }, () => `routing tables: ${JSON.stringify([...tables].map(([peer, table]) => `${peer.kind} ${peer.peerId}: ${table.length}`))}`,
    ROUTING_TABLES_TIMEOUT_MS)
  })

  after(async () => {
    await probe?.stop()
    await network?.stop()
  })

  it('every routing table, asked over FIND_NODE, holds every peer of both other implementations', async () => {
    await askRoutingTables()
    for (const peer of network.all) {
      const others = othersThan(peer.kind).flatMap((kind) => network.of[kind].map((other) => other.peerId))
      expect(tables.get(peer), `${peer.kind} peer ${peer.peerId}`).to.include.members(others)
    }
  })

  for (const client of IMPLEMENTATIONS) {
    for (const server of othersThan(client)) {
      it(`${client}'s put|get through ${server} peers: stored on every peer, read back through another ${server} peer`, async () => {
        const key = `${client}-client-${server}-peer`
        const stored = jsonOf<PutJson>(await runOf(client, ['put', key, `from the ${client} client`, '--peer', network.of[server][0].addr, '--json']))
        expect(stored.replicas).to.equal(network.all.length)
        expect((await holders(key, stored.seq)).map((peer) => peer.peerId)).to.have.members(network.all.map((peer) => peer.peerId))

        const got = jsonOf<GetJson>(await runOf(client, ['get', key, '--peer', network.of[server][1].addr, '--json']))
        expect(got).to.deep.equal({ key, value: `from the ${client} client`, seq: stored.seq, expires: stored.expires })
        const missing = await runOf(client, ['get', 'never-stored', '--peer', network.of[server][1].addr])
        expect(missing.code, missing.stderr).to.equal(3)
      })
    }
  }

  it('a value of the largest size (64 KiB) stored through each implementation is read through each of the other two', async () => {
    for (const writer of IMPLEMENTATIONS) {
      const key = `largest-from-${writer}`
      const value = writer.repeat(MAX_VALUE_BYTES).slice(0, MAX_VALUE_BYTES)
      const stored = jsonOf<PutJson>(await runOf(writer, ['put', key, value, '--peer', network.of[writer][0].addr, '--json']))
      expect(stored.replicas, `${writer}'s put`).to.equal(network.all.length)
      for (const reader of othersThan(writer)) {
        const got = jsonOf<GetJson>(await runOf(reader, ['get', key, '--peer', network.of[reader][1].addr, '--json']))
        expect(got.value === value, `${reader} read ${got.value.length} chars of ${writer}'s ${value.length}`).to.equal(true)
      }
    }
  })

  it('a record stored through a Rust peer with --ttl ends everywhere at its expires', async () => {
    const ttlS = 3
    const before = Date.now()
    const stored = jsonOf<PutJson>(await runOf('rust', ['put', 'short-lived', 'for 3 s', '--peer', network.of.rust[0].addr, '--ttl', String(ttlS), '--json']))
    expect(stored.expires).to.be.within(before + ttlS * 1000, Date.now() + ttlS * 1000)
    for (const reader of othersThan('rust')) {
      const got = jsonOf<GetJson>(await runOf(reader, ['get', 'short-lived', '--peer', network.of[reader][0].addr, '--json']))
      expect(got, `read by ${reader} before its end`).to.deep.include({ value: 'for 3 s', expires: stored.expires })
    }
    // the end is a time, not an event: asked again until every implementation has dropped it
    const codes = new Map<string, number | null>()
    await eventually(async () => {
      const answers = await Promise.all(network.all.map(async (peer) => runOf(peer.kind, ['get', 'short-lived', '--peer', peer.addr])))
      network.all.forEach((peer, i) => codes.set(`${peer.kind} ${peer.peerId}`, answers[i].code))
      return answers.every((answer) => answer.code === 3)
    }, () => `get exit codes after the end: ${JSON.stringify([...codes])}`, ttlS * 1000 + 15_000)
    expect(Date.now()).to.be.at.least(stored.expires)
  })

  it('a Rust peer\'s STORE counts only the peers that stored the record: not those holding a better one', async () => {
    const key = 'counted-by-rust'
    const better = encodeKvRecord({ value: bytes('better, seq 2^62'), seq: 2n ** 62n, publisher: new Uint8Array(), expires: liveExpires() })
    const refusing = [network.of.ts[1], network.of.go[1]]
    for (const peer of refusing) {
      expect(await probe.putValue(peer.addr, toDhtKey(key), better), `${peer.kind} peer ${peer.peerId}`).to.equal(true)
    }
    const stored = jsonOf<PutJson>(await runOf('rust', ['put', key, 'worse, seq = the clock', '--peer', network.of.rust[0].addr, '--json']))
    expect(stored.replicas).to.equal(network.all.length - refusing.length)
    const failed = await runOf('rust', ['put', key, 'worse again', '--peer', network.of.rust[0].addr, '--quorum', String(network.all.length), '--json'])
    expect(failed.code, failed.stderr).to.equal(1)
    expect(failed.stderr).to.include('QUORUM_FAILED').and.include(`${network.all.length - refusing.length} of the ${network.all.length} replicas`)
  })

  it('a newer seq written from one implementation wins when read through each of the other two', async () => {
    let previous = 0
    for (const writer of ['go', 'rust', 'ts', 'go'] as const) {
      const value = `written by ${writer} after seq ${previous}`
      const written = jsonOf<PutJson>(await runOf(writer, ['put', 'contested', value, '--peer', network.of[writer][0].addr, '--json']))
      expect(written.seq, `${writer}'s seq`).to.be.above(previous)
      for (const reader of othersThan(writer)) {
        const got = jsonOf<GetJson>(await runOf(reader, ['get', 'contested', '--peer', network.of[reader][1].addr, '--json']))
        expect(got, `read by ${reader} after ${writer} wrote`).to.deep.include({ value, seq: written.seq })
      }
      previous = written.seq
    }
  })

  describe('malformed records (every invalid case of the shared vectors) and records past their lifetime', () => {
    const invalid = [...validationVectors().filter((vector) => !vector.valid), ...lifetimeVectorsNow().filter((vector) => !vector.valid)]
    const valid = lifetimeVectorsNow().find((vector) => vector.valid)!

    for (const target of IMPLEMENTATIONS) {
      it(`pushed by raw PUT_VALUE (exper-dht's Kad client) are refused by the ${target} peers: not stored, not served`, async () => {
        expect(invalid.length).to.be.above(10)
        for (const peer of network.of[target]) {
          for (const vector of invalid) {
            expect(await probe.putValue(peer.addr, vector.key, vector.record), vector.name).to.equal(false)
            expect(await probe.getValue(peer.addr, vector.key), vector.name).to.equal(undefined)
          }
          expect(await probe.putValue(peer.addr, valid.key, valid.record), 'the valid control').to.equal(true)
          expect(await probe.getValue(peer.addr, valid.key)).to.deep.equal(valid.record)
        }
      })
    }

    for (const [sender, target] of [['rust', 'ts'], ['rust', 'go'], ['go', 'rust']] as const) {
      it(`pushed by exper-dht-${sender} kad-put are refused by the ${target} peers; the valid control is stored`, async () => {
        const push = async (peer: ThreeWayPeer, vector: typeof valid): Promise<Awaited<ReturnType<typeof runOf>>> =>
          runOf(sender, ['kad-put', '--peer', peer.addr, '--key-hex', vector.keyHex, '--json'], vector.record)
        for (const [i, vector] of invalid.entries()) {
          const peer = network.of[target][i % network.of[target].length]
          const pushed = await push(peer, vector)
          expect(pushed.code, `${vector.name}: ${pushed.stderr}`).to.equal(1)
          expect(JSON.parse(pushed.stdout)).to.include({ stored: false })
          expect(await probe.getValue(peer.addr, vector.key), vector.name).to.equal(undefined)
        }
        const control = await push(network.of[target][1], valid)
        expect(control.code, `the valid control: ${control.stderr}`).to.equal(0)
        expect(JSON.parse(control.stdout)).to.deep.equal({ stored: true })
      })
    }
  })
})

describe('interop: in a three-way network, a record outlives the implementation that stored it', () => {
  let network: ThreeWayNetwork | undefined

  afterEach(async () => { await network?.stop() })

  for (const storer of IMPLEMENTATIONS) {
    it(`stored through a ${storer} peer, it is retrieved through each peer of the other two after every ${storer} peer has stopped`, async function () {
      this.timeout(180_000)
      network = await startThreeWayNetwork()
      const key = `outlives-${storer}`
      const stored = jsonOf<PutJson>(
        await runOf(storer, ['put', key, `stored by ${storer}`, '--peer', network.of[storer][0].addr, '--quorum', '4', '--json']))
      const exits = await Promise.all(network.of[storer].map(async (peer) => peer.process.stop('SIGTERM')))
      expect(exits, `${storer} peers stopping`).to.deep.equal(network.of[storer].map(() => ({ code: 0, signal: null })))
      for (const reader of othersThan(storer)) {
        for (const peer of network.of[reader]) {
          const got = jsonOf<GetJson>(await runOf(reader, ['get', key, '--peer', peer.addr, '--json']))
          expect(got, `read by ${reader} peer ${peer.peerId}`).to.deep.include({ value: `stored by ${storer}`, seq: stored.seq })
        }
      }
    })
  }
})
