import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Runs `refresh` every `intervalMs` until `signal` aborts, one run at a time:
 * the next wait starts when a run has ended, so a slow refresh never overlaps
 * the next. `intervalMs` 0 turns it off. The waits do not keep the process
 * alive. `refresh` must not throw (Kademlia's join never does).
 */
export async function refreshPeriodically (intervalMs: number, signal: AbortSignal, refresh: () => Promise<void>): Promise<void> {
  if (intervalMs <= 0) {
    return
  }
  while (!signal.aborted) {
    try {
      await sleep(intervalMs, undefined, { signal, ref: false })
    } catch {
      return
    }
    await refresh()
  }
}
