import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { InvalidKeyError } from '../errors.js'
import { KV_KEY_PREFIX, MAX_KEY_BYTES, MIN_KEY_BYTES } from './limits.js'

const prefixBytes = uint8ArrayFromString(KV_KEY_PREFIX)
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Checks a user key (1–256 bytes of UTF-8) and throws an `InvalidKeyError`
 * saying what is wrong.
 */
export function validateUserKey (key: string): void {
  const bytes = Buffer.byteLength(key, 'utf8')
  if (bytes < MIN_KEY_BYTES) {
    throw new InvalidKeyError('key is empty: a key has 1 to 256 bytes of UTF-8')
  }
  if (bytes > MAX_KEY_BYTES) {
    throw new InvalidKeyError(`key has ${bytes} bytes of UTF-8; the limit is ${MAX_KEY_BYTES}`)
  }
  if (Buffer.from(key, 'utf8').toString('utf8') !== key) {
    throw new InvalidKeyError('key is not valid UTF-8')
  }
}

/** The DHT key of a user key: the UTF-8 bytes of `/kv/<key>`. */
export function toDhtKey (key: string): Uint8Array<ArrayBuffer> {
  validateUserKey(key)
  return uint8ArrayFromString(KV_KEY_PREFIX + key)
}

/**
 * The user key inside a DHT key; throws an `InvalidKeyError` unless the DHT
 * key is `/kv/` followed by 1–256 bytes of valid UTF-8.
 */
export function fromDhtKey (dhtKey: Uint8Array): string {
  if (dhtKey.byteLength < prefixBytes.byteLength || !prefixBytes.every((b, i) => dhtKey[i] === b)) {
    throw new InvalidKeyError(`DHT key does not start with ${KV_KEY_PREFIX}`)
  }
  const userKey = dhtKey.subarray(prefixBytes.byteLength)
  if (userKey.byteLength < MIN_KEY_BYTES || userKey.byteLength > MAX_KEY_BYTES) {
    throw new InvalidKeyError(`user key has ${userKey.byteLength} bytes; it must have ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES}`)
  }
  try {
    return strictUtf8.decode(userKey)
  } catch {
    throw new InvalidKeyError('user key is not valid UTF-8')
  }
}
