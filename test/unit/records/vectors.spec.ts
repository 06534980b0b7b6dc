import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import {
  MAX_CLOCK_SKEW_MS, MAX_KEY_BYTES, MAX_PUBLISHER_BYTES, MAX_TTL_MS, MAX_VALUE_BYTES, MIN_KEY_BYTES, KV_KEY_PREFIX, parseKvRecord, selectKvRecord, validateKvRecord
} from '../../../src/index.js'
import { expectVerdict } from '../../helpers/verdict.js'

interface Vectors {
  limits: { minKeyBytes: number, maxKeyBytes: number, maxValueBytes: number, maxPublisherBytes: number, keyPrefix: string, maxTtlMs: number, maxClockSkewMs: number }
  validation: Array<{ name: string, key: string, record: string, valid: boolean, why: string }>
  lifetime: Array<{ name: string, key: string, record: string, now: number, live: boolean, why: string }>
  selection: Array<{ name: string, key: string, records: string[], best: number, why: string }>
}

const vectors = JSON.parse(readFileSync(new URL('../../../../test/vectors/kv-records.json', import.meta.url), 'utf8')) as Vectors
const hex = (text: string): Uint8Array => uint8ArrayFromString(text, 'base16')

describe('test/vectors/kv-records.json', () => {
  it('states the limits the code enforces', () => {
    expect(vectors.limits).to.deep.equal({
      minKeyBytes: MIN_KEY_BYTES,
      maxKeyBytes: MAX_KEY_BYTES,
      maxValueBytes: MAX_VALUE_BYTES,
      maxPublisherBytes: MAX_PUBLISHER_BYTES,
      keyPrefix: KV_KEY_PREFIX,
      maxTtlMs: MAX_TTL_MS,
      maxClockSkewMs: MAX_CLOCK_SKEW_MS
    })
  })

  it('has both valid and invalid cases', () => {
    expect(vectors.validation.filter((c) => c.valid)).to.have.length.above(3)
    expect(vectors.validation.filter((c) => !c.valid)).to.have.length.above(3)
  })

  it('has both live and expired lifetime cases', () => {
    expect(vectors.lifetime.filter((c) => c.live)).to.have.length.above(2)
    expect(vectors.lifetime.filter((c) => !c.live)).to.have.length.above(2)
  })

  describe('validation (the format rules)', () => {
    for (const vector of vectors.validation) {
      it(`${vector.valid ? 'accepts' : 'rejects'}: ${vector.name}`, () => {
        expectVerdict(vector.valid, () => { parseKvRecord(hex(vector.key), hex(vector.record)) })
      })
    }
  })

  describe('lifetime (the whole validator, at the case\'s clock)', () => {
    for (const vector of vectors.lifetime) {
      it(`${vector.live ? 'accepts' : 'rejects'}: ${vector.name}`, () => {
        expect(() => { parseKvRecord(hex(vector.key), hex(vector.record)) }, 'valid by the format rules').not.to.throw()
        expectVerdict(vector.live, () => { validateKvRecord(hex(vector.key), hex(vector.record), vector.now) })
      })
    }
  })

  describe('selection', () => {
    for (const vector of vectors.selection) {
      it(`${vector.name} → index ${vector.best}`, () => {
        expect(selectKvRecord(hex(vector.key), vector.records.map(hex))).to.equal(vector.best)
      })
    }
  })
})
