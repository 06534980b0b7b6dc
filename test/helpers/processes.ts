import { readFileSync, readdirSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** How often `waitUntilGone` looks (processes that are not our children cannot be awaited). */
const POLL_MS = 100

/**
 * Whether process `pid` is alive (not a zombie) and its command line contains
 * `marker` - pids are recycled quickly, so the marker (e.g. the test's
 * temporary directory) tells our process from a newcomer with its pid.
 */
export function isAlive (pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
    return state !== 'Z' && cmdline.includes(marker)
  } catch {
    return false
  }
}

/**
 * Every live process whose command line contains `marker`, this one aside:
 * what a test started with the marker among its arguments (and what those
 * processes started with it), including processes that are not its children.
 */
export function processesWith (marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && isAlive(pid, marker))
}

/** The processes `pid` started, and those they started, and so on (from /proc: parents as they are now). */
export function descendants (pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)])
    } catch {}
  }
  const found: number[] = []
  for (let queue = [pid]; queue.length > 0;) {
    const next = children.get(queue.shift()!) ?? []
    found.push(...next)
    queue.push(...next)
  }
  return found
}

/** The pids among `pids` that are still alive (see `isAlive`). */
export function alive (pids: number[], marker: string): number[] {
  return pids.filter((pid) => isAlive(pid, marker))
}

/** Resolves once none of `pids` is alive; rejects with the survivors after `timeoutMs`. */
export async function waitUntilGone (pids: number[], marker: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const survivors = alive(pids, marker)
    if (survivors.length === 0) {
      return
    }
    if (Date.now() > deadline) {
      throw new Error(`still running after ${timeoutMs} ms: ${survivors.join(', ')}`)
    }
    await sleep(POLL_MS)
  }
}

/** SIGKILLs those of `pids` that are still alive: the cleanup of a test that failed halfway. */
export function killSurvivors (pids: number[], marker: string): void {
  for (const pid of alive(pids, marker)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
}
