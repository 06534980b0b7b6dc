/** A seq for JSON: a number while it is exact in a double, a decimal string beyond 2^53 (as the CLI's `--json`). */
export function jsonSeq (seq: bigint): number | string {
  return seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : seq.toString()
}

/** Milliseconds rounded to a tenth, for durations in JSON. */
export function ms (value: number): number {
  return Math.round(value * 10) / 10
}
