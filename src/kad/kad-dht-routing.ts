import { KadDhtInternalsError } from '../errors.js'
import { kadId } from './kad-id.js'
import type { RoutingTable } from './routing-table.js'
import type { FallbackHandler } from './rpc-server.js'
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

/**
 * Every reach of this package into @libp2p/kad-dht's internals (version 16)
 * is in this file, and `checkKadDhtInternals` checks their shapes once, when
 * a peer is created:
 * - `rpc.handleMessage`, the handler that answers ADD_PROVIDER and
 *   GET_PROVIDERS (our Kad server hands those to it): nothing can stand in
 *   for it, so without it the check throws a `KadDhtInternalsError`;
 * - `routingTable.add` / `remove`, the table we feed: required as well;
 * - `routingTable.kb._add` (adds without pinging), `topologyListener.stop`,
 *   `querySelf.stop`, `routingTableRefresh.stop` / `refreshTable`: the
 *   workaround below degrades without each, leaving running what it cannot
 *   stop and adding peers through the pinging `add`, and says so in
 *   `degraded`.
 */
export interface KadDhtInternals {
  /** @libp2p/kad-dht's RPC handler (`dht.rpc`). */
  rpc: FallbackHandler
  routingTable: {
    add(peer: PeerId): Promise<void>
    remove(peer: PeerId): Promise<void>
  }
  /** Adds a peer to @libp2p/kad-dht's k-buckets without pinging it (`routingTable.kb._add`, bound). */
  addWithoutPing?: (peer: { peerId: PeerId, kadId: Uint8Array, lastPing: number }) => Promise<void>
  topologyListener?: { stop(): Promise<void> }
  querySelf?: { stop(): void }
  routingTableRefresh?: { stop(): Promise<void>, refreshTable(force?: boolean, options?: unknown): void }
  /** What the workaround cannot do with this version, and what is left running instead. */
  degraded: string[]
}

/** Whether `value[name]` is a function. */
function hasMethod (value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function'
}

/**
 * Checks the shapes of @libp2p/kad-dht's internals this package relies on
 * (see `KadDhtInternals`). Throws a `KadDhtInternalsError` when `rpc` or the
 * routing table is missing or changed; lists in `degraded` what the routing
 * workaround will have to leave running.
 */
export function checkKadDhtInternals (dht: KadDHT): KadDhtInternals {
  const internals = dht as unknown as Record<string, unknown>
  const rpc = internals.rpc
  if (!hasMethod(rpc, 'handleMessage')) {
    throw new KadDhtInternalsError('@libp2p/kad-dht has no `rpc.handleMessage` (its internals changed shape in this version): ADD_PROVIDER and GET_PROVIDERS could not be answered. exper-dht supports @libp2p/kad-dht 16')
  }
  const routingTable = internals.routingTable
  if (!hasMethod(routingTable, 'add') || !hasMethod(routingTable, 'remove')) {
    throw new KadDhtInternalsError('@libp2p/kad-dht has no `routingTable.add` / `remove` (its internals changed shape in this version): its routing table could not be fed. exper-dht supports @libp2p/kad-dht 16')
  }
  const checked: KadDhtInternals = { rpc: rpc as FallbackHandler, routingTable: routingTable as KadDhtInternals['routingTable'], degraded: [] }
  const kb = (routingTable as Record<string, unknown>).kb
  if (hasMethod(kb, '_add')) {
    const kbAdd = (kb as { _add: NonNullable<KadDhtInternals['addWithoutPing']> })._add
    checked.addWithoutPing = async (peer) => { await kbAdd.call(kb, peer) }
  } else {
    checked.degraded.push('no `routingTable.kb._add`: peers are added through `routingTable.add`, which pings them')
  }
  if (hasMethod(internals.topologyListener, 'stop')) {
    checked.topologyListener = internals.topologyListener as KadDhtInternals['topologyListener']
  } else {
    checked.degraded.push('no `topologyListener.stop`: its connection listener (a ping per new contact) is left running')
  }
  if (internals.querySelf != null) {
    if (hasMethod(internals.querySelf, 'stop')) {
      checked.querySelf = internals.querySelf as KadDhtInternals['querySelf']
    } else {
      checked.degraded.push('no `querySelf.stop`: its self-query is left running')
    }
  }
  const refresh = internals.routingTableRefresh
  if (refresh != null) {
    if (hasMethod(refresh, 'stop') && hasMethod(refresh, 'refreshTable')) {
      checked.routingTableRefresh = refresh as KadDhtInternals['routingTableRefresh']
    } else {
      checked.degraded.push('no `routingTableRefresh.stop` / `refreshTable`: its periodic bucket refresh is left running')
    }
  }
  return checked
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
 * it does not ping them (docs/deviations.md#libp2pkad-dhts-routing-table-is-fed-not-pinged).
 * @libp2p/kad-dht keeps a full routing table for what it still does
 * (provider records, libp2p's peer and content routing). If its internals ever
 * change shape, what is missing is left running and peers are added through
 * its (pinging) `add` (`checkKadDhtInternals` lists it in `degraded`).
 */
export async function feedKadDhtRoutingTable (internals: KadDhtInternals, ours: RoutingTable): Promise<void> {
  await internals.topologyListener?.stop()
  internals.querySelf?.stop()
  const refresh = internals.routingTableRefresh
  if (refresh != null) {
    await refresh.stop()
    const refreshTable = refresh.refreshTable
    refresh.refreshTable = (force, options) => { if (force === true) refreshTable(force, options) }
  }
  const { routingTable: table, addWithoutPing } = internals
  const add = (peer: PeerId): Promise<void> => addWithoutPing != null
    ? addWithoutPing({ peerId: peer, kadId: kadId(peer.toMultihash().bytes), lastPing: Date.now() })
    : table.add(peer)
  ours.addEventListener('peer:add', ({ detail }) => { add(detail).catch(() => {}) })
  ours.addEventListener('peer:remove', ({ detail }) => { table.remove(detail).catch(() => {}) })
}
