import { getEventListeners } from 'node:events'
import { identify } from '@libp2p/identify'
import { expect } from 'chai'
import { QuorumFailedError, TimeoutError, resolveConfig } from '../../../src/index.js'
import { createBaseLibp2p } from '../../../src/net/base-libp2p.js'
import { LOOPBACK_LISTEN, startPeer } from '../../helpers/peers.js'
import type { Peer } from '../../../src/index.js'
import type { Libp2p } from '@libp2p/interface'

const QUERY_TIMEOUT_MS = 300

describe('gets and puts next to a Kad peer that never answers', () => {
  let silent: Libp2p
  let peer: Peer

  before(async () => {
    const config = resolveConfig()
    // identifies as a Kad server, then leaves every request unanswered
    silent = await createBaseLibp2p({ addresses: { listen: [LOOPBACK_LISTEN] }, services: { identify: identify() } })
    await silent.handle(config.dht.protocol, () => {})
    peer = await startPeer({
      config: { ...config, dht: { ...config.dht, queryTimeoutMs: QUERY_TIMEOUT_MS } },
      bootstrap: [silent.getMultiaddrs()[0].toString()]
    })
    await peer.ready
  })

  after(async () => {
    await peer?.stop()
    await silent?.stop()
  })

  it('a get ends at dht.queryTimeoutMs with a TimeoutError', async () => {
    const error = await peer.get('nobody-answers').catch((err: Error) => err)
    expect(error).to.be.instanceOf(TimeoutError)
    expect((error as Error).message).to.equal(`no value for "nobody-answers" found within ${QUERY_TIMEOUT_MS} ms`)
  })

  it('a put ends at dht.queryTimeoutMs, saying the replicas fell short before it', async () => {
    const error = await peer.put('unacknowledged', new Uint8Array([1]), { quorum: 2 }).catch((err: Error) => err)
    expect(error).to.be.instanceOf(QuorumFailedError)
    expect((error as Error).message).to.match(new RegExp(`reached 1 of the 2 replicas required before the ${QUERY_TIMEOUT_MS} ms timeout`))
  })

  it('a caller that cancels gets its own reason, and its signal keeps no listener of ours', async () => {
    const controller = new AbortController()
    const pending = peer.get('cancelled', { signal: controller.signal }).catch((err: Error) => err)
    controller.abort(new Error('the caller gave up'))
    expect(await pending).to.have.property('message', 'the caller gave up')
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0)
  })

  it('a get answered before its deadline leaves no listener on the caller\'s signal', async () => {
    // stored here; the silent peer never acknowledges, so the put returns at its deadline with 1 replica
    await peer.put('held-here', new Uint8Array([2]), { quorum: 1 })
    const controller = new AbortController()
    const result = await peer.get('held-here', { signal: controller.signal, quorum: 1 })
    expect(result.value).to.deep.equal(new Uint8Array([2]))
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0)
  })
})
