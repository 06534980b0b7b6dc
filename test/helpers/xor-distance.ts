import { kadId } from '../../src/kad/kad-id.js'
import type { PeerId } from '@libp2p/interface'

/** The XOR distance of two Kademlia ids as bytes: the reference the tests order peers by (with `Buffer.compare`). */
export function xorDistance (a: Uint8Array, b: Uint8Array): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ b[i]))
}

/** The ids (as strings) of the `count` peers of `peers` closest to the Kademlia id `target`, nearest first. */
export function closestTo (target: Uint8Array, peers: PeerId[], count: number): string[] {
  return peers.map((peer) => ({ peer, d: xorDistance(kadId(peer.toMultihash().bytes), target) }))
    .sort((a, b) => Buffer.compare(a.d, b.d)).slice(0, count).map(({ peer }) => peer.toString())
}
