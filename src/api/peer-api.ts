import { EventFeed } from './event-feed.js'
import { registerPeerMetrics } from './metrics.js'
import { dashboardRoutes } from './routes/dashboard.js'
import { eventRoutes } from './routes/events.js'
import { kvRoutes } from './routes/kv.js'
import { kvsRoutes } from './routes/kvs.js'
import { metricsRoutes } from './routes/metrics.js'
import { peerRoutes } from './routes/peer.js'
import { startHttpServer } from './server.js'
import { Registry } from 'prom-client'
import type { ApiServer, HttpServerInit } from './server.js'
import type { Peer } from '../peer/index.js'

/** Options of `startPeerApi`. */
export interface PeerApiInit extends HttpServerInit {
  /** The registry `/metrics` serves; pass the one libp2p's metrics went into (`libp2pPrometheusMetrics`). @default a new one */
  registry?: Registry
}

/**
 * Serves a peer's HTTP API (docs/api.md): `/api/v1/kv/{key}`,
 * `/api/v1/kvs/{owner}/{name}`, `/api/v1/peer`,
 * `/api/v1/routing-table`, `/api/v1/records`, `/api/v1/events`, `/metrics`,
 * and the dashboard at `/`. A client of the library like the CLI: it uses the
 * peer's public methods and events only. Stop it before the peer.
 */
export async function startPeerApi (peer: Peer, init: PeerApiInit): Promise<ApiServer> {
  const registry = init.registry ?? new Registry()
  registerPeerMetrics(peer, registry)
  const feed = new EventFeed(peer)
  const server = await startHttpServer(init, (app) => {
    app.addHook('onClose', async () => { feed.stop() })
    kvRoutes(app, peer)
    kvsRoutes(app, peer, peer.peerId.toString())
    peerRoutes(app, peer)
    eventRoutes(app, feed)
    metricsRoutes(app, registry)
    dashboardRoutes(app, 'index.html')
  })
  return server
}
