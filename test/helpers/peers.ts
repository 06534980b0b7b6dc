import { createPeer, createTestnet } from '../../src/index.js'
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

/** The library's `createTestnet` on loopback: `size` ephemeral peers, each created with `init`, all joined. */
export async function startNetwork (size: number, init: Omit<PeerInit, 'listen' | 'bootstrap' | 'dataDir'> = {}): Promise<TestNetwork> {
  return createTestnet(size, { ...init, host: '127.0.0.1' })
}

/** Stops every peer (in parallel). */
export async function stopPeers (peers: Peer[]): Promise<void> {
  await Promise.all(peers.map(async (peer) => peer.stop()))
}

/** Whether `peer`'s DHT routing table holds `other` (read through its public `getRoutingTable`). */
export function routingTableHas (peer: Peer, other: PeerId): boolean {
  return peer.getRoutingTable().some(({ peers }) => peers.some(({ peerId }) => peerId.equals(other)))
}
