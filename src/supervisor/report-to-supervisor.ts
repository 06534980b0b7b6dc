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
 * peer id and addresses; refreshes its routing table when asked. A message that cannot be sent (the supervisor is
 * gone) is dropped; noticing that the channel closed is the caller's job
 * (`process.on('disconnect')`).
 */
export function reportToSupervisor (peer: Peer, proc: NodeJS.Process = process): void {
  const send = (message: PeerMessage): void => {
    if (proc.connected) {
      proc.send?.(message, undefined, undefined, () => {})
    }
  }
  send({ type: 'routing-table', size: peer.routingTableSize })
  peer.addEventListener('routing:change', ({ detail }) => { send({ type: 'routing-table', size: detail }) })
  void peer.ready.then(() => {
    send({ type: 'ready', peerId: peer.peerId.toString(), addrs: peer.getMultiaddrs().map(String) })
  })
  proc.on('message', (message: unknown) => {
    if (isSupervisorMessage(message)) {
      void peer.libp2p.services.dht.refreshRoutingTable().catch(() => {})
    }
  })
}
