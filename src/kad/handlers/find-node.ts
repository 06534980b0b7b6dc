import { closerPeers } from './closer-peers.js'
import type { CloserPeersContext } from './closer-peers.js'
import type { Message } from '../kad-message.js'
import type { PeerId } from '@libp2p/interface'

/** FIND_NODE: the peers closest to the key. */
export function handleFindNode (context: CloserPeersContext, from: PeerId, request: Message): Message {
  return {
    type: request.type,
    key: request.key,
    closer: closerPeers(context, request.key ?? new Uint8Array(), from),
    providers: []
  }
}
