import { setMaxListeners } from 'node:events'

/**
 * A signal that aborts once `ms` have passed or `parent` aborts, whichever
 * comes first, and lets go of its timer and of `parent` as soon as `clear()`
 * is called — which `AbortSignal.timeout` and `AbortSignal.any` cannot do: a
 * timeout signal stays in memory with its timer until the timer fires, so
 * with the 30 s query timeout every finished get and put lingered for 30 s,
 * long enough to be moved to V8's old generation and collected there.
 * Give it the work with `run()`, or call `clear()` once that work has ended.
 */
export class Deadline {
  /** Aborts with `reason()` when the time runs out, or with the parent's reason. */
  readonly signal: AbortSignal
  private readonly controller = new AbortController()
  private readonly timer: ReturnType<typeof setTimeout>
  private readonly onParentAbort = (): void => { this.controller.abort(this.parent?.reason) }
  private timedOut = false

  /**
   * @param ms - time allowed, in ms
   * @param parent - a signal to follow as well, e.g. the caller's
   * @param reason - the abort reason when the time runs out @default a `TimeoutError` DOMException, as `AbortSignal.timeout` gives
   */
  constructor (ms: number, private readonly parent?: AbortSignal, reason: () => unknown = timeoutReason) {
    this.signal = this.controller.signal
    this.timer = setTimeout(() => {
      if (!this.signal.aborted) {
        this.timedOut = true
        this.controller.abort(reason())
      }
    }, ms)
    // like AbortSignal.timeout: a pending deadline alone does not keep the process alive
    this.timer.unref()
    if (parent == null) {
      return
    }
    if (parent.aborted) {
      this.onParentAbort()
      return
    }
    // one caller's signal may guard many operations at once
    setMaxListeners(Infinity, parent)
    parent.addEventListener('abort', this.onParentAbort, { once: true })
  }

  /** Whether the time ran out (rather than the parent aborting first). */
  get expired (): boolean {
    return this.timedOut
  }

  /** Runs `work` with the signal, then clears the deadline however `work` ends. */
  async run<T> (work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await work(this.signal)
    } finally {
      this.clear()
    }
  }

  /** Stops the timer and stops following the parent; the signal stays as it is. */
  clear (): void {
    clearTimeout(this.timer)
    this.parent?.removeEventListener('abort', this.onParentAbort)
  }
}

function timeoutReason (): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError')
}
