/**
 * The IPC messages between the supervisor and the `exper-dht start`
 * processes it forks (Node's JSON serialization over the fork channel).
 */

/** Child → supervisor: the peer is ready (its routing table holds a peer, or it runs alone). */
export interface ReadyMessage {
  type: 'ready'
  peerId: string
  /** Listen addresses, each ending in `/p2p/<peer id>`. */
  addrs: string[]
}

/** Supervisor → child: a request for the peer's status. */
export interface StatusRequest {
  type: 'status'
  /** Echoed in the response, to pair it with its request. */
  id: number
}

/** What a peer reports about itself. */
export interface PeerStatus {
  /** Peers in its DHT routing table. */
  routingTableSize: number
}

/** Child → supervisor: the answer to a `StatusRequest`. */
export interface StatusResponse extends PeerStatus {
  type: 'status'
  id: number
}

/** Any message a child sends. */
export type ChildMessage = ReadyMessage | StatusResponse

/** Any message the supervisor sends. */
export type SupervisorMessage = StatusRequest

/** Whether `value` is a message a child sends. */
export function isChildMessage (value: unknown): value is ChildMessage {
  if (typeof value !== 'object' || value === null) {
    return false
  }
  const message = value as Record<string, unknown>
  if (message.type === 'ready') {
    return typeof message.peerId === 'string' && Array.isArray(message.addrs) && message.addrs.every((addr) => typeof addr === 'string')
  }
  return message.type === 'status' && typeof message.id === 'number' && typeof message.routingTableSize === 'number'
}

/** Whether `value` is a message the supervisor sends. */
export function isSupervisorMessage (value: unknown): value is SupervisorMessage {
  return typeof value === 'object' && value !== null &&
    (value as Record<string, unknown>).type === 'status' && typeof (value as Record<string, unknown>).id === 'number'
}
