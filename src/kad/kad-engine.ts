import { Libp2pRecord } from '@libp2p/record'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { namespaceOf } from '../records/index.js'
import { AddressBook } from './address-book.js'
import { ADDRESS_BOOK_CAPACITY, MAX_REFRESHED_BUCKETS } from './constants.js'
import { feedKadDhtRoutingTable } from './kad-dht-routing.js'
import { commonPrefixLength, kadId, randomKeyInBucket } from './kad-id.js'
import { MessageType } from './kad-message.js'
import { lookup } from './lookup.js'
import { RoutingTable } from './routing-table.js'
import { KadRpcClient } from './rpc-client.js'
import { KadRpcServer } from './rpc-server.js'
import type { Message } from './kad-message.js'
import type { LookupPeer, LookupResult } from './lookup.js'
import type { RecordStore } from './record-store.js'
import type { FallbackHandler } from './rpc-server.js'
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT, Validators } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Options of `KadEngine`. */
export interface KadEngineInit {
  /** The Kad protocol id. */
  protocol: string
  /** Replication factor and lookup width (k). */
  k: number
  /** Validators of records received from other peers. */
  validators: Validators
  /** Upper bound of one request, dial included, in ms. */
  requestTimeoutMs: number
  /** Lookup parallelism (Kademlia's alpha). */
  alpha: number
  /** A lookup ends once this many of the closest peers known have answered (beta). */
  resiliency: number
  /** Whether to serve the Kad protocol (false for a query-only client). */
  serve: boolean
}

/** A record another peer returned for a key. */
export interface RemoteValue {
  from: PeerId
  value: Uint8Array
}

/**
 * The Kad-DHT fast path of a peer: its own routing table (filled by identify
 * and by answers, in memory), the value and peer RPCs served on long-lived
 * streams, and the lookups of gets and puts — all on the standard wire
 * protocol, so it interoperates with any Kad-DHT peer. @libp2p/kad-dht stays
 * in charge of provider records (ADD_PROVIDER / GET_PROVIDERS are handed to
 * it) and of libp2p's peer and content routing.
 */
export class KadEngine {
  readonly addressBook = new AddressBook(ADDRESS_BOOK_CAPACITY)
  readonly routingTable: RoutingTable
  private readonly client: KadRpcClient
  private readonly server: KadRpcServer
  private readonly k: number
  private readonly alpha: number
  private readonly resiliency: number
  private readonly validators: Validators
  private readonly protocol: string
  private readonly serve: boolean
  private readonly onIdentify = (event: CustomEvent<{ peerId: PeerId, listenAddrs: Multiaddr[], protocols: string[] }>): void => {
    const { peerId, listenAddrs, protocols } = event.detail
    this.addressBook.learn(peerId, listenAddrs, true)
    if (protocols.includes(this.protocol)) {
      this.routingTable.add(peerId)
    }
  }

  constructor (private readonly libp2p: Libp2p, private readonly dht: KadDHT, readonly records: RecordStore, init: KadEngineInit) {
    this.routingTable = new RoutingTable(libp2p.peerId, init.k)
    this.protocol = init.protocol
    this.serve = init.serve
    this.k = init.k
    this.alpha = init.alpha
    this.resiliency = init.resiliency
    this.validators = init.validators
    this.client = new KadRpcClient(libp2p, { protocol: init.protocol, requestTimeoutMs: init.requestTimeoutMs })
    this.server = new KadRpcServer(libp2p, {
      protocol: init.protocol,
      routingTable: this.routingTable,
      addressBook: this.addressBook,
      k: init.k,
      records,
      fallback: (dht as unknown as { rpc: FallbackHandler }).rpc
    })
  }

  /** Serves the Kad protocol; call once libp2p has started. */
  async start (): Promise<void> {
    await feedKadDhtRoutingTable(this.dht, this.routingTable)
    this.libp2p.addEventListener('peer:identify', this.onIdentify)
    if (this.serve) {
      await this.server.start()
    }
  }

  /** Stops serving and closes the pooled streams. */
  stop (): void {
    this.libp2p.removeEventListener('peer:identify', this.onIdentify)
    this.server.stop()
    this.client.close()
  }

  /**
   * Whether a request of this engine is opening a connection to `peer` right
   * now: such a peer is a Kad server this peer learned of from other servers,
   * and its answer (or failure) is what decides its place in the routing table.
   */
  isDialing (peer: PeerId): boolean {
    return this.client.isDialing(peer)
  }

  /** The k peers closest to `key` found by a FIND_NODE lookup, nearest first; it ends once the `beta` closest known have answered. */
  async closestPeers (key: Uint8Array, options: AbortOptions = {}, beta = this.resiliency): Promise<LookupResult> {
    return this.lookup(key, MessageType.FIND_NODE, options, () => Infinity, undefined, beta)
  }

