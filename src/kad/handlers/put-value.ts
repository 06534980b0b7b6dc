import { Libp2pRecord } from '@libp2p/record'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import type { KadHandler } from './handler.js'

/**
 * PUT_VALUE: stores the record (charged to the sender) when it is valid,
 * live, for the key of the request, not older than the one held and within
 * the store's limits, and echoes the request as acknowledgement; throws
 * otherwise (the stream is then reset and the sender does not count this
 * peer as a replica: a refused record is never echoed).
 */
export const handlePutValue: KadHandler = async ({ records }, from, request) => {
  if (request.key == null || request.record == null) {
    throw new TypeError('PUT_VALUE without a key or a record')
  }
  const record = Libp2pRecord.deserialize(request.record)
  if (!uint8ArrayEquals(record.key, request.key)) {
    throw new TypeError('PUT_VALUE whose record is for another key')
  }
  await records.put(record.key, record.value, { from: from.toString() })
  return request
}
