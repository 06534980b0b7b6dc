/**
 * The IPC messages between the supervisor and the peer processes it forks
 * (Node's JSON serialization over the fork channel). The supervisor stops a
 * peer with a signal, or by closing the channel, not with a message.
 */

/** The peer is ready (its routing table holds a peer, or it runs alone). */
export interface ReadyMessage {
  type: 'ready'
  peerId: string
  /** Listen addresses, each ending in `/p2p/<peer id>`. */
  addrs: string[]
  /** The base URL of its HTTP API, when it serves one (`start --api`). */
  api?: string
}

/** The size of the peer's DHT routing table: sent at once, then at every change. */
export interface RoutingTableMessage {
  type: 'routing-table'
  size: number
}

/** Any message a peer process sends. */
export type PeerMessage = ReadyMessage | RoutingTableMessage

/** Whether `value` is a message a peer process sends. */
export function isPeerMessage (value: unknown): value is PeerMessage {
  if (typeof value !== 'object' || value === null) {
    return false
  }
  const message = value as Record<string, unknown>
  if (message.type === 'ready') {
    return typeof message.peerId === 'string' && Array.isArray(message.addrs) && message.addrs.every((addr) => typeof addr === 'string') &&
      (message.api === undefined || typeof message.api === 'string')
  }
  return message.type === 'routing-table' && Number.isSafeInteger(message.size)
}

/**
 * Supervisor → peer: run Kademlia's join again (`Peer.refreshRoutingTable`),
 * to fill the routing table - for a peer that joined while the network was
 * still forming and knows too few others.
 */
export interface RefreshRoutingTableMessage {
  type: 'refresh-routing-table'
}

/** Any message the supervisor sends. */
export type SupervisorMessage = RefreshRoutingTableMessage

/** Whether `value` is a message the supervisor sends. */
export function isSupervisorMessage (value: unknown): value is SupervisorMessage {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).type === 'refresh-routing-table'
}
