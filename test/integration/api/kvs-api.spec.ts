import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { KVS_RECORD_MEDIA_TYPE, KvRecord, MAX_NAME_BYTES, toSignedDhtKey, validateSignedRecord } from '../../../src/index.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import { call, startApi } from '../../helpers/api.js'
import { startNetwork } from '../../helpers/peers.js'
import { signedRecord } from '../../helpers/records.js'
import type { ApiServer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'
import type { PrivateKey } from '@libp2p/interface'

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)
const RECORD = { 'content-type': KVS_RECORD_MEDIA_TYPE }

describe('HTTP API: the signed /kvs namespace (a real 3-peer network, APIs on peers 0 and 1)', function () {
  let network: TestNetwork
  let api0: ApiServer
  let api1: ApiServer
  let self: string
  let owner: PrivateKey
  let ownerId: string

  before(async () => {
    network = await startNetwork(3)
    api0 = await startApi(network.peers[0])
    api1 = await startApi(network.peers[1])
    self = network.peers[0].peerId.toString()
    owner = await generateKeyPair('Ed25519')
    ownerId = peerIdFromPrivateKey(owner).toString()
  })
  after(async () => {
    await api0?.close()
    await api1?.close()
    await network?.stop()
  })

  async function signed (name: string, value: string, seq: bigint, expires?: number): Promise<Uint8Array<ArrayBuffer>> {
    return signedRecord(owner, name, value, seq, expires)
  }

  /** Whether any peer of the network holds a record of `/kvs/<owner>/<name>`. */
  function heldAnywhere (owner: string, name: string): boolean {
    const dhtKey = bytes(`/kvs/${owner}/${name}`)
    return network.peers.some((peer) => kadEngineOf(peer).records.get(dhtKey) != null)
  }

  it("a raw value under the peer's own id: the peer signs it (201); another peer's API returns it verified, and the whole record on request", async () => {
    const put = await call('PUT', `${api0.url}/api/v1/kvs/${self}/${encodeURIComponent('notes/ünï')}?quorum=2`, Buffer.from([0, 1, 255]), { 'content-type': 'application/octet-stream' })
    expect(put.status, put.bytes.toString()).to.equal(201)
    expect(put.json).to.include({ key: `${self}/notes/ünï` })
    expect(put.json.replicas).to.be.at.least(2)
    expect(put.json.seq).to.be.a('number')
    expect(put.json.expires).to.be.above(Date.now())

    const get = await call('GET', `${api1.url}/api/v1/kvs/${self}/${encodeURIComponent('notes/ünï')}`)
    expect(get.status).to.equal(200)
    expect(get.bytes).to.deep.equal(Buffer.from([0, 1, 255]))
    expect(get.headers.get('content-type')).to.equal('application/octet-stream')
    expect(get.headers.get('x-exper-seq')).to.equal(String(put.json.seq))
    expect(get.headers.get('x-exper-expires')).to.equal(String(put.json.expires))
    expect(get.headers.get('etag')).to.equal(`"${String(put.json.seq)}"`)
    expect(get.headers.get('vary')).to.match(/Accept/)

    const whole = await call('GET', `${api1.url}/api/v1/kvs/${self}/${encodeURIComponent('notes/ünï')}`, undefined, { accept: `text/html, ${KVS_RECORD_MEDIA_TYPE};q=0.9` })
    expect(whole.status).to.equal(200)
    expect(whole.headers.get('content-type')).to.equal(KVS_RECORD_MEDIA_TYPE)
    expect(whole.headers.get('etag')).to.equal(`"${String(put.json.seq)}.record"`)
    // the client verifies it itself: signed by peer 0's key, over this key
    expect(() => { validateSignedRecord(toSignedDhtKey(network.peers[0].peerId, 'notes/ünï'), whole.bytes) }).not.to.throw()
    expect(KvRecord.decode(whole.bytes).value).to.deep.equal(new Uint8Array([0, 1, 255]))

    const unchanged = await call('GET', `${api1.url}/api/v1/kvs/${self}/${encodeURIComponent('notes/ünï')}`, undefined, { 'if-none-match': `"${String(put.json.seq)}"` })
    expect(unchanged.status).to.equal(304)
  })

  it('a raw value with no Content-Type is a value too (fetch sends none for bytes); ?ttl=S ends it S seconds on, as on /kv', async () => {
    const before = Date.now()
    const put = await call('PUT', `${api0.url}/api/v1/kvs/${self}/short?ttl=60`, Buffer.from('brief'))
    expect(put.status, put.bytes.toString()).to.equal(201)
    expect(put.json.expires).to.be.within(before + 59_000, Date.now() + 60_000)
    const kv = await call('PUT', `${api0.url}/api/v1/kv/short?ttl=60`, 'brief')
    expect(kv.status).to.equal(201)
    expect(kv.json.expires).to.be.within(before + 59_000, Date.now() + 60_000)
    expect((await call('PUT', `${api0.url}/api/v1/kvs/${self}/short?ttl=0`, 'v')).status).to.equal(400)
    expect((await call('PUT', `${api0.url}/api/v1/kv/short?ttl=x`, 'v')).status).to.equal(400)
  })

  it('a record signed by a separate identity is published as it is (201) and read back, value and whole record', async () => {
    const record = await signed('profile', 'Ada, London', 7n)
    const put = await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/profile`, record, RECORD)
    expect(put.status, put.bytes.toString()).to.equal(201)
    expect(put.json).to.deep.equal({ key: `${ownerId}/profile`, replicas: 3, seq: 7, expires: Number(KvRecord.decode(record).expires) })
    const get = await call('GET', `${api1.url}/api/v1/kvs/${ownerId}/profile`)
    expect(get.status).to.equal(200)
    expect(get.bytes.toString()).to.equal('Ada, London')
    expect(get.headers.get('x-exper-seq')).to.equal('7')
    const whole = await call('GET', `${api1.url}/api/v1/kvs/${ownerId}/profile`, undefined, { accept: KVS_RECORD_MEDIA_TYPE })
    expect(whole.bytes).to.deep.equal(Buffer.from(record))
    const fromLibrary = await network.peers[2].get(`${ownerId}/profile`, { signed: true })
    expect(fromLibrary.record).to.deep.equal(record)
  })

  it("a raw value for another owner's key is 403 (this peer cannot sign for it), stored nowhere", async () => {
    const put = await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/not-mine`, 'v', { 'content-type': 'application/octet-stream' })
    expect(put.status).to.equal(403)
    expect(put.json.error).to.equal('Forbidden')
    expect(put.json.reason).to.match(/cannot sign/).and.include(KVS_RECORD_MEDIA_TYPE)
    expect(heldAnywhere(ownerId, 'not-mine')).to.equal(false)
    const get = await call('GET', `${api1.url}/api/v1/kvs/${ownerId}/not-mine`)
    expect(get.status).to.equal(404)
    expect(get.json.error).to.equal('NotFound')
  })

  it('forged, altered and moved records are refused 422 with a reason that says "signature", and stored nowhere', async () => {
    const genuine = await signed('guarded', 'genuine', 5n)
    expect((await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/guarded`, genuine, RECORD)).status).to.equal(201)

    const decoded = KvRecord.decode(genuine)
    const badSignature = new Uint8Array(decoded.signature)
    badSignature[10] ^= 1
    const cases: Array<{ what: string, path: string, record: Uint8Array }> = [
      { what: 'forged (signature bit flipped)', path: `${ownerId}/fresh-forged`, record: KvRecord.encode({ ...KvRecord.decode(await signed('fresh-forged', 'v', 1n)), signature: badSignature }) },
      { what: 'altered value, higher seq', path: `${ownerId}/guarded`, record: KvRecord.encode({ ...decoded, value: bytes('altered'), seq: 99n }) },
      { what: 'altered expiry', path: `${ownerId}/guarded`, record: KvRecord.encode({ ...decoded, expires: decoded.expires + 1000n }) },
      { what: 'moved to another name', path: `${ownerId}/moved-here`, record: genuine },
      { what: "moved to another owner's key", path: `${self}/guarded`, record: genuine }
    ]
    for (const { what, path, record } of cases) {
      const put = await call('PUT', `${api0.url}/api/v1/kvs/${path}`, record, RECORD)
      expect(put.status, what).to.equal(422)
      expect(put.json.error, what).to.equal('InvalidSignature')
      expect(put.json.reason, what).to.match(/signature/)
    }
    expect(heldAnywhere(ownerId, 'fresh-forged')).to.equal(false)
    expect(heldAnywhere(ownerId, 'moved-here')).to.equal(false)
    expect(heldAnywhere(self, 'guarded')).to.equal(false)
    for (const api of [api0, api1]) {
      const whole = await call('GET', `${api.url}/api/v1/kvs/${ownerId}/guarded`, undefined, { accept: KVS_RECORD_MEDIA_TYPE })
      expect(whole.bytes).to.deep.equal(Buffer.from(genuine))
    }
  })

  it('an older seq, validly signed, is 409 StaleRecord; the newer record stays', async () => {
    expect((await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/versioned`, await signed('versioned', 'new', 20n), RECORD)).status).to.equal(201)
    const replay = await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/versioned`, await signed('versioned', 'old', 19n), RECORD)
    expect(replay.status).to.equal(409)
    expect(replay.json.error).to.equal('StaleRecord')
    expect(replay.json.reason).to.be.a('string').and.not.equal('')
    const get = await call('GET', `${api1.url}/api/v1/kvs/${ownerId}/versioned`)
    expect(get.bytes.toString()).to.equal('new')
  })

  it('refuses expired and malformed records (422), a ttl with a record (400) and other media types (415)', async () => {
    const expired = await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/old`, await signed('old', 'v', 1n, Date.now() - 1000), RECORD)
    expect(expired.status).to.equal(422)
    expect(expired.json.error).to.equal('ExpiredRecord')
    const garbage = await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/garbage`, Buffer.from([0xff, 0xff, 0xff]), RECORD)
    expect(garbage.status).to.equal(422)
    expect(garbage.json.error).to.equal('InvalidRecord')
    const empty = await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/empty`, undefined, RECORD)
    expect(empty.status).to.equal(422)
    const ttl = await call('PUT', `${api0.url}/api/v1/kvs/${ownerId}/ttl?ttl=10`, await signed('ttl', 'v', 1n), RECORD)
    expect(ttl.status).to.equal(400)
    expect(ttl.json.reason).to.match(/expiry/)
    const text = await call('PUT', `${api0.url}/api/v1/kvs/${self}/typed`, 'v', { 'content-type': 'text/plain' })
    expect(text.status).to.equal(415)
    expect(text.json.error).to.equal('UnsupportedMediaType')
    expect(text.json.reason).to.include(KVS_RECORD_MEDIA_TYPE)
    for (const name of ['old', 'garbage', 'empty', 'ttl']) expect(heldAnywhere(ownerId, name), name).to.equal(false)
    expect(heldAnywhere(self, 'typed')).to.equal(false)
  })

  it('bad owners and names are 400 InvalidKey with a reason; a name of MAX_NAME_BYTES is fine', async () => {
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
    const cases: Array<[string, RegExp]> = [
      ['not-a-peer-id/name', /not a peer id/],
      [`${secp}/name`, /Ed25519/],
      ['QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N/name', /Ed25519/],
      [`${self}/`, /name is empty/],
      [self, /not a signed key/],
      [`${self}/${'n'.repeat(MAX_NAME_BYTES + 1)}`, /200/],
      [`${'x'.repeat(800)}/name`, /characters/]
    ]
    for (const [path, reason] of cases) {
      for (const method of ['GET', 'PUT']) {
        const response = await call(method, `${api0.url}/api/v1/kvs/${path}`, method === 'PUT' ? 'v' : undefined)
        expect(response.status, `${method} ${path}`).to.equal(400)
        expect(response.json.error, `${method} ${path}`).to.equal('InvalidKey')
        expect(response.json.reason, `${method} ${path}`).to.match(reason)
      }
    }
    const longest = await call('PUT', `${api0.url}/api/v1/kvs/${self}/${'n'.repeat(MAX_NAME_BYTES)}`, Buffer.from('v'))
    expect(longest.status).to.equal(201)
    const method = await call('DELETE', `${api0.url}/api/v1/kvs/${self}/x`)
    expect(method.status).to.equal(405)
  })
})
