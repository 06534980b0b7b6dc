import type { EventLoopDelaySummary, ResourceSample } from '../resources.js'

/** Options every cluster starter takes. */
export interface ClusterInit {
  /** Peers to start. */
  peers: number
  /** How long to wait for every peer to become ready before going on without the late ones, in ms. */
  readyTimeoutMs: number
  /** Reports progress (one line, no newline). */
  log: (line: string) => void
}

/**
 * A running set of DHT peers under benchmark, whatever they are (in-process
 * peers, a hosting process, one process per peer) and however they are driven
 * (library API or the store/retrieve protocol). Peers are numbered from 0.
 */
export interface BenchCluster {
  /** Peers started. */
  readonly size: number
  /** Indices of the peers that became ready within the ready timeout; operations use only these. */
  readonly readyPeers: readonly number[]
  /** Why peers failed to join, when the cluster can tell (most frequent first). */
  readonly startupErrors?: Array<{ message: string, count: number }>
  /** The hosting processes' memory and CPU before the first peer started, when known. */
  readonly baseline?: ResourceSample
  /** Stores `value` under `key` through peer `index`; resolves with the number of peers that stored it. */
  put(index: number, key: string, value: Uint8Array, signal: AbortSignal): Promise<{ replicas: number }>
  /** Retrieves the value of `key` through peer `index`. */
  get(index: number, key: string, signal: AbortSignal): Promise<Uint8Array>
  /** Memory and CPU of whatever hosts the peers. */
  resources(): Promise<ResourceSample>
  /** Event-loop delay of the process hosting the peers since they started, when it is a Node process that can tell. */
  eventLoopDelay(): Promise<EventLoopDelaySummary | undefined>
  /** Stops every peer (and hosting process). */
  stop(): Promise<void>
}
