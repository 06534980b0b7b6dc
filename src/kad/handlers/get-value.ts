import { closerPeers } from './closer-peers.js'
import type { CloserPeersContext } from './closer-peers.js'
import type { Message } from '../kad-message.js'
import type { RecordStore } from '../store/record-store.js'
import type { PeerId } from '@libp2p/interface'

/** GET_VALUE: the record held for the key, if any, and the peers closest to it. */
export function handleGetValue (context: CloserPeersContext & { records: RecordStore }, from: PeerId, request: Message): Message {
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
