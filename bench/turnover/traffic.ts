import { round } from '../stats.js'
import type { JsonEvent } from '../clusters/json-lines-process.js'

/** PUT_VALUE messages and the bytes of the records they carried. */
export interface TrafficTally {
  /** Events that reported them. */
  events: number
  messages: number
  bytes: number
}

/** The kinds of record traffic peers report. */
export const TRAFFIC_KINDS = ['replicationInterval', 'replicationNewPeers', 'writeBack', 'correction'] as const

/**
 * One of `TRAFFIC_KINDS`:
 * - `replicationInterval`: exper's `replicated` events with trigger `interval` (the periodic round);
 * - `replicationNewPeers`: exper's `replicated` events with trigger `new-peers` (records pushed to peers that joined);
 * - `writeBack`: exper's `write-back` events (a get writing the best record back to the closest peers that lacked it);
 * - `correction`: the Go peer's `correction` events (go-libp2p-kad-dht's GetValue writing the best record back).
 */
export type TrafficKind = typeof TRAFFIC_KINDS[number]

/** The steps of a turnover run, in order; the traffic of each is counted apart. */
export const TURNOVER_PHASES = ['start', 'put', 'grow', 'grown', 'replication-wait', 'originals-gone', 'killed', 'drain'] as const

/** One of `TURNOVER_PHASES`. */
export type TurnoverPhase = typeof TURNOVER_PHASES[number]

/** The phases of the window the traffic is reported over: from growth to the end of the last step. */
export const WINDOW_PHASES: readonly TurnoverPhase[] = ['grow', 'grown', 'replication-wait', 'originals-gone', 'killed', 'drain']

/** The record traffic of one turnover run, by kind and by phase. */
export interface TrafficReport {
  /** From the start of the growth to the end of the last step (and the drain after it), in ms. */
  windowMs: number
  /** Replication intervals in the window: windowMs / replicateIntervalMs. */
  intervals: number
  /** Over the window, by kind. */
  byKind: Record<TrafficKind, TrafficTally>
  /** Over the window, every kind. */
  total: TrafficTally
  /** total / records / intervals. */
  perRecordPerInterval: { messages: number, bytes: number }
  /** Every phase, window or not (start and put are outside it), every kind. */
  byPhase: Record<TurnoverPhase, TrafficTally>
  /** How long each phase lasted, in ms (0 for a phase that did not run). */
  phaseMs: Record<TurnoverPhase, number>
  /**
   * The window without the growth (from the "grown" step on): the network no
   * longer growing, every kind. A growth that takes long (N Node processes on
   * a few cores) spans many replication intervals of a changing network.
   */
  afterGrowth: { windowMs: number, intervals: number, messages: number, bytes: number, perRecordPerInterval: { messages: number, bytes: number } }
}

/** The traffic kind an event reports and what it counts, or undefined for any other event. */
export function trafficOf (event: JsonEvent): { kind: TrafficKind, messages: number, bytes: number } | undefined {
  const number = (value: unknown): number => typeof value === 'number' && Number.isFinite(value) ? value : 0
  switch (event.event) {
    case 'replicated':
      return { kind: event.trigger === 'new-peers' ? 'replicationNewPeers' : 'replicationInterval', messages: number(event.messages), bytes: number(event.bytes) }
    case 'write-back':
      return { kind: 'writeBack', messages: number(event.peers), bytes: number(event.bytes) }
    case 'correction':
      return { kind: 'correction', messages: number(event.messages), bytes: number(event.bytes) }
    default:
      return undefined
  }
}

const empty = (): TrafficTally => ({ events: 0, messages: 0, bytes: 0 })

function add (tally: TrafficTally, messages: number, bytes: number): void {
  tally.events++
  tally.messages += messages
  tally.bytes += bytes
}

/** Counts the traffic events of a run into the phase that is current when each arrives. */
export class TrafficCounter {
  private phase: TurnoverPhase = 'start'
  private readonly byPhase = Object.fromEntries(TURNOVER_PHASES.map((p) => [p, empty()])) as Record<TurnoverPhase, TrafficTally>
  private readonly byKind = Object.fromEntries(TRAFFIC_KINDS.map((k) => [k, empty()])) as Record<TrafficKind, TrafficTally>
  private readonly phaseMs = Object.fromEntries(TURNOVER_PHASES.map((p) => [p, 0])) as Record<TurnoverPhase, number>
  private phaseStart?: number
  private windowStart?: number
  private windowEnd?: number

  /** Events from now on count into `phase`; the window starts with the first of `WINDOW_PHASES`. */
  enter (phase: TurnoverPhase, now: number): void {
    this.endPhase(now)
    this.phase = phase
    this.phaseStart = now
    if (WINDOW_PHASES.includes(phase)) {
      this.windowStart ??= now
    }
  }

  /** Ends the window: events from now on are not counted. */
  close (now: number): void {
    if (this.windowEnd == null) {
      this.endPhase(now)
      this.windowEnd = now
    }
  }

  private endPhase (now: number): void {
    if (this.phaseStart != null && this.windowEnd == null) {
      this.phaseMs[this.phase] += now - this.phaseStart
    }
    this.phaseStart = undefined
  }

  /** Counts `event` if it reports traffic and the window is not closed. */
  count (event: JsonEvent): void {
    const traffic = trafficOf(event)
    if (traffic == null || this.windowEnd != null) {
      return
    }
    add(this.byPhase[this.phase], traffic.messages, traffic.bytes)
    if (WINDOW_PHASES.includes(this.phase)) {
      add(this.byKind[traffic.kind], traffic.messages, traffic.bytes)
    }
  }

  /** The report for `records` records and a replication interval of `intervalMs`. */
  report (records: number, intervalMs: number, now: number): TrafficReport {
    const windowMs = this.windowStart == null ? 0 : (this.windowEnd ?? now) - this.windowStart
    const intervals = windowMs / intervalMs
    const total = empty()
    for (const tally of Object.values(this.byKind)) {
      total.events += tally.events
      total.messages += tally.messages
      total.bytes += tally.bytes
    }
    const per = (value: number, n = intervals): number => records === 0 || n === 0 ? 0 : round(value / records / n)
    const after = WINDOW_PHASES.filter((p) => p !== 'grow')
    const afterMs = after.reduce((sum, p) => sum + this.phaseMs[p], 0)
    const afterMessages = after.reduce((sum, p) => sum + this.byPhase[p].messages, 0)
    const afterBytes = after.reduce((sum, p) => sum + this.byPhase[p].bytes, 0)
    const afterIntervals = afterMs / intervalMs
    return {
      windowMs: round(windowMs),
      intervals: round(intervals),
      byKind: structuredClone(this.byKind),
      total,
      perRecordPerInterval: { messages: per(total.messages), bytes: per(total.bytes) },
      byPhase: structuredClone(this.byPhase),
      phaseMs: Object.fromEntries(Object.entries(this.phaseMs).map(([p, ms]) => [p, round(ms)])) as Record<TurnoverPhase, number>,
      afterGrowth: {
        windowMs: round(afterMs),
        intervals: round(afterIntervals),
        messages: afterMessages,
        bytes: afterBytes,
        perRecordPerInterval: { messages: per(afterMessages, afterIntervals), bytes: per(afterBytes, afterIntervals) }
      }
    }
  }
}
