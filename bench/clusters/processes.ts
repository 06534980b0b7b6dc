import { sampleProcesses } from '../resources.js'
import { JsonLinesProcess } from './json-lines-process.js'
import { createKvDriver } from './kv-driver.js'
import type { BenchCluster, ClusterInit } from './cluster.js'
import type { PeerAddress } from './kv-driver.js'

/** Options of `startProcessCluster`. */
export interface ProcessClusterInit extends ClusterInit {
  /** The program to run once per peer; it must print `{"event":"ready","peerId":…,"addrs":[…]}` on stdout once ready. */
  command: string
  /** Its arguments, for the first peer (no bootstrap) and for the others (bootstrapping from `bootstrap`). */
  args: (bootstrap?: string) => string[]
  /** Upper bound of one request of the kv driver, in ms. */
  opTimeoutMs: number
}

/**
 * One OS process per peer (`exper-dht-go start --json`): peer 0 first, then
 * all the others at once, each bootstrapping from peer 0; driven through the
 * store/retrieve protocol. Memory and CPU are the sums over the processes.
 */
export async function startProcessCluster (init: ProcessClusterInit): Promise<BenchCluster> {
  const processes: JsonLinesProcess[] = []
  const peers = new Map<number, PeerAddress>()
  const stopAll = async (): Promise<void> => { await Promise.all(processes.map(async (p) => p.stop())) }
  const deadline = Date.now() + init.readyTimeoutMs
  const start = async (index: number, bootstrap?: string): Promise<void> => {
    const child = new JsonLinesProcess(init.command, init.args(bootstrap))
    processes[index] = child
    const ready = await child.next((event) => event.event === 'ready', Math.max(deadline - Date.now(), 0))
    peers.set(index, { index, peerId: String(ready.peerId), addrs: (ready.addrs as unknown[]).map(String) })
    if (peers.size % 10 === 0) {
      init.log(`${peers.size}/${init.peers} peers ready`)
    }
  }
  try {
    await start(0)
  } catch (err) {
    await stopAll()
    throw err
  }
  const bootstrap = peers.get(0)!.addrs[0]
  await Promise.allSettled(Array.from({ length: init.peers - 1 }, async (_, i) => start(i + 1, bootstrap)))
  const driver = await createKvDriver(peers, init.opTimeoutMs)
  return {
    size: init.peers,
    readyPeers: [...peers.keys()].sort((a, b) => a - b),
    put: driver.put,
    get: driver.get,
    resources: async () => sampleProcesses(processes.map((p) => p.pid)),
    eventLoopDelay: async () => undefined,
    stop: async () => {
      await driver.close()
      await stopAll()
    }
  }
}
