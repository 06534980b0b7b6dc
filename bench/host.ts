/**
 * Hosts N exper-dht peers in one process for the `exper-kv` benchmark, the
 * counterpart of `exper-dht-go start --peers N --json`, with the same output:
 *
 *   node dist/bench/host.js --peers N
 *
 * Peer 0 starts alone, the others bootstrap from it; each prints
 * `{"event":"ready","index":i,"peerId":…,"addrs":[…]}` once ready, then
 * `{"event":"cluster-ready","peers":[…]}` follows. A `stats` line on stdin is
 * answered with `{"event":"stats","eventLoopDelay":{…}}` (this process, since
 * it started). SIGTERM, SIGINT or the end of stdin stops every peer and exits.
 */
import '../src/shim/promise-with-resolvers.js'
import { createInterface } from 'node:readline'
import { experPeer } from './clusters/exper.js'
import { parseWholeNumber } from './options.js'
import { EventLoopDelayMonitor } from './resources.js'
import type { Peer } from '../src/index.js'

const monitor = new EventLoopDelayMonitor()
monitor.start()

const print = (event: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(event)}\n`) }
const describe = (index: number, peer: Peer): Record<string, unknown> =>
  ({ index, peerId: peer.peerId.toString(), addrs: peer.getMultiaddrs().map(String) })

const flag = process.argv.indexOf('--peers')
const count = parseWholeNumber('--peers', process.argv[flag + 1] ?? '', 1, 1000)
const peers: Peer[] = []

let stopping: Promise<void> | undefined
const stop = async (): Promise<void> => {
  stopping ??= (async () => {
    await Promise.all(peers.map(async (peer) => experPeer.stop(peer)))
    monitor.stop()
    print({ event: 'stopped' })
    process.exit(0)
  })()
  return stopping
}
process.on('SIGTERM', () => { void stop() })
process.on('SIGINT', () => { void stop() })

// the benchmark holds our stdin: when it goes away, so do we
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stats') {
    print({ event: 'stats', eventLoopDelay: monitor.summary() })
  }
}).on('close', () => { void stop() })

peers.push(await experPeer.start())
const bootstrap = experPeer.address(peers[0])
peers.push(...await Promise.all(Array.from({ length: count - 1 }, async () => experPeer.start(bootstrap))))
await Promise.all(peers.map(async (peer, index) => {
  await experPeer.ready(peer)
  print({ event: 'ready', ...describe(index, peer) })
}))
print({ event: 'cluster-ready', peers: peers.map((peer, index) => describe(index, peer)) })
