import { createPeer } from '../../src/index.js'
import type { Peer, PeerInit } from '../../src/index.js'
import type { PeerId } from '@libp2p/interface'

/** Tests listen on loopback only, on a port the OS picks. */
export const LOOPBACK_LISTEN = '/ip4/127.0.0.1/tcp/0'

/** Starts an in-process peer on 127.0.0.1 (ephemeral unless `dataDir` is given). */
export async function startPeer (init: PeerInit = {}): Promise<Peer> {
  return createPeer({ ephemeral: init.dataDir == null, listen: [LOOPBACK_LISTEN], ...init })
}

/** The first address of a peer, for others to bootstrap from. */
export function addressOf (peer: Peer): string {
  return peer.getMultiaddrs()[0].toString()
}

/** A set of in-process peers: peer 0 alone, the others bootstrapped from it. */
export interface TestNetwork {
  peers: Peer[]
  stop(): Promise<void>
}

/**
 * Starts `size` peers: peer 0 first, then the others in parallel, each
 * bootstrapping from peer 0; resolves once every peer has joined (ready, and
 * its join's lookups done), so tests start on a settled network.
 */
export async function startNetwork (size: number, init: PeerInit = {}): Promise<TestNetwork> {
  const first = await startPeer(init)
  const peers = [first]
  try {
    const others = await Promise.allSettled(
      Array.from({ length: size - 1 }, async () => startPeer({ ...init, bootstrap: [addressOf(first)] }))
    )
    for (const result of others) {
      if (result.status === 'fulfilled') {
        peers.push(result.value)
      }
    }
    const failed = others.find((result) => result.status === 'rejected')
    if (failed != null) {
      throw failed.reason
    }
    await Promise.all(peers.map(async (peer) => peer.joined))
  } catch (err) {
    await stopPeers(peers)
    throw err
  }
  return { peers, stop: async () => { await stopPeers(peers) } }
}

/** Stops every peer (in parallel). */
export async function stopPeers (peers: Peer[]): Promise<void> {
  await Promise.all(peers.map(async (peer) => peer.stop()))
}

/** Whether `peer`'s DHT routing table holds `other` (read through its public `getRoutingTable`). */
export function routingTableHas (peer: Peer, other: PeerId): boolean {
  return peer.getRoutingTable().some(({ peers }) => peers.some(({ peerId }) => peerId.equals(other)))
}
