import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { TypedEventEmitter } from 'main-event'
import { isPeerMessage } from './messages.js'
import type { ReadyMessage, SupervisorMessage } from './messages.js'
import type { ChildProcess } from 'node:child_process'

/**
 * The CLI that every peer process runs (`exper-dht start ...`): the bundled
 * one that `npm run build` writes next to the compiled entry point, which
 * starts in half the time (one file to load instead of libp2p's module graph).
 */
export const CLI_PATH = fileURLToPath(new URL('../cli/exper-dht.mjs', import.meta.url))

/** The end of the stderr of a peer process that is kept, to explain a crash. */
const STDERR_TAIL_CHARS = 2048

/** How a process ended. */
export interface ProcessExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null
  /** The signal that ended it, or null. */
  signal: NodeJS.Signals | null
}

/** Events of a `PeerProcess`. */
export interface PeerProcessEvents {
  /** Its routing table size changed; `detail` is the new size. */
  'routing:change': CustomEvent<number>
}

/**
 * One `exper-dht start` process forked with an IPC channel. It is detached
 * (its own process group), so a Ctrl-C on the terminal reaches the
 * supervisor only, which then stops it in order; it stops by itself when the
 * channel closes, so it never outlives the supervisor. Its stdout (the same
 * events as IPC) is discarded and the end of its stderr kept.
 */
export class PeerProcess extends TypedEventEmitter<PeerProcessEvents> {
  /** The process id. */
  readonly pid: number
  /** Resolves with the `ready` message; rejects if the process ends first. */
  readonly ready: Promise<ReadyMessage>
  /** Resolves once the process has ended and its stderr is closed. */
  readonly exited: Promise<ProcessExit>
  /** The size of its routing table, as it last reported it. */
  routingTableSize = 0

  private readonly child: ChildProcess
  private stderr = ''
  private exit?: ProcessExit

  /** Forks `exper-dht start ARGS`. */
  constructor (args: string[]) {
    super()
    this.child = fork(CLI_PATH, ['start', ...args], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
      execArgv: [],
      serialization: 'json'
    })
    this.pid = this.child.pid ?? -1
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL_CHARS)
    })
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exit = { code, signal }
        resolve(this.exit)
      })
      this.child.once('error', (err) => {
        // the process could not be spawned: there will be no 'close'
        if (this.child.pid == null) {
          this.stderr = err.message
          this.exit = { code: null, signal: null }
          resolve(this.exit)
        }
      })
    })
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: unknown) => {
        if (!isPeerMessage(message)) {
          return
        }
        if (message.type === 'ready') {
          resolve(message)
        } else {
          this.routingTableSize = message.size
          this.safeDispatchEvent('routing:change', { detail: message.size })
        }
      })
      void this.exited.then(() => { reject(new Error(`exited before it was ready (${this.describeExit()})`)) })
    })
    this.ready.catch(() => {})
  }

  /** Whether the process has ended. */
  get hasExited (): boolean {
    return this.exit != null
  }

  /** How it ended and the last line it wrote to stderr, e.g. `exit code 1: exper-dht: error: ...`. */
  describeExit (): string {
    const how = this.exit == null ? 'running' : this.exit.signal != null ? `killed by ${this.exit.signal}` : `exit code ${this.exit.code ?? 'unknown'}`
    const lastLine = this.stderr.trim().split('\n').at(-1) ?? ''
    return lastLine === '' ? how : `${how}: ${lastLine}`
  }

  /** Asks the peer to fill its routing table now (see `RefreshRoutingTableMessage`). */
  refreshRoutingTable (): void {
    if (this.child.connected) {
      const message: SupervisorMessage = { type: 'refresh-routing-table' }
      // a failed send means the process is ending, and its exit is handled
      this.child.send(message, () => {})
    }
  }

  /** Sends `signal` unless the process has already ended. */
  kill (signal: NodeJS.Signals): void {
    if (!this.hasExited) {
      this.child.kill(signal)
    }
  }

  /** SIGTERM, then SIGKILL if it has not ended after `graceMs`; resolves once it has ended. */
  async terminate (graceMs: number): Promise<ProcessExit> {
    this.kill('SIGTERM')
    const timer = setTimeout(() => { this.kill('SIGKILL') }, graceMs)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }
}
