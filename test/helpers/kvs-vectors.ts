import { generateKeyPairFromSeed, privateKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import { concat as uint8ArrayConcat } from 'uint8arrays/concat'
import { KVS_KEY_PREFIX, KvRecord, MAX_NAME_BYTES, MIN_NAME_BYTES, SIGNATURE_BYTES, signRecord, signedBytes } from '../../src/index.js'
import type { PrivateKey } from '@libp2p/interface'

/** A validation case of the `/kvs` vectors: a DHT key, a record, and whether the format and signature rules accept it. */
export interface KvsValidationCase {
  name: string
  key: Uint8Array<ArrayBuffer>
  record: Uint8Array<ArrayBuffer>
  valid: boolean
  why: string
}

/** What an owner signs, with the value's buffer typed as KvRecord's. */
interface Fields { value: Uint8Array<ArrayBuffer>, seq: bigint, expires: bigint }

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)
const seed = (byte: number): Uint8Array => new Uint8Array(32).fill(byte)

/** The fixed identities of the vectors: the owner (seed 32 × 01), another Ed25519 key (02) and a secp256k1 key (03). */
export async function kvsVectorKeys (): Promise<{ owner: PrivateKey, other: PrivateKey, secp: PrivateKey }> {
  return {
    owner: await generateKeyPairFromSeed('Ed25519', seed(1)),
    other: await generateKeyPairFromSeed('Ed25519', seed(2)),
    secp: privateKeyFromRaw(seed(3))
  }
}

/**
 * The validation cases of test/vectors/kvs-records.json, built for records
 * that end at `expires` (Unix ms): with the file's 1764352800000 they are the
 * file's cases byte for byte (scripts/generate-kvs-vectors.mjs writes them,
 * a unit test compares them); with an `expires` an hour from now they are
 * the same cases live, so that a peer that refuses one refuses it for the
 * rule the case exercises, not because it has ended.
 */
