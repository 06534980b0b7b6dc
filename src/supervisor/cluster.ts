import { setMaxListeners } from 'node:events'
import { join } from 'node:path'
import { TypedEventEmitter } from 'main-event'
import { loadConfigFile, resolveConfig, resolveDataDir } from '../config/index.js'
import { ConfigError } from '../errors.js'
import { listenAddress } from './listen-address.js'
import { SupervisedPeer } from './supervised-peer.js'
import type { ProcessExit } from './peer-process.js'
import type { ClusterPeer, PeerExit, PeerGaveUp, ReadyPeer, SupervisorConfig } from './supervised-peer.js'

/** Folder of a cluster's peers inside the data directory, unless `dir` says otherwise. */
export const CLUSTER_DIR = 'cluster'

/** Bootstrap peers a peer gets besides the first peer: a few others that are running. */
const EXTRA_BOOTSTRAP_PEERS = 2

/** Options of `startCluster`. */
export interface ClusterInit {
  /** How many peers to run. */
  peers: number
  /** Parent folder of the peers' data directories (`<dir>/peer-<i>`). @default `<data dir>/cluster` (data dir: `$EXPER_DHT_HOME`, else the config's `dataDir`) */
  dir?: string
  /** Ephemeral peers (fresh identity, in-memory datastore; a restart gets a new peer id). @default false */
  ephemeral?: boolean
  /** IP address the peers listen on. @default config `supervisor.host` (127.0.0.1) */
  host?: string
  /** Peer i listens on port `basePort + i`. @default a port the OS picks at the first start, kept across restarts */
  basePort?: number
  /** A JSON config file: its `supervisor` section tunes the supervisor, and every peer runs with it (`--config`). @default config/default.json */
  configFile?: string
  /** Overrides of the supervisor's tunables, over `configFile`'s. @default none */
  supervisor?: Partial<SupervisorConfig>
  /** Run every peer with its HTTP API on loopback (port 0), as `supervise --api` does for its network view. @default false */
  api?: boolean
}

/** Events of a `Cluster`. */
export interface ClusterEvents {
  /** A peer is ready for the first time. */
  'peer:ready': CustomEvent<ReadyPeer>
  /** A peer is ready again after a restart (same data dir and port). */
  'peer:restarted': CustomEvent<ReadyPeer>
  /** A peer process ended; `expected` when the supervisor asked for it. */
  'peer:exited': CustomEvent<PeerExit>
  /** The supervisor gave up restarting a peer. */
  'peer:gave-up': CustomEvent<PeerGaveUp>
  /** Every peer has been ready once or was given up; `detail` lists the running ones. */
  ready: CustomEvent<ReadyPeer[]>
}

/**
 * A local network of peers, each an `exper-dht start` process supervised by
 * this one. Peer 0 starts first and alone; the others join through it and a
 * couple of other running peers, `batchSize` at a time. A peer that crashes
 * is restarted with the same data directory and port after a backoff, until
 * it crashes too often (then it is given up, and the others keep running).
 *
 * Every peer process stops by itself when this process ends, however it
 * ends: none is left behind.
 */
export class Cluster extends TypedEventEmitter<ClusterEvents> {
  /** Parent folder of the peers' data directories; undefined for an ephemeral cluster. */
  readonly dir?: string
  /** The supervisor's tunables in force. */
  readonly config: SupervisorConfig

  private readonly slots: SupervisedPeer[]
  private started = false
  private stopping?: Promise<void>

  /** Prepares a cluster; `start()` starts it. Throws a `ConfigError` for invalid options. */
  constructor (init: ClusterInit) {
    super()
    const base = init.configFile == null ? resolveConfig() : loadConfigFile(init.configFile)
    this.config = resolveConfig({ supervisor: { ...base.supervisor, ...init.supervisor } }).supervisor
    const host = init.host ?? this.config.host
    validate(init, host)
    this.dir = init.ephemeral === true ? undefined : init.dir ?? join(resolveDataDir(base), CLUSTER_DIR)
    this.slots = Array.from({ length: init.peers }, (_, index) => {
      const peer = new SupervisedPeer({
        index,
        dataDir: this.dir == null ? undefined : join(this.dir, `peer-${index}`),
        host,
        port: init.basePort == null ? 0 : init.basePort + index,
        configFile: init.configFile,
        bootstrap: () => this.bootstrapFor(index),
        restartBeforeReady: index !== 0,
        api: init.api,
        config: this.config
      })
      peer.addEventListener('ready', ({ detail }) => {
        this.safeDispatchEvent(detail.restarted ? 'peer:restarted' : 'peer:ready', { detail: detail.peer })
      })
      peer.addEventListener('exit', ({ detail }) => { this.safeDispatchEvent('peer:exited', { detail }) })
      peer.addEventListener('gave-up', ({ detail }) => { this.safeDispatchEvent('peer:gave-up', { detail }) })
      return peer
    })
  }

  /** Every peer as last seen, by index. */
  get peers (): ClusterPeer[] {
    return this.slots.map((slot) => slot.snapshot)
  }

