import { closerPeers } from '../closer-peers.js'
import type { KadHandler } from './handler.js'

/** FIND_NODE: the peers closest to the key. */
export const handleFindNode: KadHandler = (context, from, request) => ({
  type: request.type,
  key: request.key,
  closer: closerPeers(context, request.key ?? new Uint8Array(), from),
  providers: []
})
