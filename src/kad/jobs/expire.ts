import { PeriodicJob } from './periodic-job.js'
import type { PeriodicJobOptions } from './periodic-job.js'
import type { RecordStore } from '../store/record-store.js'

/** Deletes the expired records of `records` from memory and disk every `intervalMs`; `onSwept` hears how many, when any. */
export function expireJob (records: RecordStore, intervalMs: number, onSwept: (removed: number) => void, options?: PeriodicJobOptions): PeriodicJob {
  return new PeriodicJob(async (signal) => {
    const removed = await records.sweep(Date.now(), { signal })
    if (removed > 0) {
      onSwept(removed)
    }
  }, intervalMs, options)
}
