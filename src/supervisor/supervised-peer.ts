import { TypedEventEmitter } from 'main-event'
import { listenAddress, tcpPortOf } from './listen-address.js'
import { PeerProcess } from './peer-process.js'
import { RestartPolicy } from './restart-policy.js'
import type { ReadyMessage } from './messages.js'
import type { ProcessExit } from './peer-process.js'
import type { PeerConfig } from '../config/index.js'

/** The supervisor's tunables: the `supervisor` section of the configuration. */
export type SupervisorConfig = PeerConfig['supervisor']

/**
 * Where a supervised peer is: `pending` (not started yet), `starting` (its
 * process runs but is not ready yet), `running` (ready), `restarting`
 * (crashed; waiting out the backoff), `stopping`, `stopped`, `gave-up`
 * (crashed too often; left down).
 */
export type PeerState = 'pending' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'gave-up'

/** A ready peer process: what `peer-ready` and `peer-restarted` report. */
export interface ReadyPeer {
  /** Position in the cluster, from 0. */
  index: number
  /** Process id. */
  pid: number
  peerId: string
  /** Listen addresses, each ending in `/p2p/<peer id>`. */
  addrs: string[]
  /** The base URL of its HTTP API, when the cluster runs its peers with one (`ClusterInit.api`). */
  api?: string
}

/** A peer of a cluster as last seen. */
export interface ClusterPeer {
  index: number
  state: PeerState
  /** Process id of its current process, if it has one. */
  pid?: number
  /** Its peer id, once it has been ready. */
  peerId?: string
  /** Its addresses, once it has been ready. */
  addrs: string[]
  /** Peers in its DHT routing table, as its process last reported (0 without a process). */
  routingTableSize: number
  /** How many times it was started again (after a crash, or on request). */
  restarts: number
  /** The base URL of its HTTP API while it runs, when the cluster runs its peers with one. */
  api?: string
}

/** A peer process ended. */
export interface PeerExit extends ProcessExit {
  index: number
  pid: number
  /** Whether the supervisor asked for it (stop or restart); an unexpected exit is a crash. */
  expected: boolean
}

/** The supervisor stopped restarting a peer. */
export interface PeerGaveUp {
  index: number
  /** Why, with how its last process ended. */
  reason: string
}

/** Events of a `SupervisedPeer`. */
export interface SupervisedPeerEvents {
  /** Its process is ready; `restarted` is false the first time. */
  ready: CustomEvent<{ peer: ReadyPeer, restarted: boolean }>
  /** Its process ended. */
  exit: CustomEvent<PeerExit>
  /** It crashed too often (or, being the cluster's first peer, before it was ever ready). */
  'gave-up': CustomEvent<PeerGaveUp>
  /** Its routing table size changed; `detail` is the new size. */
  'routing:change': CustomEvent<number>
}

/** What a `SupervisedPeer` needs. */
export interface SupervisedPeerInit {
  index: number
  /** Its data directory; undefined for an ephemeral peer. */
  dataDir?: string
  /** The IP address to listen on. */
  host: string
  /** The TCP port; 0 lets the OS pick one at the first start, which is then kept. */
  port: number
  /** A `--config` file for the peer process. */
  configFile?: string
  /** The addresses to bootstrap from, asked at each start. */
  bootstrap: () => string[]
  /** Restart a process that crashed before it was ever ready (false: give up at once). */
  restartBeforeReady: boolean
  /** Run it with an HTTP API on loopback, on a port the OS picks (`start --api`). */
  api?: boolean
  config: SupervisorConfig
}

interface ReadyWaiter {
  resolve: (peer: ReadyPeer) => void
  reject: (err: Error) => void
}

/**
 * One peer of a cluster over its whole life: forks its `exper-dht start`
 * process, and when that crashes, starts it again with the same data
 * directory and the same port (so the same peer id, address and records)
 * after a backoff, until the restart intensity is exceeded.
 */
export class SupervisedPeer extends TypedEventEmitter<SupervisedPeerEvents> {
  readonly index: number
  private state: PeerState = 'pending'
  private port: number
  private process?: PeerProcess
  private info?: ReadyPeer
  private everReady = false
  private stopRequested = false
  private restarts = 0
  private restartTimer?: NodeJS.Timeout
  private readonly policy: RestartPolicy
  private readonly waiters = new Set<ReadyWaiter>()

  constructor (private readonly init: SupervisedPeerInit) {
    super()
    this.index = init.index
    this.port = init.port
    this.policy = new RestartPolicy(init.config)
  }

  /** What is known of it now. */
  get snapshot (): ClusterPeer {
    return {
      index: this.index,
      state: this.state,
      pid: this.process?.pid,
      peerId: this.info?.peerId,
      addrs: this.info?.addrs ?? [],
      routingTableSize: this.process?.routingTableSize ?? 0,
      restarts: this.restarts,
      ...(this.state === 'running' && this.info?.api != null ? { api: this.info.api } : {})
    }
  }

  /** Its addresses while it is running. */
  get runningAddrs (): string[] | undefined {
    return this.state === 'running' ? this.info?.addrs : undefined
  }

  /** Starts its first process; resolves once one is ready, rejects if it gives up or is stopped first. */
  async start (): Promise<ReadyPeer> {
    const ready = this.nextReady()
    this.spawn()
    return ready
  }

