import { sampleProcesses } from '../resources.js'
import { JsonLinesProcess } from './json-lines-process.js'
import { createKvDriver } from './kv-driver.js'
import type { EventLoopDelaySummary } from '../resources.js'
import type { BenchCluster, ClusterInit } from './cluster.js'
import type { JsonEvent } from './json-lines-process.js'
import type { PeerAddress } from './kv-driver.js'

/** Options of `startHostedCluster`. */
export interface HostedInit extends ClusterInit {
  /** The hosting program and its arguments; it must print `ready` (with `index`) per peer and then `cluster-ready`. */
  command: string
  args: string[]
  /** Upper bound of one request of the kv driver, in ms. */
  opTimeoutMs: number
  /** The host answers a `stats` line on stdin with a `stats` event holding `eventLoopDelay` (bench/host.js does). @default false */
  answersStats?: boolean
}

/** How long to wait for a host's `stats` answer (its event loop may be far behind after a heavy load phase). */
const STATS_TIMEOUT_MS = 30_000

/**
 * `exper-kv`, `go` and `rust`: one child process hosting every peer
 * (`exper-dht-go start --peers N --json`, `exper-dht-rust start --peers N --json`, or bench/host.js for exper-dht),
 * driven through the store/retrieve protocol. Each `ready` event gives a
 * peer's address; `cluster-ready` (or the ready timeout) ends the startup.
 * Memory and CPU are the child's, from /proc.
 */
export async function startHostedCluster (init: HostedInit): Promise<BenchCluster> {
  const peers = new Map<number, PeerAddress>()
  const onEvent = (event: JsonEvent): void => {
    if (event.event === 'ready' && typeof event.index === 'number' && Array.isArray(event.addrs)) {
      peers.set(event.index, { index: event.index, peerId: String(event.peerId), addrs: event.addrs.map(String) })
      if (peers.size % 10 === 0) {
        init.log(`${peers.size}/${init.peers} peers ready`)
      }
    }
  }
  const host = new JsonLinesProcess(init.command, init.args, onEvent)
  try {
    await host.next((event) => event.event === 'cluster-ready', init.readyTimeoutMs)
  } catch (err) {
    if (peers.size === 0 || (err as Error).message.includes('exited')) {
      await host.stop()
      throw err
    }
    init.log(`going on with the ${peers.size} peers ready after ${init.readyTimeoutMs} ms`)
  }
  const readyPeers = [...peers.keys()].sort((a, b) => a - b)
  const driver = await createKvDriver(peers, init.opTimeoutMs)
  return {
    size: init.peers,
    readyPeers,
    put: driver.put,
    get: driver.get,
    resources: async () => sampleProcesses([host.pid]),
    eventLoopDelay: async () => {
      if (init.answersStats !== true) {
        return undefined
      }
      const answer = host.next((event) => event.event === 'stats', STATS_TIMEOUT_MS)
      host.send('stats')
      try {
        return (await answer).eventLoopDelay as EventLoopDelaySummary
      } catch (err) {
        init.log(`no event-loop delay from the host: ${(err as Error).message}`)
        return undefined
      }
    },
    stop: async () => {
      await driver.close()
      await host.stop()
    }
  }
}