  /**
   * Kademlia's join (and refresh): looks up this peer's own id, which
   * connects it to its k closest peers (they learn of it), then refreshes
   * the buckets that lookup cannot fill: one FIND_NODE lookup of a random key
   * in each bucket up to the common prefix length of the farthest of those k
   * peers (every closer peer is among them), at most `MAX_REFRESHED_BUCKETS`,
   * one after another. A network of k peers or fewer is known whole after the
   * first lookup. Its lookups wait for all k closest peers to answer, whatever
   * the resiliency of other lookups: the join is what fills the routing table
   * they start from.
   */
  async join (options: AbortOptions = {}): Promise<void> {
    const self = this.routingTable.selfKadId
    const { closest } = await this.closestPeers(this.libp2p.peerId.toMultihash().bytes, options, this.k)
    if (closest.length < this.k) {
      return
    }
    const farthest = closest[closest.length - 1].id.toMultihash().bytes
    const buckets = Math.min(commonPrefixLength(self, kadId(farthest)) + 1, MAX_REFRESHED_BUCKETS)
    for (let cpl = 0; cpl < buckets && options.signal?.aborted !== true; cpl++) {
      await this.closestPeers(randomKeyInBucket(self, cpl), options, this.k)
    }
  }

  /**
   * Stores `record` (an encoded Kad `Record` value for `key`) on the k closest
   * peers. Returns the peers that acknowledged it (their response echoed the
   * record) and how many were asked.
   */
  async putToClosest (key: Uint8Array, value: Uint8Array, options: AbortOptions = {}): Promise<{ stored: PeerId[], asked: number }> {
    const { closest } = await this.closestPeers(key, options)
    const record = new Uint8Array(new Libp2pRecord(key, value, new Date()).serialize())
    const acknowledged = await Promise.all(closest.map(async (peer) => {
      try {
        const response = await this.request(peer, { type: MessageType.PUT_VALUE, key: key as Uint8Array<ArrayBuffer>, record }, options)
        return response.record != null && uint8ArrayEquals(Libp2pRecord.deserialize(response.record).value, value)
      } catch {
        return false
      }
    }))
    return { stored: closest.filter((_, i) => acknowledged[i]).map((peer) => peer.id), asked: closest.length }
  }

  /**
   * Looks `key` up with GET_VALUE and collects the valid records other peers
   * return, until it has `needed` of them or the lookup ends; it keeps no
   * more requests in flight than values are still missing.
   */
  async getValues (key: Uint8Array, needed: number, options: AbortOptions = {}): Promise<RemoteValue[]> {
    const values: RemoteValue[] = []
    if (needed <= 0) {
      return values
    }
    const validate = this.validators[namespaceOf(key)]
    const pending: Array<Promise<void>> = []
    await this.lookup(key, MessageType.GET_VALUE, options, () => needed - values.length, (peer, response) => {
      if (response.record == null || validate == null) {
        return false
      }
      try {
        const record = Libp2pRecord.deserialize(response.record)
        if (!uint8ArrayEquals(record.key, key)) {
          return false
        }
        const result = validate(key, record.value)
        if (result instanceof Promise) {
          pending.push(result.then(() => { values.push({ from: peer.id, value: record.value }) }, () => {}))
          return false
        }
        values.push({ from: peer.id, value: record.value })
      } catch {
        return false
      }
      return values.length >= needed
    })
    await Promise.all(pending)
    return values
  }

  private async lookup (key: Uint8Array, type: MessageType, options: AbortOptions, wanted: () => number, onResponse?: (peer: LookupPeer, response: Message) => boolean, beta = this.resiliency): Promise<LookupResult> {
    const target = kadId(key)
    const seeds = this.routingTable.closestPeers(target, this.k).map((id) => ({ id, addrs: this.addressBook.get(id)?.multiaddrs }))
    return lookup({
      target,
      self: this.libp2p.peerId,
      seeds,
      k: this.k,
      alpha: this.alpha,
      beta,
      signal: options.signal,
      wanted,
      onResponse,
      query: async (peer, signal) => this.request(peer, { type, key: key as Uint8Array<ArrayBuffer> }, { signal })
    })
  }

  /**
   * One request through the RPC client, keeping the routing table current: a
   * peer that answers is (re)added as recently seen, a failure (not a mere
   * cancellation) is counted against it.
   */
  private async request (peer: LookupPeer, message: Partial<Message>, options: AbortOptions): Promise<Message> {
    if (peer.addrs != null) {
      this.addressBook.learn(peer.id, peer.addrs, false)
    }
    try {
      const response = await this.client.request(peer.id, peer.addrs, message, options)
      this.routingTable.add(peer.id)
      return response
    } catch (err) {
      if (options.signal?.aborted !== true) {
        this.routingTable.recordFailure(peer.id)
      }
      throw err
    }
  }
}
