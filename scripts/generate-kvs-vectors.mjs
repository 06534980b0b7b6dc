#!/usr/bin/env node
/**
 * Writes test/vectors/kvs-records.json, the shared vectors of the signed
 * `/kvs` record format (docs/records.md), from fixed Ed25519 seeds: Ed25519
 * signatures are deterministic, so the file is the same on every run. Run
 * after `npm run build`:
 *
 *   node scripts/generate-kvs-vectors.mjs
 *
 * The vectors are checked by the TypeScript tests and the Go peer's
 * `go test` independently of this script.
 */
import { Buffer } from 'node:buffer'
import { writeFileSync } from 'node:fs'
import { URL } from 'node:url'
import { TextEncoder } from 'node:util'
import { generateKeyPairFromSeed, privateKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import {
  KVS_KEY_PREFIX, KVS_SIGNATURE_DOMAIN, MAX_NAME_BYTES, MIN_NAME_BYTES, SIGNATURE_BYTES, MAX_TTL_MS, MAX_CLOCK_SKEW_MS,
  KvRecord, signRecord, signedBytes
} from '../dist/src/index.js'

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const utf8 = (text) => new TextEncoder().encode(text)
const seed = (byte) => new Uint8Array(32).fill(byte)

const ownerKey = await generateKeyPairFromSeed('Ed25519', seed(1))
const otherKey = await generateKeyPairFromSeed('Ed25519', seed(2))
const secpKey = privateKeyFromRaw(seed(3))
const owner = peerIdFromPrivateKey(ownerKey).toString()
const other = peerIdFromPrivateKey(otherKey).toString()
const secp = peerIdFromPrivateKey(secpKey).toString()
const rsa = 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'
const ownerCid = CID.createV1(0x72, peerIdFromPrivateKey(ownerKey).toMultihash()).toString(base32)

const key = (who, name) => utf8(`${KVS_KEY_PREFIX}${who}/${name}`)
const expires = 1764352800000n
const base = { value: utf8('hello'), seq: 1n, expires }
const greeting = key(owner, 'greeting')
const valid = await signRecord(ownerKey, greeting, base)
const decoded = KvRecord.decode(valid)
const withFields = (fields) => KvRecord.encode({ ...decoded, ...fields })
/** A record signed by `privateKey` over the signed bytes of (dhtKey, fields), whoever owns dhtKey. */
const signAs = async (privateKey, dhtKey, fields) => KvRecord.encode({ ...fields, publisher: new Uint8Array(), signature: await privateKey.sign(signedBytes(dhtKey, fields)) })

const longName = 'n'.repeat(MAX_NAME_BYTES)
const validation = [
  { name: 'valid signed record', key: hex(greeting), record: hex(valid), valid: true, why: 'value "hello", seq 1, expires 1764352800000, signed by the owner in the key' },
  { name: 'empty value', key: hex(key(owner, 'empty')), record: hex(await signRecord(ownerKey, key(owner, 'empty'), { value: new Uint8Array(), seq: 7n, expires })), valid: true, why: 'an empty value is signed like any other (the value field is then absent, its length 0 in the signed bytes)' },
  { name: `name of exactly ${MAX_NAME_BYTES} bytes`, key: hex(key(owner, longName)), record: hex(await signRecord(ownerKey, key(owner, longName), base)), valid: true, why: `the longest name (${MAX_NAME_BYTES} bytes)` },
  { name: 'name with slashes and UTF-8', key: hex(key(owner, 'a/b/ключ')), record: hex(await signRecord(ownerKey, key(owner, 'a/b/ключ'), base)), valid: true, why: 'the name is everything after the owner and its slash' },
  { name: 'signature by another key', key: hex(greeting), record: hex(await signAs(otherKey, greeting, base)), valid: false, why: 'a well-formed signature over the right bytes, by a key that is not the owner\'s' },
  { name: 'key of another owner', key: hex(key(other, 'greeting')), record: hex(valid), valid: false, why: 'the owner\'s record put under another owner\'s key: the key is in the signed bytes' },
  { name: 'signature for another name', key: hex(key(owner, 'other')), record: hex(valid), valid: false, why: 'a record signed for /kvs/<owner>/greeting moved onto /kvs/<owner>/other' },
  { name: 'altered value', key: hex(greeting), record: hex(withFields({ value: utf8('hellO') })), valid: false, why: 'the value differs from the one signed' },
  { name: 'altered seq', key: hex(greeting), record: hex(withFields({ seq: 2n })), valid: false, why: 'seq 2 where 1 was signed (a forger raising the seq)' },
  { name: 'altered expiry', key: hex(greeting), record: hex(withFields({ expires: expires + 3_600_000n })), valid: false, why: 'expires one hour later than signed (a holder extending the record\'s life)' },
  { name: 'truncated signature', key: hex(greeting), record: hex(withFields({ signature: decoded.signature.subarray(0, SIGNATURE_BYTES - 1) })), valid: false, why: `a signature of ${SIGNATURE_BYTES - 1} bytes; Ed25519 signatures have ${SIGNATURE_BYTES}` },
  { name: 'flipped signature bit', key: hex(greeting), record: hex(withFields({ signature: Uint8Array.from(decoded.signature, (b, i) => i === 10 ? b ^ 1 : b) })), valid: false, why: 'one bit of the signature flipped' },
  { name: 'no signature', key: hex(greeting), record: hex(withFields({ signature: new Uint8Array() })), valid: false, why: 'a /kvs record without signature' },
  { name: 'publisher field present', key: hex(greeting), record: hex(withFields({ publisher: peerIdFromPrivateKey(ownerKey).toMultihash().bytes })), valid: false, why: 'a /kvs record has no publisher field (the owner is in the key; the field would not be covered by the signature)' },
  { name: 'non-Ed25519 owner (secp256k1)', key: hex(key(secp, 'greeting')), record: hex(await signAs(secpKey, key(secp, 'greeting'), base)), valid: false, why: 'the owner is a secp256k1 peer id, signing with its own key: only Ed25519 owners are accepted' },
  { name: 'non-Ed25519 owner (RSA)', key: hex(key(rsa, 'greeting')), record: hex(valid), valid: false, why: 'the owner is an RSA peer id (a sha2-256 multihash, no public key inside)' },
  { name: 'owner not as printed', key: hex(key(ownerCid, 'greeting')), record: hex(await signAs(ownerKey, key(ownerCid, 'greeting'), base)), valid: false, why: 'the owner written as a CIDv1 in base32, signed by the owner: the owner must be written base58btc, as peer ids are printed' },
  { name: 'empty name', key: hex(key(owner, '')), record: hex(await signAs(ownerKey, key(owner, ''), base)), valid: false, why: `a name has ${MIN_NAME_BYTES} to ${MAX_NAME_BYTES} bytes` },
  { name: `name of ${MAX_NAME_BYTES + 1} bytes`, key: hex(key(owner, longName + 'n')), record: hex(await signAs(ownerKey, key(owner, longName + 'n'), base)), valid: false, why: `over the longest name (${MAX_NAME_BYTES} bytes)` },
  { name: 'no name', key: hex(utf8(`${KVS_KEY_PREFIX}${owner}`)), record: hex(await signAs(ownerKey, utf8(`${KVS_KEY_PREFIX}${owner}`), base)), valid: false, why: 'the key has no slash after the owner' },
  { name: 'not the canonical encoding', key: hex(greeting), record: hex(Buffer.concat([valid.subarray(7), valid.subarray(0, 7)])), valid: false, why: 'the fields of the valid record with the value moved last: the signature verifies, the encoding is not canonical' }
]
for (const c of validation) {
  if (c.record === hex(valid) && c.valid === false && c.key === hex(greeting)) throw new Error(c.name)
}

const now = Number(expires) - 3_600_000
const lifetime = [
  { name: 'live: one hour before its end', key: hex(greeting), record: hex(valid), now, live: true, why: 'now < expires' },
  { name: 'expired: at its end', key: hex(greeting), record: hex(valid), now: Number(expires), live: false, why: 'now = expires: the record has ended' },
  { name: 'too far ahead', key: hex(greeting), record: hex(valid), now: Number(expires) - MAX_TTL_MS - MAX_CLOCK_SKEW_MS - 1, live: false, why: 'expires is more than maxTtlMs + maxClockSkewMs ahead of now, although the owner signed it' }
]

const recordOf = async (fields) => hex(await signRecord(ownerKey, greeting, { ...base, ...fields }))
const selection = [
  { name: 'higher seq wins', key: hex(greeting), records: [await recordOf({ seq: 1n }), await recordOf({ seq: 2n, value: utf8('a') })], best: 1, why: 'seq 2 over seq 1, whatever the values' },
  { name: 'older seq never replaces a newer one', key: hex(greeting), records: [await recordOf({ seq: 5n }), await recordOf({ seq: 4n, value: utf8('zzz'), expires: expires + 1000n })], best: 0, why: 'seq 5 over seq 4 (a replayed older record), even with a greater value and a later expires' },
  { name: 'equal seq: greater value wins', key: hex(greeting), records: [await recordOf({ value: utf8('b') }), await recordOf({ value: utf8('a') })], best: 0, why: 'equal seq, value "b" > "a"' },
  { name: 'equal seq and value: later expires wins', key: hex(greeting), records: [await recordOf({}), await recordOf({ expires: expires + 1000n })], best: 1, why: 'the owner republished the record (same seq and value) with a later expires' }
]

const vectors = {
  description: 'Shared test vectors of the signed /kvs record format (docs/records.md, "Signed records"). Every implementation (TypeScript, Go, Rust) must agree with every case. Generated by scripts/generate-kvs-vectors.mjs from fixed Ed25519 seeds.',
  how_to_use: {
    signed_bytes: 'For each case, build the signed bytes of (hex-decoded key, hex-decoded value, seq, expires); they must equal "bytes".',
    validation: 'For each case, run the /kvs format and signature rules on (hex-decoded key, hex-decoded record), without the lifetime rule. It must accept the record when "valid" is true and reject it otherwise; "why" says which rule the case exercises.',
    lifetime: 'For each case (every record valid by the format and signature rules), run the full /kvs validator with the clock at "now" (Unix ms). It must accept the record when "live" is true and reject it otherwise.',
    selection: 'For each case, run the /kvs selector on (hex-decoded key, hex-decoded records); every record is valid. It must return the index "best".'
  },
  key: 'the UTF-8 bytes of "/kvs/" + owner + "/" + name: owner an Ed25519 peer id written as printed (base58btc), name 1-200 bytes of UTF-8',
  record: 'KvRecord { bytes value = 1; uint64 seq = 2; bytes publisher = 3; uint64 expires = 4; bytes signature = 5; } in its canonical encoding, publisher absent, signature the 64-byte Ed25519 signature of the signed bytes by the owner\'s key (the public key inside the owner\'s peer id)',
  signed_bytes_rule: 'domain (the ASCII bytes of signatureDomain) || uint32be(len(key)) || key || uint32be(len(value)) || value || uint64be(seq) || uint64be(expires)',
  limits: { keyPrefix: KVS_KEY_PREFIX, minNameBytes: MIN_NAME_BYTES, maxNameBytes: MAX_NAME_BYTES, signatureBytes: SIGNATURE_BYTES, signatureDomain: KVS_SIGNATURE_DOMAIN },
  owners: [
    { role: 'owner', seed: hex(seed(1)), peerId: owner },
    { role: 'another Ed25519 key', seed: hex(seed(2)), peerId: other },
    { role: 'a secp256k1 key (raw private key)', seed: hex(seed(3)), peerId: secp }
  ],
  signed_bytes: [
    { name: 'the valid record', key: hex(greeting), value: hex(base.value), seq: '1', expires: String(expires), bytes: hex(signedBytes(greeting, base)) },
    { name: 'empty value, large numbers', key: hex(key(owner, 'n')), value: '', seq: '18446744073709551615', expires: '1', bytes: hex(signedBytes(key(owner, 'n'), { value: new Uint8Array(), seq: (1n << 64n) - 1n, expires: 1n })) }
  ],
  validation,
  lifetime,
  selection
}
writeFileSync(new URL('../test/vectors/kvs-records.json', import.meta.url), JSON.stringify(vectors, null, 2) + '\n')
