import { HttpError } from '../errors.js'
import { httpErrorOf } from '../http-errors.js'
import { jsonSeq } from '../json.js'
import { DEFAULT_RECORDS_PAGE, MAX_RECORDS_PAGE } from '../limits.js'
import type { Peer } from '../../peer/index.js'
import type { FastifyInstance } from 'fastify'

/** `GET /api/v1/peer`, `GET /api/v1/routing-table` and `GET /api/v1/records`: what the peer is, knows and holds. */
export function peerRoutes (app: FastifyInstance, peer: Peer): void {
  app.get('/api/v1/peer', async () => {
    const holdings = peer.holdings
    return {
      peerId: peer.peerId.toString(),
      addrs: peer.getMultiaddrs().map(String),
      startedAt: peer.startedAt ?? null,
      uptimeMs: peer.startedAt == null ? 0 : Date.now() - peer.startedAt,
      clientMode: peer.config.dht.clientMode,
      k: peer.config.dht.kBucketSize,
      routingTableSize: peer.routingTableSize,
      connectedPeers: peer.connectedPeers,
      records: holdings.records,
      bytes: holdings.bytes,
      published: holdings.published
    }
  })

  app.get('/api/v1/routing-table', async () => ({
    peerId: peer.peerId.toString(),
    size: peer.routingTableSize,
    k: peer.config.dht.kBucketSize,
    buckets: peer.getRoutingTable().map(({ commonPrefixLength, peers }) => ({
      commonPrefixLength,
      peers: peers.map(({ peerId, lastSeen, failures }) => ({ peerId: peerId.toString(), lastSeen, failures }))
    }))
  }))

  app.get<{ Querystring: { offset: number, limit: number } }>('/api/v1/records', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          offset: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: MAX_RECORDS_PAGE, default: DEFAULT_RECORDS_PAGE }
        },
        additionalProperties: false
      }
    }
  }, async (request) => {
    const { offset, limit } = request.query
    const { total, records } = peer.listRecords({ offset, limit })
    return { total, offset, limit, records }
  })

  // this peer's own copy of a /kv record, without the network (the supervisor's view asks each of the closest peers)
  app.get('/api/v1/records/kv/*', async (request) => {
    const key = (request.params as Record<string, string | undefined>)['*'] ?? ''
    let record
    try {
      record = await peer.getLocal(key)
    } catch (err) {
      throw httpErrorOf(err as Error, false)
    }
    if (record == null) {
      throw new HttpError(404, 'NotHeld', `this peer holds no live record for "${key}"`)
    }
    return { key: `/kv/${key}`, seq: jsonSeq(record.seq), expires: Number(record.expires), valueBytes: record.value.byteLength }
  })
}