  /**
   * Starts peer 0, then the others, `batchSize` at a time; resolves once every
   * peer has been ready or was given up and every running peer's routing
   * table holds `readyRoutingTable` peers, or all the others when there are
   * fewer (a `ready` event says the same). A peer is ready with one peer in
   * its table (peer 0 with none) and then joins (its own id, then the
   * farther buckets), which fills its table with what the network holds at
   * that moment: the last peers to join, or peers joining while the network
   * was still forming, may know only one or two others, and lookups through
   * them are fragile. So once every peer is up, those short of
   * `readyRoutingTable` are asked to join again, and the cluster waits for
   * them (at most `readyTimeoutMs`). If peer 0 cannot start, or `stop()` is called
   * meanwhile, stops everything and rejects. A cluster starts once.
   */
  async start (): Promise<void> {
    if (this.started || this.stopping != null) {
      throw new Error(this.started ? 'the cluster has already been started' : 'the cluster has been stopped')
    }
    this.started = true
    try {
      await this.slots[0].start()
      const queue = this.slots.slice(1)
      const startNext = async (): Promise<void> => {
        for (let slot = queue.shift(); slot != null && this.stopping == null; slot = queue.shift()) {
          await slot.start().catch(() => {})
        }
      }
      await Promise.all(Array.from({ length: Math.min(this.config.batchSize, queue.length) }, startNext))
      for (const slot of this.slots) {
        if (slot.snapshot.routingTableSize < this.config.readyRoutingTable) {
          slot.refreshRoutingTable()
        }
      }
      await this.routingTablesFilled()
      if (this.stopping != null) {
        throw new Error('the cluster was stopped while starting')
      }
    } catch (err) {
      await this.stop()
      throw err
    }
    this.safeDispatchEvent('ready', { detail: this.running() })
  }

  /** The peers that are running now. */
  running (): ReadyPeer[] {
    return this.peers.flatMap(({ index, state, pid, peerId, addrs }) =>
      state === 'running' && pid != null && peerId != null ? [{ index, pid, peerId, addrs }] : [])
  }

  /**
   * Kills peer `index`'s process with `signal` (default SIGKILL) as a crash
   * would; it is restarted like any crashed peer. Resolves once the process
   * has ended.
   */
  async kill (index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<ProcessExit> {
    return this.slot(index).kill(signal)
  }

  /**
   * Stops peer `index` (SIGTERM, SIGKILL after `stopGraceMs`) and starts it
   * again at once with the same data dir and port; also revives a peer that
   * was given up. Resolves once it is ready.
   */
  async restart (index: number): Promise<ReadyPeer> {
    return this.slot(index).restart()
  }

  /** Stops every peer: SIGTERM, then SIGKILL after `stopGraceMs`. Resolves once all have ended; safe to call twice. */
  async stop (): Promise<void> {
    this.stopping ??= Promise.all(this.slots.map(async (slot) => slot.stop())).then(() => {})
    return this.stopping
  }

  /**
   * Resolves once every running peer's routing table holds
   * `readyRoutingTable` peers (or all the other running ones, if fewer),
   * after `readyTimeoutMs` at the latest, or when the cluster stops.
   */
  private async routingTablesFilled (): Promise<void> {
    const filled = (): boolean => {
      const running = this.peers.filter((peer) => peer.state === 'running')
      const wanted = Math.min(this.config.readyRoutingTable, running.length - 1)
      return this.stopping != null || running.every((peer) => peer.routingTableSize >= wanted)
    }
    const done = new AbortController()
    // two listeners per peer
    setMaxListeners(Infinity, done.signal)
    const timer = setTimeout(() => { done.abort() }, this.config.readyTimeoutMs)
    try {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (filled()) {
            resolve()
          }
        }
        done.signal.addEventListener('abort', () => { resolve() })
        for (const slot of this.slots) {
          slot.addEventListener('routing:change', check, { signal: done.signal })
          slot.addEventListener('exit', check, { signal: done.signal })
        }
        check()
      })
    } finally {
      clearTimeout(timer)
      done.abort()
    }
  }

  private slot (index: number): SupervisedPeer {
    const slot = this.slots[index]
    if (!Number.isInteger(index) || slot == null) {
      throw new RangeError(`no peer ${index}: the cluster has peers 0 to ${this.slots.length - 1}`)
    }
    return slot
  }

  /** Peer 0 (unless it is `index` or not running) and a few other running peers, at random. */
  private bootstrapFor (index: number): string[] {
    const others = this.slots.filter((slot) => slot.index !== index && slot.runningAddrs != null)
    const first = others.filter((slot) => slot.index === 0)
    const rest = shuffle(others.filter((slot) => slot.index !== 0))
    return [...first, ...rest].slice(0, EXTRA_BOOTSTRAP_PEERS + 1).map((slot) => (slot.runningAddrs ?? [])[0])
  }
}

/** Creates a cluster and starts it (see `Cluster.start`). */
export async function startCluster (init: ClusterInit): Promise<Cluster> {
  const cluster = new Cluster(init)
  await cluster.start()
  return cluster
}

function validate (init: ClusterInit, host: string): void {
  if (!Number.isSafeInteger(init.peers) || init.peers < 1) {
    throw new ConfigError(`peers must be a positive whole number, not ${init.peers}`)
  }
  if (init.basePort != null && (!Number.isInteger(init.basePort) || init.basePort < 1 || init.basePort + init.peers - 1 > 65535)) {
    throw new ConfigError(`base port ${init.basePort} with ${init.peers} peers does not fit in 1-65535`)
  }
  if (init.ephemeral === true && init.dir != null) {
    throw new ConfigError('an ephemeral cluster has no directory')
  }
  listenAddress(host, 0)
}

function shuffle<T> (items: T[]): T[] {
  const shuffled = [...items]
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
  }
  return shuffled
}
