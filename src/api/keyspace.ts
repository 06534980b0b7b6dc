import { peerIdFromString } from '@libp2p/peer-id'
import { kadId } from '../kad/kad-id.js'
import { toDhtKey } from '../records/index.js'

/** Where a Kademlia id sits on the keyspace drawn as a ring: its first 48 bits as a fraction of a turn, in [0, 1). */
export function ringPosition (id: Uint8Array): number {
  return (id[0] * 0x10000000000 + id[1] * 0x100000000 + id[2] * 0x1000000 + id[3] * 0x10000 + id[4] * 0x100 + id[5]) / 2 ** 48
}

/** The Kademlia id of a peer (SHA-256 of its multihash). */
export function peerKadIdOf (peerId: string): Uint8Array {
  return kadId(peerIdFromString(peerId).toMultihash().bytes)
}

/** The Kademlia id of a `/kv` user key (SHA-256 of `/kv/<key>`); throws an `InvalidKeyError` for a bad key. */
export function keyKadIdOf (key: string): Uint8Array {
  return kadId(toDhtKey(key))
}

/** -1, 0 or 1 as `a`'s XOR distance to `target` is smaller, equal or larger than `b`'s. */
export function compareDistance (target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < target.length; i++) {
    const da = a[i] ^ target[i]
    const db = b[i] ^ target[i]
    if (da !== db) return da < db ? -1 : 1
  }
  return 0
}

/** The `k` of `peers` closest to `target` by XOR distance, closest first. */
export function closestPeers<P extends { kadId: Uint8Array }> (target: Uint8Array, peers: P[], k: number): P[] {
  return [...peers].sort((a, b) => compareDistance(target, a.kadId, b.kadId)).slice(0, k)
}
