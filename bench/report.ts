import { RATIO_METRICS } from './ratios.js'
import type { BenchReport } from './benchmark.js'
import type { PhaseResult } from './phases.js'
import type { Ratio, RatioMetric } from './ratios.js'
import type { RunResult } from './run-one.js'
import type { LatencySummary } from './stats.js'

const MB = 1024 * 1024

/** Column headers of the ratio table, per metric. */
const RATIO_HEADERS: Record<RatioMetric, string> = {
  startupMs: 'startup',
  putP50Ms: 'put p50',
  getP50Ms: 'get p50',
  loadOpsPerSecond: 'load ops/s',
  loadP50Ms: 'load p50',
  loadP99Ms: 'load p99',
  rssPerPeerBytes: 'RSS/peer',
  cpuSeconds: 'CPU'
}

/**
 * The report as Markdown: the environment line, one table row per run, the
 * ratio table, then the runs' errors and failures and the skipped
 * combinations. What `npm run bench` prints on stdout.
 */
export function formatReport (report: BenchReport): string {
  const { environment: env, options } = report
  const lines = [
    `${report.date} · ${env.cpuModel} × ${env.cores} cores · ${(env.memoryBytes / 1024 ** 3).toFixed(0)} GiB · Node ${env.node} · commit ${env.commit ?? 'unknown'}`,
    `${options.records} records × ${options.valueSize} B, load: ${options.concurrency} concurrent gets for ${options.durationS} s, seed ${options.seed}`,
    '',
    table(
      ['impl', 'hosting', 'N', 'ready', 'startup s', 'put ok', 'put ms p50/p99', 'replicas', 'get ok', 'get ms p50/p99', 'load ops/s', 'load ms p50/p99', 'load ok', 'RSS MB', 'MB/peer', 'CPU s', 'ELD p99 ms', 'client CPU s'],
      report.runs.map(runRow)
    )
  ]
  if (report.ratios.length > 0) {
    const metrics = Object.keys(RATIO_METRICS) as RatioMetric[]
    lines.push('', 'Ratios exper / other (times, memory, CPU: below 1 is better for exper; ops/s: above 1 is)', '', table(
      ['N', 'exper', 'other', ...metrics.map((m) => RATIO_HEADERS[m]), 'caveats'],
      report.ratios.map((r) => [String(r.peers), r.impl, r.other, ...metrics.map((m) => ratioCell(r, m)), r.caveats.join('; ')])
    ))
  }
  const notes = [
    ...report.runs.flatMap(runNotes),
    ...report.skipped.map((s) => `${s.impl} N=${s.peers}: skipped (${s.reason})`)
  ]
  lines.push('', LEGEND)
  if (notes.length > 0) {
    lines.push('', ...notes.map((note) => `- ${note}`))
  }
  return lines.join('\n') + '\n'
}

/** What the less obvious columns mean. */
const LEGEND = 'ok: succeeded/attempted (gets: with the value put). replicas: mean peers that stored a put. ' +
  'RSS MB: the hosting process(es) after the load phase. MB/peer: growth of the RSS over the process before its peers, / N; ' +
  'with *: the whole RSS of the hosting process(es) / N, runtime included. CPU s: user + system of the hosting process(es), all phases. ' +
  'ELD: event-loop delay of the Node process hosting the peers. ' +
  'client CPU s: kv-driven runs only, CPU of the benchmark process (the KvClient) during the load phase / the phase\'s wall time; ' +
  'close to 1:1 means the client, not the peers, set the pace. ' +
  'Ratios: a startup of a run whose peers were not all ready is its ready timeout, so its ratio is a bound: <0.09 (the true ratio is smaller), >2.00 (larger).'

/** One cell of the ratio table: the ratio, marked as a bound when it is one. */
function ratioCell (ratio: Ratio, metric: RatioMetric): string {
  const value = ratio.values[metric]
  if (value == null) {
    return '–'
  }
  const bound = metric === 'startupMs' ? ratio.startupBound : undefined
  return `${bound === 'below' ? '<' : bound === 'above' ? '>' : ''}${value.toFixed(2)}`
}

