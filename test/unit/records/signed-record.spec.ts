import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  InvalidKeyError, InvalidRecordError, InvalidSignatureError, KvRecord,
  decodeKvRecord, parseSignedKey, parseSignedRecord, signRecord, toSignedDhtKey, validateSignedRecord
} from '../../../src/index.js'

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

describe('signed records (/kvs)', () => {
  const fields = { value: bytes('mine'), seq: 3n, expires: BigInt(Date.now() + 60_000) }

  it('signs a record only the owner\'s key verifies, under /kvs/<owner>/<name>', async () => {
    const owner = await generateKeyPair('Ed25519')
    const dhtKey = toSignedDhtKey(peerIdFromPrivateKey(owner), 'notes/today')
    expect(uint8ArrayToString(dhtKey)).to.equal(`/kvs/${peerIdFromPrivateKey(owner).toString()}/notes/today`)
    const record = await signRecord(owner, dhtKey, fields)
    expect(() => { validateSignedRecord(dhtKey, record) }).not.to.throw()
    const decoded = decodeKvRecord(record)
    expect(decoded.value).to.deep.equal(fields.value)
    expect(decoded.publisher).to.have.length(0)
    expect(decoded.signature).to.have.length(64)
  })

  it('refuses to sign with a key that does not own the record', async () => {
    const owner = await generateKeyPair('Ed25519')
    const intruder = await generateKeyPair('Ed25519')
    const dhtKey = toSignedDhtKey(peerIdFromPrivateKey(owner), 'x')
    await signRecord(intruder, dhtKey, fields).then(() => { throw new Error('signed') }, (err: Error) => {
      expect(err).to.be.instanceOf(InvalidKeyError)
      expect(err.message).to.match(/owner/)
    })
  })

  it('says "signature" when a forged or altered record is refused', async () => {
    const owner = await generateKeyPair('Ed25519')
    const dhtKey = toSignedDhtKey(peerIdFromPrivateKey(owner), 'x')
    const record = KvRecord.decode(await signRecord(owner, dhtKey, fields))
    const forged = KvRecord.encode({ ...record, seq: record.seq + 1n })
    expect(() => parseSignedRecord(dhtKey, forged)).to.throw(InvalidSignatureError, /signature/)
    expect(() => parseSignedRecord(dhtKey, KvRecord.encode({ ...record, signature: new Uint8Array() }))).to.throw(InvalidSignatureError, /no signature/)
    expect(() => parseSignedRecord(dhtKey, KvRecord.encode({ ...record, publisher: bytes('p') }))).to.throw(InvalidRecordError, /publisher/)
  })

  it('parses <owner>/<name> and says what is wrong with a bad one', async () => {
    const owner = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    expect(parseSignedKey(`${owner.toString()}/a/b`).name).to.equal('a/b')
    expect(() => parseSignedKey('noslash')).to.throw(InvalidKeyError, /<owner peer id>\/<name>/)
    expect(() => parseSignedKey('notapeerid/x')).to.throw(InvalidKeyError, /not a peer id/)
    expect(() => parseSignedKey(`${owner.toString()}/`)).to.throw(InvalidKeyError, /name is empty/)
    expect(() => parseSignedKey(`${owner.toString()}/${'n'.repeat(201)}`)).to.throw(InvalidKeyError, /201 bytes/)
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1'))
    expect(() => parseSignedKey(`${secp.toString()}/x`)).to.throw(InvalidKeyError, /Ed25519/)
  })
})
