import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { ChildProcess } from 'node:child_process'

/** One JSON object a child printed on a line of its stdout. */
export type JsonEvent = Record<string, unknown> & { event?: string }

/** How much of a child's stderr is kept for error messages, in characters. */
const STDERR_TAIL_CHARS = 4000

/**
 * A child process that reports through JSON lines on stdout (`exper-dht
 * start --json`, `exper-dht-go start --json`, bench/host.js): lets the
 * benchmark wait for events and stops the child for sure.
 */
export class JsonLinesProcess {
  /** Every child not yet exited, so that `killAll` can leave no orphan behind. */
  private static readonly running = new Set<ChildProcess>()

  /** SIGKILLs every child still running; for a benchmark process that is being stopped. */
  static killAll (): void {
    for (const child of JsonLinesProcess.running) {
      child.kill('SIGKILL')
    }
  }

  readonly child: ChildProcess
  /** Resolves when the child has exited. */
  readonly exited: Promise<void>
  private stderrTail = ''
  private readonly listeners = new Set<(event?: JsonEvent) => void>()
  private hasExited = false

  /** Spawns `command args` with stdin, stdout and stderr piped. */
  constructor (command: string, args: readonly string[], private readonly onEvent: (event: JsonEvent) => void = () => {}) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    JsonLinesProcess.running.add(this.child)
    this.exited = once(this.child, 'close').then(() => {
      JsonLinesProcess.running.delete(this.child)
      this.hasExited = true
      this.notify()
    }, () => {})
    this.child.stdin!.on('error', () => {})
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let event: JsonEvent
      try {
        event = JSON.parse(line) as JsonEvent
      } catch {
        return
      }
      this.onEvent(event)
      this.notify(event)
    })
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS)
    })
  }

  /** The child's process id. */
  get pid (): number {
    if (this.child.pid == null) {
      throw new Error('the process did not start')
    }
    return this.child.pid
  }

  /** The last few thousand characters the child wrote on stderr. */
  get stderr (): string {
    return this.stderrTail
  }

  /**
   * Resolves with the next event matching `predicate`, printed from now on;
   * rejects when the child exits first or after `timeoutMs`.
   */
  async next (predicate: (event: JsonEvent) => boolean, timeoutMs: number): Promise<JsonEvent> {
    if (this.hasExited) {
      throw this.exitError()
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener)
        reject(new Error(`no expected event from ${this.describe()} within ${timeoutMs} ms`))
      }, timeoutMs)
      const listener = (event?: JsonEvent): void => {
        if (event == null || predicate(event)) {
          clearTimeout(timer)
          this.listeners.delete(listener)
          if (event == null) {
            reject(this.exitError())
          } else {
            resolve(event)
          }
        }
      }
      this.listeners.add(listener)
    })
  }

  /** Writes one line on the child's stdin. */
  send (line: string): void {
    this.child.stdin!.write(`${line}\n`)
  }

  /** SIGTERM, then SIGKILL when the child has not exited after `graceMs`; resolves once it has exited. */
  async stop (graceMs = 10_000): Promise<void> {
    if (this.hasExited) {
      return
    }
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => { this.child.kill('SIGKILL') }, graceMs)
    try {
      await this.exited
    } finally {
      clearTimeout(timer)
    }
  }

  private exitError (): Error {
    return new Error(`${this.describe()} exited (code ${this.child.exitCode}, signal ${this.child.signalCode}); stderr:\n${this.stderrTail}`)
  }

  private describe (): string {
    return `${this.child.spawnfile} (pid ${this.child.pid})`
  }

  /** Tells every waiting listener about `event`, or that the child exited when `event` is undefined. */
  private notify (event?: JsonEvent): void {
    for (const listener of [...this.listeners]) {
      listener(event)
    }
  }
}
