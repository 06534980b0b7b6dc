import { isSupervisorMessage } from './messages.js'
import type { ChildMessage } from './messages.js'
import type { Peer } from '../peer/index.js'

/** Whether this process was forked with an IPC channel, i.e. by a supervisor. */
export function hasSupervisor (proc: NodeJS.Process = process): boolean {
  return typeof proc.send === 'function'
}

/**
 * The child's side of the supervisor's IPC channel: sends `ready` (peer id
 * and addresses) once the peer is ready and answers status requests. A
 * message that cannot be sent (the supervisor is gone) is dropped; noticing
 * that the channel closed is the caller's job (`process.on('disconnect')`).
 */
export function reportToSupervisor (peer: Peer, proc: NodeJS.Process = process): void {
  const send = (message: ChildMessage): void => {
    if (proc.connected) {
      proc.send?.(message, undefined, undefined, () => {})
    }
  }
  void peer.ready.then(() => {
    send({ type: 'ready', peerId: peer.peerId.toString(), addrs: peer.getMultiaddrs().map(String) })
  })
  proc.on('message', (message: unknown) => {
    if (isSupervisorMessage(message)) {
      send({ type: 'status', id: message.id, routingTableSize: peer.routingTableSize })
    }
  })
}
