/** Latencies of a set of operations, in milliseconds. */
export interface LatencySummary {
  /** Operations measured. */
  count: number
  meanMs: number
  minMs: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
}

/**
 * Summarizes `latenciesMs` (nearest-rank percentiles); `undefined` when it is
 * empty, so that "no successful operation" is never shown as 0 ms.
 */
export function summarizeLatencies (latenciesMs: readonly number[]): LatencySummary | undefined {
  if (latenciesMs.length === 0) {
    return undefined
  }
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
  return {
    count: sorted.length,
    meanMs: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
    minMs: round(sorted[0]),
    p50Ms: round(rank(0.5)),
    p90Ms: round(rank(0.9)),
    p99Ms: round(rank(0.99)),
    maxMs: round(sorted[sorted.length - 1])
  }
}

/**
 * Counts error messages, so a report can say what failed without listing
 * every failure. Messages are grouped with their record keys, addresses and
 * peer ids blanked out: "bench-4 not found" and "bench-5 not found" are one
 * kind of failure.
 */
export class ErrorTally {
  private readonly counts = new Map<string, number>()

  /** Records one failure. */
  add (err: unknown): void {
    const message = genericMessage(err instanceof Error ? `${err.name}: ${err.message}` : String(err))
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1)
  }

  /** The `limit` most frequent messages with their counts. */
  top (limit = 5): Array<{ message: string, count: number }> {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([message, count]) => ({ message, count }))
  }
}

/** `message` with multiaddrs, peer ids and benchmark keys replaced by placeholders. */
export function genericMessage (message: string): string {
  return message
    .replace(/\/(ip4|ip6|dns4|dns6|dns)\/\S+/g, '<addr>')
    .replace(/\b(12D3KooW|Qm)[1-9A-HJ-NP-Za-km-z]{20,}\b/g, '<peer>')
    .replace(/\bbench-\d+\b/g, '<key>')
}

/** `value` rounded to 3 decimals (microseconds, for milliseconds). */
export function round (value: number): number {
  return Math.round(value * 1000) / 1000
}
