/** How a crashed peer is restarted; the values come from the config's `supervisor` section. */
export interface RestartPolicyInit {
  /** Wait before the first restart in the window, in ms; doubles with each further one. */
  restartDelayMs: number
  /** Longest wait before a restart, in ms. */
  restartMaxDelayMs: number
  /** Restarts allowed within `maxRestartsWindowMs`; one crash more and the peer is given up. */
  maxRestarts: number
  /** The sliding window of `maxRestarts`, in ms. */
  maxRestartsWindowMs: number
}

/** What to do about a crash: restart after `delayMs`, or give up for `reason`. */
export type RestartDecision =
  | { restart: true, delayMs: number }
  | { restart: false, reason: string }

/**
 * Restart intensity and backoff of one peer, as an Erlang supervisor does it:
 * at most `maxRestarts` restarts within any `maxRestartsWindowMs`, the n-th
 * restart within the window waiting `restartDelayMs · 2^(n-1)` (at most
 * `restartMaxDelayMs`). A peer that stays up for a whole window starts over
 * with the shortest wait.
 */
export class RestartPolicy {
  private readonly restarts: number[] = []

  constructor (private readonly init: RestartPolicyInit, private readonly now: () => number = Date.now) {}

  /** Records a crash and decides: restart (counting it) or give up. */
  onCrash (): RestartDecision {
    const now = this.now()
    while (this.restarts.length > 0 && this.restarts[0] <= now - this.init.maxRestartsWindowMs) {
      this.restarts.shift()
    }
    if (this.restarts.length >= this.init.maxRestarts) {
      return { restart: false, reason: `${this.init.maxRestarts} restarts within ${this.init.maxRestartsWindowMs} ms` }
    }
    const delayMs = Math.min(this.init.restartDelayMs * 2 ** this.restarts.length, this.init.restartMaxDelayMs)
    this.restarts.push(now)
    return { restart: true, delayMs }
  }

  /** Forgets past restarts (after a restart someone asked for). */
  reset (): void {
    this.restarts.length = 0
  }
}
