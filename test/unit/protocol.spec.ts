import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { KvRequest, KvResponse } from '../../src/index.js'

const spec = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')
const text = (value: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(value)
const hexFrame = (body: Uint8Array): string => Buffer.concat([Buffer.of(body.byteLength), body]).toString('hex')

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
    ['STORAGE_FULL response', KvResponse.encode({ status: KvResponse.Status.STORAGE_FULL, value: new Uint8Array(), seq: 0n, replicas: 0, error: 'full', expires: 0n })]
  ]
  for (const [name, body] of examples) {
    it(name, () => {
      expect(spec).to.include(`\`${hexFrame(body)}\``)
    })
  }
})
