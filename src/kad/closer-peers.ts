import { kadId } from './kad-id.js'
import type { AddressBook } from './address-book.js'
import type { PeerInfo } from './kad-message.js'
import type { RoutingTable } from './routing-table.js'
import type { PeerId } from '@libp2p/interface'

/** What the closer-peers part of a response needs. */
export interface CloserPeersContext {
  routingTable: RoutingTable
  addressBook: AddressBook
  /** How many peers a response lists (k). */
  k: number
}

/**
 * The `k` peers of the routing table closest to `key` (other than the
 * requester), with the addresses the address book holds for them; peers
 * without a known address are left out since nobody could dial them.
 */
export function closerPeers (context: CloserPeersContext, key: Uint8Array, requester: PeerId): PeerInfo[] {
  const peers: PeerInfo[] = []
  const requesterId = requester.toString()
  for (const peer of context.routingTable.closestPeers(kadId(key), context.k + 1)) {
    if (peers.length >= context.k || peer.toString() === requesterId) {
      continue
    }
    const addresses = context.addressBook.get(peer)
    if (addresses != null) {
      peers.push(addresses.info)
    }
  }
  return peers
}
