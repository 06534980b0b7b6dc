import { randomBytes } from 'node:crypto'
import { Libp2pRecord } from '@libp2p/record'
import { pbStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeKvRecord, defaultConfig, toDhtKey } from '../../src/index.js'
import { Message, MessageType } from './kad-message.js'
import { createRawNode } from './raw-kv.js'
import type { KvRecord } from '../../src/index.js'
import type { Libp2p } from '@libp2p/interface'

/**
 * Asks a peer Kad-DHT questions directly, one request per stream of its DHT
 * protocol, from a bare libp2p node that is no DHT peer itself: what its
 * routing table holds and what its own datastore holds, without a lookup.
 */
export class KadProbe {
  private constructor (private readonly node: Libp2p) {}

  static async create (): Promise<KadProbe> {
    return new KadProbe(await createRawNode())
  }

  /** How many peers `addr` answers a FIND_NODE for a random key with: peers of its routing table (the asker excluded). */
  async routingTablePeers (addr: string): Promise<number> {
    const response = await this.ask(addr, { type: MessageType.FIND_NODE, key: randomBytes(32) })
    return response.closer.length
  }

  /** The record that `addr` itself stores for the user key `key` (GET_VALUE answers from the peer's own datastore), if any. */
  async storedRecord (addr: string, key: string): Promise<KvRecord | undefined> {
    const response = await this.ask(addr, { type: MessageType.GET_VALUE, key: toDhtKey(key) })
    return response.record == null ? undefined : decodeKvRecord(Libp2pRecord.deserialize(response.record).value)
  }

  async close (): Promise<void> {
    await this.node.stop()
  }

  private async ask (addr: string, message: Partial<Message>): Promise<Message> {
    const stream = await this.node.dialProtocol(multiaddr(addr), defaultConfig().dht.protocol)
    try {
      const messages = pbStream(stream).pb(Message)
      await messages.write({ closer: [], providers: [], type: MessageType.PING, ...message })
      return await messages.read()
    } finally {
      await stream.close().catch(() => {})
    }
  }
}
