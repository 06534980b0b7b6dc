import { resolveConfig } from '../config/index.js'
import { HttpError } from './errors.js'
import { httpErrorOf } from './http-errors.js'
import { closestPeers, keyKadIdOf, peerKadIdOf, ringPosition } from './keyspace.js'
import { MAX_QUORUM, OPERATION_TIMEOUT_MS } from './limits.js'
import { dashboardRoutes } from './routes/dashboard.js'
import { startHttpServer } from './server.js'
import type { ApiServer, HttpServerInit } from './server.js'
import type { Cluster, ClusterPeer } from '../supervisor/index.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Longest wait for a peer's own API when the network view asks it something (a put or get is bounded by OPERATION_TIMEOUT_MS there). */
const PEER_API_TIMEOUT_MS = OPERATION_TIMEOUT_MS + 5000

/** Options of `startNetworkApi`. */
export interface NetworkApiInit extends HttpServerInit {
  /** k, the number of closest peers a lookup lights up. @default config dht.kBucketSize */
  k?: number
}

/**
 * Serves the supervisor's view of its local network (`supervise --api`):
 * `GET /api/v1/network` (every peer: state, pid, restarts, routing table,
 * id, position on the keyspace ring), `GET /api/v1/network/lookup/{key}`
 * (the k closest peers of a key and which of them hold it),
 * `PUT|GET /api/v1/network/kv/{key}?peer=I` (through peer I's own API),
 * `POST /api/v1/network/peers/{i}/kill|restart` (what the console's
 * `kill` and `restart` do), and the network dashboard at `/`.
 *
 * The supervisor knows each peer's state, id and restarts; for what only a
 * peer knows (whether it holds a key, its records) it asks that peer's own
 * HTTP API, which the cluster starts on loopback (`ClusterInit.api`).
 */
export async function startNetworkApi (cluster: Cluster, init: NetworkApiInit): Promise<ApiServer> {
  const k = init.k ?? resolveConfig().dht.kBucketSize
  return startHttpServer(init, (app) => {
    networkRoutes(app, cluster, k)
    dashboardRoutes(app, 'network.html')
  })
}

function networkRoutes (app: FastifyInstance, cluster: Cluster, k: number): void {
  app.get('/api/v1/network', async () => ({
    k,
    peers: cluster.peers.map((peer) => ({
      index: peer.index,
      state: peer.state,
      pid: peer.pid ?? null,
      peerId: peer.peerId ?? null,
      addrs: peer.addrs,
      routingTableSize: peer.routingTableSize,
      restarts: peer.restarts,
      position: peer.peerId == null ? null : ringPosition(peerKadIdOf(peer.peerId))
    }))
  }))

  app.get('/api/v1/network/lookup/*', async (request) => {
    const key = keyOf(request)
    let target
    try {
      target = keyKadIdOf(key)
    } catch (err) {
      throw httpErrorOf(err as Error, false)
    }
    const known = cluster.peers.flatMap((peer) => peer.peerId == null ? [] : [{ peer, kadId: peerKadIdOf(peer.peerId) }])
    const closest = closestPeers(target, known, k)
    const holds = await Promise.all(closest.map(async ({ peer }) => holdsKey(peer, key)))
    return {
      key,
      position: ringPosition(target),
      closest: closest.map(({ peer }, rank) => ({ index: peer.index, peerId: peer.peerId, rank, state: peer.state, holds: holds[rank] }))
    }
  })

  const viaPeer = async (request: FastifyRequest<{ Querystring: { peer?: number } }>, reply: FastifyReply, method: 'GET' | 'PUT', query = ''): Promise<FastifyReply> => {
    const key = keyOf(request)
    const peer = request.query.peer == null ? cluster.peers.find((p) => p.api != null) : cluster.peers[request.query.peer]
    if (peer?.api == null) {
      throw new HttpError(503, 'NoPeer', request.query.peer == null ? 'no peer of the network is running' : `peer ${request.query.peer} is not running (or has no API)`)
    }
    const response = await peerApi(peer, `/api/v1/kv/${encodeURIComponent(key)}${query}`, { method, body: method === 'PUT' ? request.body as Buffer : undefined })
    for (const header of ['content-type', 'x-exper-seq', 'etag', 'x-exper-expires']) {
      const value = response.headers.get(header)
      if (value != null) reply.header(header, value)
    }
    return reply.code(response.status).header('x-exper-peer', String(peer.index)).send(Buffer.from(await response.arrayBuffer()))
  }
  const peerQuery = { type: 'object', properties: { peer: { type: 'integer', minimum: 0 }, quorum: { type: 'integer', minimum: 1, maximum: MAX_QUORUM } }, additionalProperties: false } as const
  app.put<{ Querystring: { peer?: number, quorum?: number } }>('/api/v1/network/kv/*', { schema: { querystring: peerQuery } }, async (request, reply) =>
    viaPeer(request, reply, 'PUT', request.query.quorum == null ? '' : `?quorum=${request.query.quorum}`))
  app.get<{ Querystring: { peer?: number } }>('/api/v1/network/kv/*', { schema: { querystring: { ...peerQuery, properties: { peer: peerQuery.properties.peer } } } }, async (request, reply) =>
    viaPeer(request, reply, 'GET'))

  app.post<{ Params: { index: string, action: string } }>('/api/v1/network/peers/:index/:action', async (request) => {
    const index = Number(request.params.index)
    if (!/^\d+$/.test(request.params.index) || cluster.peers[index] == null) {
      throw new HttpError(404, 'NoSuchPeer', `no peer ${request.params.index}: the network has peers 0 to ${cluster.peers.length - 1}`)
    }
    try {
      switch (request.params.action) {
        case 'kill': {
          // as the console's `kill I`: SIGKILL, as a crash would; the supervisor restarts it
          const exit = await cluster.kill(index)
          return { index, killed: true, code: exit.code, signal: exit.signal }
        }
        case 'restart': {
          // as the console's `restart I`: SIGTERM, then started again at once
          const peer = await cluster.restart(index)
          return { index, restarted: true, pid: peer.pid, peerId: peer.peerId }
        }
        default:
          throw new HttpError(404, 'NoSuchAction', `no action ${request.params.action}: use kill or restart`)
      }
    } catch (err) {
      throw err instanceof HttpError ? err : new HttpError(409, 'PeerNotRunning', `peer ${index}: ${(err as Error).message}`)
    }
  })
}

function keyOf (request: FastifyRequest): string {
  const key = (request.params as Record<string, string | undefined>)['*'] ?? ''
  if (key === '') throw new HttpError(400, 'InvalidKey', 'the key is empty')
  return key
}

/** Whether `peer` holds a live record for `key` (asked through its own API); null when it cannot tell (not running, no answer). */
async function holdsKey (peer: ClusterPeer, key: string): Promise<boolean | null> {
  if (peer.api == null) return null
  try {
    const response = await peerApi(peer, `/api/v1/records/kv/${encodeURIComponent(key)}`, { method: 'GET' })
    await response.body?.cancel()
    return response.status === 200 ? true : response.status === 404 ? false : null
  } catch {
    return null
  }
}

async function peerApi (peer: ClusterPeer, path: string, init: { method: string, body?: Buffer }): Promise<Response> {
  try {
    return await fetch(`${peer.api}${path}`, { ...init, signal: AbortSignal.timeout(PEER_API_TIMEOUT_MS) })
  } catch (err) {
    throw new HttpError(502, 'PeerUnreachable', `peer ${peer.index}'s API did not answer: ${(err as Error).message}`)
  }
}
