import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'

/** `count` fresh Ed25519 peer ids. */
export async function makePeerIds (count: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: count }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}
