import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { multiaddr } from '@multiformats/multiaddr'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { KvRequest, KvResponse, decodeKvRecord, parseSignedKey, signRecord, toSignedDhtKey, validateSignedRecord } from '../../src/index.js'
import { runCli } from '../helpers/cli.js'
import { KadProbe } from '../helpers/kad-probe.js'
import { createRawNode, frame, rawExchange } from '../helpers/raw-kv.js'
import { makeTempDir, removeDir } from '../helpers/temp-dir.js'
import { eventually } from './helpers/eventually.js'
import { runGo } from './helpers/go-peer.js'
import { startMixedNetwork } from './helpers/mixed-network.js'
import { jsonOf } from './helpers/results.js'
import { signedCasesNow } from './helpers/signed-records.js'
import type { MixedNetwork } from './helpers/mixed-network.js'
import type { GetJson } from './helpers/results.js'
import type { PrivateKey } from '@libp2p/interface'

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

describe('interop: signed /kvs records between exper-dht and go-libp2p peers', () => {
  let network: MixedNetwork
  let probe: KadProbe
  let home: string
  let env: NodeJS.ProcessEnv
  let owner: string

  before(async () => {
    network = await startMixedNetwork()
    probe = await KadProbe.start()
    home = await makeTempDir()
    env = { EXPER_DHT_HOME: home }
    owner = jsonOf<{ owner: string }>(await runCli(['identity', 'new', '--json'], env)).owner
    await eventually(async () => {
      const tables = await Promise.all(network.all.map(async (peer) => probe.routingTable(peer.addr)))
      return tables.every((table) => table.length === network.all.length - 1)
    }, () => 'routing tables not full')
  })

  after(async () => {
    await probe?.stop()
    await network?.stop()
    await removeDir(home)
  })

  it('exper-dht put --signed: the Go peers store the signed record and serve it, and it verifies', async () => {
    const put = jsonOf<{ key: string, replicas: number, seq: number }>(await runCli(['put', 'profile', 'signed here', '--signed', '--peer', network.ts[0].addr, '--json'], env))
    expect(put.replicas).to.equal(network.all.length)
    expect(put.key).to.equal(`${owner}/profile`)
    const signedKey = parseSignedKey(put.key)
    const dhtKey = toSignedDhtKey(signedKey.owner, signedKey.name)
    for (const go of network.go) {
      const held = await probe.getValue(go.addr, dhtKey)
      expect(held, `go peer ${go.peerId} serves it`).not.to.equal(undefined)
      expect(() => { validateSignedRecord(dhtKey, held!) }).not.to.throw()
      expect(decodeKvRecord(held!).seq).to.equal(BigInt(put.seq))
    }
  })

  it('a signed record held by the Go peers only is found, verified, through an exper-dht peer', async () => {
    const key = await generateKeyPair('Ed25519')
    const id = peerIdFromPrivateKey(key).toString()
    const dhtKey = toSignedDhtKey(peerIdFromPrivateKey(key), 'go-held')
    const record = await signRecord(key, dhtKey, { value: utf8('held by go'), seq: 3n, expires: BigInt(Date.now() + 3_600_000) })
    for (const go of network.go) {
      expect(await probe.putValue(go.addr, dhtKey, record), 'a Go peer stores a valid signed record').to.equal(true)
    }
    const got = jsonOf<GetJson>(await runCli(['get', `${id}/go-held`, '--signed', '--peer', network.ts[1].addr, '--json']))
    expect(got).to.deep.include({ value: 'held by go', seq: 3 })
  })

  it('exper-dht put|get --signed through Go peers: the Go kv server publishes the pre-signed record and returns it whole, and the client verifies it', async () => {
    const put = jsonOf<{ key: string, replicas: number, seq: number }>(await runCli(['put', 'via-go', 'through go', '--signed', '--peer', network.go[0].addr, '--json'], env))
    expect(put).to.deep.include({ key: `${owner}/via-go`, replicas: network.all.length })
    for (const peer of [network.go[1], network.ts[2]]) {
      const got = jsonOf<GetJson>(await runCli(['get', `${owner}/via-go`, '--signed', '--peer', peer.addr, '--json']))
      expect(got, `read through the ${peer.kind} peer`).to.deep.include({ value: 'through go', seq: put.seq })
    }
    const missing = await runCli(['get', `${owner}/never-stored`, '--signed', '--peer', network.go[2].addr])
    expect(missing.code, missing.stderr).to.equal(3)
  })

  it('a forged record sent to a Go peer\'s kv server in a signed STORE is refused with INVALID_RECORD and stored nowhere', async () => {
    const { invalid } = await signedCasesNow(await generateKeyPair('Ed25519'), 'forged-store')
    const raw = await createRawNode()
    try {
      for (const vector of invalid) {
        const signedKey = uint8ArrayToString(vector.key).slice('/kvs/'.length)
        const response = await rawExchange(raw, multiaddr(network.go[0].addr), frame(KvRequest.encode({ type: KvRequest.Type.STORE, signedKey, record: vector.record })))
        expect((response as KvResponse).status, vector.name).to.equal(KvResponse.Status.INVALID_RECORD)
        for (const peer of network.all) {
          expect(await probe.getValue(peer.addr, vector.key), vector.name).to.equal(undefined)
        }
      }
    } finally {
      await raw.stop()
    }
  })

  describe('forged and altered records (higher seq, live), pushed by raw PUT_VALUE', () => {
    let ownerKey: PrivateKey

    before(async () => { ownerKey = await generateKeyPair('Ed25519') })

    it('by exper-dht to the Go peers: refused, and the owner\'s record is still the one served', async () => {
      const { valid, invalid } = await signedCasesNow(ownerKey, 'to-go')
      for (const go of network.go) {
        expect(await probe.putValue(go.addr, valid.key, valid.record), 'the owner\'s record').to.equal(true)
      }
      for (const [i, vector] of invalid.entries()) {
        const target = network.go[i % network.go.length]
        expect(await probe.putValue(target.addr, vector.key, vector.record), vector.name).to.equal(false)
      }
      for (const go of network.go) {
        expect(await probe.getValue(go.addr, valid.key)).to.deep.equal(valid.record)
      }
    })

    it('by a Go peer (exper-dht-go kad-put) to the exper-dht peers: refused, and the owner\'s record is still the one served', async () => {
      const { valid, invalid } = await signedCasesNow(ownerKey, 'to-ts')
      for (const ts of network.ts) {
        const control = await runGo(['kad-put', '--peer', ts.addr, '--key-hex', valid.keyHex, '--json'], valid.record)
        expect(control.code, `the owner's record: ${control.stderr}`).to.equal(0)
      }
      for (const [i, vector] of invalid.entries()) {
        const target = network.ts[i % network.ts.length]
        const pushed = await runGo(['kad-put', '--peer', target.addr, '--key-hex', vector.keyHex, '--json'], vector.record)
        expect(pushed.code, `${vector.name}: ${pushed.stderr}`).to.equal(1)
        expect(JSON.parse(pushed.stdout)).to.include({ stored: false })
      }
      for (const ts of network.ts) {
        expect(await probe.getValue(ts.addr, valid.key)).to.deep.equal(valid.record)
      }
    })

    it('a replay of the owner\'s older record is refused by both sides once they hold the newer one', async () => {
      const dhtKey = toSignedDhtKey(peerIdFromPrivateKey(ownerKey), 'replayed')
      const expires = BigInt(Date.now() + 3_600_000)
      const older = await signRecord(ownerKey, dhtKey, { value: utf8('older'), seq: 1n, expires })
      const newer = await signRecord(ownerKey, dhtKey, { value: utf8('newer'), seq: 2n, expires })
      for (const peer of network.all) {
        expect(await probe.putValue(peer.addr, dhtKey, newer)).to.equal(true)
      }
      for (const peer of network.all) {
        expect(await probe.putValue(peer.addr, dhtKey, older), `${peer.kind} peer ${peer.peerId}`).to.equal(false)
        expect(await probe.getValue(peer.addr, dhtKey)).to.deep.equal(newer)
      }
    })
  })
})
