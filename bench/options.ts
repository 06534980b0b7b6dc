import { MAX_VALUE_BYTES } from '../src/index.js'

/**
 * The implementations a benchmark can measure.
 * - `exper`: exper-dht peers in the benchmark's process, driven through the library API.
 * - `exper-kv`: exper-dht peers hosted together in one child process, driven through `/exper-dht/kv/1.0.0`.
 * - `vanilla`: plain @libp2p/kad-dht with its defaults, in the benchmark's process, driven through its API.
 * - `vanilla-allow`: `vanilla` plus `connectionManager.allow` for 127.0.0.0/8.
 * - `go`: the Go interop peer's nodes hosted in one child process, driven through `/exper-dht/kv/1.0.0`.
 * - `rust`: the Rust interop peer's nodes hosted in one child process, driven through `/exper-dht/kv/1.0.0`.
 *
 * With `--processes`, `exper`, `go` and `rust` run one OS process per peer, driven through `/exper-dht/kv/1.0.0`.
 */
export const IMPLEMENTATIONS = ['exper', 'exper-kv', 'vanilla', 'vanilla-allow', 'go', 'rust'] as const

/** One of `IMPLEMENTATIONS`. */
export type Implementation = typeof IMPLEMENTATIONS[number]

/** Implementations that `--processes` runs with one OS process per peer. */
export const PROCESS_IMPLEMENTATIONS: readonly Implementation[] = ['exper', 'go', 'rust']

/** What to measure and how hard: the flags of `npm run bench`. */
export interface BenchOptions {
  /** Network sizes; each implementation runs once per size. @default [10, 50, 100] */
  peers: number[]
  /** Records put, then got, then got again under load. @default 100 */
  records: number
  /** Bytes per value. @default 100 */
  valueSize: number
  /** Gets in flight at once in the load phase. @default 32 */
  concurrency: number
  /** Length of the load phase, in seconds. @default 10 */
  durationS: number
  /** Implementations to measure, in this order. @default every one of IMPLEMENTATIONS */
  impls: Implementation[]
  /** One OS process per peer (`exper`, `go` and `rust` only), driven through the store/retrieve protocol. @default false */
  processes: boolean
  /** Seed of every random choice. @default 1 */
  seed: number
  /** Where to write the full report as JSON. @default none */
  jsonFile?: string
  /** Upper bound of one put or get, in seconds. @default 30 */
  opTimeoutS: number
  /**
   * How long to wait for every peer to become ready, in seconds; late peers
   * are reported and left out. @default `readyTimeoutFor(N)`: 30 s plus 1 s per peer
   */
  readyTimeoutS?: number
  /** Upper bound of the put phase and of the get phase, in seconds. @default 300 */
  phaseTimeoutS: number
  /** Upper bound of the number of gets the load phase starts. @default 1000000 */
  maxOps: number
  /**
   * Times the put, get and load phases run on the same peers, with the RSS
   * sampled after each round: whether memory stays flat under a repeated
   * workload. The table shows the first round. @default 1
   */
  rounds: number
  /**
   * Runs the turnover scenario ("records that last") instead of the
   * put/get/load phases: a quarter of N peers take the records, the rest
   * join, then the originals leave and a few more are killed; records found
   * after each step and the replication traffic. One OS process per peer,
   * `exper` and `go` only, the first network size only. See bench/turnover/.
   * @default false
   */
  turnover: boolean
  /** `--turnover`: `records.replicateIntervalMs` of the exper peers, in seconds. @default 5 */
  replicateIntervalS: number
}

/** The defaults of every option. */
export const DEFAULT_OPTIONS: BenchOptions = {
  peers: [10, 50, 100],
  records: 100,
  valueSize: 100,
  concurrency: 32,
  durationS: 10,
  impls: [...IMPLEMENTATIONS],
  processes: false,
  seed: 1,
  opTimeoutS: 30,
  phaseTimeoutS: 300,
  maxOps: 1_000_000,
  rounds: 1,
  turnover: false,
  replicateIntervalS: 5
}

/** What `--turnover` uses where the flag was not given (the other defaults are the benchmark's). */
export const TURNOVER_DEFAULTS = {
  peers: 50,
  records: 40,
  impls: ['exper', 'go'] as Implementation[]
}

/** Implementations the turnover scenario runs (one OS process per peer, driven through the kv protocol). */
export const TURNOVER_IMPLEMENTATIONS: readonly Implementation[] = ['exper', 'go']

/** The smallest network `--turnover` runs: one original, and new peers enough to kill some and keep one. */
export const TURNOVER_MIN_PEERS = 4

/**
 * The default ready timeout for `peers` peers: 30 s plus 1 s per peer, since
 * N processes (or N in-process peers) start on a machine of a few cores.
 */
export function readyTimeoutFor (peers: number): number {
  return 30 + peers
}

/** A bad flag value; the message says which and why. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError'
}

/** A whole number within [min, max], or a `BenchUsageError` naming `flag`. */
export function parseWholeNumber (flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BenchUsageError(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`)
  }
  return value
}

/** A positive number of seconds (fractions allowed), or a `BenchUsageError` naming `flag`. */
export function parseSeconds (flag: string, text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new BenchUsageError(`${flag} must be a positive number of seconds, not "${text}"`)
  }
  return value
}

/** A comma-separated list of network sizes, each at least 2 (a get must come from another peer). */
export function parsePeerCounts (text: string): number[] {
  return splitList(text).map((item) => parseWholeNumber('--peers', item, 2, 1000))
}

/** A comma-separated list of implementation names. */
export function parseImplementations (text: string): Implementation[] {
  return splitList(text).map((item) => {
    if (!(IMPLEMENTATIONS as readonly string[]).includes(item)) {
      throw new BenchUsageError(`unknown implementation "${item}"; choose from ${IMPLEMENTATIONS.join(', ')}`)
    }
    return item as Implementation
  })
}

/** Checks the options as a whole; throws a `BenchUsageError`. */
export function validateOptions (options: BenchOptions): BenchOptions {
  if (options.valueSize < 1 || options.valueSize > MAX_VALUE_BYTES) {
    throw new BenchUsageError(`--value-size must be from 1 to ${MAX_VALUE_BYTES} bytes`)
  }
  if (options.peers.length === 0 || options.impls.length === 0) {
    throw new BenchUsageError('--peers and --impl need at least one value each')
  }
  if (options.turnover && options.peers[0] < TURNOVER_MIN_PEERS) {
    throw new BenchUsageError(`--turnover needs at least ${TURNOVER_MIN_PEERS} peers, not ${options.peers[0]}`)
  }
  return options
}

function splitList (text: string): string[] {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '')
  if (items.length === 0) {
    throw new BenchUsageError(`expected a comma-separated list, not "${text}"`)
  }
  return [...new Set(items)]
}
