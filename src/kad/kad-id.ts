import { createHash } from 'node:crypto'

/** Peer ids whose Kademlia id is remembered: they come back in every response. */
const PEER_KAD_ID_CACHE_SIZE = 8192

const peerKadIds = new Map<string, Uint8Array>()

/** The Kademlia id of a key or a peer id's multihash: its SHA-256 digest. */
export function kadId (bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest()
}

/** `kadId` of a peer id's multihash, remembered under `cacheKey` (any string unique to the peer). */
export function peerKadId (multihash: Uint8Array, cacheKey: string): Uint8Array {
  let id = peerKadIds.get(cacheKey)
  if (id == null) {
    id = kadId(multihash)
    if (peerKadIds.size >= PEER_KAD_ID_CACHE_SIZE) {
      peerKadIds.clear()
    }
    peerKadIds.set(cacheKey, id)
  }
  return id
}

/** The XOR distance of two Kademlia ids, as bytes (compare with `Buffer.compare`). */
export function xorDistance (a: Uint8Array, b: Uint8Array): Buffer {
  const distance = Buffer.allocUnsafe(a.byteLength)
  for (let i = 0; i < a.byteLength; i++) {
    distance[i] = a[i] ^ b[i]
  }
  return distance
}
