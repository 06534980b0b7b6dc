import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { HEADERS_TIMEOUT_MS, KVS_RECORD_MEDIA_TYPE, MAX_HEADER_BYTES } from '../../../src/index.js'
import { call, rawExchange, rawSocket, startApi } from '../../helpers/api.js'
import { startNetwork } from '../../helpers/peers.js'
import { signedRecord } from '../../helpers/records.js'
import type { ApiServer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

/** A deterministic pseudo-random generator, so a failing case can be rerun. */
function prng (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

describe('HTTP API under bad input (fuzzed; the server answers 4xx with a JSON reason and stays up)', function () {
  let network: TestNetwork
  let api: ApiServer

  before(async () => {
    network = await startNetwork(1)
    api = await startApi(network.peers[0])
  })
  after(async () => {
    await api?.close()
    await network?.stop()
  })

  async function stillUp (): Promise<void> {
    const { status, json } = await call('GET', `${api.url}/api/v1/peer`)
    expect(status).to.equal(200)
    expect(json.peerId).to.equal(network.peers[0].peerId.toString())
  }

  it('random keys, methods, query strings and bodies', async () => {
    const random = prng(22)
    const methods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']
    const statuses = new Set<number>()
    const pieces = ['%', '%zz', '%00', '%FF', '%C0%AF', '..', '/', '//', '?', '#', '~', 'ünï', '\u{1F600}', ' ', '%2F', '\\', '*', 'a'.repeat(300)]
    for (let i = 0; i < 200; i++) {
      const method = methods[Math.floor(random() * methods.length)]
      let key = ''
      const parts = Math.floor(random() * 4)
      for (let j = 0; j < parts; j++) key += pieces[Math.floor(random() * pieces.length)]
      const query = random() < 0.3 ? `?quorum=${['-1', '0', '1e3', 'x', '65', '', '1&quorum=2', '3.5'][Math.floor(random() * 8)]}` : random() < 0.1 ? '?unknown=1' : ''
      const body = method === 'GET' || method === 'HEAD' ? undefined : randomBytes(Math.floor(random() * 2048))
      const path = `/api/v1/kv/${encodeURI(key).replace(/%25/g, '%')}${query}`
      const response = await rawExchange(api.url, Buffer.concat([
        Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${body == null ? '' : `Content-Length: ${body.byteLength}\r\n`}\r\n`, 'latin1'),
        body ?? Buffer.alloc(0)
      ]))
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1])
      expect(status, `${method} ${path}:\n${response.slice(0, 400)}`).to.be.within(200, 499)
      statuses.add(status)
      if (status >= 400 && method !== 'HEAD') {
        const json = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))
        expect(json.error, `${method} ${path}`).to.be.a('string')
        expect(json.reason, `${method} ${path}`).to.be.a('string').and.not.equal('')
      }
    }
    // the cases reach the handlers (stored, found, not found) as well as the refusals
    expect([...statuses]).to.include.members([200, 201, 400, 404, 405])
    await stillUp()
  })

  it('the signed /kvs routes: random owners, names, media types and bodies (valid, mutated and garbage records)', async () => {
    const random = prng(20)
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
    const ownerKey = await generateKeyPair('Ed25519')
    const other = peerIdFromPrivateKey(ownerKey).toString()
    const self = network.peers[0].peerId.toString()
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
    const owners = [self, self, other, other, secp, 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N', '', 'x', self.slice(0, 51), `${self}a`, self.toLowerCase(), '%zz', 'z'.repeat(900)]
    const names = ['n', 'n', 'n', 'a/b', '', '%2F', 'ünï', '%00', '%FF', 'n'.repeat(200), 'n'.repeat(201), '..', '\\']
    const types = [undefined, 'application/octet-stream', KVS_RECORD_MEDIA_TYPE, `${KVS_RECORD_MEDIA_TYPE}; charset=x`, 'APPLICATION/VND.EXPER-DHT.KV-RECORD', 'text/plain', 'application/json', '', ';;', 'application/vnd.exper-dht.kv-recordx']
    const statuses = new Set<number>()
    for (let i = 0; i < 250; i++) {
      const method = pick(['GET', 'GET', 'PUT', 'PUT', 'PUT', 'DELETE', 'HEAD'])
      const owner = pick(owners)
      const name = pick(names)
      const type = method === 'PUT' ? pick(types) : undefined
      let body: Buffer | undefined
      if (method === 'PUT') {
        const record = Buffer.from(await signedRecord(ownerKey, 'n', randomBytes(Math.floor(random() * 64)), BigInt(i + 1)))
        const kind = random()
        if (kind < 0.4) body = record
        else if (kind < 0.7) {
          body = Buffer.from(record)
          body[Math.floor(random() * body.byteLength)] ^= 1 << Math.floor(random() * 8)
        } else body = randomBytes(Math.floor(random() * 512))
      }
      const accept = method === 'GET' && random() < 0.5 ? `Accept: ${pick([KVS_RECORD_MEDIA_TYPE, `${KVS_RECORD_MEDIA_TYPE};q=0`, '*/*', 'garbage;;q=x'])}\r\n` : ''
      const query = random() < 0.2 ? `?${pick(['quorum=0', 'quorum=1', 'ttl=0', 'ttl=5', 'ttl=-1', 'x=1', 'quorum=65'])}` : ''
      const path = `/api/v1/kvs/${encodeURI(`${owner}/${name}`).replace(/%25/g, '%')}${query}`
      const head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${type == null ? '' : `Content-Type: ${type}\r\n`}${accept}${body == null ? '' : `Content-Length: ${body.byteLength}\r\n`}\r\n`
      const response = await rawExchange(api.url, Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)]))
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1])
      expect(status, `${method} ${path} ${type ?? ''}:\n${response.slice(0, 400)}`).to.be.within(200, 499)
      statuses.add(status)
      if (status >= 400 && method !== 'HEAD') {
        const json = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))
        expect(json.error, `${method} ${path}`).to.be.a('string')
        expect(json.reason, `${method} ${path}`).to.be.a('string').and.not.equal('')
      }
    }
    // the cases reach every answer of the handlers, not only the refusals
    expect([...statuses]).to.include.members([200, 201, 400, 403, 404, 405, 415, 422])
    await stillUp()
  })

  it('malformed request lines and headers are answered 400 (or the connection closed), never a crash', async () => {
    const requests = [
      'GARBAGE\r\n\r\n',
      'GET\r\n\r\n',
      'GET /api/v1/peer HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
      'GET /api/v1/peer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
      'PUT /api/v1/kv/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'PUT /api/v1/kv/a HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'GET /api/v1/peer HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n',
      'GET /api/v1/peer HTTP/1.1\r\nHost: 127.0.0.1\r\nX: \u0000\r\n\r\n',
      `GET /api/v1/peer HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES + 10)}\r\n\r\n`,
      randomBytes(512).toString('latin1')
    ]
    for (const request of requests) {
      const response = await rawExchange(api.url, Buffer.from(request, 'latin1'))
      if (response !== '') {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1])
        expect(status, JSON.stringify(request.slice(0, 80))).to.be.within(400, 499)
      }
    }
    await stillUp()
  })

  it('a header over MAX_HEADER_BYTES gets 431', async () => {
    const response = await rawExchange(api.url, `GET /api/v1/peer HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES)}\r\nConnection: close\r\n\r\n`)
    expect(response).to.match(/^HTTP\/1\.1 431/)
  })

  it(`a client sending its head a byte at a time is cut off at HEADERS_TIMEOUT_MS (${HEADERS_TIMEOUT_MS} ms), and others are served meanwhile`, async function () {
    const socket = await rawSocket(api.url)
    const started = performance.now()
    const head = 'GET /api/v1/peer HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(1000)
    let sent = 0
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < head.length) socket.write(head[sent++])
    }, 200)
    try {
      const received: Buffer[] = []
      socket.on('data', (chunk: Buffer) => { received.push(chunk) })
      socket.on('error', () => {})
      await stillUp()
      await new Promise<void>((resolve) => { socket.once('close', () => { resolve() }) })
      const elapsed = performance.now() - started
      expect(elapsed).to.be.within(HEADERS_TIMEOUT_MS - 500, HEADERS_TIMEOUT_MS + 3000)
      const text = Buffer.concat(received).toString('latin1')
      expect(text === '' || text.startsWith('HTTP/1.1 408')).to.equal(true)
    } finally {
      clearInterval(drip)
      socket.destroy()
    }
    await stillUp()
  })

  it('a body that stops arriving is answered 408 at REQUEST_TIMEOUT_MS at the latest, and the value is not stored', async function () {
    const socket = await rawSocket(api.url)
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => { received.push(chunk) })
    socket.on('error', () => {})
    socket.write('PUT /api/v1/kv/half HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly-part')
    await new Promise<void>((resolve) => { socket.once('close', () => { resolve() }) })
    expect(Buffer.concat(received).toString('latin1')).to.match(/^HTTP\/1\.1 408/)
    expect(await network.peers[0].getLocal('half')).to.equal(undefined)
    await stillUp()
  })
})
