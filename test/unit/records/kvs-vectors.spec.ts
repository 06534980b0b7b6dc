import { readFileSync } from 'node:fs'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  KVS_KEY_PREFIX, KVS_SIGNATURE_DOMAIN, MAX_NAME_BYTES, MIN_NAME_BYTES, SIGNATURE_BYTES,
  parseSignedRecord, recordSelectors, recordValidators, selectKvRecord, signedBytes, validateSignedRecord
} from '../../../src/index.js'
import { kvsValidationCases } from '../../helpers/kvs-vectors.js'
import { expectVerdict } from '../../helpers/verdict.js'

interface Vectors {
  limits: { keyPrefix: string, minNameBytes: number, maxNameBytes: number, signatureBytes: number, signatureDomain: string }
  owners: Array<{ role: string, seed: string, peerId: string }>
  signed_bytes: Array<{ name: string, key: string, value: string, seq: string, expires: string, bytes: string }>
  validation: Array<{ name: string, key: string, record: string, valid: boolean, why: string }>
  lifetime: Array<{ name: string, key: string, record: string, now: number, live: boolean, why: string }>
  selection: Array<{ name: string, key: string, records: string[], best: number, why: string }>
}

const vectors = JSON.parse(readFileSync(new URL('../../../../test/vectors/kvs-records.json', import.meta.url), 'utf8')) as Vectors
const hex = (text: string): Uint8Array => uint8ArrayFromString(text, 'base16')

describe('test/vectors/kvs-records.json', () => {
  it('states the limits the code enforces', () => {
    expect(vectors.limits).to.deep.equal({
      keyPrefix: KVS_KEY_PREFIX,
      minNameBytes: MIN_NAME_BYTES,
      maxNameBytes: MAX_NAME_BYTES,
      signatureBytes: SIGNATURE_BYTES,
      signatureDomain: KVS_SIGNATURE_DOMAIN
    })
  })

  it('names the Ed25519 owners its seeds give', async () => {
    for (const owner of vectors.owners.filter(({ peerId }) => peerId.startsWith('12D3'))) {
      expect(peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', hex(owner.seed))).toString()).to.equal(owner.peerId)
    }
  })

  it('covers every threat the issue names', () => {
    const names = vectors.validation.map(({ name }) => name)
    for (const name of ['valid signed record', 'signature by another key', 'key of another owner', 'altered value', 'altered seq', 'altered expiry', 'truncated signature', 'non-Ed25519 owner (secp256k1)', 'signature for another name']) {
      expect(names).to.include(name)
    }
    expect(vectors.lifetime.filter((c) => c.live)).to.have.length.above(0)
    expect(vectors.lifetime.filter((c) => !c.live)).to.have.length.above(1)
  })

  describe('signed bytes', () => {
    for (const vector of vectors.signed_bytes) {
      it(vector.name, () => {
        const bytes = signedBytes(hex(vector.key), { value: hex(vector.value), seq: BigInt(vector.seq), expires: BigInt(vector.expires) })
        expect(uint8ArrayToString(bytes, 'base16')).to.equal(vector.bytes)
      })
    }
  })

  describe('validation (format and signature rules)', () => {
    for (const vector of vectors.validation) {
      it(`${vector.valid ? 'accepts' : 'rejects'}: ${vector.name}`, () => {
        expectVerdict(vector.valid, () => { parseSignedRecord(hex(vector.key), hex(vector.record)) })
      })
    }
  })

  it('validation cases are what kvsValidationCases builds at their expiry (the interop suite builds the same cases live)', async () => {
    const built = await kvsValidationCases(1764352800000n)
    expect(built.map((c) => ({ name: c.name, key: uint8ArrayToString(c.key, 'base16'), record: uint8ArrayToString(c.record, 'base16'), valid: c.valid, why: c.why })))
      .to.deep.equal(vectors.validation)
  })

  describe('lifetime (the whole validator, at the case\'s clock)', () => {
    for (const vector of vectors.lifetime) {
      it(`${vector.live ? 'accepts' : 'rejects'}: ${vector.name}`, () => {
        expect(() => { parseSignedRecord(hex(vector.key), hex(vector.record)) }).not.to.throw()
        expectVerdict(vector.live, () => { validateSignedRecord(hex(vector.key), hex(vector.record), vector.now) })
      })
    }
  })

  describe('selection', () => {
    for (const vector of vectors.selection) {
      it(`${vector.name} → index ${vector.best}`, () => {
        expect(selectKvRecord(hex(vector.key), vector.records.map(hex))).to.equal(vector.best)
        expect(recordSelectors.kvs(hex(vector.key), vector.records.map(hex))).to.equal(vector.best)
      })
    }
  })

  it('is the validator every peer runs for the kvs namespace', () => {
    const forged = vectors.validation.find(({ name }) => name === 'altered seq')!
    expect(() => recordValidators.kvs(hex(forged.key), hex(forged.record))).to.throw(/signature/)
  })
})
