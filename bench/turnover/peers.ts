import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { GO_PEER_BINARY } from '../../test/interop/helpers/go-peer.js'
import { LOOPBACK_LISTEN } from '../clusters/in-process.js'
import { JsonLinesProcess } from '../clusters/json-lines-process.js'
import { dialableAddress } from '../clusters/kv-driver.js'
import type { JsonEvent } from '../clusters/json-lines-process.js'
import type { PeerAddress } from '../clusters/kv-driver.js'

/** The exper-dht CLI as installed (`bin`): the bundle `npm run build` makes (dist/src/cli/exper-dht.mjs). */
export const EXPER_CLI_PATH = fileURLToPath(new URL('../../src/cli/exper-dht.mjs', import.meta.url))

/** The implementations a turnover run starts as one `start` process per peer. */
export type TurnoverImplementation = 'exper' | 'go'

/** How long a stopped peer (SIGTERM) gets to exit before it is killed, in ms. */
const STOP_GRACE_MS = 10_000

/** One event a peer printed, when it arrived (`performance.now()` of this process). */
export interface PeerEvent {
  index: number
  at: number
  event: JsonEvent
}

/** Options of `PeerProcesses`. */
export interface PeerProcessesInit {
  impl: TurnoverImplementation
  /** Where each exper peer gets its own `--data-dir` (`peer-<i>`). */
  dir: string
  /** exper's `--config` file. */
  configFile: string
  /** Hears every JSON line every peer prints. */
  onEvent(event: PeerEvent): void
}

/**
 * The peers of a turnover run, one OS process each: `exper-dht start --listen
 * /ip4/127.0.0.1/tcp/0 --data-dir DIR/peer-<i> --config FILE --json` or
 * `exper-dht-go start --listen /ip4/127.0.0.1/tcp/0 --json`, each with
 * `--bootstrap` of the peer it joins through. Every child is a
 * `JsonLinesProcess`, so `JsonLinesProcess.killAll()` leaves none behind.
 */
export class PeerProcesses {
  /** Addresses of the peers that printed `ready` (and have not been stopped or killed). */
  readonly addresses = new Map<number, PeerAddress>()
  private readonly processes = new Map<number, JsonLinesProcess>()

  constructor (private readonly init: PeerProcessesInit) {}

  /** Peers running (started, not stopped or killed), ready or not. */
  get running (): number[] {
    return [...this.processes.keys()].sort((a, b) => a - b)
  }

  /** The process ids of the running peers. */
  get pids (): number[] {
    return [...this.processes.values()].map((p) => p.pid)
  }

  /**
   * Starts peer `index`, joining through `bootstrap` when given, and resolves
   * with its address once it has printed `ready`; rejects (and kills it) when
   * it exits first or is not ready within `timeoutMs`.
   */
  async start (index: number, bootstrap: PeerAddress | undefined, timeoutMs: number): Promise<PeerAddress> {
    const joinThrough = bootstrap == null ? [] : ['--bootstrap', dialableAddress(bootstrap)]
    let command: string
    let args: string[]
    if (this.init.impl === 'exper') {
      const dataDir = join(this.init.dir, `peer-${index}`)
      await mkdir(dataDir, { recursive: true })
      command = process.execPath
      args = [EXPER_CLI_PATH, 'start', '--listen', LOOPBACK_LISTEN, '--data-dir', dataDir, '--config', this.init.configFile, '--json', ...joinThrough]
    } else {
      command = GO_PEER_BINARY
      args = ['start', '--listen', LOOPBACK_LISTEN, '--json', ...joinThrough]
    }
    const child = new JsonLinesProcess(command, args, (event) => { this.init.onEvent({ index, at: performance.now(), event }) })
    this.processes.set(index, child)
    try {
      const ready = await child.next((event) => event.event === 'ready', Math.max(timeoutMs, 0))
      const address: PeerAddress = { index, peerId: String(ready.peerId), addrs: (ready.addrs as unknown[]).map(String) }
      this.addresses.set(index, address)
      return address
    } catch (err) {
      await this.kill(index)
      throw err
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once peer `index` has exited. */
  async stop (index: number): Promise<void> {
    const child = this.processes.get(index)
    this.addresses.delete(index)
    this.processes.delete(index)
    await child?.stop(STOP_GRACE_MS)
  }

  /** SIGKILL; resolves once peer `index` has exited. */
  async kill (index: number): Promise<void> {
    const child = this.processes.get(index)
    this.addresses.delete(index)
    this.processes.delete(index)
    if (child != null) {
      child.child.kill('SIGKILL')
      await child.exited
    }
  }

  /** Stops every running peer (SIGTERM, then SIGKILL after the grace period). */
  async stopAll (): Promise<void> {
    await Promise.all(this.running.map(async (index) => this.stop(index)))
  }
}

/**
 * Starts `indices` with at most `concurrency` starting at once; each
 * joins through the peer `bootstrapOf(index)` picks, started when that peer
 * is ready (`readyOf`). Resolves with the indices that became ready before
 * `deadline` (a `performance.now()` time); never rejects.
 */
export async function startPeers (peers: PeerProcesses, indices: readonly number[], init: {
  bootstrapOf(index: number): Promise<PeerAddress | undefined>
  deadline: number
  concurrency: number
  onReady(index: number): void
  onFailed(index: number, error: Error): void
}): Promise<number[]> {
  const ready: number[] = []
  let active = 0
  const waiting: Array<() => void> = []
  const acquire = async (): Promise<void> => {
    if (active < init.concurrency) {
      active++
      return
    }
    await new Promise<void>((resolve) => { waiting.push(resolve) })
  }
  const release = (): void => {
    const next = waiting.shift()
    if (next != null) {
      next()
    } else {
      active--
    }
  }
  await Promise.all(indices.map(async (index) => {
    try {
      const bootstrap = await init.bootstrapOf(index)
      await acquire()
      try {
        if (performance.now() >= init.deadline) {
          throw new Error(`not started: the ready timeout passed while peer ${index} waited for its turn`)
        }
        await peers.start(index, bootstrap, init.deadline - performance.now())
      } finally {
        release()
      }
      ready.push(index)
      init.onReady(index)
    } catch (err) {
      init.onFailed(index, err as Error)
    }
  }))
  return ready.sort((a, b) => a - b)
}
