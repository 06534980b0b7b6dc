import { Libp2pRecord } from '@libp2p/record'
import { TypedEventEmitter } from 'main-event'
import { CustomProgressEvent } from 'progress-events'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { namespaceOf } from '../records/index.js'
import { AddressBook } from './address-book.js'
import { ADDRESS_BOOK_CAPACITY, MAX_REFRESHED_BUCKETS, REPLICATING_AGENT_NAME } from './limits.js'
import { checkKadDhtInternals, feedKadDhtRoutingTable } from './kad-dht-routing.js'
import { commonPrefixLength, compareDistances, distancePrefix, kadId, peerKadId, randomKeyInBucket } from './kad-id.js'
import { MessageType } from './kad-message.js'
import { encodeKadRecord } from './kad-record.js'
import { lookup } from './lookup.js'
import { RoutingTable } from './routing-table.js'
import { KadRpcClient } from './rpc-client.js'
import { KadRpcServer } from './rpc-server.js'
import type { KadDhtInternals } from './kad-dht-routing.js'
import type { Message } from './kad-message.js'
import type { LookupPeer, LookupResult } from './lookup.js'
import type { GetProgressEvents, JoinProgressEvents, LookupProgressEvents, PutProgressEvents } from './progress.js'
import type { KadRequestServed } from './rpc-server.js'
import type { RecordStore } from './store/record-store.js'
import type { AbortOptions, ComponentLogger, Libp2p, Logger, PeerId } from '@libp2p/interface'
import type { KadDHT, Validators } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ProgressOptions } from 'progress-events'

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
  /** A lookup ends once this many of the closest peers known have answered (go-libp2p-kad-dht's name; beta in the Kademlia papers). */
  resiliency: number
  /** Whether to serve the Kad protocol (false for a query-only client). */
  serve: boolean
  /** Where its components log (`libp2p.logger`): `exper-dht:kad:*`, silent unless `DEBUG` enables it. */
  logger: ComponentLogger
}

/** Events of `KadEngine`. */
export interface KadEngineEvents {
  /** A Kad request from another peer was answered or refused. */
  'request:served': CustomEvent<KadRequestServed>
}

/** A record another peer returned for a key. */
export interface RemoteValue {
  from: PeerId
  value: Uint8Array
}

/** What a GET_VALUE lookup found. */
export interface ValueLookup {
  /** The valid records returned, one per peer. */
  values: RemoteValue[]
  /** Peers that answered without a valid record. */
  without: PeerId[]
  /** The k closest peers the lookup knew when it ended, nearest first. */
  closest: PeerId[]
}

/**
 * The Kad-DHT fast path of a peer: its own routing table (filled by identify
 * and by answers, in memory), the value and peer RPCs served on long-lived
 * streams, and the lookups of gets and puts — all on the standard wire
 * protocol, so it interoperates with any Kad-DHT peer. @libp2p/kad-dht stays
 * in charge of provider records (ADD_PROVIDER / GET_PROVIDERS are handed to
 * it) and of libp2p's peer and content routing.
 */
export class KadEngine extends TypedEventEmitter<KadEngineEvents> {
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
  /** @libp2p/kad-dht's internals, their shapes checked (src/kad/kad-dht-routing.ts). */
  private readonly kadDht: KadDhtInternals
  /** Peers that identified as exper-dht (they replicate), oldest first; at most `ADDRESS_BOOK_CAPACITY`. */
  private readonly replicators = new Set<string>()
  private readonly log: Logger
  private readonly onIdentify = (event: CustomEvent<{ peerId: PeerId, listenAddrs: Multiaddr[], protocols: string[], agentVersion?: string }>): void => {
    const { peerId, listenAddrs, protocols, agentVersion } = event.detail
    this.addressBook.learn(peerId, listenAddrs, true)
    if (isReplicatingAgent(agentVersion)) {
      this.noteReplicator(peerId.toString())
    }
    if (protocols.includes(this.protocol)) {
      this.routingTable.add(peerId)
    }
  }

