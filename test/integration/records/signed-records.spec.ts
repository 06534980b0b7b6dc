import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import {
  InvalidSignatureError, KvRecord, StaleRecordError, decodeKvRecord, resolveConfig, signRecord, signedBytes, toSignedDhtKey, validateSignedRecord
} from '../../../src/index.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import { nextEvent } from '../../helpers/events.js'
import { KadProbe } from '../../helpers/kad-probe.js'
import { addressOf, startNetwork } from '../../helpers/peers.js'
import type { Peer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

const text = (value: Uint8Array): string => new TextDecoder().decode(value)
const bytes = (value: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(value)

describe('signed records (/kvs): only the owner writes, every peer checks', function () {
  const config = resolveConfig({ records: { ttlMs: 4000, republishIntervalMs: 1500 } })
  let network: TestNetwork
  let probe: KadProbe
  let owner: Peer

  beforeEach(async () => {
    network = await startNetwork(4, { config })
    owner = network.peers[1]
    probe = await KadProbe.start()
  })
  afterEach(async () => {
    await probe?.stop()
    await network?.stop()
  })

  /** The value every peer serves for the owner's signed `name`, by a get through it. */
  async function servedEverywhere (name: string): Promise<string[]> {
    return Promise.all(network.peers.map(async (peer) => text((await peer.get(`${owner.peerId.toString()}/${name}`, { signed: true })).value)))
  }

  it('a peer signs its own record, and every peer stores and serves it under /kvs/<owner>/<name>', async () => {
    const { replicas, seq } = await owner.put('profile', bytes('v1'), { signed: true })
    expect(replicas).to.equal(network.peers.length)
    expect(await servedEverywhere('profile')).to.deep.equal(['v1', 'v1', 'v1', 'v1'])
    const dhtKey = toSignedDhtKey(owner.peerId, 'profile')
    for (const peer of network.peers) {
      const held = kadEngineOf(peer).records.get(dhtKey)
      expect(held, 'every peer holds it').not.to.equal(undefined)
      expect(() => { validateSignedRecord(dhtKey, held!.value) }).not.to.throw()
      expect(decodeKvRecord(held!.value).seq).to.equal(seq)
    }
    const got = await network.peers[3].get(`${owner.peerId.toString()}/profile`, { signed: true })
    expect(got.publisher?.equals(owner.peerId)).to.equal(true)
    expect(() => { validateSignedRecord(dhtKey, got.record) }, 'the whole signed record comes with a get').not.to.throw()
  })

  it('a forged record for the owner\'s key with a higher seq, pushed by raw PUT_VALUE to every peer, is refused everywhere; the owner\'s value is still served', async () => {
    const { seq } = await owner.put('profile', bytes('genuine'), { signed: true })
    const dhtKey = toSignedDhtKey(owner.peerId, 'profile')
    const intruder = await generateKeyPair('Ed25519')
    const genuine = KvRecord.decode(kadEngineOf(owner).records.get(dhtKey)!.value)
    const forgeries = [
      // signed by another key, over the owner's key
      KvRecord.encode({ ...genuine, value: bytes('forged'), seq: seq + 1000n, signature: new Uint8Array(await intruder.sign(signedBytes(dhtKey, { value: bytes('forged'), seq: seq + 1000n, expires: genuine.expires }))) }),
      // the owner's signature, with the seq raised and the value changed
      KvRecord.encode({ ...genuine, value: bytes('forged'), seq: seq + 1000n }),
      // no signature at all
      KvRecord.encode({ ...genuine, value: bytes('forged'), seq: seq + 1000n, signature: new Uint8Array() })
    ]
    for (const forged of forgeries) {
      for (const peer of network.peers) {
        expect(await probe.putValue(addressOf(peer), dhtKey, forged), 'refused by every peer').to.equal(false)
      }
    }
    expect(await servedEverywhere('profile')).to.deep.equal(['genuine', 'genuine', 'genuine', 'genuine'])
    for (const peer of network.peers) {
      expect(text(KvRecord.decode((await probe.getValue(addressOf(peer), dhtKey))!).value), 'served over the wire too').to.equal('genuine')
    }
  })

  it('a record signed by its owner for another name, moved onto this key, is refused', async () => {
    await owner.put('public', bytes('for everyone'), { signed: true })
    await owner.put('private', bytes('mine'), { signed: true })
    const moved = kadEngineOf(owner).records.get(toSignedDhtKey(owner.peerId, 'public'))!.value
    const target = toSignedDhtKey(owner.peerId, 'private')
    for (const peer of network.peers) {
      expect(await probe.putValue(addressOf(peer), target, moved)).to.equal(false)
    }
    expect(await servedEverywhere('private')).to.deep.equal(['mine', 'mine', 'mine', 'mine'])
  })

  it('the owner updates its record: the new one wins everywhere, and a replay of the old one is refused', async () => {
    const dhtKey = toSignedDhtKey(owner.peerId, 'status')
    const first = await owner.put('status', bytes('old'), { signed: true })
    const old = kadEngineOf(owner).records.get(dhtKey)!.value
    const second = await owner.put('status', bytes('new'), { signed: true })
    expect(second.seq > first.seq).to.equal(true)
    expect(second.replicas).to.equal(network.peers.length)
    expect(await servedEverywhere('status')).to.deep.equal(['new', 'new', 'new', 'new'])
    for (const peer of network.peers) {
      expect(await probe.putValue(addressOf(peer), dhtKey, old), 'the replayed older record is refused').to.equal(false)
    }
    expect(await servedEverywhere('status')).to.deep.equal(['new', 'new', 'new', 'new'])
  })

  it('the owner republishes its signed record, signed anew with a later expiry that every holder accepts', async () => {
    const dhtKey = toSignedDhtKey(owner.peerId, 'kept')
    const first = await owner.put('kept', bytes('kept alive'), { signed: true })
    const signature = decodeKvRecord(kadEngineOf(owner).records.get(dhtKey)!.value).signature
    while (Date.now() < first.expires + 500) {
      await nextEvent(owner, 'republished')
    }
    for (const peer of network.peers) {
      const got = await peer.get(`${owner.peerId.toString()}/kept`, { signed: true, quorum: 1 })
      expect(text(got.value)).to.equal('kept alive')
      expect(got.seq, 'a republish is the same record').to.equal(first.seq)
      expect(got.expires, 'past the first publication\'s end').to.be.above(first.expires)
      const record = decodeKvRecord(got.record)
      expect(record.signature, 'signed anew').not.to.deep.equal(signature)
      expect(() => { validateSignedRecord(dhtKey, got.record) }).not.to.throw()
    }
  })

  it('a record a thin client signed is published as signed, not republished, and a forged one is refused before any work', async () => {
    const client = await generateKeyPair('Ed25519')
    const clientId = peerIdFromPrivateKey(client).toString()
    const dhtKey = toSignedDhtKey(peerIdFromPrivateKey(client), 'note')
    const record = await signRecord(client, dhtKey, { value: bytes('from a client'), seq: 5n, expires: BigInt(Date.now() + 60_000) })
    const serving = network.peers[2]
    const { replicas, seq } = await serving.putSigned(`${clientId}/note`, record)
    expect(replicas).to.equal(network.peers.length)
    expect(seq).to.equal(5n)
    expect(serving.holdings.published, 'the serving peer cannot re-sign it: not on its published list').to.equal(0)
    expect(await Promise.all(network.peers.map(async (peer) => text((await peer.get(`${clientId}/note`, { signed: true })).value)))).to.deep.equal(Array(4).fill('from a client'))

    const forged = KvRecord.encode({ ...KvRecord.decode(record), seq: 6n })
    const err = await serving.putSigned(`${clientId}/note`, forged).then(() => undefined, (error: Error) => error)
    expect(err).to.be.instanceOf(InvalidSignatureError)
    const older = await signRecord(client, dhtKey, { value: bytes('older'), seq: 4n, expires: BigInt(Date.now() + 60_000) })
    const stale = await serving.putSigned(`${clientId}/note`, older).then(() => undefined, (error: Error) => error)
    expect(stale).to.be.instanceOf(StaleRecordError)
  })
})
