import { expect } from 'chai'
import { ApiTokenRequiredError, MAX_EVENT_CLIENTS, MAX_VALUE_BYTES, startPeerApi } from '../../../src/index.js'
import { call, followEvents, rawExchange, startApi } from '../../helpers/api.js'
import { startNetwork } from '../../helpers/peers.js'
import type { ApiServer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

describe('HTTP API of a peer (a real 3-peer network, the API on peer 0)', function () {
  let network: TestNetwork
  let api: ApiServer
  let url: string

  before(async () => {
    network = await startNetwork(3)
    api = await startApi(network.peers[0])
    url = api.url
  })
  after(async () => {
    await api?.close()
    await network?.stop()
  })

  it('listens on loopback and says where', () => {
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('PUT stores the raw body on the network (201 with key, replicas, seq); GET returns the bytes with X-Exper-Seq and ETag', async () => {
    const value = Buffer.from([0, 1, 2, 255, 0x7b])
    const put = await call('PUT', `${url}/api/v1/kv/${encodeURIComponent('dir/ké y')}?quorum=2`, value, { 'content-type': 'application/json' })
    expect(put.status).to.equal(201)
    expect(put.json.key).to.equal('dir/ké y')
    expect(put.json.replicas).to.be.at.least(2)
    expect(put.json.seq).to.be.a('number')
    // another peer of the network finds it
    const fromOther = await network.peers[2].get('dir/ké y')
    expect(Buffer.from(fromOther.value)).to.deep.equal(value)
    const get = await call('GET', `${url}/api/v1/kv/${encodeURIComponent('dir/ké y')}`)
    expect(get.status).to.equal(200)
    expect(get.bytes).to.deep.equal(value)
    expect(get.headers.get('content-type')).to.equal('application/octet-stream')
    expect(get.headers.get('x-exper-seq')).to.equal(String(put.json.seq))
    expect(get.headers.get('etag')).to.equal(`"${String(put.json.seq)}"`)
    const unchanged = await call('GET', `${url}/api/v1/kv/${encodeURIComponent('dir/ké y')}`, undefined, { 'if-none-match': `"${String(put.json.seq)}"` })
    expect(unchanged.status).to.equal(304)
  })

  it('GET of a value put through another peer reads it from the network', async () => {
    await network.peers[1].put('elsewhere', new TextEncoder().encode('over there'))
    const get = await call('GET', `${url}/api/v1/kv/elsewhere`)
    expect(get.status).to.equal(200)
    expect(get.bytes.toString()).to.equal('over there')
  })

  it('answers 404, 400, 413 and 503 with a JSON reason', async () => {
    const missing = await call('GET', `${url}/api/v1/kv/never-put`)
    expect(missing.status).to.equal(404)
    expect(missing.json).to.include({ error: 'NotFound' })
    expect(missing.json.reason).to.be.a('string').and.not.equal('')

    const longKey = await call('PUT', `${url}/api/v1/kv/${'k'.repeat(257)}`, 'v')
    expect(longKey.status).to.equal(400)
    expect(longKey.json.error).to.equal('InvalidKey')
    expect(longKey.json.reason).to.match(/256/)

    const empty = await call('GET', `${url}/api/v1/kv/`)
    expect(empty.status).to.equal(400)

    const badQuorum = await call('PUT', `${url}/api/v1/kv/q?quorum=0`, 'v')
    expect(badQuorum.status).to.equal(400)
    expect(badQuorum.json.reason).to.match(/quorum/)

    const tooLarge = await call('PUT', `${url}/api/v1/kv/big`, Buffer.alloc(MAX_VALUE_BYTES + 1))
    expect(tooLarge.status).to.equal(413)
    expect(tooLarge.json.error).to.equal('ValueTooLarge')
    const farTooLarge = await call('PUT', `${url}/api/v1/kv/big`, Buffer.alloc(4 * MAX_VALUE_BYTES))
    expect(farTooLarge.status).to.equal(413)
    expect(farTooLarge.json.error).to.equal('BodyTooLarge')

    const quorum = await call('PUT', `${url}/api/v1/kv/needs-ten?quorum=10`, 'v')
    expect(quorum.status).to.equal(503)
    expect(quorum.json).to.include({ error: 'QuorumFailed', quorum: 10 })
    expect(quorum.json.replicas).to.be.within(1, 3)

    const method = await call('DELETE', `${url}/api/v1/kv/x`)
    expect(method.status).to.equal(405)
    expect(method.json.error).to.equal('MethodNotAllowed')

    const route = await call('GET', `${url}/api/v2/nothing`)
    expect(route.status).to.equal(404)
    expect(route.json.error).to.equal('NotFound')
  })

  it('an empty body stores an empty value', async () => {
    const put = await call('PUT', `${url}/api/v1/kv/empty`)
    expect(put.status).to.equal(201)
    const get = await call('GET', `${url}/api/v1/kv/empty`)
    expect(get.status).to.equal(200)
    expect(get.bytes.byteLength).to.equal(0)
  })

  it('GET /api/v1/peer: id, addresses, uptime, routing table size, records and bytes held', async () => {
    const peer = network.peers[0]
    const { status, json } = await call('GET', `${url}/api/v1/peer`)
    expect(status).to.equal(200)
    expect(json.peerId).to.equal(peer.peerId.toString())
    expect(json.addrs).to.deep.equal(peer.getMultiaddrs().map(String))
    expect(json.uptimeMs).to.be.above(0)
    expect(json.routingTableSize).to.equal(peer.routingTableSize).and.equal(2)
    expect(json.records).to.equal(peer.holdings.records).and.be.above(0)
    expect(json.bytes).to.equal(peer.holdings.bytes).and.be.above(0)
    expect(json.connectedPeers).to.equal(2)
  })

  it('GET /api/v1/routing-table: buckets with their peers and last-seen', async () => {
    const { status, json } = await call('GET', `${url}/api/v1/routing-table`)
    expect(status).to.equal(200)
    const ids = json.buckets.flatMap((b: any) => b.peers.map((p: any) => p.peerId)).sort()
    expect(ids).to.deep.equal(network.peers.slice(1).map((p) => p.peerId.toString()).sort())
    for (const bucket of json.buckets) {
      for (const p of bucket.peers) {
        expect(p.lastSeen).to.be.within(Date.now() - 600_000, Date.now())
      }
    }
  })

  it('GET /api/v1/records pages the records held, without values', async () => {
    for (let i = 0; i < 5; i++) {
      await network.peers[0].put(`page-${i}`, new TextEncoder().encode(`v${i}`))
    }
    const all = await call('GET', `${url}/api/v1/records?limit=1000`)
    expect(all.status).to.equal(200)
    expect(all.json.total).to.equal(network.peers[0].holdings.records)
    const keys = all.json.records.map((r: any) => r.key)
    expect(keys).to.include.members(['/kv/page-0', '/kv/page-4'])
    expect(keys).to.deep.equal([...keys].sort())
    expect(all.json.records[0]).to.not.have.property('value')
    const page = await call('GET', `${url}/api/v1/records?offset=1&limit=2`)
    expect(page.json).to.include({ offset: 1, limit: 2, total: all.json.total })
    expect(page.json.records.map((r: any) => r.key)).to.deep.equal(keys.slice(1, 3))
    const bad = await call('GET', `${url}/api/v1/records?limit=100000`)
    expect(bad.status).to.equal(400)
    expect(bad.json.reason).to.match(/limit/)
  })

  it('GET /api/v1/events streams puts, gets and connections as Server-Sent Events', async () => {
    const events = await followEvents(`${url}/api/v1/events`)
    try {
      expect(events.response.headers.get('content-type')).to.match(/^text\/event-stream/)
      const put = events.next('put', (d) => d.key === 'evented')
      const get = events.next('get', (d) => d.key === 'evented')
      expect((await call('PUT', `${url}/api/v1/kv/evented`, 'x')).status).to.equal(201)
      expect((await call('GET', `${url}/api/v1/kv/evented`)).status).to.equal(200)
      const putData = await put
      expect(putData.replicas).to.be.at.least(1)
      expect(putData.durationMs).to.be.a('number')
      expect(putData.time).to.be.a('number')
      expect((await get).seq).to.equal(putData.seq)
      // a new peer connecting shows up
      const connect = events.next('peer:connect')
      const { createPeer } = await import('../../../src/index.js')
      const newcomer = await createPeer({ ephemeral: true, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [network.peers[0].getMultiaddrs()[0].toString()] })
      try {
        expect((await connect).peerId).to.equal(newcomer.peerId.toString())
      } finally {
        await newcomer.stop()
      }
    } finally {
      events.close()
    }
  })

  it(`refuses an event stream beyond MAX_EVENT_CLIENTS (${MAX_EVENT_CLIENTS}) with 503`, async () => {
    const open = await Promise.all(Array.from({ length: MAX_EVENT_CLIENTS }, async () => followEvents(`${url}/api/v1/events`)))
    try {
      const refused = await call('GET', `${url}/api/v1/events`)
      expect(refused.status).to.equal(503)
      expect(refused.json.error).to.equal('TooManyEventStreams')
    } finally {
      for (const stream of open) stream.close()
    }
  })

  it('GET /metrics: Prometheus text with operations, latency histograms, routing table and holdings', async () => {
    await call('GET', `${url}/api/v1/kv/never-put-either`)
    const { status, headers, bytes } = await call('GET', `${url}/metrics`)
    expect(status).to.equal(200)
    expect(headers.get('content-type')).to.match(/^text\/plain/)
    const text = bytes.toString()
    const sample = (line: RegExp): number => Number(new RegExp(`^${line.source} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
    expect(sample(/exper_dht_operations_total\{op="put",result="ok"\}/)).to.be.at.least(1)
    expect(sample(/exper_dht_operations_total\{op="get",result="not_found"\}/)).to.be.at.least(1)
    expect(sample(/exper_dht_operation_duration_seconds_count\{op="put",result="ok"\}/)).to.be.at.least(1)
    expect(sample(/exper_dht_routing_table_size/)).to.equal(network.peers[0].routingTableSize)
    expect(sample(/exper_dht_records_held/)).to.equal(network.peers[0].holdings.records)
    expect(sample(/exper_dht_record_bytes_held/)).to.equal(network.peers[0].holdings.bytes)
    expect(sample(/exper_dht_connected_peers/)).to.be.at.least(2)
    expect(text).to.match(/^exper_dht_kad_requests_total\{type="[A-Z_]+",result="ok"\} \d+/m)
  })

  it('kv requests of thin clients count by status in /metrics', async () => {
    const { KvClient } = await import('../../../src/index.js')
    const client = await KvClient.create()
    try {
      await client.store(network.peers[0].getMultiaddrs()[0], 'thin', new TextEncoder().encode('client'))
    } finally {
      await client.close()
    }
    const text = (await call('GET', `${url}/metrics`)).bytes.toString()
    expect(text).to.match(/^exper_dht_kv_requests_total\{type="STORE",status="OK"\} [1-9]/m)
  })
})

describe('HTTP API safety rules', function () {
  let network: TestNetwork

  before(async () => { network = await startNetwork(1) })
  after(async () => { await network?.stop() })

  it('with a token, every /api and /metrics request needs "Authorization: Bearer <token>"; the dashboard page loads without it', async () => {
    const token = 'a-long-enough-secret-token'
    const api = await startApi(network.peers[0], { token })
    try {
      for (const path of ['/api/v1/peer', '/api/v1/kv/x', '/metrics', '/api/v1/events', '/api/v1/nothing']) {
        const refused = await call('GET', `${api.url}${path}`)
        expect(refused.status, path).to.equal(401)
        expect(refused.json.error).to.equal('Unauthorized')
        expect(refused.headers.get('www-authenticate')).to.equal('Bearer')
        expect((await call('GET', `${api.url}${path}`, undefined, { authorization: `Bearer ${token}x` })).status).to.equal(401)
        expect((await call('GET', `${api.url}${path}`, undefined, { authorization: token })).status).to.equal(401)
      }
      expect((await call('GET', `${api.url}/api/v1/peer`, undefined, { authorization: `Bearer ${token}` })).status).to.equal(200)
      expect((await call('GET', `${api.url}/`)).status).to.equal(200)
    } finally {
      await api.close()
    }
  })

  it('refuses to listen beyond loopback without a token', async () => {
    let error: unknown
    try {
      await startPeerApi(network.peers[0], { listen: '/ip4/0.0.0.0/tcp/0' })
    } catch (err) {
      error = err
    }
    expect(error).to.be.instanceOf(ApiTokenRequiredError)
    expect((error as Error).message).to.match(/token/)
  })

  it('refuses a Host that is not this machine on a loopback API (DNS rebinding), and writes from pages of other origins (CSRF)', async () => {
    const api = await startApi(network.peers[0], { corsOrigins: ['http://allowed.test'] })
    const { port } = new URL(api.url)
    try {
      const rebound = await rawExchange(api.url, `GET /api/v1/peer HTTP/1.1\r\nHost: evil.test:${port}\r\nConnection: close\r\n\r\n`)
      expect(rebound).to.match(/^HTTP\/1\.1 403/)
      expect(rebound).to.match(/"error":"Forbidden".*not this machine/)
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        expect(await rawExchange(api.url, `GET /api/v1/peer HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), host).to.match(/^HTTP\/1\.1 200/)
      }
      const foreign = await call('PUT', `${api.url}/api/v1/kv/csrf`, 'v', { origin: 'http://evil.test' })
      expect(foreign.status).to.equal(403)
      expect(foreign.json.reason).to.match(/evil\.test/)
      expect(await network.peers[0].getLocal('csrf')).to.equal(undefined)
      expect((await call('PUT', `${api.url}/api/v1/kv/csrf`, 'v', { origin: api.url })).status).to.equal(201)
      expect((await call('PUT', `${api.url}/api/v1/kv/csrf`, 'v', { origin: 'http://allowed.test' })).status).to.equal(201)
      expect((await call('GET', `${api.url}/api/v1/peer`, undefined, { origin: 'http://evil.test' })).status).to.equal(200)
    } finally {
      await api.close()
    }
  })

  it('sends no CORS headers unless origins are configured, then only for those', async () => {
    const plain = await startApi(network.peers[0])
    try {
      const response = await call('GET', `${plain.url}/api/v1/peer`, undefined, { origin: 'http://example.test' })
      expect(response.headers.get('access-control-allow-origin')).to.equal(null)
    } finally {
      await plain.close()
    }
    const withCors = await startApi(network.peers[0], { corsOrigins: ['http://allowed.test'] })
    try {
      const allowed = await call('GET', `${withCors.url}/api/v1/peer`, undefined, { origin: 'http://allowed.test' })
      expect(allowed.headers.get('access-control-allow-origin')).to.equal('http://allowed.test')
      const other = await call('GET', `${withCors.url}/api/v1/peer`, undefined, { origin: 'http://other.test' })
      expect(other.headers.get('access-control-allow-origin')).to.equal(null)
    } finally {
      await withCors.close()
    }
  })
})
