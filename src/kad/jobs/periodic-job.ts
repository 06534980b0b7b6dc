import { repeatingTask } from '@libp2p/utils'
import type { RepeatingTask } from '@libp2p/utils'

/** Options of `PeriodicJob`. */
export interface PeriodicJobOptions {
  /** Run once at `start()` instead of after the first interval. @default false */
  runImmediately?: boolean
  /** Hears a run that failed (the schedule goes on). */
  onError?(error: Error): void
}

/**
 * A piece of periodic work of a peer (after rust-libp2p's `jobs.rs`): `run`
 * every `intervalMs` (0: never), one run at a time, the next wait starting
 * when a run ends, until `stop()` — which aborts the signal the run gets. A
 * run that throws is reported to `onError`, never dropped silently.
 */
export class PeriodicJob {
  private task?: RepeatingTask
  private readonly stopController = new AbortController()

  constructor (private readonly run: (signal: AbortSignal) => Promise<void>, private readonly intervalMs: number, private readonly options: PeriodicJobOptions = {}) {}

  /** Aborted once the job is stopped. */
  get signal (): AbortSignal {
    return this.stopController.signal
  }

  /** Starts the schedule (no-op when the interval is 0 or the job was stopped). */
  start (): void {
    if (this.task != null || this.intervalMs <= 0 || this.signal.aborted) {
      return
    }
    this.task = repeatingTask(async () => {
      if (this.signal.aborted) {
        return
      }
      try {
        await this.run(this.signal)
      } catch (err) {
        if (!this.signal.aborted) {
          this.options.onError?.(err as Error)
        }
      }
    }, this.intervalMs, { runImmediately: this.options.runImmediately })
    this.task.start()
  }

  /** Runs the job soon, outside its schedule (debounced). */
  runSoon (): void {
    this.task?.run()
  }

  /** Stops the schedule and aborts a run in progress. */
  stop (): void {
    this.stopController.abort()
    this.task?.stop()
  }
}
