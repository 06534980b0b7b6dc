import { expect } from 'chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  InvalidKeyError, InvalidRecordError, ValueTooLargeError, MAX_VALUE_BYTES, MAX_SEQ,
  compareKvRecords, decodeKvRecord, encodeKvRecord, fromDhtKey, selectKvRecord, toDhtKey, recordValidators, recordSelectors
} from '../../../src/index.js'
import type { KvRecordFields } from '../../../src/index.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('records', () => {
  describe('keys', () => {
    it('maps a user key to /kv/<key> and back', () => {
      expect(uint8ArrayToString(toDhtKey('hello'))).to.equal('/kv/hello')
      expect(fromDhtKey(toDhtKey('ключ'))).to.equal('ключ')
    })

    it('rejects empty, oversized and malformed keys with a reason', () => {
      expect(() => toDhtKey('')).to.throw(InvalidKeyError, /empty/)
      expect(() => toDhtKey('é'.repeat(129))).to.throw(InvalidKeyError, /258 bytes/)
      expect(() => toDhtKey('\uD800')).to.throw(InvalidKeyError, /UTF-8/)
      expect(() => fromDhtKey(bytes('/pk/abc'))).to.throw(InvalidKeyError, /\/kv\//)
    })
  })

  describe('codec', () => {
    it('round-trips a record', () => {
      const record = { value: bytes('v'), seq: MAX_SEQ, publisher: bytes('p'), expires: MAX_SEQ }
      const decoded = decodeKvRecord(encodeKvRecord(record))
      expect(decoded.seq).to.equal(MAX_SEQ)
      expect(uint8ArrayToString(decoded.value)).to.equal('v')
    })

    it('refuses to encode a value over 64 KiB', () => {
      expect(() => encodeKvRecord({ value: new Uint8Array(MAX_VALUE_BYTES + 1), seq: 1n, publisher: new Uint8Array(), expires: 0n }))
        .to.throw(ValueTooLargeError, /65537 bytes/)
    })

    it('rejects bytes that are not a KvRecord', () => {
      expect(() => decodeKvRecord(Uint8Array.of(0xff, 0xff, 0xff))).to.throw(InvalidRecordError)
    })
  })

  describe('selection', () => {
    it('orders by seq, then value, then publisher', () => {
      const record = (value: string, seq: bigint, publisher = 'a'): KvRecordFields =>
        ({ value: bytes(value), seq, publisher: bytes(publisher), expires: 0n })
      expect(compareKvRecords(record('a', 2n), record('z', 1n))).to.be.above(0)
      expect(compareKvRecords(record('a', 1n), record('b', 1n))).to.be.below(0)
      expect(compareKvRecords(record('a', 1n, 'b'), record('a', 1n, 'a'))).to.be.above(0)
      expect(compareKvRecords(record('a', 1n), record('a', 1n))).to.equal(0)
    })

    it('throws when no record is valid', () => {
      expect(() => selectKvRecord(toDhtKey('k'), [Uint8Array.of(0xff)])).to.throw(InvalidRecordError)
    })
  })

  it('registers the kv and kvs namespaces with the DHT', () => {
    expect(Object.keys(recordValidators)).to.deep.equal(['kv', 'kvs'])
    expect(Object.keys(recordSelectors)).to.deep.equal(['kv', 'kvs'])
  })
})
