import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { round } from './stats.js'
import type { IntervalHistogram } from 'node:perf_hooks'

/** Memory and CPU of the processes hosting a cluster, at one moment. */
export interface ResourceSample {
  /** Resident set size, summed over the processes, in bytes. */
  rssBytes: number
  /** User + system CPU time since the processes started, in seconds. */
  cpuSeconds: number
}

/** How late the event loop of the process hosting the peers ran timers, in ms. */
export interface EventLoopDelaySummary {
  meanMs: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** This process's memory and CPU. */
export function sampleThisProcess (): ResourceSample {
  const cpu = process.cpuUsage()
  return { rssBytes: process.memoryUsage.rss(), cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}

/**
 * Memory and CPU of other processes, from /proc/<pid>/status (VmRSS) and
 * /proc/<pid>/stat (utime + stime), summed. A process that has already exited
 * counts as 0 and is listed in `gone`.
 */
export async function sampleProcesses (pids: readonly number[]): Promise<ResourceSample & { gone: number[] }> {
  const samples = await Promise.all(pids.map(async (pid) => {
    try {
      const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')])
      return { pid, rssBytes: parseVmRss(status), cpuSeconds: parseCpuTicks(stat) / clockTicksPerSecond() }
    } catch {
      return { pid, rssBytes: 0, cpuSeconds: 0, gone: true }
    }
  }))
  return {
    rssBytes: samples.reduce((sum, s) => sum + s.rssBytes, 0),
    cpuSeconds: samples.reduce((sum, s) => sum + s.cpuSeconds, 0),
    gone: samples.filter((s) => 'gone' in s).map((s) => s.pid)
  }
}

/** VmRSS of a /proc/<pid>/status text, in bytes. */
export function parseVmRss (status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)
  if (match == null) {
    throw new Error('no VmRSS line in /proc/<pid>/status')
  }
  return Number(match[1]) * 1024
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in clock ticks. */
export function parseCpuTicks (stat: string): number {
  // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

let ticksPerSecond: number | undefined

/** The kernel's clock ticks per second (`getconf CLK_TCK`; 100 when getconf is missing). */
function clockTicksPerSecond (): number {
  if (ticksPerSecond == null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** Watches this process's event-loop delay from `start()` on. */
export class EventLoopDelayMonitor {
  private readonly histogram: IntervalHistogram

  /** @param resolutionMs sampling interval of the underlying timer. @default 10 */
  constructor (private readonly resolutionMs = 10) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs })
  }

  start (): void {
    this.histogram.enable()
  }

  /** What was seen since `start()`. */
  summary (): EventLoopDelaySummary {
    return summarizeHistogram(this.histogram, this.resolutionMs)
  }

  stop (): void {
    this.histogram.disable()
  }
}

/** The histogram records the time between two ticks of its timer; the delay is what exceeds the timer's interval. */
function summarizeHistogram (histogram: IntervalHistogram, resolutionMs: number): EventLoopDelaySummary {
  const ms = (ns: number): number => round(Math.max(0, ns / 1e6 - resolutionMs))
  return {
    meanMs: ms(Number.isNaN(histogram.mean) ? 0 : histogram.mean),
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max)
  }
}
