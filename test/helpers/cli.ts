import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { LOOPBACK_LISTEN } from './peers.js'
import type { ChildProcess } from 'node:child_process'

/** The CLI as installed (`bin`): the bundle that `npm run build` makes of dist/src/cli/index.js. */
export const CLI_PATH = fileURLToPath(new URL('../../src/cli/exper-dht.mjs', import.meta.url))

/** The command that runs `exper-dht`: node with the compiled CLI. */
export const EXPER_DHT_COMMAND: readonly string[] = [process.execPath, CLI_PATH]

/** One line of `--json` output. */
export type JsonEvent = Record<string, unknown> & { event?: string }

/** How a process ended. */
export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * A running `exper-dht` process (or another program with the same CLI
 * contract, given as `command`): collects its stdout lines (parsed as JSON
 * when they are) and stderr, and lets a test await a given event.
 */
export class CliProcess {
  readonly child: ChildProcess
  readonly events: JsonEvent[] = []
  stderr = ''
  readonly exited: Promise<ProcessExit>
  private hasExited = false
  private readonly waiters = new Set<() => void>()

  private readonly stdoutChunks: Buffer[] = []

  /**
   * Spawns `exper-dht ARGS` (or `command ARGS`) with extra `env`; `stdin` (if
   * given) is written to its stdin, which is then closed. `detached`: as the
   * leader of a process group of its own, which a test can then signal as a
   * whole (`process.kill(-pid)`), as a terminal's Ctrl-C does.
   */
  constructor (args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string | Uint8Array, command: readonly string[] = EXPER_DHT_COMMAND, { detached = false }: { detached?: boolean } = {}) {
    this.child = spawn(command[0], [...command.slice(1), ...args], {
      env: { ...process.env, ...env },
      stdio: [stdin == null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached
    })
    if (stdin != null) {
      this.child.stdin!.end(stdin)
    }
    this.child.stdout!.on('data', (chunk: Buffer) => { this.stdoutChunks.push(chunk) })
    this.exited = once(this.child, 'close').then(([code, signal]) => ({ code, signal }) as ProcessExit)
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as JsonEvent)
      } catch {}
      this.notify()
    })
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk })
    this.exited.then(() => {
      this.hasExited = true
      this.notify()
    }, () => {})
  }

  /** Resolves with the first event named `name` matching `predicate`; rejects if the process exits first or after `timeoutMs`. */
  async waitForEvent (name: string, predicate: (event: JsonEvent) => boolean = () => true, timeoutMs = 60_000): Promise<JsonEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new Error(`no "${name}" event within ${timeoutMs} ms; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`))
      }, timeoutMs)
      const check = (): void => {
        const found = this.events.find((event) => event.event === name && predicate(event))
        if (found != null || this.hasExited) {
          clearTimeout(timer)
          this.waiters.delete(check)
          if (found != null) {
            resolve(found)
          } else {
            reject(new Error(`process exited before a "${name}" event; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`))
          }
        }
      }
      this.waiters.add(check)
      check()
    })
  }

  /** Everything written to stdout so far, as text. */
  get stdout (): string {
    return this.stdoutBytes().toString('utf8')
  }

  /** Everything written to stdout so far, as bytes. */
  stdoutBytes (): Buffer {
    return Buffer.concat(this.stdoutChunks)
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessExit> {
    if (this.child.exitCode == null && this.child.signalCode == null) {
      this.child.kill(signal)
    }
    return this.exited
  }

  private notify (): void {
    for (const waiter of [...this.waiters]) {
      waiter()
    }
  }
}

/** How a process ended and what it printed. */
export type ProcessResult = ProcessExit & { stdout: string, stderr: string }

/** Runs `exper-dht ARGS` to completion. */
export async function runCli (args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return completion(new CliProcess(args, env))
}

/** Waits for a process to end and returns its exit and output. */
export async function completion (cli: CliProcess): Promise<ProcessResult> {
  const exit = await cli.exited
  return { ...exit, stdout: cli.stdout, stderr: cli.stderr }
}

/**
 * Starts `count` ephemeral `exper-dht start` processes on loopback, the
 * first alone and the others bootstrapping from it, pushing each into
 * `peers` as it starts (so a failing start still leaves it there for the
 * caller to stop) and its address into `addrs` once it is ready.
 */
export async function startCliPeers (count: number, peers: CliProcess[], addrs: string[]): Promise<void> {
  const start = (bootstrap: string[]): CliProcess => {
    const peer = new CliProcess(['start', '--listen', LOOPBACK_LISTEN, '--ephemeral', '--json', ...bootstrap])
    peers.push(peer)
    return peer
  }
  const first = start([])
  addrs.push(((await first.waitForEvent('ready')).addrs as string[])[0])
  const others = Array.from({ length: count - 1 }, () => start(['--bootstrap', addrs[0]]))
  for (const other of others) {
    addrs.push(((await other.waitForEvent('ready')).addrs as string[])[0])
  }
}
