import { fileURLToPath } from 'node:url'
import { startExperCluster } from './exper.js'
import { startHostedCluster } from './hosted.js'
import { startVanillaCluster } from './vanilla.js'
import type { RunSpec } from '../run-one.js'
import type { BenchCluster, ClusterInit } from './cluster.js'

export type { BenchCluster, ClusterInit } from './cluster.js'

/** The compiled exper-dht hosting program (dist/bench/host.js). */
export const HOST_PATH = fileURLToPath(new URL('../host.js', import.meta.url))

/** Starts the peers of `spec` as its implementation and hosting require. */
export async function startCluster (spec: RunSpec, init: ClusterInit): Promise<BenchCluster> {
  const opTimeoutMs = spec.opTimeoutS * 1000
  switch (spec.impl) {
    case 'exper':
      return startExperCluster(init)
    case 'vanilla':
      return startVanillaCluster(init)
    case 'vanilla-allow':
      return startVanillaCluster({ ...init, allowLoopback: true })
    case 'exper-kv':
      return startHostedCluster({ ...init, command: process.execPath, args: [HOST_PATH, '--peers', String(spec.peers)], opTimeoutMs, answersStats: true })
  }
}
