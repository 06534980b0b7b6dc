import { createHash, randomBytes } from 'node:crypto'
import { PEER_KAD_ID_CACHE_SIZE } from './limits.js'

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

/**
 * The first 48 bits of the XOR distance of two Kademlia ids, as a number:
 * distances with different prefixes order as their numbers do; equal
 * prefixes are told apart by `compareDistances`.
 */
export function distancePrefix (a: Uint8Array, b: Uint8Array): number {
  return (a[0] ^ b[0]) * 0x10000000000 + (a[1] ^ b[1]) * 0x100000000 + (a[2] ^ b[2]) * 0x1000000 +
    (a[3] ^ b[3]) * 0x10000 + (a[4] ^ b[4]) * 0x100 + (a[5] ^ b[5])
}

/**
 * Orders the Kademlia ids `a` and `b` by their XOR distance to `target`
 * (negative when `a` is closer), given their `distancePrefix` to it: a
 * comparison of two numbers unless the first 48 bits tie.
 */
export function compareDistances (a: Uint8Array, prefixA: number, b: Uint8Array, prefixB: number, target: Uint8Array): number {
  if (prefixA !== prefixB) {
    return prefixA - prefixB
  }
  for (let i = 6; i < target.byteLength; i++) {
    const difference = (a[i] ^ target[i]) - (b[i] ^ target[i])
    if (difference !== 0) {
      return difference
    }
  }
  return 0
}

/** Leading bits two ids have in common (256 when equal). */
export function commonPrefixLength (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.byteLength; i++) {
    const x = a[i] ^ b[i]
    if (x !== 0) {
      return i * 8 + Math.clz32(x) - 24
    }
  }
  return a.byteLength * 8
}

/**
 * A random key whose Kademlia id shares exactly `cpl` leading bits with the
 * id `self` (a key in the range of bucket `cpl`): keys are drawn until one
 * fits, about 2^(cpl+1) of them.
 */
export function randomKeyInBucket (self: Uint8Array, cpl: number): Uint8Array {
  for (;;) {
    const key = randomBytes(32)
    if (commonPrefixLength(kadId(key), self) === cpl) {
      return key
    }
  }
}
