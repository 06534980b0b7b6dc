import { createPeer } from '../../src/index.js'
import { sampleThisProcess } from '../resources.js'
import { LOOPBACK_LISTEN, startNodes } from './in-process.js'
import type { Peer } from '../../src/index.js'
import type { BenchCluster, ClusterInit } from './cluster.js'
import type { NodeKind } from './in-process.js'

/** exper-dht peers made by `createPeer`: ephemeral, on 127.0.0.1, everything else from config/default.json. */
export const experPeer: NodeKind<Peer> = {
  start: async (bootstrap) => createPeer({ ephemeral: true, listen: [LOOPBACK_LISTEN], bootstrap: bootstrap == null ? [] : [bootstrap] }),
  address: (peer) => peer.getMultiaddrs()[0].toString(),
  ready: async (peer) => peer.ready,
  stop: async (peer) => peer.stop()
}

/**
 * `exper`: exper-dht peers in this process, driven through the library API
 * (`Peer.put` / `Peer.get` with their default quorums).
 */
export async function startExperCluster (init: ClusterInit): Promise<BenchCluster> {
  const started = await startNodes(experPeer, init)
  const peers = started.nodes
  return {
    size: peers.length,
    readyPeers: started.readyPeers,
    baseline: started.baseline,
    put: async (index, key, value, signal) => peers[index].put(key, value, { signal }),
    get: async (index, key, signal) => (await peers[index].get(key, { signal })).value,
    resources: async () => sampleThisProcess(),
    eventLoopDelay: async () => started.eventLoopDelay(),
    stop: started.stop
  }
}
