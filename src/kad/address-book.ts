import type { PeerInfo } from './kad-message.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** What the address book knows of one peer. */
export interface PeerAddresses {
  multiaddrs: Multiaddr[]
  /** The peer as a Kad `PeerInfo`, built once and shared by every response that lists it (read-only). */
  info: PeerInfo
  /** True when the peer reported them itself (identify), not a third party. */
  confirmed: boolean
}

/**
 * An in-memory map of peers' listen addresses, so that serving FIND_NODE and
 * dialing lookup candidates never waits on the peer store. What a peer says
 * of itself (identify) replaces what others said of it; the oldest entries
 * make way beyond `capacity`.
 */
export class AddressBook {
  private readonly entries = new Map<string, PeerAddresses>()

  constructor (private readonly capacity: number) {}

  /** Records `multiaddrs` for `peerId`; a third party's report never overrides the peer's own. */
  learn (peerId: PeerId, multiaddrs: Multiaddr[], confirmed: boolean): void {
    if (multiaddrs.length === 0) {
      return
    }
    const id = peerId.toString()
    const known = this.entries.get(id)
    if (known != null && known.confirmed && !confirmed) {
      return
    }
    this.entries.delete(id)
    const info = { id: peerId.toMultihash().bytes as Uint8Array<ArrayBuffer>, multiaddrs: multiaddrs.map((ma) => ma.bytes as Uint8Array<ArrayBuffer>) }
    this.entries.set(id, { multiaddrs, info, confirmed })
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value
      if (oldest != null) {
        this.entries.delete(oldest)
      }
    }
  }

  /** The addresses known for `peerId`. */
  get (peerId: PeerId): PeerAddresses | undefined {
    return this.entries.get(peerId.toString())
  }
}
