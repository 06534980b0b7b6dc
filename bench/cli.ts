/**
 * `npm run bench -- [flags]`: measures exper-dht against plain
 * @libp2p/kad-dht and the Go interop peer. Progress on stderr, a Markdown
 * table on stdout, everything in `--json FILE`. See docs/benchmarks.md.
 */
import '../src/shim/promise-with-resolvers.js'
import { writeFile } from 'node:fs/promises'
import { Command, InvalidArgumentError } from 'commander'
import { runBenchmark } from './benchmark.js'
import { BenchUsageError, DEFAULT_OPTIONS, IMPLEMENTATIONS, TURNOVER_DEFAULTS, parseImplementations, parsePeerCounts, parseSeconds, parseWholeNumber, validateOptions } from './options.js'
import { prepareImplementation } from './prepare.js'
import { formatReport } from './report.js'
import { runTurnoverBenchmark } from './turnover/benchmark.js'
import { formatTurnoverReport } from './turnover/report.js'
import type { BenchOptions } from './options.js'

/** Exit codes: as for every exper-dht command. */
const EXIT_OK = 0
const EXIT_ERROR = 1
const EXIT_USAGE = 2

/** Turns a `BenchUsageError` of `parse` into commander's usage error. */
function flag<T> (parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text)
    } catch (err) {
      throw err instanceof BenchUsageError ? new InvalidArgumentError(err.message) : err
    }
  }
}

function parseArguments (argv: string[]): BenchOptions {
  const d = DEFAULT_OPTIONS
  const program = new Command('bench')
    .description('Benchmark exper-dht against @libp2p/kad-dht and the Go interop peer (127.0.0.1 only)')
    .option('--peers <list>', 'network sizes, comma-separated', flag(parsePeerCounts), d.peers)
    .option('--records <n>', 'records to put and get', flag((t) => parseWholeNumber('--records', t, 1)), d.records)
    .option('--value-size <bytes>', 'bytes per value', flag((t) => parseWholeNumber('--value-size', t, 1)), d.valueSize)
    .option('--concurrency <n>', 'gets in flight at once in the load phase', flag((t) => parseWholeNumber('--concurrency', t, 1, 1024)), d.concurrency)
    .option('--duration <s>', 'length of the load phase, seconds', flag((t) => parseSeconds('--duration', t)), d.durationS)
    .option('--impl <list>', `implementations, comma-separated: ${IMPLEMENTATIONS.join(', ')}`, flag(parseImplementations), d.impls)
    .option('--processes', 'one OS process per peer (exper, go and rust), driven through the kv protocol', d.processes)
    .option('--seed <n>', 'seed of every random choice', flag((t) => parseWholeNumber('--seed', t, 0, 2 ** 31 - 1)), d.seed)
    .option('--json <file>', 'write the full report as JSON to FILE')
    .option('--op-timeout <s>', 'upper bound of one put or get, seconds', flag((t) => parseSeconds('--op-timeout', t)), d.opTimeoutS)
    .option('--ready-timeout <s>', 'how long to wait for every peer to be ready, seconds (default: 30 + 1 per peer)', flag((t) => parseSeconds('--ready-timeout', t)))
    .option('--phase-timeout <s>', 'upper bound of the put phase and of the get phase, seconds', flag((t) => parseSeconds('--phase-timeout', t)), d.phaseTimeoutS)
    .option('--max-ops <n>', 'upper bound of the gets the load phase starts', flag((t) => parseWholeNumber('--max-ops', t, 1)), d.maxOps)
    .option('--rounds <n>', 'run the put, get and load phases this many times on the same peers, sampling RSS after each', flag((t) => parseWholeNumber('--rounds', t, 1, 100)), d.rounds)
    .option('--turnover', `the turnover scenario instead ("records that last"): N/4 peers take the records, the rest join, the originals leave, 4 more are killed; exper and go, one process per peer, the first --peers (default ${TURNOVER_DEFAULTS.peers}), --records default ${TURNOVER_DEFAULTS.records}`, d.turnover)
    .option('--replicate-interval <s>', 'with --turnover: records.replicateIntervalMs of the exper peers, seconds', flag((t) => parseSeconds('--replicate-interval', t)), d.replicateIntervalS)
    .exitOverride()
    .parse(argv)
  const o = program.opts()
  const turnover = o.turnover === true
  // --turnover has its own defaults where a flag was not given
  const given = (name: string): boolean => program.getOptionValueSource(name) === 'cli'
  return validateOptions({
    peers: turnover && !given('peers') ? [TURNOVER_DEFAULTS.peers] : o.peers,
    records: turnover && !given('records') ? TURNOVER_DEFAULTS.records : o.records,
    valueSize: o.valueSize,
    concurrency: o.concurrency,
    durationS: o.duration,
    impls: turnover && !given('impl') ? [...TURNOVER_DEFAULTS.impls] : o.impl,
    processes: o.processes === true,
    seed: o.seed,
    jsonFile: o.json,
    opTimeoutS: o.opTimeout,
    readyTimeoutS: o.readyTimeout,
    phaseTimeoutS: o.phaseTimeout,
    maxOps: o.maxOps,
    rounds: o.rounds,
    turnover,
    replicateIntervalS: o.replicateInterval
  })
}

async function main (argv: string[]): Promise<number> {
  let options: BenchOptions
  try {
    options = parseArguments(argv)
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'commander.helpDisplayed' || code === 'commander.version') {
      return EXIT_OK
    }
    if (err instanceof BenchUsageError) {
      process.stderr.write(`bench: error: ${err.message}\n`)
    }
    return EXIT_USAGE
  }
  const log = (line: string): void => { process.stderr.write(`bench: ${line}\n`) }
  if (options.turnover) {
    const report = await runTurnoverBenchmark(options, log, async (impl) => prepareImplementation(impl, log))
    process.stdout.write(formatTurnoverReport(report))
    if (options.jsonFile != null) {
      await writeFile(options.jsonFile, JSON.stringify(report, null, 2) + '\n')
      log(`report written to ${options.jsonFile}`)
    }
    return report.runs.some((run) => run.error != null) ? EXIT_ERROR : EXIT_OK
  }
  const report = await runBenchmark(options, log, async (impl) => prepareImplementation(impl, log))
  process.stdout.write(formatReport(report))
  if (options.jsonFile != null) {
    await writeFile(options.jsonFile, JSON.stringify(report, null, 2) + '\n')
    log(`report written to ${options.jsonFile}`)
  }
  return report.runs.some((run) => run.error != null) ? EXIT_ERROR : EXIT_OK
}

process.exitCode = await main(process.argv)
