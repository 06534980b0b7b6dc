import { Cluster } from '../../src/index.js'
import { sampleProcesses } from '../resources.js'
import { createKvDriver } from './kv-driver.js'
import type { BenchCluster, ClusterInit } from './cluster.js'
import type { PeerAddress } from './kv-driver.js'

/** Options of `startSupervisedCluster`. */
export interface SupervisedInit extends ClusterInit {
  /** Upper bound of one request of the kv driver, in ms. */
  opTimeoutMs: number
}

/**
 * `exper` with `--processes`: one `exper-dht start` process per peer, run by
 * the supervisor (`Cluster`, ephemeral peers on 127.0.0.1, its own bootstrap
 * wiring and batches), driven through the store/retrieve protocol. Startup
 * ends when the supervisor says every peer is ready, or at the ready timeout
 * with the peers running then. Memory and CPU are the sums over the peer
 * processes (the supervisor's own share is this process, not counted).
 */
export async function startSupervisedCluster (init: SupervisedInit): Promise<BenchCluster> {
  const cluster = new Cluster({ peers: init.peers, ephemeral: true, supervisor: { readyTimeoutMs: init.readyTimeoutMs } })
  cluster.addEventListener('peer:ready', () => {
    const running = cluster.running().length
    if (running % 10 === 0) {
      init.log(`${running}/${init.peers} peers ready`)
    }
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<void>((resolve) => { timer = setTimeout(resolve, init.readyTimeoutMs) })
  const starting = cluster.start()
  try {
    await Promise.race([starting, timedOut])
  } finally {
    clearTimeout(timer)
    // past the timeout, start() goes on and rejects once stop() interrupts it: nothing to report then
    starting.catch(() => {})
  }
  const peers = new Map<number, PeerAddress>(cluster.running().map((peer) => [peer.index, peer]))
  const driver = await createKvDriver(peers, init.opTimeoutMs)
  return {
    size: init.peers,
    readyPeers: [...peers.keys()].sort((a, b) => a - b),
    put: driver.put,
    get: driver.get,
    resources: async () => sampleProcesses(cluster.peers.flatMap((peer) => peer.pid == null ? [] : [peer.pid])),
    eventLoopDelay: async () => undefined,
    stop: async () => {
      await driver.close()
      await cluster.stop()
    }
  }
}
