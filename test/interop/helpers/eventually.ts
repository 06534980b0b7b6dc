import { setTimeout as sleep } from 'node:timers/promises'

/** How often `eventually` asks again. */
const POLL_INTERVAL_MS = 200

/**
 * Asks `check` until it returns true, every 200 ms, and rejects after
 * `timeoutMs` with `describe()`'s account of the last answer. For state that
 * only a remote process knows and announces with no event (a routing table).
 */
export async function eventually (check: () => Promise<boolean>, describe: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) {
      throw new Error(`still not so after ${timeoutMs} ms: ${describe()}`)
    }
    await sleep(POLL_INTERVAL_MS)
  }
}
