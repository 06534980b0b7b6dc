import { expect } from 'chai'
import { decodeKvRecord, encodeKvRecord, toDhtKey } from '../../src/index.js'
import { runCli } from '../helpers/cli.js'
import { liveExpires } from '../helpers/records.js'
import { eventually } from './helpers/eventually.js'
import { runGo } from './helpers/go-peer.js'
import { KadProbe } from '../helpers/kad-probe.js'
import { startMixedNetwork } from './helpers/mixed-network.js'
import { jsonOf } from './helpers/results.js'
import { lifetimeVectorsNow, validationVectors } from './helpers/vectors.js'
import type { ProcessResult } from '../helpers/cli.js'
import type { MixedNetwork, NetworkPeer } from './helpers/mixed-network.js'
import type { GetJson, PutJson } from './helpers/results.js'
import type { ValidationVector } from './helpers/vectors.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('interop: 3 exper-dht and 3 go-libp2p peers, real processes on 127.0.0.1', () => {
  let network: MixedNetwork
  let probe: KadProbe
  let tables: Map<NetworkPeer, string[]>

  /** Asks every peer for its routing table (FIND_NODE). */
  async function askRoutingTables (): Promise<void> {
    const answers = await Promise.all(network.all.map(async (peer) => probe.routingTable(peer.addr)))
    tables = new Map(network.all.map((peer, i) => [peer, answers[i]]))
  }

  /** The peers whose store holds the record of `key` with this `seq`, asked with GET_VALUE. */
  async function holders (key: string, seq: number): Promise<NetworkPeer[]> {
    const values = await Promise.all(network.all.map(async (peer) => probe.getValue(peer.addr, toDhtKey(key))))
    return network.all.filter((_, i) => values[i] != null && decodeKvRecord(values[i]).seq === BigInt(seq))
  }

  before(async () => {
    network = await startMixedNetwork()
    probe = await KadProbe.start()
    await eventually(async () => {
      await askRoutingTables()
      return network.all.every((peer) => tables.get(peer)!.length === network.all.length - 1)
    }, () => `routing tables: ${JSON.stringify([...tables].map(([peer, table]) => `${peer.kind} ${peer.peerId}: ${table.length}`))}`)
  })

  after(async () => {
    await probe?.stop()
    await network?.stop()
  })

  it('every routing table, asked over FIND_NODE, holds every peer of the other implementation', async () => {
    await askRoutingTables()
    for (const peer of network.all) {
      const others = (peer.kind === 'ts' ? network.go : network.ts).map((other) => other.peerId)
      expect(tables.get(peer), `${peer.kind} peer ${peer.peerId}`).to.include.members(others)
    }
  })

  it('exper-dht put|get through Go peers: stored on every peer, read back through another Go peer', async () => {
    const stored = jsonOf<PutJson>(await runCli(['put', 'ts-client-go-peer', 'from the TS client', '--peer', network.go[0].addr, '--json']))
    expect(stored.replicas).to.equal(network.all.length)
    expect(await holders('ts-client-go-peer', stored.seq)).to.have.length(stored.replicas)

    const got = jsonOf<GetJson>(await runCli(['get', 'ts-client-go-peer', '--peer', network.go[1].addr, '--json']))
    expect(got).to.deep.equal({ key: 'ts-client-go-peer', value: 'from the TS client', seq: stored.seq, expires: stored.expires })
    expect((await runCli(['get', 'never-stored', '--peer', network.go[2].addr])).code).to.equal(3)
  })

  it('exper-dht-go put|get through exper-dht peers: stored on every peer, read back through another exper-dht peer', async () => {
    const stored = jsonOf<PutJson>(await runGo(['put', 'go-client-ts-peer', 'from the Go client', '--peer', network.ts[0].addr, '--json']))
    expect(stored.replicas).to.equal(network.all.length)
    expect(await holders('go-client-ts-peer', stored.seq)).to.have.length(stored.replicas)

    const got = jsonOf<GetJson>(await runGo(['get', 'go-client-ts-peer', '--peer', network.ts[1].addr, '--json']))
    expect(got).to.deep.equal({ key: 'go-client-ts-peer', value: 'from the Go client', seq: stored.seq, expires: stored.expires })
    const missing = await runGo(['get', 'never-stored', '--peer', network.ts[2].addr])
    expect(missing.code, missing.stderr).to.equal(3)
  })

  it('a newer seq written from one side wins when read from the other', async () => {
    const first = jsonOf<PutJson>(await runGo(['put', 'contested', 'written by go', '--peer', network.go[0].addr, '--json']))
    const second = jsonOf<PutJson>(await runCli(['put', 'contested', 'written by exper-dht', '--peer', network.ts[0].addr, '--json']))
    expect(second.seq).to.be.above(first.seq)
    const readByGo = jsonOf<GetJson>(await runGo(['get', 'contested', '--peer', network.go[1].addr, '--json']))
    expect(readByGo).to.deep.include({ value: 'written by exper-dht', seq: second.seq })

    const third = jsonOf<PutJson>(await runGo(['put', 'contested', 'written by go again', '--peer', network.go[2].addr, '--json']))
    expect(third.seq).to.be.above(second.seq)
    const readByTs = jsonOf<GetJson>(await runCli(['get', 'contested', '--peer', network.ts[1].addr, '--json']))
    expect(readByTs).to.deep.include({ value: 'written by go again', seq: third.seq })
  })

  it('each side prefers the newer record held only by the other side to the older one it holds itself', async () => {
    for (const [reader, others] of [[network.go[0], network.ts], [network.ts[0], network.go]] as const) {
      const key = toDhtKey(`newer-elsewhere-${reader.kind}`)
      const older = encodeKvRecord({ value: bytes('older, held by the reader'), seq: 100n, publisher: new Uint8Array(), expires: liveExpires() })
      const newer = encodeKvRecord({ value: bytes('newer, held by the other side'), seq: 101n, publisher: new Uint8Array(), expires: liveExpires() })
      expect(await probe.putValue(reader.addr, key, older)).to.equal(true)
      for (const other of others) {
        expect(await probe.putValue(other.addr, key, newer)).to.equal(true)
      }
      const got = jsonOf<GetJson>(await runCli(['get', `newer-elsewhere-${reader.kind}`, '--peer', reader.addr, '--json']))
      expect(got, `read through the ${reader.kind} peer`).to.deep.include({ value: 'newer, held by the other side', seq: 101 })
    }
  })

  describe('malformed records (every invalid case of the shared vectors) and records past their lifetime', () => {
    const invalid = [...validationVectors().filter((vector) => !vector.valid), ...lifetimeVectorsNow().filter((vector) => !vector.valid)]
    const valid = lifetimeVectorsNow().find((vector) => vector.valid)!

    it('pushed by exper-dht (raw PUT_VALUE) are refused by the Go peers: not stored, not served', async () => {
      for (const [i, vector] of invalid.entries()) {
        const target = network.go[i % network.go.length]
        expect(await probe.putValue(target.addr, vector.key, vector.record), vector.name).to.equal(false)
        expect(await probe.getValue(target.addr, vector.key), vector.name).to.equal(undefined)
      }
      expect(await probe.putValue(network.go[0].addr, valid.key, valid.record), 'the valid control').to.equal(true)
      expect(await probe.getValue(network.go[0].addr, valid.key)).to.deep.equal(valid.record)
    })

    it('pushed by a Go peer (exper-dht-go kad-put) are refused by the exper-dht peers: not stored, not served', async () => {
      const push = async (target: NetworkPeer, vector: ValidationVector): Promise<ProcessResult> =>
        runGo(['kad-put', '--peer', target.addr, '--key-hex', vector.keyHex, '--json'], vector.record)
      for (const [i, vector] of invalid.entries()) {
        const target = network.ts[i % network.ts.length]
        const pushed = await push(target, vector)
        expect(pushed.code, `${vector.name}: ${pushed.stderr}`).to.equal(1)
        expect(JSON.parse(pushed.stdout)).to.include({ stored: false })
        expect(await probe.getValue(target.addr, vector.key), vector.name).to.equal(undefined)
      }
      const control = await push(network.ts[1], valid)
      expect(control.code, `the valid control: ${control.stderr}`).to.equal(0)
      expect(await probe.getValue(network.ts[1].addr, valid.key)).to.deep.equal(valid.record)
    })
  })
})
