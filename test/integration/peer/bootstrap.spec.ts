import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import { expect } from 'chai'
import { routingTableHas, startPeer } from '../../helpers/peers.js'
import type { Peer } from '../../../src/index.js'
import type { AddressInfo, Server, Socket } from 'node:net'

/** Longer than libp2p's default 6 s per address, shorter than the peer's 10 s dial timeout. */
const SLOW_ACCEPT_MS = 7_000

/**
 * A TCP proxy to `port` that lets each connection wait `delayMs` before it
 * reaches the peer behind it, as a peer busy accepting others would.
 */
async function startSlowProxy (port: number, delayMs: number): Promise<{ port: number, close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('error', () => { client.destroy() })
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (client.destroyed) {
        return
      }
      const upstream = connect(port, '127.0.0.1')
      sockets.add(upstream)
      upstream.on('error', () => { client.destroy() })
      client.on('close', () => { upstream.destroy() })
      client.pipe(upstream)
      upstream.pipe(client)
    }, delayMs)
    timers.add(timer)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      timers.forEach(clearTimeout)
      sockets.forEach((socket) => socket.destroy())
      server.close()
      await once(server, 'close')
    }
  }
}

describe('joining through a bootstrap peer', function () {
  this.timeout(30_000)
  const peers: Peer[] = []
  let proxy: Awaited<ReturnType<typeof startSlowProxy>> | undefined

  afterEach(async () => {
    await proxy?.close()
    await Promise.all(peers.splice(0).map(async (peer) => peer.stop()))
  })

  it('waits out a handshake the bootstrap peer is slow to accept, without redialing', async () => {
    const first = await startPeer()
    peers.push(first)
    const port = Number(first.getMultiaddrs()[0].getComponents().find((component) => component.name === 'tcp')?.value)
    proxy = await startSlowProxy(port, SLOW_ACCEPT_MS)
    const joining = await startPeer({ bootstrap: [`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${first.peerId.toString()}`] })
    peers.push(joining)
    const redialed = new Promise<Error>((resolve) => {
      joining.addEventListener('bootstrap:retry', (event) => { resolve(event.detail.error) }, { once: true })
    })
    const outcome = await Promise.race([joining.ready.then(() => 'ready'), redialed])
    expect(outcome).to.equal('ready')
    expect(routingTableHas(joining, first.peerId)).to.equal(true)
  })
})
