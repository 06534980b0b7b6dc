import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { KVS_RECORD_MEDIA_TYPE, KvRecord } from '../../../src/index.js'
import { call, followEvents, startApi } from '../../helpers/api.js'
import { OpenApiSpec } from '../../helpers/openapi.js'
import { startNetwork } from '../../helpers/peers.js'
import { signedRecord } from '../../helpers/records.js'
import type { ApiResponse } from '../../helpers/api.js'
import type { ApiServer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

describe('docs/openapi.json describes the server (real responses validated against it)', function () {
  let network: TestNetwork
  let api: ApiServer
  let spec: OpenApiSpec

  before(async () => {
    spec = await OpenApiSpec.load()
    network = await startNetwork(2)
    api = await startApi(network.peers[0])
  })
  after(async () => {
    await api?.close()
    await network?.stop()
  })

  async function check (method: string, path: string, body?: string | Uint8Array, headers?: Record<string, string>): Promise<ApiResponse> {
    const response = await call(method, `${api.url}${path}`, body, headers)
    spec.conforms(method, path.split('?')[0], response)
    return response
  }

  it('the kv endpoints, with each documented error', async () => {
    await check('PUT', '/api/v1/kv/spec-key?quorum=1', 'value')
    await check('GET', '/api/v1/kv/spec-key')
    await check('GET', '/api/v1/kv/never-stored')
    await check('PUT', `/api/v1/kv/${'x'.repeat(300)}`, 'v')
    await check('PUT', '/api/v1/kv/big', Buffer.alloc(70_000))
    await check('PUT', '/api/v1/kv/quorum?quorum=9', 'v')
  })

  it('the signed kvs endpoints, value and whole record, with each documented error', async () => {
    const self = network.peers[0].peerId.toString()
    const owner = await generateKeyPair('Ed25519')
    const ownerId = peerIdFromPrivateKey(owner).toString()
    const sign = async (name: string, seq: bigint): Promise<Uint8Array> => signedRecord(owner, name, 'v', seq)
    const record = { 'content-type': KVS_RECORD_MEDIA_TYPE }
    await check('PUT', `/api/v1/kvs/${self}/spec-name?quorum=1&ttl=600`, Buffer.from('value'))
    await check('GET', `/api/v1/kvs/${self}/spec-name`)
    const whole = await check('GET', `/api/v1/kvs/${self}/spec-name`, undefined, { accept: KVS_RECORD_MEDIA_TYPE })
    expect(whole.headers.get('content-type')).to.equal(KVS_RECORD_MEDIA_TYPE)
    await check('GET', `/api/v1/kvs/${self}/spec-name`, undefined, { 'if-none-match': whole.headers.get('etag') ?? '', accept: KVS_RECORD_MEDIA_TYPE })
    await check('GET', `/api/v1/kvs/${self}/never-stored`)
    await check('GET', '/api/v1/kvs/not-an-owner/name')
    await check('PUT', `/api/v1/kvs/${ownerId}/signed-elsewhere`, await sign('signed-elsewhere', 5n), record)
    await check('PUT', `/api/v1/kvs/${ownerId}/signed-elsewhere`, await sign('signed-elsewhere', 4n), record)
    await check('PUT', `/api/v1/kvs/${ownerId}/forged`, KvRecord.encode({ ...KvRecord.decode(await sign('forged', 1n)), seq: 2n }), record)
    await check('PUT', `/api/v1/kvs/${ownerId}/raw`, Buffer.from('v'))
    await check('PUT', `/api/v1/kvs/${self}/typed`, 'v', { 'content-type': 'text/plain' })
    await check('PUT', `/api/v1/kvs/${self}/${'n'.repeat(201)}`, Buffer.from('v'))
    await check('PUT', `/api/v1/kvs/${self}/big`, Buffer.alloc(70_000))
    await check('PUT', `/api/v1/kvs/${self}/quorum?quorum=9`, Buffer.from('v'))
    const template = '/api/v1/kvs/{owner}/{name}'
    for (const answer of ['PUT 201', 'PUT 400', 'PUT 403', 'PUT 409', 'PUT 413', 'PUT 415', 'PUT 422', 'PUT 503', 'GET 200', 'GET 304', 'GET 400', 'GET 404']) {
      const [method, status] = answer.split(' ')
      expect(spec.checked, answer).to.include(`${method} ${template} ${status}`)
    }
  })

  it('peer, routing table, records, metrics and the dashboard', async () => {
    await check('GET', '/api/v1/peer')
    await check('GET', '/api/v1/routing-table')
    await check('GET', '/api/v1/records?offset=0&limit=5')
    await check('GET', '/api/v1/records?limit=0')
    await network.peers[0].put('held here', new Uint8Array([1, 2, 3]))
    const held = await check('GET', `/api/v1/records/kv/${encodeURIComponent('held here')}`)
    expect(held.json).to.include({ key: '/kv/held here', valueBytes: 3 })
    await check('GET', '/api/v1/records/kv/not-held')
    await check('GET', `/api/v1/records/kv/${'x'.repeat(300)}`)
    await check('GET', '/metrics')
    await check('GET', '/')
  })

  it('the event stream and its events', async () => {
    const events = await followEvents(`${api.url}/api/v1/events`)
    try {
      expect(events.response.status).to.equal(200)
      expect(Object.keys(spec.spec.paths['/api/v1/events'].get.responses['200'].content)).to.include((events.response.headers.get('content-type') ?? '').split(';')[0])
      spec.checked.add('GET /api/v1/events 200')
      const put = events.next('put')
      await network.peers[0].put('evented', new Uint8Array([1]))
      expect(spec.validates('Event', await put)).to.equal(true)
    } finally {
      events.close()
    }
  })

  it("every documented operation of a peer was exercised (the network view's are, by the supervisor's test)", () => {
    const exercised = spec.exercised()
    for (const operation of spec.operations()) {
      expect(exercised, `${operation} exercised`).to.include(operation)
    }
  })
})
