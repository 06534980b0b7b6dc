import { EventLoopDelayMonitor, sampleThisProcess } from '../resources.js'
import { waitForReady } from './readiness.js'
import type { EventLoopDelaySummary, ResourceSample } from '../resources.js'
import type { ClusterInit } from './cluster.js'

/** Where in-process benchmark peers listen: loopback, a port the OS picks. */
export const LOOPBACK_LISTEN = '/ip4/127.0.0.1/tcp/0'

/** How to start, watch and stop one kind of in-process node. */
export interface NodeKind<T> {
  /** Starts a node listening on `LOOPBACK_LISTEN`, joining through `bootstrap` when given. */
  start(bootstrap?: string): Promise<T>
  /** A dialable address of a started node. */
  address(node: T): string
  /** Resolves once the node is ready (its routing table holds a peer). */
  ready(node: T): Promise<void>
  stop(node: T): Promise<void>
}

/** In-process nodes started by `startNodes`, with what the cluster reports about this process. */
export interface StartedNodes<T> {
  nodes: T[]
  readyPeers: number[]
  /** This process before the first node started. */
  baseline: ResourceSample
  eventLoopDelay(): EventLoopDelaySummary
  /** Stops every node and the event-loop monitor. */
  stop(): Promise<void>
}

/**
 * Starts `init.peers` nodes in this process: node 0 alone, then all the
 * others at once, each bootstrapping from node 0; then waits (at most
 * `init.readyTimeoutMs`) for them to be ready. Watches this process's event
 * loop from before the first node on.
 */
export async function startNodes<T> (kind: NodeKind<T>, init: ClusterInit): Promise<StartedNodes<T>> {
  const baseline = sampleThisProcess()
  const monitor = new EventLoopDelayMonitor()
  monitor.start()
  const nodes: T[] = []
  const stop = async (): Promise<void> => {
    monitor.stop()
    await Promise.all(nodes.map(async (node) => kind.stop(node)))
  }
  try {
    nodes.push(await kind.start())
    const bootstrap = kind.address(nodes[0])
    const others = await Promise.allSettled(Array.from({ length: init.peers - 1 }, async () => kind.start(bootstrap)))
    for (const result of others) {
      if (result.status === 'fulfilled') {
        nodes.push(result.value)
      }
    }
    const failed = others.find((result) => result.status === 'rejected')
    if (failed != null) {
      throw failed.reason
    }
  } catch (err) {
    await stop()
    throw err
  }
  init.log(`${nodes.length} peers started, waiting for them to be ready`)
  const readyPeers = await waitForReady(nodes.map(async (node) => kind.ready(node)), init.readyTimeoutMs)
  return { nodes, readyPeers, baseline, eventLoopDelay: () => monitor.summary(), stop }
}
