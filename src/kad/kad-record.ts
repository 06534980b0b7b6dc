import { Libp2pRecord } from '@libp2p/record'

/** The encoded Kad `Record` of `value` for `key` (with the time it was made), as PUT_VALUE carries it and GET_VALUE returns it. */
export function encodeKadRecord (key: Uint8Array, value: Uint8Array, time = new Date()): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new Libp2pRecord(key, value, time).serialize())
}
