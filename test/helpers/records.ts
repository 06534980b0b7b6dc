import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { signRecord, toSignedDhtKey } from '../../src/index.js'
import type { PrivateKey } from '@libp2p/interface'

/** An `expires` an hour from now (or `ms` from now): a live record's end, for records tests build by hand. */
export function liveExpires (ms = 60 * 60 * 1000): bigint {
  return BigInt(Date.now() + ms)
}

/** The record of `/kvs/<owner's id>/<name>` holding `value`, signed by `owner`, ending `expires` (default: in ten minutes). */
export async function signedRecord (owner: PrivateKey, name: string, value: Uint8Array | string, seq: bigint, expires = Date.now() + 600_000): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value
  return signRecord(owner, toSignedDhtKey(peerIdFromPrivateKey(owner), name), { value: bytes, seq, expires: BigInt(expires) })
}
