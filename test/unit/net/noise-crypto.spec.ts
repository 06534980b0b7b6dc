import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { expect } from 'chai'
import { noiseCrypto } from '../../../src/net/noise-crypto.js'

const run = promisify(execFile)

/** Handshake key work in a loop, in a process whose tiny young generation makes garbage collections run all the time. */
const KEY_CHURN = `
  const { noiseCrypto } = await import(${JSON.stringify(new URL('../../../src/net/noise-crypto.js', import.meta.url).href)})
  let previous = noiseCrypto.generateX25519KeyPair()
  for (let i = 0; i < 30000; i++) {
    const next = noiseCrypto.generateX25519KeyPair()
    noiseCrypto.generateX25519SharedKey(next.privateKey, previous.publicKey)
    previous = next
  }
  process.stdout.write('done')
`

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

  it('survives key generation under constant garbage collection (Node 20 deadlocks when a generated key object is exported)', async function () {
    this.timeout(120_000)
    const { stdout } = await run(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', KEY_CHURN], { timeout: 100_000, killSignal: 'SIGKILL' })
    expect(stdout).to.equal('done')
  })
})
