import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { expect } from 'chai'
import { noiseCrypto } from '../../src/peer/noise-crypto.js'

describe('Noise crypto (fast X25519)', () => {
  it('agrees with Noise\'s own implementation on every shared secret', () => {
    const ours = noiseCrypto.generateX25519KeyPair()
    const theirs = defaultCrypto.generateX25519KeyPair()
    const a = Buffer.from(noiseCrypto.generateX25519SharedKey(ours.privateKey, theirs.publicKey))
    const b = Buffer.from(defaultCrypto.generateX25519SharedKey(theirs.privateKey, ours.publicKey))
    expect(a.equals(b)).to.equal(true)
    expect(Buffer.from(defaultCrypto.generateX25519SharedKey(ours.privateKey, theirs.publicKey)).equals(a)).to.equal(true)
  })

  it('derives the same key pair from a seed, and uses keys it did not generate', () => {
    const seed = Buffer.alloc(32, 7)
    const ours = noiseCrypto.generateX25519KeyPairFromSeed(seed)
    const theirs = defaultCrypto.generateX25519KeyPairFromSeed(seed)
    expect(Buffer.from(ours.publicKey).equals(Buffer.from(theirs.publicKey))).to.equal(true)
    const peer = defaultCrypto.generateX25519KeyPair()
    const foreign = defaultCrypto.generateX25519KeyPair()
    expect(Buffer.from(noiseCrypto.generateX25519SharedKey(foreign.privateKey, peer.publicKey))
      .equals(Buffer.from(defaultCrypto.generateX25519SharedKey(foreign.privateKey, peer.publicKey)))).to.equal(true)
  })
})
