import { createHash } from 'node:crypto'

/** The Kademlia id of a key or a peer id's multihash: its SHA-256 digest. */
export function kadId (bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest()
}

/** The XOR distance of two Kademlia ids, as bytes (compare with `Buffer.compare`). */
export function xorDistance (a: Uint8Array, b: Uint8Array): Buffer {
  const distance = Buffer.allocUnsafe(a.byteLength)
  for (let i = 0; i < a.byteLength; i++) {
    distance[i] = a[i] ^ b[i]
  }
  return distance
}
