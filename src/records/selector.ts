import { compare as uint8ArrayCompare } from 'uint8arrays/compare'
import { InvalidRecordError } from '../errors.js'
import { decodeKvRecord } from './kv-record-codec.js'
import type { KvRecordFields } from './kv-record-codec.js'
import type { KvRecord } from './kv-record.js'

/**
 * Orders two records: positive when `a` is better than `b`. The highest `seq`
 * wins; on equal `seq` the lexicographically greater `value` bytes win; on
 * equal values the greater `publisher` bytes win; on equal publishers the
 * later `expires` (a republished copy); then the greater `signature` bytes
 * (`/kvs`). Zero means the records are identical.
 */
export function compareKvRecords (a: KvRecordFields, b: KvRecordFields): number {
  if (a.seq !== b.seq) {
    return a.seq > b.seq ? 1 : -1
  }
  return uint8ArrayCompare(a.value, b.value) || uint8ArrayCompare(a.publisher, b.publisher) ||
    (a.expires === b.expires ? 0 : a.expires > b.expires ? 1 : -1) ||
    uint8ArrayCompare(a.signature ?? empty, b.signature ?? empty)
}

const empty = new Uint8Array()

/**
 * The `/kv` and `/kvs` selector: the index of the best of `records` (encoded KvRecords)
 * by `compareKvRecords`; the first one wins among identical records, and a
 * record that fails validation never wins. Throws an `InvalidRecordError` when
 * none is valid. Matches the `SelectFn` of @libp2p/kad-dht.
 */
export function selectKvRecord (_dhtKey: Uint8Array, records: Uint8Array[]): number {
  let best = -1
  let bestRecord: KvRecord | undefined
  records.forEach((bytes, index) => {
    let record: KvRecord
    try {
      record = decodeKvRecord(bytes)
    } catch {
      return
    }
    if (bestRecord == null || compareKvRecords(record, bestRecord) > 0) {
      best = index
      bestRecord = record
    }
  })
  if (best < 0) {
    throw new InvalidRecordError(`none of the ${records.length} records is a valid KvRecord`)
  }
  return best
}
