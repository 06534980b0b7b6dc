/**
 * Waits for each of `ready` (one promise per peer) until `timeoutMs` has
 * passed since the call; resolves with the indices of the peers that became
 * ready in time, in order. Never rejects: a peer whose promise rejects is
 * simply not ready.
 */
export async function waitForReady (ready: ReadonlyArray<Promise<unknown>>, timeoutMs: number): Promise<number[]> {
  const done = new Set<number>()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs) })
  const all = Promise.all(ready.map(async (promise, index) => {
    try {
      await promise
      done.add(index)
    } catch {}
  }))
  try {
    await Promise.race([all, deadline])
  } finally {
    clearTimeout(timer)
  }
  return [...done].sort((a, b) => a - b)
}
