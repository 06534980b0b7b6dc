import { expect } from 'chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { createTestnet, MAX_TESTNET_PEERS } from '../../../src/index.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import type { Testnet } from '../../../src/index.js'

describe('createTestnet: a local DHT of in-process peers', function () {
  this.timeout(60_000)
  let testnet: Testnet | undefined
  let dir: string | undefined

  afterEach(async () => {
    await testnet?.stop()
    testnet = undefined
    if (dir != null) await removeDir(dir)
    dir = undefined
  })

  it('starts size peers on loopback, all joined to one another, that store and retrieve', async () => {
    testnet = await createTestnet(4)
    expect(testnet.peers).to.have.length(4)
    expect(testnet.bootstrap).to.deep.equal(testnet.peers[0].getMultiaddrs().map(String))
    for (const peer of testnet.peers) {
      expect(peer.routingTableSize).to.equal(3)
      expect(peer.dataDir).to.equal(undefined)
      expect(peer.getMultiaddrs().every((addr) => addr.toString().startsWith('/ip4/127.0.0.1/tcp/'))).to.equal(true)
    }
    await testnet.peers[1].put('testnet', uint8ArrayFromString('hello'))
    expect(uint8ArrayToString((await testnet.peers[3].get('testnet')).value)).to.equal('hello')
    await testnet.stop()
    expect(testnet.peers.map((peer) => peer.libp2p.status)).to.deep.equal(['stopped', 'stopped', 'stopped', 'stopped'])
  })

  it('with dir, peer i keeps its identity and data in dir/peer-i', async () => {
    dir = await makeTempDir()
    testnet = await createTestnet(2, { dir })
    const ids = testnet.peers.map((peer) => peer.peerId.toString())
    expect(testnet.peers.map((peer) => peer.dataDir)).to.deep.equal([`${dir}/peer-0`, `${dir}/peer-1`])
    await testnet.stop()
    testnet = await createTestnet(2, { dir })
    expect(testnet.peers.map((peer) => peer.peerId.toString())).to.deep.equal(ids)
  })

  for (const size of [0, MAX_TESTNET_PEERS + 1, 1.5]) {
    it(`refuses ${size} peers before starting any`, async () => {
      const err = await createTestnet(size).then(() => undefined, (e: Error) => e)
      expect(err).to.be.instanceOf(RangeError)
      expect(err?.message).to.equal(`a testnet has from 1 to ${MAX_TESTNET_PEERS} peers, not ${size}`)
    })
  }
})
