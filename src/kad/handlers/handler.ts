import type { CloserPeersContext } from '../closer-peers.js'
import type { Message } from '../kad-message.js'
import type { RecordStore } from '../store/record-store.js'
import type { PeerId } from '@libp2p/interface'

/** What every Kad request handler may read: the routing table, the address book, k and the record store. */
export interface KadHandlerContext extends CloserPeersContext {
  records: RecordStore
}

/** Answers one Kad request from `from`; throwing resets the stream (the request is refused). */
export type KadHandler = (context: KadHandlerContext, from: PeerId, request: Message) => Message | Promise<Message>
