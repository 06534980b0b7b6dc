import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import {
  InvalidSignatureError, KvClient, KvRecord, KvRequest, KvResponse, MAX_VALUE_BYTES, NotFoundError, signRecord, toSignedDhtKey
} from '../../../src/index.js'
import { makeHostile } from '../../helpers/hostile-kv.js'
import { addressOf, startNetwork, startPeer } from '../../helpers/peers.js'
import { createRawNode, frame, rawExchange } from '../../helpers/raw-kv.js'
import type { Peer } from '../../../src/index.js'
import type { Tamper } from '../../helpers/hostile-kv.js'
import type { TestNetwork } from '../../helpers/peers.js'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)
const text = (value: Uint8Array): string => new TextDecoder().decode(value)

describe('/exper-dht/kv/1.0.0 with signed records: a thin client signs, and verifies what it retrieves', () => {
  let network: TestNetwork
  let hostile: Peer
  let client: KvClient
  let raw: Libp2p
  let owner: PrivateKey
  let ownerId: string
  let tamper: Tamper = (response) => response

  before(async () => {
    network = await startNetwork(3)
    hostile = await startPeer({ bootstrap: [addressOf(network.peers[0])] })
    await hostile.joined
    await makeHostile(hostile, () => tamper)
    client = await KvClient.create()
    raw = await createRawNode()
    owner = await generateKeyPair('Ed25519')
    ownerId = peerIdFromPrivateKey(owner).toString()
  })

  after(async () => {
    await client?.close()
    await raw?.stop()
    await hostile?.stop()
    await network?.stop()
  })

  async function signed (name: string, value: string, seq: bigint): Promise<Uint8Array<ArrayBuffer>> {
    return signRecord(owner, toSignedDhtKey(peerIdFromPrivateKey(owner), name), { value: bytes(value), seq, expires: BigInt(Date.now() + 600_000) })
  }

  it('stores a pre-signed record through one peer and retrieves it, verified, through another', async () => {
    const record = await signed('note', 'signed by me', 10n)
    const { replicas, seq, expires } = await client.storeSigned(network.peers[0].getMultiaddrs()[0], `${ownerId}/note`, record)
    expect(replicas).to.equal(4)
    expect(seq).to.equal(10n)
    expect(expires).to.equal(Number(KvRecord.decode(record).expires))
    const got = await client.retrieveSigned(network.peers[2].getMultiaddrs()[0], `${ownerId}/note`)
    expect(text(got.value)).to.equal('signed by me')
    expect(got.seq).to.equal(10n)
    expect(got.record).to.deep.equal(record)
  })

  it('stores and retrieves a signed value of 64 KiB: the value travels once, inside the record', async () => {
    const value = new Uint8Array(MAX_VALUE_BYTES).fill(7)
    const record = await signRecord(owner, toSignedDhtKey(peerIdFromPrivateKey(owner), 'large'), { value, seq: 1n, expires: BigInt(Date.now() + 600_000) })
    await client.storeSigned(network.peers[1].getMultiaddrs()[0], `${ownerId}/large`, record)
    const got = await client.retrieveSigned(network.peers[0].getMultiaddrs()[0], `${ownerId}/large`)
    expect(got.value).to.deep.equal(value)
    const answer = await rawExchange(raw, network.peers[2].getMultiaddrs()[0], frame(KvRequest.encode({ type: KvRequest.Type.RETRIEVE, signedKey: `${ownerId}/large` })))
    expect((answer as KvResponse).value, 'no second copy of the value').to.have.length(0)
    expect((answer as KvResponse).record).to.deep.equal(record)
  })

  it('refuses a forged record with INVALID_RECORD (raw STORE, past the client\'s own check) and stores nothing', async () => {
    const genuine = await signed('guarded', 'genuine', 1n)
    await client.storeSigned(network.peers[0].getMultiaddrs()[0], `${ownerId}/guarded`, genuine)
    const forged = KvRecord.encode({ ...KvRecord.decode(genuine), value: bytes('forged'), seq: 99n })
    const response = await rawExchange(raw, network.peers[1].getMultiaddrs()[0], frame(KvRequest.encode({ type: KvRequest.Type.STORE, signedKey: `${ownerId}/guarded`, record: forged })))
    expect(response).not.to.equal('reset')
    expect((response as KvResponse).status).to.equal(KvResponse.Status.INVALID_RECORD)
    expect((response as KvResponse).error).to.match(/signature/)
    const replay = await rawExchange(raw, network.peers[1].getMultiaddrs()[0], frame(KvRequest.encode({ type: KvRequest.Type.STORE, signedKey: `${ownerId}/guarded`, record: await signed('guarded', 'older', 0n) })))
    expect((replay as KvResponse).status, 'an older seq is refused').to.equal(KvResponse.Status.INVALID_RECORD)
    for (const peer of network.peers) {
      expect(text((await client.retrieveSigned(peer.getMultiaddrs()[0], `${ownerId}/guarded`)).value)).to.equal('genuine')
    }
  })

  it('checks the record before dialing, and says why', async () => {
    const forged = KvRecord.encode({ ...KvRecord.decode(await signed('x', 'v', 1n)), seq: 2n })
    const err = await client.storeSigned(network.peers[0].getMultiaddrs()[0], `${ownerId}/x`, forged).then(() => undefined, (error: Error) => error)
    expect(err).to.be.instanceOf(InvalidSignatureError)
  })

  it('answers INVALID_REQUEST for mixed or malformed signed requests', async () => {
    const peer = network.peers[0].getMultiaddrs()[0]
    const cases: Array<Partial<KvRequest>> = [
      { type: KvRequest.Type.RETRIEVE, key: 'k', signedKey: `${ownerId}/k` },
      { type: KvRequest.Type.STORE, signedKey: `${ownerId}/k`, value: bytes('v') },
      { type: KvRequest.Type.STORE, signedKey: `${ownerId}/k` },
      { type: KvRequest.Type.STORE, key: 'k', value: bytes('v'), record: await signed('k', 'v', 1n) },
      { type: KvRequest.Type.RETRIEVE, signedKey: 'not-an-owner/k' }
    ]
    for (const fields of cases) {
      const response = await rawExchange(raw, peer, frame(KvRequest.encode(fields)))
      expect((response as KvResponse).status, JSON.stringify(Object.keys(fields))).to.equal(KvResponse.Status.INVALID_REQUEST)
    }
  })

  it('a signed RETRIEVE of a name nobody stored is NOT_FOUND', async () => {
    const err = await client.retrieveSigned(network.peers[1].getMultiaddrs()[0], `${ownerId}/nobody`).then(() => undefined, (error: Error) => error)
    expect(err).to.be.instanceOf(NotFoundError)
  })

  describe('a hostile serving peer is caught', () => {
    before(async () => {
      await client.storeSigned(network.peers[0].getMultiaddrs()[0], `${ownerId}/watched`, await signed('watched', 'the truth', 7n))
    })
    afterEach(() => { tamper = (response) => response })

    const lies: Array<[string, Tamper]> = [
      ['alters the value inside the record', (r) => ({ ...r, value: bytes('a lie'), record: KvRecord.encode({ ...KvRecord.decode(r.record), value: bytes('a lie') }) })],
      ['alters the seq inside the record', (r) => ({ ...r, seq: r.seq + 1n, record: KvRecord.encode({ ...KvRecord.decode(r.record), seq: r.seq + 1n }) })],
      ['alters only the answer\'s value', (r) => ({ ...r, value: bytes('a lie') })],
      ['alters only the answer\'s seq', (r) => ({ ...r, seq: r.seq + 1n })],
      ['drops the signature', (r) => ({ ...r, record: KvRecord.encode({ ...KvRecord.decode(r.record), signature: new Uint8Array() }) })],
      ['leaves the record out', (r) => ({ ...r, record: new Uint8Array() })]
    ]
    for (const [what, lie] of lies) {
      it(`refuses an answer that ${what}`, async () => {
        expect(text((await client.retrieveSigned(hostile.getMultiaddrs()[0], `${ownerId}/watched`)).value), 'honest at first').to.equal('the truth')
        tamper = lie
        const err = await client.retrieveSigned(hostile.getMultiaddrs()[0], `${ownerId}/watched`).then(() => undefined, (error: Error) => error)
        expect(err).to.be.instanceOf(InvalidSignatureError)
        expect(err?.message).to.match(/signature/)
      })
    }
  })
})
