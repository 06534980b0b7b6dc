import { readFileSync } from 'node:fs'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'

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
