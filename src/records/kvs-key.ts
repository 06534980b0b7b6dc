import { peerIdFromString } from '@libp2p/peer-id'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { InvalidKeyError } from '../errors.js'
import { ED25519_OWNER_CHARS, KVS_KEY_PREFIX, MAX_NAME_BYTES, MIN_NAME_BYTES } from './limits.js'
import type { Ed25519PeerId, PeerId } from '@libp2p/interface'

const prefixBytes = uint8ArrayFromString(KVS_KEY_PREFIX)
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A signed record's key: its owner and the name under it. */
export interface SignedKey {
  /** The owner: an Ed25519 peer id, whose public key checks the record's signature. */
  owner: Ed25519PeerId
  /** The name: 1–200 bytes of UTF-8. */
  name: string
}

/** Checks a name (1–200 bytes of UTF-8); throws an `InvalidKeyError` saying what is wrong. */
export function validateName (name: string): void {
  const bytes = Buffer.byteLength(name, 'utf8')
  if (bytes < MIN_NAME_BYTES) {
    throw new InvalidKeyError(`name is empty: a name has ${MIN_NAME_BYTES} to ${MAX_NAME_BYTES} bytes of UTF-8`)
  }
  if (bytes > MAX_NAME_BYTES) {
    throw new InvalidKeyError(`name has ${bytes} bytes of UTF-8; the limit is ${MAX_NAME_BYTES}`)
  }
  if (Buffer.from(name, 'utf8').toString('utf8') !== name) {
    throw new InvalidKeyError('name is not valid UTF-8')
  }
}

/**
 * The owner of a signed key, from its text as printed (base58btc, as
 * `PeerId.toString()`): throws an `InvalidKeyError` unless it is the
 * canonical text of an Ed25519 peer id (which holds its public key).
 */
export function parseOwner (text: string): Ed25519PeerId {
  if (text.length > ED25519_OWNER_CHARS) {
    // no need to decode it: the Ed25519 peer ids as printed all have this length
    throw new InvalidKeyError(`owner "${text.slice(0, 64)}…" has ${text.length} characters: an Ed25519 peer id as printed has ${ED25519_OWNER_CHARS}`)
  }
  let owner: PeerId
  try {
    owner = peerIdFromString(text)
  } catch (err) {
    throw new InvalidKeyError(`owner "${text.slice(0, 64)}" is not a peer id: ${(err as Error).message}`)
  }
  if (owner.type !== 'Ed25519') {
    throw new InvalidKeyError(`owner ${text.slice(0, 64)} is a ${owner.type} peer id; signed records are owned by Ed25519 identities only`)
  }
  if (owner.toString() !== text) {
    throw new InvalidKeyError(`owner "${text.slice(0, 64)}" is not written as peer ids are printed (base58btc, ${owner.toString()})`)
  }
  return owner
}

/**
 * A signed key from its text `<owner peer id>/<name>` (as the CLI takes and
 * prints it); throws an `InvalidKeyError` saying what is wrong.
 */
export function parseSignedKey (text: string): SignedKey {
  const slash = text.indexOf('/')
  if (slash < 0) {
    throw new InvalidKeyError(`"${text.slice(0, 64)}" is not a signed key: it is written <owner peer id>/<name>`)
  }
  const owner = parseOwner(text.slice(0, slash))
  const name = text.slice(slash + 1)
  validateName(name)
  return { owner, name }
}

/** The text of a signed key: `<owner peer id>/<name>`. */
export function formatSignedKey (key: SignedKey): string {
  return `${key.owner.toString()}/${key.name}`
}

/** The DHT key of a signed key: the UTF-8 bytes of `/kvs/<owner peer id>/<name>`. */
export function toSignedDhtKey (owner: PeerId, name: string): Uint8Array<ArrayBuffer> {
  parseOwner(owner.toString())
  validateName(name)
  return uint8ArrayFromString(`${KVS_KEY_PREFIX}${owner.toString()}/${name}`)
}

/**
 * The signed key inside a DHT key; throws an `InvalidKeyError` unless the
 * DHT key is `/kvs/` + an Ed25519 owner as printed + `/` + 1–200 bytes of
 * valid UTF-8.
 */
export function fromSignedDhtKey (dhtKey: Uint8Array): SignedKey {
  if (dhtKey.byteLength < prefixBytes.byteLength || !prefixBytes.every((b, i) => dhtKey[i] === b)) {
    throw new InvalidKeyError(`DHT key does not start with ${KVS_KEY_PREFIX}`)
  }
  let text: string
  try {
    text = strictUtf8.decode(dhtKey.subarray(prefixBytes.byteLength))
  } catch {
    throw new InvalidKeyError('signed key is not valid UTF-8')
  }
  return parseSignedKey(text)
}
