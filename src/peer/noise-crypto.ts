import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { KeyObject } from 'node:crypto'

/** Private keys kept as Node key objects (the static key and the ephemeral keys of handshakes in progress). */
const KEY_OBJECT_CACHE_SIZE = 256

/** DER prefix of a raw X25519 private key (PKCS #8), used only for keys not generated here. */
const PKCS8_X25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])

const privateKeys = new Map<string, KeyObject>()

/**
 * Noise's crypto with a faster X25519 for Node: @chainsafe/libp2p-noise turns
 * every raw key into a Node key object by parsing DER (PKCS #8 / SPKI) at each
 * Diffie-Hellman — about 0.6 ms each, three per handshake and side, most of a
 * connection's CPU. Here key pairs are generated as key objects and the
 * private ones kept for their next use, and public keys are imported as JWK
 * (≈ 25 µs). Hashing and ChaCha20-Poly1305 are Noise's own.
 */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,

  generateX25519KeyPair () {
    const { publicKey, privateKey } = generateKeyPairSync('x25519')
    const raw = remember(privateKey)
    return { publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'), privateKey: raw }
  },

  generateX25519KeyPairFromSeed (seed) {
    const privateKey = importPrivateKey(seed)
    return { publicKey: Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url'), privateKey: seed }
  },

  generateX25519SharedKey (privateKey, publicKey) {
    return diffieHellman({
      privateKey: importPrivateKey(bytesOf(privateKey)),
      publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(bytesOf(publicKey)).toString('base64url') }, format: 'jwk' })
    })
  }
}

/** Caches a generated private key object under its raw bytes and returns them. */
function remember (privateKey: KeyObject): Buffer {
  const d = privateKey.export({ format: 'jwk' }).d!
  cache(d, privateKey)
  return Buffer.from(d, 'base64url')
}

/** The key object of a raw private key: cached, or parsed once (DER) and cached. */
function importPrivateKey (raw: Uint8Array): KeyObject {
  const d = Buffer.from(raw).toString('base64url')
  return privateKeys.get(d) ?? cache(d, createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: 'der', type: 'pkcs8' }))
}

function cache (d: string, key: KeyObject): KeyObject {
  privateKeys.set(d, key)
  if (privateKeys.size > KEY_OBJECT_CACHE_SIZE) {
    privateKeys.delete(privateKeys.keys().next().value!)
  }
  return key
}

/** The bytes of a Uint8Array or a Uint8ArrayList (of whichever version Noise uses). */
function bytesOf (data: Uint8Array | { subarray(): Uint8Array }): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray()
}
