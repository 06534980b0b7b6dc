import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { KvRecord, MAX_CLOCK_SKEW_MS, MAX_TTL_MS, signRecord, signedBytes, toSignedDhtKey } from '../../../src/index.js'
import type { ValidationVector } from './vectors.js'
import type { PrivateKey } from '@libp2p/interface'

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)
const hour = 60 * 60 * 1000

/** A signed record's key as the DHT and as `exper-dht-go kad-put --key-hex` take it. */
function vector (name: string, key: Uint8Array<ArrayBuffer>, record: Uint8Array<ArrayBuffer>, valid: boolean): ValidationVector {
  return { name, key, keyHex: uint8ArrayToString(key, 'base16'), record, valid }
}

/**
 * Signed records for `owner`'s name `name`, made at the clock of this run
 * (the shared vectors' records have ended by now, so only their signature
 * could not refuse them): the owner's live record (valid), and each forgery
 * and alteration of docs/records.md's rules with a higher seq, live, so that
 * only the signature and key rules refuse it.
 */
export async function signedCasesNow (owner: PrivateKey, name: string): Promise<{ valid: ValidationVector, invalid: ValidationVector[] }> {
  const ownerId = peerIdFromPrivateKey(owner)
  const key = toSignedDhtKey(ownerId, name)
  const expires = BigInt(Date.now() + hour)
  const fields = { value: utf8('the owner\'s'), seq: 10n, expires }
  const genuine = await signRecord(owner, key, fields)
  const decoded = KvRecord.decode(genuine)
  const intruder = await generateKeyPair('Ed25519')
  const intruderKey = toSignedDhtKey(peerIdFromPrivateKey(intruder), name)
  const forged = { value: utf8('forged'), seq: 1000n, expires }
  const altered = (fieldsOf: Partial<KvRecord>): Uint8Array<ArrayBuffer> => KvRecord.encode({ ...decoded, ...fieldsOf })
  const other = toSignedDhtKey(ownerId, `${name}-other`)
  return {
    valid: vector('the owner\'s record', key, genuine, true),
    invalid: [
      vector('signed by another key, higher seq', key, KvRecord.encode({ ...forged, publisher: new Uint8Array(), signature: new Uint8Array(await intruder.sign(signedBytes(key, forged))) }), false),
      vector('the owner\'s record under another owner\'s key', intruderKey, genuine, false),
      vector('signed for another name', other, genuine, false),
      vector('altered value', key, altered({ value: utf8('altered') }), false),
      vector('altered seq', key, altered({ seq: 1000n }), false),
      vector('altered expiry', key, altered({ expires: expires + BigInt(hour) }), false),
      vector('truncated signature', key, altered({ signature: decoded.signature.subarray(0, 63) }), false),
      vector('no signature', key, altered({ signature: new Uint8Array() }), false),
      vector('expired, signed by the owner', key, await signRecord(owner, key, { ...fields, seq: 11n, expires: BigInt(Date.now() - hour) }), false),
      vector('past the longest lifetime, signed by the owner', key, await signRecord(owner, key, { ...fields, seq: 12n, expires: BigInt(Date.now() + MAX_TTL_MS + MAX_CLOCK_SKEW_MS + hour) }), false)
    ]
  }
}
