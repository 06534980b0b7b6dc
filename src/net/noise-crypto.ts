import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { JsonWebKey, KeyObject } from 'node:crypto'

/** Private keys kept as Node key objects (the static key and the ephemeral keys of handshakes in progress). */
const KEY_OBJECT_CACHE_SIZE = 256

/** DER prefix of a raw X25519 private key (PKCS #8), used only for keys not generated here. */
const PKCS8_X25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])

const privateKeys = new Map<string, KeyObject>()

/**
 * Noise's crypto with a faster X25519 for Node: @chainsafe/libp2p-noise parses
 * DER into a Node key object at every Diffie-Hellman, most of a connection's
 * CPU. Here key pairs are generated straight into JWK and the private key
 * objects are kept; public keys are imported as JWK. Hashing and
 * ChaCha20-Poly1305 are Noise's own. A key object made by
 * `generateKeyPairSync` is never exported: on Node 20 that can deadlock the
 * process in a garbage collection. docs/deviations.md#noises-x25519-without-der-parsing
 */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,

  generateX25519KeyPair () {
    const { publicKey, privateKey } = generateJwkKeyPair()
    cache(privateKey.d!, createPrivateKey({ key: privateKey, format: 'jwk' }))
    return { publicKey: Buffer.from(publicKey.x!, 'base64url'), privateKey: Buffer.from(privateKey.d!, 'base64url') }
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

/** A fresh X25519 key pair, encoded as JWK by the generating job itself (@types/node lacks this overload). */
function generateJwkKeyPair (): { publicKey: JsonWebKey, privateKey: JsonWebKey } {
  const encoding = { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { format: 'jwk' } }
  return generateKeyPairSync('x25519', encoding as unknown as Parameters<typeof generateKeyPairSync>[1]) as unknown as { publicKey: JsonWebKey, privateKey: JsonWebKey }
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
