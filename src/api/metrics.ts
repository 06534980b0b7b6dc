import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Peer } from '../peer/index.js'

/** Latency buckets of puts, gets and requests served, in seconds: 1 ms to 30 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/**
 * libp2p's own metrics (connections, streams, bytes by protocol, dials, and
 * Node's process metrics) into `registry`, for `createPeer({ libp2pMetrics })`.
 * @libp2p/prometheus-metrics keeps its metric objects in one module-wide map,
 * so one peer per process gets them (the CLI's case).
 */
export function libp2pPrometheusMetrics (registry: Registry): ReturnType<typeof prometheusMetrics> {
  return prometheusMetrics({ registry })
}

/**
 * A peer's operations as Prometheus metrics in `registry`, fed from its
 * events (`PeerEvents`): counters and latency histograms of puts, gets, Kad
 * requests by type and kv requests by status, and gauges of the routing
 * table, the records held and the connections, read at each scrape.
 */
export function registerPeerMetrics (peer: Peer, registry: Registry): void {
  const registers = [registry]
  const ops = new Counter({ name: 'exper_dht_operations_total', help: 'Puts and gets through this peer (the library, the API and kv STORE/RETRIEVE), by result', labelNames: ['op', 'result'], registers })
  const opLatency = new Histogram({ name: 'exper_dht_operation_duration_seconds', help: 'Duration of puts and gets through this peer, by result', labelNames: ['op', 'result'], buckets: LATENCY_BUCKETS, registers })
  const kad = new Counter({ name: 'exper_dht_kad_requests_total', help: 'Kad requests from other peers, by message type and result', labelNames: ['type', 'result'], registers })
  const kadLatency = new Histogram({ name: 'exper_dht_kad_request_duration_seconds', help: 'Time to answer a Kad request, by message type', labelNames: ['type'], buckets: LATENCY_BUCKETS, registers })
  const kv = new Counter({ name: 'exper_dht_kv_requests_total', help: 'Store/retrieve protocol requests, by type and status', labelNames: ['type', 'status'], registers })
  const kvLatency = new Histogram({ name: 'exper_dht_kv_request_duration_seconds', help: 'Time to answer a store/retrieve protocol request, by type', labelNames: ['type'], buckets: LATENCY_BUCKETS, registers })
  const replicated = new Counter({ name: 'exper_dht_replication_copies_total', help: 'Record copies sent by replication rounds, by trigger and outcome', labelNames: ['trigger', 'outcome'], registers })
  const rounds = new Counter({ name: 'exper_dht_replication_rounds_total', help: 'Replication rounds, by trigger', labelNames: ['trigger'], registers })
  const republished = new Counter({ name: 'exper_dht_republished_records_total', help: 'Records this peer published and put again', registers })
  const expired = new Counter({ name: 'exper_dht_expired_records_total', help: 'Expired records deleted', registers })
  const writeBacks = new Counter({ name: 'exper_dht_write_back_copies_total', help: 'Copies of the best record written back after gets, by outcome', labelNames: ['outcome'], registers })
  const refreshes = new Counter({ name: 'exper_dht_refreshes_total', help: 'Routing table refreshes ended', registers })
  const jobFailures = new Counter({ name: 'exper_dht_job_failures_total', help: 'Periodic jobs that failed, by job', labelNames: ['job'], registers })
  const connectionEvents = new Counter({ name: 'exper_dht_peer_connections_total', help: 'Peers connected to and disconnected from', labelNames: ['event'], registers })
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers, collect () { this.set(read()) } })
  }
  gauge('exper_dht_routing_table_size', 'Peers in the DHT routing table', () => peer.routingTableSize)
  gauge('exper_dht_records_held', 'Live and not yet swept records held', () => peer.holdings.records)
  gauge('exper_dht_record_bytes_held', 'Bytes of records held, as counted against records.maxBytes', () => peer.holdings.bytes)
  gauge('exper_dht_records_published', 'Records this peer published (and republishes)', () => peer.holdings.published)
  gauge('exper_dht_connected_peers', 'Peers this peer has a connection to', () => peer.connectedPeers)
  gauge('exper_dht_uptime_seconds', 'Seconds since the peer started', () => peer.startedAt == null ? 0 : (Date.now() - peer.startedAt) / 1000)

  const operation = (op: 'put' | 'get') => ({ detail }: CustomEvent<{ durationMs: number, error?: Error }>): void => {
    const result = detail.error == null ? 'ok' : errorLabel(detail.error)
    ops.inc({ op, result })
    opLatency.observe({ op, result }, detail.durationMs / 1000)
  }
  peer.addEventListener('put', operation('put'))
  peer.addEventListener('get', operation('get'))
  peer.addEventListener('kad:request', ({ detail }) => {
    kad.inc({ type: detail.type, result: detail.error == null ? 'ok' : 'refused' })
    kadLatency.observe({ type: detail.type }, detail.durationMs / 1000)
  })
  peer.addEventListener('kv:request', ({ detail }) => {
    kv.inc({ type: detail.type, status: String(detail.status) })
    kvLatency.observe({ type: detail.type }, detail.durationMs / 1000)
  })
  peer.addEventListener('replicated', ({ detail }) => {
    rounds.inc({ trigger: detail.trigger })
    replicated.inc({ trigger: detail.trigger, outcome: 'stored' }, detail.stored)
    replicated.inc({ trigger: detail.trigger, outcome: 'not_stored' }, detail.messages - detail.stored)
  })
  peer.addEventListener('republished', ({ detail }) => { republished.inc(detail.republished) })
  peer.addEventListener('expired', ({ detail }) => { expired.inc(detail.removed) })
  peer.addEventListener('write-back', ({ detail }) => {
    writeBacks.inc({ outcome: 'stored' }, detail.stored)
    writeBacks.inc({ outcome: 'not_stored' }, detail.peers - detail.stored)
  })
  peer.addEventListener('refreshed', () => { refreshes.inc() })
  peer.addEventListener('job:failed', ({ detail }) => { jobFailures.inc({ job: detail.job }) })
  peer.addEventListener('peer:connect', () => { connectionEvents.inc({ event: 'connect' }) })
  peer.addEventListener('peer:disconnect', () => { connectionEvents.inc({ event: 'disconnect' }) })
}

/** A metric label for a failed operation: its error's name in snake case (`NotFoundError` → `not_found`). */
function errorLabel (error: Error): string {
  return error.name.replace(/Error$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() || 'error'
}

export { Registry }
