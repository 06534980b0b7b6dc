import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { MAX_KEY_BYTES, MAX_PUBLISHER_BYTES, MAX_VALUE_BYTES, MIN_KEY_BYTES, KV_KEY_PREFIX, selectKvRecord, validateKvRecord } from '../../../src/index.js'

interface Vectors {
  limits: { minKeyBytes: number, maxKeyBytes: number, maxValueBytes: number, maxPublisherBytes: number, keyPrefix: string }
  validation: Array<{ name: string, key: string, record: string, valid: boolean, why: string }>
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
      keyPrefix: KV_KEY_PREFIX
    })
  })

  it('has both valid and invalid cases', () => {
    expect(vectors.validation.filter((c) => c.valid)).to.have.length.above(3)
    expect(vectors.validation.filter((c) => !c.valid)).to.have.length.above(3)
  })

  describe('validation', () => {
    for (const vector of vectors.validation) {
      it(`${vector.valid ? 'accepts' : 'rejects'}: ${vector.name}`, () => {
        const validate = (): void => { validateKvRecord(hex(vector.key), hex(vector.record)) }
        if (vector.valid) {
          expect(validate).not.to.throw()
        } else {
          expect(validate).to.throw(Error)
        }
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