function runRow (run: RunResult): string[] {
  const res = run.resources
  return [
    run.impl,
    run.hosting,
    String(run.peers),
    `${run.startup.ready}/${run.peers}`,
    (run.startup.ms / 1000).toFixed(2),
    okOf(run.put),
    latencyOf(run.put?.latency),
    run.put?.replicas == null ? '–' : run.put.replicas.mean.toFixed(1),
    okOf(run.get),
    latencyOf(run.get?.latency),
    run.load == null ? '–' : run.load.opsPerSecond.toFixed(0),
    latencyOf(run.load?.latency),
    okOf(run.load),
    res == null ? '–' : (res.rssAfterBytes / MB).toFixed(0),
    res == null ? '–' : (res.rssPerPeerBytes / MB).toFixed(1) + (res.rssPerPeerBasis === 'total' ? '*' : ''),
    res == null ? '–' : res.cpuSeconds.total.toFixed(1),
    res?.eventLoopDelay == null ? '–' : res.eventLoopDelay.p99Ms.toFixed(0),
    res?.clientCpuSeconds == null ? '–' : `${res.clientCpuSeconds.load.toFixed(1)} / ${((run.load?.elapsedMs ?? 0) / 1000).toFixed(1)}`
  ]
}

/** What went wrong in a run, one line each. */
function runNotes (run: RunResult): string[] {
  const label = `${run.impl} ${run.hosting} N=${run.peers}`
  const notes: string[] = []
  if (run.error != null) {
    notes.push(`${label}: ERROR ${run.error}`)
  }
  if (run.startup.notReady.length > 0) {
    notes.push(`${label}: ${run.startup.notReady.length} peers never became ready (left out of the operations)`)
  }
  for (const error of run.startup.errors ?? []) {
    notes.push(`${label}: startup: ${error.count} × ${error.message.slice(0, 200)}`)
  }
  const rounds = [{ put: run.put, get: run.get, load: run.load }, ...(run.laterRounds ?? [])]
  for (const [i, round] of rounds.entries()) {
    const prefix = rounds.length > 1 ? `round ${i + 1}: ` : ''
    if (i > 0) {
      notes.push(`${label}: ${prefix}put ${okOf(round.put)}, get ${okOf(round.get)}, load ${okOf(round.load)} at ${round.load?.opsPerSecond.toFixed(0) ?? '–'} ops/s`)
    }
    for (const [phase, result] of [['put', round.put], ['get', round.get], ['load', round.load]] as const) {
      if (result == null) continue
      if (result.wrong > 0) notes.push(`${label}: ${prefix}${phase}: ${result.wrong} wrong values`)
      if (result.skipped > 0) notes.push(`${label}: ${prefix}${phase}: ${result.skipped} not started (phase time limit)`)
      for (const error of result.errors.slice(0, 3)) {
        notes.push(`${label}: ${prefix}${phase}: ${error.count} × ${error.message.slice(0, 200)}`)
      }
    }
  }
  const rssRounds = run.resources?.rssAfterRoundsBytes
  if (rssRounds != null) {
    notes.push(`${label}: RSS MB after each round: ${rssRounds.map((bytes) => (bytes / MB).toFixed(0)).join(', ')}`)
  }
  return notes
}

function okOf (phase: PhaseResult | undefined): string {
  return phase == null ? '–' : `${phase.ok}/${phase.attempted + phase.skipped}`
}

function latencyOf (latency: LatencySummary | undefined): string {
  return latency == null ? '–' : `${formatMs(latency.p50Ms)} / ${formatMs(latency.p99Ms)}`
}

function formatMs (ms: number): string {
  return ms < 10 ? ms.toFixed(1) : ms.toFixed(0)
}

/** A Markdown table with padded columns. */
function table (header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}
