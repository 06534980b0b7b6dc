import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { InvalidRecordError, ValueTooLargeError } from '../errors.js'
import { KvRecord } from './kv-record.js'
import { MAX_PUBLISHER_BYTES, MAX_RECORD_BYTES, MAX_VALUE_BYTES } from './limits.js'

/** The largest `seq` (protobuf uint64). */
export const MAX_SEQ = (1n << 64n) - 1n

/** The fields of a record to encode (any `Uint8Array`, shared buffers included). */
export interface KvRecordFields {
  value: Uint8Array
  seq: bigint
  publisher: Uint8Array
}

/** Encodes a record after checking its limits (throws `ValueTooLargeError` / `InvalidRecordError`). */
export function encodeKvRecord (record: KvRecordFields): Uint8Array<ArrayBuffer> {
  checkLimits(record)
  return KvRecord.encode(record as KvRecord)
}

/**
 * Decodes a record and enforces every rule of the format: the bytes must
 * decode, be the canonical encoding of what they decode to (fields in order,
 * no zero-valued or unknown fields, minimal varints — so every implementation
 * agrees on validity byte for byte) and stay within the size limits.
 * Throws an `InvalidRecordError` (or `ValueTooLargeError`) with the reason.
 */
export function decodeKvRecord (bytes: Uint8Array): KvRecord {
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    throw new InvalidRecordError(`record has ${bytes.byteLength} bytes; the limit is ${MAX_RECORD_BYTES}`)
  }
  let record: KvRecord
  try {
    record = KvRecord.decode(bytes)
  } catch (err) {
    throw new InvalidRecordError(`record is not a valid KvRecord protobuf: ${(err as Error).message}`)
  }
  checkLimits(record)
  if (!uint8ArrayEquals(KvRecord.encode(record), bytes)) {
    throw new InvalidRecordError('record is not the canonical KvRecord encoding (unknown, repeated, out-of-order or zero-valued fields)')
  }
  return record
}

/** Throws a `ValueTooLargeError` when `value` is over `MAX_VALUE_BYTES`. */
export function validateValue (value: Uint8Array): void {
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new ValueTooLargeError(`value has ${value.byteLength} bytes; the limit is ${MAX_VALUE_BYTES} (64 KiB)`)
  }
}

function checkLimits (record: KvRecordFields): void {
  validateValue(record.value)
  if (record.publisher.byteLength > MAX_PUBLISHER_BYTES) {
    throw new InvalidRecordError(`publisher has ${record.publisher.byteLength} bytes; the limit is ${MAX_PUBLISHER_BYTES}`)
  }
  if (record.seq < 0n || record.seq > MAX_SEQ) {
    throw new InvalidRecordError(`seq ${record.seq} is outside 0..2^64-1`)
  }
}
