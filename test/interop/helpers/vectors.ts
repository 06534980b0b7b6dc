import { readFileSync } from 'node:fs'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { MAX_CLOCK_SKEW_MS, MAX_TTL_MS, encodeKvRecord, toDhtKey } from '../../../src/index.js'

/** A validation case of test/vectors/kv-records.json, hex-decoded. */
export interface ValidationVector {
  name: string
  key: Uint8Array<ArrayBuffer>
  keyHex: string
  record: Uint8Array<ArrayBuffer>
  valid: boolean
}

interface VectorFile {
  validation: Array<{ name: string, key: string, record: string, valid: boolean }>
}

/** The validation cases of the shared vectors (the same file every implementation checks). */
export function validationVectors (): ValidationVector[] {
  const file = JSON.parse(readFileSync(new URL('../../../../test/vectors/kv-records.json', import.meta.url), 'utf8')) as VectorFile
  return file.validation.map(({ name, key, record, valid }) => ({
    name,
    key: uint8ArrayFromString(key, 'base16'),
    keyHex: key,
    record: uint8ArrayFromString(record, 'base16'),
    valid
  }))
}

/**
 * Records valid by the format rules, made at the clock of this run (the
 * vectors' lifetime cases are at a fixed time): one live, one expired an
 * hour ago, one ending further ahead than the longest lifetime allows.
 */
export function lifetimeVectorsNow (): ValidationVector[] {
  const now = Date.now()
  const hour = 60 * 60 * 1000
  const make = (name: string, expires: number, valid: boolean): ValidationVector => {
    const key = toDhtKey(`lifetime-${name.replaceAll(' ', '-')}`)
    return { name, key, keyHex: uint8ArrayToString(key, 'base16'), record: encodeKvRecord({ value: new TextEncoder().encode(name), seq: 1n, publisher: new Uint8Array(), expires: BigInt(expires) }), valid }
  }
  return [
    make('live for an hour', now + hour, true),
    make('expired an hour ago', now - hour, false),
    make('ends past the longest lifetime', now + MAX_TTL_MS + MAX_CLOCK_SKEW_MS + hour, false)
  ]
}
