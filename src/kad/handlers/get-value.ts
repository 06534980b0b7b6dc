import { closerPeers } from '../closer-peers.js'
import type { KadHandler } from './handler.js'

/** GET_VALUE: the record held for the key, if any, and the peers closest to it. */
export const handleGetValue: KadHandler = (context, from, request) => {
  if (request.key == null || request.key.byteLength === 0) {
    throw new TypeError('GET_VALUE without a key')
  }
  return {
    type: request.type,
    key: request.key,
    record: context.records.get(request.key)?.encoded,
    closer: closerPeers(context, request.key, from),
    providers: []
  }
}
