import { kadId } from './kad-id.js'
import type { RoutingTable } from './routing-table.js'
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

/** The parts of @libp2p/kad-dht's internals this workaround touches. */
interface KadDhtInternals {
  topologyListener: { stop(): Promise<void> }
  routingTable: {
    add(peer: PeerId): Promise<void>
    remove(peer: PeerId): Promise<void>
    kb: { _add?(peer: { peerId: PeerId, kadId: Uint8Array, lastPing: number }): Promise<void> }
  }
}

/**
 * Workaround for @libp2p/kad-dht 16, whose routing table pings every new
 * contact over a new stream before taking it, then re-tags its closest peers
 * in the peer store: about 27 ms of CPU per new connection (a first contact
 * cost 73 ms of CPU with it, 45 ms without). The fast path's own routing table already holds
 * exactly the peers that proved themselves (identify, answers), so this stops
 * @libp2p/kad-dht's connection listener and hands it those peers instead,
 * marked as just checked so that it does not ping them again. @libp2p/kad-dht
 * keeps a full routing table for what it still does (provider records,
 * libp2p's peer and content routing) at a fraction of the cost. If its
 * internals ever change shape, peers are added through its public (pinging)
 * `add` instead.
 */
export async function feedKadDhtRoutingTable (dht: KadDHT, ours: RoutingTable): Promise<void> {
  const internals = dht as unknown as KadDhtInternals
  await internals.topologyListener.stop()
  const table = internals.routingTable
  const add = (peer: PeerId): Promise<void> => table.kb._add != null
    ? table.kb._add({ peerId: peer, kadId: kadId(peer.toMultihash().bytes), lastPing: Date.now() })
    : table.add(peer)
  ours.addEventListener('peer:add', ({ detail }) => { add(detail).catch(() => {}) })
  ours.addEventListener('peer:remove', ({ detail }) => { table.remove(detail).catch(() => {}) })
}
