import type { Libp2p, Peer, PeerData } from '@libp2p/interface'

/** Peers whose stored record is remembered; beyond this many the memory starts afresh. */
const MAX_REMEMBERED_PEERS = 4096

/** How long a remembered record is trusted: far below the peer store's expiry of an unseen peer (6 h). */
const REMEMBERED_FOR_MS = 10 * 60_000

/**
 * Workaround for libp2p 3, whose every stream opened (both ways) merges its
 * protocol into the peer store: the peer's whole record is read, decoded,
 * re-encoded and written back — on disk, a LevelDB write — even when the
 * protocol is listed already, as it is for every stream after identify has
 * run. A kv request is a stream, so each one cost two such writes. This
 * remembers every peer's record as the peer store last announced it
 * (`peer:update`, which it dispatches on every change) and answers a merge of
 * protocols that are all listed from memory; any other update, and every
 * update of a peer not seen in the last `REMEMBERED_FOR_MS`, goes to the peer
 * store as before.
 * docs/deviations.md#no-peer-store-write-for-a-protocol-already-listed
 */
export function skipRedundantProtocolMerges (libp2p: Libp2p): void {
  const peerStore = libp2p.peerStore
  const remembered = new Map<string, { peer: Peer, at: number }>()
  libp2p.addEventListener('peer:update', ({ detail }) => {
    if (remembered.size >= MAX_REMEMBERED_PEERS) {
      remembered.clear()
    }
    remembered.set(detail.peer.id.toString(), { peer: detail.peer, at: Date.now() })
  })

  const merge = peerStore.merge.bind(peerStore)
  peerStore.merge = async (id, data, options) => {
    if (onlyProtocols(data)) {
      const known = remembered.get(id.toString())
      if (known != null && Date.now() - known.at < REMEMBERED_FOR_MS && data.protocols.every((protocol) => known.peer.protocols.includes(protocol))) {
        return known.peer
      }
    }
    return merge(id, data, options)
  }

  const remove = peerStore.delete.bind(peerStore)
  peerStore.delete = async (id, options) => {
    remembered.delete(id.toString())
    await remove(id, options)
  }
}

function onlyProtocols (data: PeerData): data is PeerData & { protocols: string[] } {
  for (const key in data) {
    if (key !== 'protocols' && data[key as keyof PeerData] !== undefined) {
      return false
    }
  }
  return data.protocols != null
}