  /** Throws a `KadDhtInternalsError` when @libp2p/kad-dht's internals lack what the fast path needs. */
  constructor (private readonly libp2p: Libp2p, dht: KadDHT, readonly records: RecordStore, init: KadEngineInit) {
    super()
    this.log = init.logger.forComponent('exper-dht:kad:engine')
    this.kadDht = checkKadDhtInternals(dht)
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
      fallback: this.kadDht.rpc,
      logger: init.logger,
      onRequest: (served) => {
        if (this.listenerCount('request:served') > 0) {
          this.safeDispatchEvent('request:served', { detail: served })
        }
      }
    })
  }

  /** What the workaround of @libp2p/kad-dht's routing table cannot do with this version of it (empty with version 16). */
  get kadDhtDegraded (): readonly string[] {
    return this.kadDht.degraded
  }

  /** Serves the Kad protocol; call once libp2p has started. */
  async start (): Promise<void> {
    await feedKadDhtRoutingTable(this.kadDht, this.routingTable)
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

  /** The k peers closest to `key` found by a FIND_NODE lookup, nearest first; it ends once the `resiliency` closest known have answered. */
  async closestPeers (key: Uint8Array, options: AbortOptions & ProgressOptions<LookupProgressEvents> = {}, resiliency = this.resiliency): Promise<LookupResult> {
    return this.lookup(key, MessageType.FIND_NODE, options, () => Infinity, undefined, resiliency)
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
  async join (options: AbortOptions & ProgressOptions<JoinProgressEvents> = {}): Promise<void> {
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
   * Stores `value` (a record value for `key`) on the k closest peers a
   * lookup finds. Returns the peers that acknowledged it and how many were
   * asked; the record store notes them as holders.
   */
  async putToClosest (key: Uint8Array, value: Uint8Array, options: AbortOptions & ProgressOptions<PutProgressEvents> = {}): Promise<{ stored: PeerId[], asked: number }> {
    const { closest } = await this.closestPeers(key, options)
    const record = encodeKadRecord(key, value)
    const acknowledged = await Promise.all(closest.map(async (peer) => {
      const stored = await this.sendRecord(peer, key, value, record, options)
      options.onProgress?.(new CustomProgressEvent('exper-dht:put:record-sent', { peer: peer.id, stored }))
      return stored
    }))
    return { stored: closest.filter((_, i) => acknowledged[i]).map((peer) => peer.id), asked: closest.length }
  }

  /**
   * Sends one PUT_VALUE of `record` (the encoded Kad `Record` of `value` for
   * `key`) to `peer`; resolves true when its response echoes the value (it
   * stored it, and is noted as a holder), false when it refused or failed.
   */
  async sendRecord (peer: LookupPeer, key: Uint8Array, value: Uint8Array, record: Uint8Array<ArrayBuffer>, options: AbortOptions = {}): Promise<boolean> {
    try {
      const response = await this.request(peer, { type: MessageType.PUT_VALUE, key: key as Uint8Array<ArrayBuffer>, record }, options)
      const stored = response.record != null && uint8ArrayEquals(Libp2pRecord.deserialize(response.record).value, value)
      if (stored) {
        this.records.addHolder(key, value, peer.id.toString())
      }
      return stored
    } catch (err) {
      this.log('PUT_VALUE to %p failed: %s', peer.id, (err as Error).message)
      return false
    }
  }

  /**
   * Whether `peer` is known to replicate the records it holds: it
   * identified as exper-dht. A peer this one never identified (or another
   * implementation) is not counted on.
   */
  replicates (peer: PeerId): boolean {
    return this.replicators.has(peer.toString())
  }

  private noteReplicator (id: string): void {
    this.replicators.delete(id)
    this.replicators.add(id)
    if (this.replicators.size > ADDRESS_BOOK_CAPACITY) {
      this.replicators.delete(this.replicators.values().next().value!)
    }
  }

  /** A routing-table peer with the addresses the address book holds for it. */
  lookupPeer (id: PeerId): LookupPeer {
    return { id, addrs: this.addressBook.get(id)?.multiaddrs }
  }

  /** Whether this peer is among the k closest peers it knows of to the Kademlia id `target` (so it should hold records of that key). */
  isResponsible (target: Uint8Array): boolean {
    const closest = this.routingTable.closestPeers(target, this.k)
    if (closest.length < this.k) {
      return true
    }
    const last = closest[closest.length - 1]
    const farthest = peerKadId(last.toMultihash().bytes, last.toString())
    const self = this.routingTable.selfKadId
    return compareDistances(self, distancePrefix(self, target), farthest, distancePrefix(farthest, target), target) < 0
  }

  /**
   * Looks `key` up with GET_VALUE and collects the valid records other peers
   * return, until it has `needed` of them or the lookup ends; it keeps no
   * more requests in flight than values are still missing. Until a first
   * value is in, the lookup goes on until the k closest peers known have
   * answered (a record may sit on any of them); after it, once the
   * `resiliency` closest have.
   */
  async getValues (key: Uint8Array, needed: number, options: AbortOptions & ProgressOptions<GetProgressEvents> = {}): Promise<ValueLookup> {
    const values: RemoteValue[] = []
    const without: PeerId[] = []
    if (needed <= 0) {
      return { values, without, closest: [] }
    }
    const validate = this.validators[namespaceOf(key)]
    const pending: Array<Promise<void>> = []
    const accept = (peer: PeerId, value: Uint8Array): void => {
      values.push({ from: peer, value })
      options.onProgress?.(new CustomProgressEvent('exper-dht:get:value', { peer, valid: true }))
    }
    const refuse = (peer: PeerId, err: Error): void => {
      this.log('refused the record %p returned: %s', peer, err.message)
      without.push(peer)
      options.onProgress?.(new CustomProgressEvent('exper-dht:get:value', { peer, valid: false }))
    }
    const { closest } = await this.lookup(key, MessageType.GET_VALUE, options, () => needed - values.length, (peer, response) => {
      if (response.record == null || validate == null) {
        without.push(peer.id)
        return false
      }
      try {
        const record = Libp2pRecord.deserialize(response.record)
        if (!uint8ArrayEquals(record.key, key)) {
          throw new Error('a record for another key')
        }
        const result = validate(key, record.value)
        if (result instanceof Promise) {
          pending.push(result.then(() => { accept(peer.id, record.value) }, (err: Error) => { refuse(peer.id, err) }))
          return false
        }
        accept(peer.id, record.value)
      } catch (err) {
        refuse(peer.id, err as Error)
        return false
      }
      return values.length >= needed
    }, () => values.length > 0 ? this.resiliency : this.k)
    await Promise.all(pending)
    return { values, without, closest: closest.map((peer) => peer.id) }
  }

  private async lookup (key: Uint8Array, type: MessageType, options: AbortOptions & ProgressOptions<LookupProgressEvents>, wanted: () => number, onResponse?: (peer: LookupPeer, response: Message) => boolean, resiliency: number | (() => number) = this.resiliency): Promise<LookupResult> {
    const target = kadId(key)
    const seeds = this.routingTable.closestPeers(target, this.k).map((id) => this.lookupPeer(id))
    const started = performance.now()
    const { onProgress } = options
    const query = onProgress == null
      ? async (peer: LookupPeer, signal: AbortSignal) => this.request(peer, { type, key: key as Uint8Array<ArrayBuffer> }, { signal })
      : async (peer: LookupPeer, signal: AbortSignal) => {
        const sent = performance.now()
        onProgress(new CustomProgressEvent('exper-dht:lookup:send-query', { type, peer: peer.id }))
        try {
          const response = await this.request(peer, { type, key: key as Uint8Array<ArrayBuffer> }, { signal })
          onProgress(new CustomProgressEvent('exper-dht:lookup:peer-response', { type, peer: peer.id, closer: response.closer.length, durationMs: performance.now() - sent }))
          return response
        } catch (err) {
          onProgress(new CustomProgressEvent('exper-dht:lookup:query-error', { type, peer: peer.id, error: err as Error }))
          throw err
        }
      }
    const result = await lookup({
      target,
      self: this.libp2p.peerId,
      seeds,
      k: this.k,
      alpha: this.alpha,
      resiliency,
      signal: options.signal,
      wanted,
      onResponse,
      query
    })
    const durationMs = performance.now() - started
    this.log('%s lookup ended: %d queried, %d closest, %d ms', type, result.queried, result.closest.length, Math.round(durationMs))
    onProgress?.(new CustomProgressEvent('exper-dht:lookup:end', { type, key, closest: result.closest.map((peer) => peer.id), queried: result.queried, durationMs }))
    return result
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


/**
 * Whether an identify agent version is that of a peer of this package,
 * `exper-dht/<version> …` (`REPLICATING_AGENT_NAME`, then a version that
 * starts with a digit): go-libp2p names a program by its module path, so the
 * Go interop peer (module `exper-dht/interop`) is `exper-dht/interop`, and
 * it does not replicate.
 */
export function isReplicatingAgent (agentVersion: string | undefined): boolean {
  return agentVersion != null && agentVersion.startsWith(`${REPLICATING_AGENT_NAME}/`) && /^[0-9]/.test(agentVersion.slice(REPLICATING_AGENT_NAME.length + 1))
}
