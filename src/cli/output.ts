/**
 * Where a command writes: human lines, or one JSON object per line with
 * `--json`. Errors always go to stderr.
 */
export class Output {
  constructor (readonly json: boolean) {}

  /** Writes an event: `human` in text mode, `{ event, ...fields }` in JSON mode. */
  event (event: string, fields: Record<string, unknown>, human: string): void {
    if (this.json) {
      process.stdout.write(JSON.stringify({ event, ...fields }) + '\n')
    } else {
      process.stdout.write(human + '\n')
    }
  }
}

/** Writes an error line to stderr. */
export function printError (message: string): void {
  process.stderr.write(`exper-dht: error: ${message}\n`)
}

/** A seq for JSON: a number while it is exact in a double, a decimal string beyond 2^53. */
export function jsonSeq (seq: bigint): number | string {
  return seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : seq.toString()
}
