import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { KvClient } from '../../../src/index.js'
import { addressOf, startPeer, stopPeers } from '../../helpers/peers.js'
import type { Peer } from '../../../src/index.js'
import type { Datastore } from 'interface-datastore'

/** Counts the peer-store writes (keys under /peers/) to `peer`'s datastore. */
function countPeerStoreWrites (peer: Peer): { count: number } {
  const datastore = (peer.libp2p as unknown as { components: { datastore: Datastore } }).components.datastore
  const counter = { count: 0 }
  const put = datastore.put.bind(datastore)
  datastore.put = async (key, value, options) => {
    if (key.toString().startsWith('/peers/')) {
      counter.count++
    }
    return put(key, value, options)
  }
  return counter
}

describe('peer-store writes per stream (protocol-merges workaround)', () => {
  let a: Peer
  let b: Peer

  before(async () => {
    [a, b] = await Promise.all([startPeer(), startPeer()])
    const identified = (peer: Peer, other: Peer): Promise<void> => new Promise((resolve) => {
      const onIdentify = ({ detail }: CustomEvent<{ peerId: { equals(other: unknown): boolean } }>): void => {
        if (detail.peerId.equals(other.peerId)) {
          peer.libp2p.removeEventListener('peer:identify', onIdentify)
          resolve()
        }
      }
      peer.libp2p.addEventListener('peer:identify', onIdentify)
    })
    const both = Promise.all([identified(a, b), identified(b, a)])
    await a.libp2p.dial(multiaddr(addressOf(b)))
    await both
  })

  after(async () => {
    await stopPeers([a, b])
  })

  it('streams of protocols the peer store lists already write nothing to it, on either side', async () => {
    const writes = [countPeerStoreWrites(a), countPeerStoreWrites(b)]
    for (let i = 0; i < 5; i++) {
      await a.libp2p.services.ping.ping(b.peerId)
      await b.libp2p.services.ping.ping(a.peerId)
    }
    expect(writes.map((w) => w.count)).to.deep.equal([0, 0])
  })

  it('a protocol not listed yet is still recorded', async () => {
    const protocol = '/exper-dht-test/late/1.0.0'
    await a.libp2p.handle(protocol, (stream) => { void stream.close() })
    const stream = await b.libp2p.dialProtocol(a.peerId, protocol)
    await stream.close()
    expect((await b.libp2p.peerStore.get(a.peerId)).protocols).to.include(protocol)
    await a.libp2p.unhandle(protocol)
  })

  it('a thin client asking again and again writes its peer store once', async () => {
    const client = await KvClient.create()
    try {
      await client.store(addressOf(b), 'merges', new TextEncoder().encode('once'))
      const writes = countPeerStoreWrites(b)
      for (let i = 0; i < 5; i++) {
        await client.retrieve(addressOf(b), 'merges')
      }
      expect(writes.count).to.equal(0)
    } finally {
      await client.close()
    }
  })
})
