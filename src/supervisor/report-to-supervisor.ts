import { isSupervisorMessage } from './messages.js'
import type { PeerMessage } from './messages.js'
import type { Peer } from '../peer/index.js'

/** Whether this process was forked with an IPC channel, i.e. by a supervisor. */
export function hasSupervisor (proc: NodeJS.Process = process): boolean {
  return typeof proc.send === 'function'
}

/**
 * The peer's side of the supervisor's IPC channel: reports the size of its
 * routing table (at once, then at every change) and, once it is ready, its
 * peer id and addresses; runs Kademlia's join again when asked to refresh its
 * routing table. A message that cannot be sent (the supervisor is gone) is
 * dropped; noticing that the channel closed is the caller's job
 * (`process.on('disconnect')`). `api`: the base URL of the peer's HTTP API,
 * reported with its readiness.
 */
export function reportToSupervisor (peer: Peer, proc: NodeJS.Process = process, { api }: { api?: string } = {}): void {
  const send = (message: PeerMessage): void => {
    if (proc.connected) {
      proc.send?.(message, undefined, undefined, () => {})
    }
  }
  const reportSize = (): void => { send({ type: 'routing-table', size: peer.routingTableSize }) }
  reportSize()
  peer.addEventListener('routing-table:add', reportSize)
  peer.addEventListener('routing-table:remove', reportSize)
  void peer.ready.then(() => {
    send({ type: 'ready', peerId: peer.peerId.toString(), addrs: peer.getMultiaddrs().map(String), ...(api == null ? {} : { api }) })
  })
  proc.on('message', (message: unknown) => {
    if (isSupervisorMessage(message)) {
      void peer.refreshRoutingTable().catch(() => {})
    }
  })
}
