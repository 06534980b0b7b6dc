import { TRAFFIC_KINDS, WINDOW_PHASES } from './traffic.js'
import type { TurnoverReport } from './benchmark.js'
import type { TurnoverRun, TurnoverStepName } from './scenario.js'
import type { TrafficKind, TrafficTally, TurnoverPhase } from './traffic.js'

const MB = 1024 * 1024

/** Column headers of the traffic kinds. */
const KIND_HEADERS: Record<TrafficKind, string> = {
  replicationInterval: 'replication: interval',
  replicationNewPeers: 'replication: new peers',
  writeBack: 'write-back',
  correction: 'correction'
}

/** The header of a step's column. */
function stepHeader (step: TurnoverStepName, killCount: number): string {
  switch (step) {
    case 'grown': return 'grown'
    case 'originals-gone': return 'originals gone'
    case 'killed': return `${killCount} more killed`
  }
}

/** The header of a phase's column. */
function phaseHeader (phase: TurnoverPhase, killCount: number): string {
  switch (phase) {
    case 'grow': return 'growth'
    case 'replication-wait': return 'replication wait'
    case 'drain': return 'drain (3 s)'
    case 'grown': case 'originals-gone': case 'killed': return `${stepHeader(phase, killCount)} (gets)`
    default: return phase
  }
}

/**
 * The turnover report as Markdown: the environment, the records found after
 * each step, the replication traffic, exper / go, the targets and the notes.
 * What `npm run bench -- --turnover` prints on stdout.
 */
export function formatTurnoverReport (report: TurnoverReport): string {
  const { environment: env, options } = report
  const killCount = report.runs[0]?.killCount ?? 4
  const first = report.runs[0]
  const lines = [
    `${report.date} · ${env.cpuModel} × ${env.cores} cores · ${(env.memoryBytes / 1024 ** 3).toFixed(0)} GiB · Node ${env.node} · commit ${env.commit ?? 'unknown'}`,
    `turnover (records that last): N = ${options.peers[0]}` +
      (first == null ? '' : ` (${first.originals} originals + ${first.newPeers} new)`) +
      `, ${options.records} records × ${options.valueSize} B, exper's records.replicateIntervalMs ${options.replicateIntervalS * 1000}, seed ${options.seed}, one process per peer, kv protocol`,
    '',
    'Records found (each record got once, through a random running new peer)',
    '',
    table(
      ['impl', 'N', 'ready', 'put ok', 'replicas', ...(['grown', 'originals-gone', 'killed'] as const).map((s) => stepHeader(s, killCount))],
      report.runs.map((run) => [
        run.impl,
        `${run.peers} (${run.originals} + ${run.newPeers})`,
        `${run.startup.originalsReady + run.startup.newReady}/${run.peers}`,
        run.put == null ? '–' : `${run.put.ok}/${run.put.attempted + run.put.skipped}`,
        run.put?.replicas == null ? '–' : run.put.replicas.mean.toFixed(1),
        ...(['grown', 'originals-gone', 'killed'] as const).map((name) => foundCell(run, name))
      ])
    ),
    '',
    'Record traffic from the growth to the end (PUT_VALUE messages, bytes of the records sent)',
    '',
    table(
      ['impl', 'window s', 'intervals', ...TRAFFIC_KINDS.map((k) => KIND_HEADERS[k]), 'total', 'msgs/record/interval', 'bytes/record/interval', 'after growth: msgs / bytes per record per interval'],
      report.runs.map((run) => {
        const t = run.traffic
        return [
          run.impl,
          t == null ? '–' : (t.windowMs / 1000).toFixed(1),
          t == null ? '–' : t.intervals.toFixed(1),
          ...TRAFFIC_KINDS.map((k) => t == null ? '–' : tallyCell(t.byKind[k], run.impl === 'go' ? k === 'correction' : k !== 'correction')),
          t == null ? '–' : tallyCell(t.total, true),
          t == null ? '–' : t.perRecordPerInterval.messages.toFixed(2),
          t == null ? '–' : t.perRecordPerInterval.bytes.toFixed(0),
          t == null ? '–' : `${t.afterGrowth.perRecordPerInterval.messages.toFixed(2)} / ${t.afterGrowth.perRecordPerInterval.bytes.toFixed(0)}`
        ]
      })
    ),
    '',
    'Record traffic by step (PUT_VALUE messages in the step · its length)',
    '',
    table(
      ['impl', ...WINDOW_PHASES.map((p) => phaseHeader(p, killCount))],
      report.runs.map((run) => [
        run.impl,
        ...WINDOW_PHASES.map((p) => run.traffic == null ? '–' : `${run.traffic.byPhase[p].messages} · ${(run.traffic.phaseMs[p] / 1000).toFixed(1)} s`)
      ])
    )
  ]
  const ratios = report.ratios
  if (ratios != null) {
    const cell = (value: number | undefined): string => value == null ? '–' : value.toFixed(2)
    lines.push('', 'exper / go (found: above 1 is better for exper; traffic: below 1 is)', '', table(
      [...(['grown', 'originals-gone', 'killed'] as const).map((s) => `found ${stepHeader(s, killCount)}`), 'msgs/record/interval', 'bytes/record/interval'],
      [[cell(ratios.found.grown), cell(ratios.found['originals-gone']), cell(ratios.found.killed), cell(ratios.messagesPerRecordPerInterval), cell(ratios.bytesPerRecordPerInterval)]]
    ))
  }
  if (report.targets.length > 0) {
    lines.push('', 'Targets', '')
    for (const t of report.targets) {
      lines.push(`- ${t.kind}: ${t.target}: ${t.met == null ? 'not measured' : t.met ? 'met' : 'MISSED'} (${t.detail})`)
    }
  }
  lines.push('', LEGEND)
  const notes = [
    ...report.runs.flatMap(runNotes),
    ...report.skipped.map((s) => `${s.impl} N=${s.peers}: skipped (${s.reason})`)
  ]
  if (notes.length > 0) {
    lines.push('', ...notes.map((note) => `- ${note}`))
  }
  return lines.join('\n') + '\n'
}

