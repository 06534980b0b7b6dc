import { kadId } from './kad-id.js'
import type { RoutingTable } from './routing-table.js'
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

/** The parts of @libp2p/kad-dht's internals this workaround touches. */
interface KadDhtInternals {
  topologyListener: { stop(): Promise<void> }
  querySelf?: { stop(): void }
  routingTableRefresh?: { stop(): Promise<void>, refreshTable(force?: boolean, options?: unknown): void }
  routingTable: {
    add(peer: PeerId): Promise<void>
    remove(peer: PeerId): Promise<void>
    kb: { _add?(peer: { peerId: PeerId, kadId: Uint8Array, lastPing: number }): Promise<void> }
  }
}

/**
 * Workaround for @libp2p/kad-dht 16, which keeps a routing table of its own:
 * it pings every new contact over a new stream before taking it, re-tags its
 * closest peers in the peer store, looks up its own id 1 s after starting and
 * every 5 minutes, and refreshes every bucket every 5 minutes — each lookup
 * dialing peers and pinging every contact it learns. Our fast path already
 * joins (src/peer) and holds exactly the peers that proved themselves
 * (identify, answers), so this stops @libp2p/kad-dht's connection listener,
 * its self-query and its periodic refresh (a forced `refreshRoutingTable()`
 * still runs), and hands it our peers instead, marked as just checked so that
 * it does not ping them. Measured: a first contact cost 73 ms of CPU with the
 * pings, 45 without; 50 peers joining in one process opened 749 connections
 * and had all joined after 15 s without its self-queries, 981 and 24 s with
 * them. @libp2p/kad-dht keeps a full routing table for what it still does
 * (provider records, libp2p's peer and content routing). If its internals ever
 * change shape, what is missing is left running and peers are added through
 * its public (pinging) `add`.
 */
export async function feedKadDhtRoutingTable (dht: KadDHT, ours: RoutingTable): Promise<void> {
  const internals = dht as unknown as KadDhtInternals
  await internals.topologyListener.stop()
  internals.querySelf?.stop()
  const refresh = internals.routingTableRefresh
  if (refresh != null) {
    await refresh.stop()
    const refreshTable = refresh.refreshTable
    refresh.refreshTable = (force, options) => { if (force === true) refreshTable(force, options) }
  }
  const table = internals.routingTable
  const add = (peer: PeerId): Promise<void> => table.kb._add != null
    ? table.kb._add({ peerId: peer, kadId: kadId(peer.toMultihash().bytes), lastPing: Date.now() })
    : table.add(peer)
  ours.addEventListener('peer:add', ({ detail }) => { add(detail).catch(() => {}) })
  ours.addEventListener('peer:remove', ({ detail }) => { table.remove(detail).catch(() => {}) })
}
