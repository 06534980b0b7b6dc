/** The XOR distance of two Kademlia ids as bytes: the reference the tests order peers by (with `Buffer.compare`). */
export function xorDistance (a: Uint8Array, b: Uint8Array): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ b[i]))
}