/** What the columns mean. */
const LEGEND = 'Steps: start N/4 originals, put the records through random originals, start the new peers (each joining through a random original), ' +
  '"grown": get every record; wait one replication interval (+ 2 s); "originals gone": SIGTERM every original, get every record; ' +
  '"more killed": SIGKILL new peers, get every record. found: records got with the value put / records put. ' +
  'Traffic: what the peers report on stdout — exper: `replicated` (interval and new-peers rounds) and `write-back` (a get writing the best record ' +
  'back to the closest peers that lacked it); go: `correction` (go-libp2p-kad-dht\'s GetValue doing the same; Go has no replication). ' +
  'Each cell: PUT_VALUE messages / kB of the encoded Kad records. intervals: the window / the replication interval (the same unit for go, which has none). ' +
  'after growth: the same from the "grown" step on (the network no longer growing). ' +
  'By step: each report counts in the step it arrived in (a replication round reports when it ends, a write-back when its sends have ended). ' +
  '– where the implementation has no such traffic.'

function foundCell (run: TurnoverRun, name: TurnoverStepName): string {
  const step = run.steps.find((s) => s.name === name)
  if (step == null) {
    return '–'
  }
  const pct = step.of === 0 ? 0 : (100 * step.found) / step.of
  return `${step.found}/${step.of} (${pct === 100 ? '100' : pct.toFixed(1)} %)`
}

function tallyCell (tally: TrafficTally, applies: boolean): string {
  if (!applies && tally.messages === 0) {
    return '–'
  }
  return `${tally.messages} / ${(tally.bytes / 1000).toFixed(1)} kB`
}

/** What went wrong in a run, one line each. */
function runNotes (run: TurnoverRun): string[] {
  const label = `${run.impl} N=${run.peers}`
  const notes: string[] = []
  if (run.error != null) {
    notes.push(`${label}: ERROR ${run.error}`)
  }
  if (run.startup.notReady.length > 0) {
    notes.push(`${label}: ${run.startup.notReady.length} peers never became ready (left out): ${run.startup.notReady.join(', ')}`)
  }
  for (const error of run.startup.errors) {
    notes.push(`${label}: startup: ${error.count} × ${error.message.slice(0, 200)}`)
  }
  if (run.put != null) {
    for (const error of run.put.errors.slice(0, 3)) {
      notes.push(`${label}: put: ${error.count} × ${error.message.slice(0, 200)}`)
    }
    if (run.put.skipped > 0) notes.push(`${label}: put: ${run.put.skipped} not started (phase time limit)`)
  }
  for (const step of run.steps) {
    if (step.skipped > 0) notes.push(`${label}: ${step.name}: ${step.skipped} gets not started (phase time limit)`)
    for (const m of step.missing) {
      const retry = m.retry == null ? '' : `; through peer ${m.retry.getter}: ${m.retry.found ? 'found' : `not found either${m.retry.error == null ? '' : ` (${m.retry.error.slice(0, 120)})`}`}`
      notes.push(`${label}: ${step.name}: ${m.key} not found through peer ${m.getter}: ${m.error.slice(0, 200)}${retry}`)
    }
  }
  const t = run.traffic
  if (t != null) {
    notes.push(`${label}: startup: originals ${(run.startup.originalsMs / 1000).toFixed(1)} s, new peers ${(run.startup.growMs / 1000).toFixed(1)} s; ` +
      `stopped ${run.stopped.length} originals, killed peers ${run.killed.join(', ') || 'none'}` +
      (t.byPhase.put.messages > 0 ? `; ${t.byPhase.put.messages} PUT_VALUEs reported before the growth (not counted)` : ''))
  }
  if (run.replicationWait != null && run.impl === 'exper') {
    notes.push(`${label}: the wait after "grown" took ${(run.replicationWait.ms / 1000).toFixed(1)} s; ${run.replicationWait.peersReporting} of ${run.replicationWait.running} peers reported an interval round that sent something`)
  }
  if (run.resources != null) {
    notes.push(`${label}: at the end, RSS ${(run.resources.rssBytes / MB).toFixed(0)} MB and ${run.resources.cpuSeconds.toFixed(1)} CPU s over the ${run.peers - run.stopped.length - run.killed.length - run.startup.notReady.length} peers still running`)
  }
  return notes
}

/** A Markdown table with padded columns. */
function table (header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}