  /**
   * Sends `signal` to its process, as a crash would: the supervisor restarts
   * it like any peer that died unexpectedly. Resolves once the process has
   * ended.
   */
  async kill (signal: NodeJS.Signals = 'SIGKILL'): Promise<ProcessExit> {
    const proc = this.process
    if (proc == null || this.state === 'stopping') {
      throw new Error(`peer ${this.index} has no process to kill (it is ${this.state})`)
    }
    proc.kill(signal)
    return proc.exited
  }

  /**
   * Stops its process (SIGTERM, SIGKILL after the grace period) and starts it
   * again at once, forgetting past crashes (this revives a peer that was
   * given up). Resolves once it is ready.
   */
  async restart (): Promise<ReadyPeer> {
    if (this.stopRequested || this.state === 'stopping') {
      throw new Error(`peer ${this.index} is ${this.state}`)
    }
    clearTimeout(this.restartTimer)
    this.policy.reset()
    const proc = this.process
    if (proc != null) {
      this.state = 'stopping'
      await proc.terminate(this.init.config.stopGraceMs)
      if (this.stopRequested) {
        throw new Error(`peer ${this.index} was stopped while restarting`)
      }
    }
    const ready = this.nextReady()
    this.restarts++
    this.spawn()
    return ready
  }

  /** Asks its process, if it is running, to fill its routing table now. */
  refreshRoutingTable (): void {
    if (this.state === 'running') {
      this.process?.refreshRoutingTable()
    }
  }

  /** Stops it for good: no more restarts; SIGTERM, then SIGKILL after the grace period. */
  async stop (): Promise<void> {
    this.stopRequested = true
    clearTimeout(this.restartTimer)
    const gaveUp = this.state === 'gave-up'
    this.state = 'stopping'
    while (this.process != null) {
      await this.process.terminate(this.init.config.stopGraceMs)
    }
    this.state = gaveUp ? 'gave-up' : 'stopped'
    this.rejectWaiters(new Error(`peer ${this.index} was stopped`))
  }

  private spawn (): void {
    if (this.stopRequested) {
      return
    }
    this.state = 'starting'
    const proc = new PeerProcess(this.processArgs())
    this.process = proc
    proc.addEventListener('routing:change', ({ detail }) => {
      if (this.process === proc) {
        this.safeDispatchEvent('routing:change', { detail })
      }
    })
    let timedOut = false
    const readyTimer = setTimeout(() => {
      timedOut = true
      proc.kill('SIGKILL')
    }, this.init.config.readyTimeoutMs)
    proc.ready.then((message) => {
      clearTimeout(readyTimer)
      if (this.process === proc && this.state === 'starting') {
        this.onReady(proc, message)
      }
    }, () => { clearTimeout(readyTimer) })
    void proc.exited.then((exit) => {
      clearTimeout(readyTimer)
      if (this.process === proc) {
        this.onExit(proc, exit, timedOut)
      }
    })
  }

  private processArgs (): string[] {
    const args = ['--listen', listenAddress(this.init.host, this.port), '--json']
    args.push(...(this.init.dataDir == null ? ['--ephemeral'] : ['--data-dir', this.init.dataDir]))
    for (const addr of this.init.bootstrap()) {
      args.push('--bootstrap', addr)
    }
    if (this.init.configFile != null) {
      args.push('--config', this.init.configFile)
    }
    if (this.init.api === true) {
      args.push('--api', listenAddress('127.0.0.1', 0))
    }
    return args
  }

  private onReady (proc: PeerProcess, message: ReadyMessage): void {
    if (this.port === 0) {
      this.port = tcpPortOf(message.addrs) ?? 0
    }
    this.info = { index: this.index, pid: proc.pid, peerId: message.peerId, addrs: message.addrs, ...(message.api == null ? {} : { api: message.api }) }
    this.state = 'running'
    const restarted = this.everReady
    this.everReady = true
    for (const waiter of this.waiters) {
      waiter.resolve(this.info)
    }
    this.waiters.clear()
    this.safeDispatchEvent('ready', { detail: { peer: this.info, restarted } })
  }

  private onExit (proc: PeerProcess, exit: ProcessExit, timedOut: boolean): void {
    this.process = undefined
    const expected = this.state === 'stopping'
    this.safeDispatchEvent('exit', { detail: { index: this.index, pid: proc.pid, ...exit, expected } })
    if (expected) {
      return
    }
    const cause = timedOut ? `not ready within ${this.init.config.readyTimeoutMs} ms` : proc.describeExit()
    if (!this.everReady && !this.init.restartBeforeReady) {
      this.giveUp(`exited before it was ready (${cause})`)
      return
    }
    const decision = this.policy.onCrash()
    if (!decision.restart) {
      this.giveUp(`${decision.reason}; last: ${cause}`)
      return
    }
    this.state = 'restarting'
    this.restartTimer = setTimeout(() => {
      this.restarts++
      this.spawn()
    }, decision.delayMs)
  }

  private giveUp (reason: string): void {
    this.state = 'gave-up'
    this.rejectWaiters(new Error(`gave up on peer ${this.index}: ${reason}`))
    this.safeDispatchEvent('gave-up', { detail: { index: this.index, reason } })
  }

  private async nextReady (): Promise<ReadyPeer> {
    return new Promise((resolve, reject) => {
      this.waiters.add({ resolve, reject })
    })
  }

  private rejectWaiters (err: Error): void {
    for (const waiter of this.waiters) {
      waiter.reject(err)
    }
    this.waiters.clear()
  }
}
