import { Libp2pRecord } from '@libp2p/record'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { Message, MessageType } from '../../src/kad/kad-message.js'
import { startPeer } from './peers.js'
import type { Peer } from '../../src/index.js'

/**
 * A FIND_NODE key that is no peer id: both implementations then answer with
 * the k peers of their routing table closest to it, which is the whole table
 * while it holds at most k (20) peers, less the asking peer.
 */
const ROUTING_TABLE_PROBE_KEY = uint8ArrayFromString('routing-table-probe')

/**
 * Asks DHT peers, over the Kad-DHT wire protocol itself, what they hold:
 * their routing table (FIND_NODE) and their records (GET_VALUE), and pushes
 * raw records at them (PUT_VALUE). It is an in-process exper-dht peer in
 * client mode, so it stores nothing and, not offering the DHT protocol, never
 * enters anyone's routing table: asking changes nothing it asks about.
 */
export class KadProbe {
  private constructor (readonly peer: Peer) {}

  /** Starts a probe; stop it with `stop()`. */
  static async start (): Promise<KadProbe> {
    return new KadProbe(await startPeer({ clientMode: true }))
  }

  /** The peer ids in the routing table of the peer at `addr`. */
  async routingTable (addr: string): Promise<string[]> {
    const response = await this.request(addr, { type: MessageType.FIND_NODE, key: ROUTING_TABLE_PROBE_KEY })
    if (response == null) {
      throw new Error(`${addr} did not answer FIND_NODE`)
    }
    return response.closer.map((peer) => peerIdFromMultihash(Digest.decode(peer.id)).toString())
  }

  /** Sends a PUT_VALUE of `value` (any bytes) under `key`; true when the peer stored it (echoed the record). */
  async putValue (addr: string, key: Uint8Array<ArrayBuffer>, value: Uint8Array): Promise<boolean> {
    const record = new Libp2pRecord(key, value, new Date())
    const response = await this.request(addr, { type: MessageType.PUT_VALUE, key, record: new Uint8Array(record.serialize()) })
    return response?.record != null && uint8ArrayEquals(Libp2pRecord.deserialize(response.record).value, value)
  }

  /** The record value the peer at `addr` serves for `key` (GET_VALUE), or undefined. */
  async getValue (addr: string, key: Uint8Array<ArrayBuffer>): Promise<Uint8Array | undefined> {
    const response = await this.request(addr, { type: MessageType.GET_VALUE, key })
    return response?.record == null ? undefined : Libp2pRecord.deserialize(response.record).value
  }

  /** Stops the probe's peer. */
  async stop (): Promise<void> {
    await this.peer.stop()
  }

  /** Sends one message on a new stream; the response, or undefined when the peer reset the stream. */
  private async request (addr: string, message: Partial<Message>): Promise<Message | undefined> {
    const stream = await this.peer.libp2p.dialProtocol(multiaddr(addr), this.peer.config.dht.protocol)
    const messages = pbStream(stream).pb(Message)
    try {
      await messages.write({ closer: [], providers: [], type: MessageType.PING, ...message })
      return await messages.read()
    } catch {
      return undefined
    } finally {
      await stream.close().catch(() => {})
    }
  }
}
