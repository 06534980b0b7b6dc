import { fileURLToPath } from 'node:url'
import { GO_PEER_BINARY } from '../../test/interop/helpers/go-peer.js'
import { RUST_PEER_BINARY } from '../../test/interop/helpers/rust-peer.js'
import { startExperCluster } from './exper.js'
import { startHostedCluster } from './hosted.js'
import { LOOPBACK_LISTEN } from './in-process.js'
import { startProcessCluster } from './processes.js'
import { startSupervisedCluster } from './supervised.js'
import { startVanillaCluster } from './vanilla.js'
import type { RunSpec } from '../run-one.js'
import type { BenchCluster, ClusterInit } from './cluster.js'

export type { BenchCluster, ClusterInit } from './cluster.js'

/** The compiled exper-dht hosting program (dist/bench/host.js). */
export const HOST_PATH = fileURLToPath(new URL('../host.js', import.meta.url))

/** Starts the peers of `spec` as its implementation and hosting require. */
export async function startCluster (spec: RunSpec, init: ClusterInit): Promise<BenchCluster> {
  const opTimeoutMs = spec.opTimeoutS * 1000
  if (spec.processes) {
    switch (spec.impl) {
      case 'exper':
        return startSupervisedCluster({ ...init, opTimeoutMs })
      case 'go':
      case 'rust':
        return startProcessCluster({
          ...init,
          command: spec.impl === 'go' ? GO_PEER_BINARY : RUST_PEER_BINARY,
          args: (bootstrap) => ['start', '--listen', LOOPBACK_LISTEN, '--json', ...(bootstrap == null ? [] : ['--bootstrap', bootstrap])],
          opTimeoutMs
        })
      default:
        throw new Error(`--processes is not available for ${spec.impl}`)
    }
  }
  switch (spec.impl) {
    case 'exper':
      return startExperCluster(init)
    case 'vanilla':
      return startVanillaCluster(init)
    case 'vanilla-allow':
      return startVanillaCluster({ ...init, allowLoopback: true })
    case 'exper-kv':
      return startHostedCluster({ ...init, command: process.execPath, args: [HOST_PATH, '--peers', String(spec.peers)], opTimeoutMs, answersStats: true })
    case 'go':
    case 'rust':
      return startHostedCluster({
        ...init,
        command: spec.impl === 'go' ? GO_PEER_BINARY : RUST_PEER_BINARY,
        args: ['start', '--peers', String(spec.peers), '--listen', LOOPBACK_LISTEN, '--json'],
        opTimeoutMs
      })
  }
}
