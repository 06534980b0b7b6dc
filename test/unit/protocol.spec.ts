import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { KvRequest, KvResponse } from '../../src/index.js'

const spec = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')
const text = (value: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(value)
const hexFrame = (body: Uint8Array): string => Buffer.concat([Buffer.from(varint(body.byteLength)), body]).toString('hex')
const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/kvs-records.json', import.meta.url), 'utf8')) as { owners: Array<{ peerId: string }>, validation: Array<{ record: string }> }
/** The signed record of docs/records.md's example (the first case of the /kvs vectors) and its signed key. */
const signedRecord = Uint8Array.from(Buffer.from(vectors.validation[0].record, 'hex'))
const signedKey = `${vectors.owners[0].peerId}/greeting`

function varint (value: number): number[] {
  const out: number[] = []
  for (let rest = value; ; rest >>>= 7) {
    if (rest < 0x80) {
      out.push(rest)
      return out
    }
    out.push((rest & 0x7f) | 0x80)
  }
}

describe('docs/protocol.md examples match the codec', () => {
  const examples: Array<[string, Uint8Array]> = [
    ['STORE request', KvRequest.encode({ type: KvRequest.Type.STORE, key: 'greeting', value: text('hello'), quorum: 2 })],
    ['STORE response', KvResponse.encode({ status: KvResponse.Status.OK, value: new Uint8Array(), seq: 1764180000000n, replicas: 3, error: '' })],
    ['RETRIEVE request', KvRequest.encode({ type: KvRequest.Type.RETRIEVE, key: 'greeting', value: new Uint8Array(), quorum: 0 })],
    ['RETRIEVE response', KvResponse.encode({ status: KvResponse.Status.OK, value: text('hello'), seq: 1764180000000n, replicas: 0, error: '' })],
    ['NOT_FOUND response', KvResponse.encode({ status: KvResponse.Status.NOT_FOUND, value: new Uint8Array(), seq: 0n, replicas: 0, error: 'not found' })],
    ['QUORUM_FAILED response', KvResponse.encode({ status: KvResponse.Status.QUORUM_FAILED, value: new Uint8Array(), seq: 0n, replicas: 1, error: 'quorum' })],
    ['STORE request with a ttl', KvRequest.encode({ type: KvRequest.Type.STORE, key: 'greeting', value: text('hello'), quorum: 2, ttl: 3600 })],
    ['STORE response with expires', KvResponse.encode({ status: KvResponse.Status.OK, value: new Uint8Array(), seq: 1764180000000n, replicas: 3, error: '', expires: 1764352800000n })],
    ['RETRIEVE response with expires', KvResponse.encode({ status: KvResponse.Status.OK, value: text('hello'), seq: 1764180000000n, replicas: 0, error: '', expires: 1764352800000n })],
    ['STORAGE_FULL response', KvResponse.encode({ status: KvResponse.Status.STORAGE_FULL, value: new Uint8Array(), seq: 0n, replicas: 0, error: 'full', expires: 0n })],
    ['signed STORE request', KvRequest.encode({ type: KvRequest.Type.STORE, signedKey, record: signedRecord })],
    ['signed STORE response', KvResponse.encode({ status: KvResponse.Status.OK, seq: 1n, replicas: 3, expires: 1764352800000n })],
    ['signed RETRIEVE request', KvRequest.encode({ type: KvRequest.Type.RETRIEVE, signedKey })],
    ['signed RETRIEVE response', KvResponse.encode({ status: KvResponse.Status.OK, seq: 1n, expires: 1764352800000n, record: signedRecord })],
    ['INVALID_RECORD response', KvResponse.encode({ status: KvResponse.Status.INVALID_RECORD, error: 'signature' })]
  ]
  for (const [name, body] of examples) {
    it(name, () => {
      expect(spec).to.include(`\`${hexFrame(body)}\``)
    })
  }
})
