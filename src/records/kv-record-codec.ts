import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { ExpiredRecordError, InvalidRecordError, ValueTooLargeError } from '../errors.js'
import { KvRecord } from './kv-record.js'
import { MAX_CLOCK_SKEW_MS, MAX_PUBLISHER_BYTES, MAX_RECORD_BYTES, MAX_TTL_MS, MAX_VALUE_BYTES, SIGNATURE_BYTES } from './limits.js'

/** The largest `seq` (protobuf uint64). */
export const MAX_SEQ = (1n << 64n) - 1n

/** The fields of a record to encode (any `Uint8Array`, shared buffers included). */
export interface KvRecordFields {
  value: Uint8Array
  seq: bigint
  publisher: Uint8Array
  /** When the record ends, Unix time in ms; 0 is never live. */
  expires: bigint
  /** `/kvs` only: the owner's signature (see signed-record.ts); absent or empty in `/kv` records. */
  signature?: Uint8Array
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
  if ((record.signature?.byteLength ?? 0) > SIGNATURE_BYTES) {
    throw new InvalidRecordError(`signature has ${record.signature?.byteLength} bytes; an Ed25519 signature has ${SIGNATURE_BYTES}`)
  }
  if (record.seq < 0n || record.seq > MAX_SEQ) {
    throw new InvalidRecordError(`seq ${record.seq} is outside 0..2^64-1`)
  }
  if (record.expires < 0n || record.expires > MAX_SEQ) {
    throw new InvalidRecordError(`expires ${record.expires} is outside 0..2^64-1`)
  }
}

/**
 * The lifetime rule (docs/records.md): throws an `ExpiredRecordError` unless
 * `now < expires <= now + MAX_TTL_MS + MAX_CLOCK_SKEW_MS` (Unix ms).
 */
export function checkLifetime (record: Pick<KvRecordFields, 'expires'>, now = Date.now()): void {
  const at = BigInt(now)
  if (record.expires === 0n) {
    throw new ExpiredRecordError('record has no expiry (expires is 0)')
  }
  if (record.expires <= at) {
    throw new ExpiredRecordError(`record expired ${formatAge(at - record.expires)} ago`)
  }
  if (record.expires > at + BigInt(MAX_TTL_MS + MAX_CLOCK_SKEW_MS)) {
    throw new InvalidRecordError(`record expires ${formatAge(record.expires - at)} from now; the longest lifetime is ${MAX_TTL_MS / 3_600_000} h (plus ${MAX_CLOCK_SKEW_MS / 60_000} min of clock skew)`)
  }
}

/** Whether `record` is live at `now` by the lifetime rule. */
export function isLive (record: Pick<KvRecordFields, 'expires'>, now = Date.now()): boolean {
  const at = BigInt(now)
  return record.expires > at && record.expires <= at + BigInt(MAX_TTL_MS + MAX_CLOCK_SKEW_MS)
}

function formatAge (ms: bigint): string {
  return ms < 10_000n ? `${ms} ms` : `${ms / 1000n} s`
}