export async function kvsValidationCases (expires: bigint): Promise<KvsValidationCase[]> {
  const { owner: ownerKey, other: otherKey, secp: secpKey } = await kvsVectorKeys()
  const owner = peerIdFromPrivateKey(ownerKey).toString()
  const other = peerIdFromPrivateKey(otherKey).toString()
  const secp = peerIdFromPrivateKey(secpKey).toString()
  const rsa = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'
  const ownerCid = CID.createV1(0x72, peerIdFromPrivateKey(ownerKey).toMultihash()).toString(base32)

  const key = (who: string, name: string): Uint8Array<ArrayBuffer> => utf8(`${KVS_KEY_PREFIX}${who}/${name}`)
  const base: Fields = { value: utf8('hello'), seq: 1n, expires }
  const greeting = key(owner, 'greeting')
  const valid = await signRecord(ownerKey, greeting, base)
  const decoded = KvRecord.decode(valid)
  const withFields = (fields: Partial<KvRecord>): Uint8Array<ArrayBuffer> => KvRecord.encode({ ...decoded, ...fields })
  /** A record signed by `privateKey` over the signed bytes of (dhtKey, fields), whoever owns dhtKey. */
  const signAs = async (privateKey: PrivateKey, dhtKey: Uint8Array, fields: Fields): Promise<Uint8Array<ArrayBuffer>> =>
    KvRecord.encode({ ...fields, publisher: new Uint8Array(), signature: new Uint8Array(await privateKey.sign(signedBytes(dhtKey, fields))) })
  const longName = 'n'.repeat(MAX_NAME_BYTES)
  const noName = utf8(`${KVS_KEY_PREFIX}${owner}`)

  return [
    { name: 'valid signed record', key: greeting, record: valid, valid: true, why: `value "hello", seq 1, expires ${expires}, signed by the owner in the key` },
    { name: 'empty value', key: key(owner, 'empty'), record: await signRecord(ownerKey, key(owner, 'empty'), { value: new Uint8Array(), seq: 7n, expires }), valid: true, why: 'an empty value is signed like any other (the value field is then absent, its length 0 in the signed bytes)' },
    { name: `name of exactly ${MAX_NAME_BYTES} bytes`, key: key(owner, longName), record: await signRecord(ownerKey, key(owner, longName), base), valid: true, why: `the longest name (${MAX_NAME_BYTES} bytes)` },
    { name: 'name with slashes and UTF-8', key: key(owner, 'a/b/ключ'), record: await signRecord(ownerKey, key(owner, 'a/b/ключ'), base), valid: true, why: 'the name is everything after the owner and its slash' },
    { name: 'signature by another key', key: greeting, record: await signAs(otherKey, greeting, base), valid: false, why: 'a well-formed signature over the right bytes, by a key that is not the owner\'s' },
    { name: 'key of another owner', key: key(other, 'greeting'), record: valid, valid: false, why: 'the owner\'s record put under another owner\'s key: the key is in the signed bytes' },
    { name: 'signature for another name', key: key(owner, 'other'), record: valid, valid: false, why: 'a record signed for /kvs/<owner>/greeting moved onto /kvs/<owner>/other' },
    { name: 'altered value', key: greeting, record: withFields({ value: utf8('hellO') }), valid: false, why: 'the value differs from the one signed' },
    { name: 'altered seq', key: greeting, record: withFields({ seq: 2n }), valid: false, why: 'seq 2 where 1 was signed (a forger raising the seq)' },
    { name: 'altered expiry', key: greeting, record: withFields({ expires: expires + 3_600_000n }), valid: false, why: 'expires one hour later than signed (a holder extending the record\'s life)' },
    { name: 'truncated signature', key: greeting, record: withFields({ signature: decoded.signature.subarray(0, SIGNATURE_BYTES - 1) }), valid: false, why: `a signature of ${SIGNATURE_BYTES - 1} bytes; Ed25519 signatures have ${SIGNATURE_BYTES}` },
    { name: 'flipped signature bit', key: greeting, record: withFields({ signature: Uint8Array.from(decoded.signature, (b, i) => i === 10 ? b ^ 1 : b) }), valid: false, why: 'one bit of the signature flipped' },
    { name: 'no signature', key: greeting, record: withFields({ signature: new Uint8Array() }), valid: false, why: 'a /kvs record without signature' },
    { name: 'publisher field present', key: greeting, record: withFields({ publisher: peerIdFromPrivateKey(ownerKey).toMultihash().bytes }), valid: false, why: 'a /kvs record has no publisher field (the owner is in the key; the field would not be covered by the signature)' },
    { name: 'non-Ed25519 owner (secp256k1)', key: key(secp, 'greeting'), record: await signAs(secpKey, key(secp, 'greeting'), base), valid: false, why: 'the owner is a secp256k1 peer id, signing with its own key: only Ed25519 owners are accepted' },
    { name: 'non-Ed25519 owner (RSA)', key: key(rsa, 'greeting'), record: valid, valid: false, why: 'the owner is an RSA peer id (a sha2-256 multihash, no public key inside)' },
    { name: 'owner not as printed', key: key(ownerCid, 'greeting'), record: await signAs(ownerKey, key(ownerCid, 'greeting'), base), valid: false, why: 'the owner written as a CIDv1 in base32, signed by the owner: the owner must be written base58btc, as peer ids are printed' },
    { name: 'empty name', key: key(owner, ''), record: await signAs(ownerKey, key(owner, ''), base), valid: false, why: `a name has ${MIN_NAME_BYTES} to ${MAX_NAME_BYTES} bytes` },
    { name: `name of ${MAX_NAME_BYTES + 1} bytes`, key: key(owner, longName + 'n'), record: await signAs(ownerKey, key(owner, longName + 'n'), base), valid: false, why: `over the longest name (${MAX_NAME_BYTES} bytes)` },
    { name: 'no name', key: noName, record: await signAs(ownerKey, noName, base), valid: false, why: 'the key has no slash after the owner' },
    { name: 'not the canonical encoding', key: greeting, record: uint8ArrayConcat([valid.subarray(7), valid.subarray(0, 7)]), valid: false, why: 'the fields of the valid record with the value moved last: the signature verifies, the encoding is not canonical' }
  ]
}
