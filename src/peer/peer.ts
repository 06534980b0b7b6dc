import { TypedEventEmitter } from 'main-event'
import { LifecycleJobs } from '../kad/jobs/index.js'
import { decodeKvRecord, namespaceOf, toDhtKey } from '../records/index.js'
import { getKv } from './kv-get.js'
import { putKv, putSignedRecord } from './kv-put.js'
import type { BootstrapDialer } from './bootstrap.js'
import type { GetOptions, GetResult, WriteBackDetail } from './kv-get.js'
import type { KvPutContext, PutOptions, PutResult, PutSignedOptions } from './kv-put.js'
import type { PeerServices } from './libp2p-node.js'
import type { OpenDatastore } from './storage.js'
import type { ReplicationRound, RepublishRound } from '../kad/jobs/index.js'
import type { KadEngine } from '../kad/kad-engine.js'
import type { JoinProgressEvents } from '../kad/progress.js'
import type { RecordSender } from '../kad/record-sender.js'
import type { RoutingTableBucket } from '../kad/routing-table.js'
import type { KadRequestServed } from '../kad/rpc-server.js'
import type { PublishedRecords } from '../kad/store/published-records.js'
import type { KvBackend, KvRequestServed, KvServer } from '../protocol/index.js'
import type { PeerConfig } from '../config/index.js'
import type { KvRecord } from '../records/index.js'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ProgressOptions } from 'progress-events'

/** Events a `Peer` emits. */
export interface PeerEvents {
  /** The routing table holds a peer (or the peer runs alone): queries can succeed. */
  ready: CustomEvent<void>
  /** Kademlia's join after `ready` has ended (`refreshRoutingTable`): it knows and is connected to its neighbours and to peers in every farther part of the network. */
  joined: CustomEvent<void>
  /** A periodic refresh (Kademlia's join again, every `dht.refreshIntervalMs`) has started. */
  refreshing: CustomEvent<void>
  /** A periodic refresh has ended. */
  refreshed: CustomEvent<{ routingTableSize: number, durationMs: number }>
  /** A peer entered the DHT routing table (it answered a request or identified as a Kad server). */
  'routing-table:add': CustomEvent<{ peerId: PeerId, size: number }>
  /** A peer left the DHT routing table (its requests failed, or a newer peer took its place). */
  'routing-table:remove': CustomEvent<{ peerId: PeerId, size: number }>
  /** A put through this peer ended (`Peer.put`, so also a kv STORE): `error` when it failed. */
  put: CustomEvent<{ key: string, durationMs: number, replicas?: number, seq?: bigint, error?: Error }>
  /** A get through this peer ended (`Peer.get`, so also a kv RETRIEVE): `error` when it failed (e.g. a `NotFoundError`). */
  get: CustomEvent<{ key: string, durationMs: number, seq?: bigint, sources?: number, error?: Error }>
  /** A Kad request from another peer was answered, or refused (`error`). */
  'kad:request': CustomEvent<KadRequestServed>
  /** A kv protocol request (a thin client's STORE or RETRIEVE) was answered. */
  'kv:request': CustomEvent<KvRequestServed>
  /** A bootstrap peer answered. */
  'bootstrap:connected': CustomEvent<{ addr: string, peerId: PeerId }>
  /** A bootstrap peer could not be dialed; it will be tried again in `retryInMs`. */
  'bootstrap:retry': CustomEvent<{ addr: string, attempt: number, retryInMs: number, error: Error }>
  /** A connection to a peer opened. */
  'peer:connect': CustomEvent<PeerId>
  /** The last connection to a peer closed. */
  'peer:disconnect': CustomEvent<PeerId>
  /** A replication round ended: the periodic one, or the push of records to peers that entered the routing table. */
  replicated: CustomEvent<ReplicationRound>
  /** Records this peer published were put again (or retired: their lifetime ended, or a newer record replaced them). */
  republished: CustomEvent<RepublishRound>
  /** Expired records were deleted from memory and disk. */
  expired: CustomEvent<{ removed: number }>
  /** After a get, the best record was written back to the closest peers that lacked it (go-libp2p-kad-dht's correction). */
  'write-back': CustomEvent<WriteBackDetail>
  /** A periodic job failed (it runs again at its next time). */
  'job:failed': CustomEvent<{ job: string, error: Error }>
}

/** A record a peer holds, as `Peer.listRecords` describes it (no value). */
export interface HeldRecordInfo {
  /** The DHT key as text, e.g. `/kv/<key>`. */
  key: string
  /** Its namespace, e.g. `kv`. */
  namespace: string
  /** Size of the record as held (the encoded Kad record). */
  bytes: number
  /** When it ends (Unix ms). */
  expires: number
  /** When this peer stored this version (Unix ms). */
  storedAt: number
  /** Whether this peer published it (a put through it). */
  published: boolean
}

/** The Kad engine of each peer, for the white-box tests of src/kad (not exported from the package). */
const engines = new WeakMap<Peer, KadEngine>()

/** The Kad engine inside `peer`: for tests of the Kad layer only, not part of the package's API. */
export function kadEngineOf (peer: Peer): KadEngine {
  return engines.get(peer)!
}

/** The parts `createPeer` assembles into a `Peer`. */
export interface PeerParts {
  config: PeerConfig
  libp2p: Libp2p<PeerServices>
  storage: OpenDatastore
  engine: KadEngine
  bootstrap: BootstrapDialer
  kvServer: KvServer
  /** The records this peer published (republished by it). */
  published: PublishedRecords
  /** Sends the write-back after gets. */
  writeBack: RecordSender
  /** The peer's key: it signs the peer's `/kvs` records. */
  privateKey: PrivateKey
  /** The data directory, or undefined for an ephemeral peer. */
  dataDir?: string
}

/**
 * A running exper-dht peer: a libp2p node in the Kad-DHT, storing and
 * retrieving `/kv` records. Create one with `createPeer`.
 */
export class Peer extends TypedEventEmitter<PeerEvents> implements KvBackend {
  /** The configuration it runs with. */
  readonly config: PeerConfig
  /** The libp2p node (for tests and tools; the CLI does not touch it). */
  readonly libp2p: Libp2p<PeerServices>
  /** The data directory, or undefined for an ephemeral peer. */
  readonly dataDir?: string
  /** Resolves once the peer is ready (see the `ready` event); never rejects. */
  readonly ready: Promise<void>
  /** Resolves once the peer has joined (see the `joined` event); never rejects. */
  readonly joined: Promise<void>
  /** The `/exper-dht/kv/1.0.0` server it runs. */
  readonly kvServer: KvServer

  private readonly storage: OpenDatastore
  /** The Kad-DHT fast path: routing table, lookups, record store. */
  private readonly engine: KadEngine
  private readonly bootstrap: BootstrapDialer
  private readonly published: PublishedRecords
  private readonly writeBack: RecordSender
  private readonly jobs: LifecycleJobs
  private readonly privateKey: PrivateKey
  private starting?: Promise<void>
  private startTime?: number
  private stopping?: Promise<void>
  private readonly stopController = new AbortController()

  constructor (parts: PeerParts) {
    super()
    this.config = parts.config
    this.libp2p = parts.libp2p
    this.storage = parts.storage
    this.engine = parts.engine
    this.bootstrap = parts.bootstrap
    this.dataDir = parts.dataDir
    this.kvServer = parts.kvServer
    this.published = parts.published
    this.writeBack = parts.writeBack
    this.privateKey = parts.privateKey
    engines.set(this, this.engine)
    this.forwardEvents()
    const { dht, records } = this.config
    this.jobs = new LifecycleJobs({
      engine: this.engine,
      records: this.engine.records,
      published: this.published,
      k: dht.kBucketSize,
      storesRecords: !dht.clientMode,
      refreshIntervalMs: dht.refreshIntervalMs,
      replicateIntervalMs: records.replicateIntervalMs,
      republishIntervalMs: records.republishIntervalMs,
      expireIntervalMs: records.expireIntervalMs,
      ttlMs: records.ttlMs,
      privateKey: parts.privateKey
    }, {
      refreshing: () => { this.safeDispatchEvent('refreshing') },
      refreshed: (detail) => { this.safeDispatchEvent('refreshed', { detail }) },
      replicated: (detail) => { this.safeDispatchEvent('replicated', { detail }) },
      republished: (detail) => { this.safeDispatchEvent('republished', { detail }) },
      expired: (removed) => { this.safeDispatchEvent('expired', { detail: { removed } }) },
      failed: (job, error) => { this.safeDispatchEvent('job:failed', { detail: { job, error } }) }
    })
    this.ready = new Promise((resolve) => {
      this.addEventListener('ready', () => { resolve() }, { once: true })
    })
    this.joined = new Promise((resolve) => {
      this.addEventListener('joined', () => { resolve() }, { once: true })
    })
  }

  /** Aborted when the peer stops: ends its background work. */
  private get stopSignal (): AbortSignal {
    return this.stopController.signal
  }

  /** When it started (Unix ms); undefined before `start`. */
  get startedAt (): number | undefined {
    return this.startTime
  }

  /** This peer's id. */
  get peerId (): PeerId {
    return this.libp2p.peerId
  }

  /** The addresses it listens on, each ending in `/p2p/<peer id>`. */
  getMultiaddrs (): Multiaddr[] {
    return this.libp2p.getMultiaddrs()
  }

  /** How many peers its DHT routing table holds. */
  get routingTableSize (): number {
    return this.engine.routingTable.size
  }

  /** How many peers it has a connection to. */
  get connectedPeers (): number {
    return this.libp2p.getPeers().length
  }

  /** Its DHT routing table: the non-empty k-buckets by common prefix length with this peer's Kademlia id, with each peer's last contact (a copy). */
  getRoutingTable (): RoutingTableBucket[] {
    return this.engine.routingTable.buckets()
  }

  /**
   * Kademlia's join and refresh (`KadEngine.join`): looks up this peer's own
   * id, then peers in the farther parts of the network, which connects it to
   * its neighbours (they learn of it) and fills its routing table. Resolves
   * when the lookups end; ends early when the peer stops. `onProgress`
   * hears each lookup's progress (`JoinProgressEvents`).
   */
  async refreshRoutingTable (options: ProgressOptions<JoinProgressEvents> = {}): Promise<void> {
    await this.engine.join({ signal: this.stopSignal, onProgress: options.onProgress })
  }

  /** Stores `value` under `key` in the DHT (with `signed`, under `/kvs/<this peer>/<key>`, signed by this peer); see `putKv`. Emits `put` when it ends. */
  async put (key: string, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    const started = performance.now()
    return this.reported('put', key, started, putKv(this.putContext, key, value, options.quorum ?? this.config.put.quorum, options), ({ replicas, seq }) => ({ replicas, seq }))
  }

  /** Publishes a record its owner signed (`key` is `<owner>/<name>`); see `putSignedRecord`. Emits `put` when it ends. */
  async putSigned (key: string, record: Uint8Array, options: PutSignedOptions = {}): Promise<PutResult> {
    const started = performance.now()
    return this.reported('put', key, started, putSignedRecord(this.putContext, key, record, options.quorum ?? this.config.put.quorum, options), ({ replicas, seq }) => ({ replicas, seq }))
  }

  private get putContext (): KvPutContext {
    return {
      engine: this.engine,
      records: this.engine.records,
      published: this.published,
      peerId: this.peerId,
      storesRecords: !this.config.dht.clientMode,
      queryTimeoutMs: this.config.dht.queryTimeoutMs,
      ttlMs: this.config.records.ttlMs,
      privateKey: this.privateKey
    }
  }

  /** Finds the best record for `key` in the DHT; see `getKv`. Emits `get` when it ends. */
  async get (key: string, options: GetOptions = {}): Promise<GetResult> {
    const started = performance.now()
    return this.reported('get', key, started, getKv({
      engine: this.engine,
      records: this.engine.records,
      writeBack: this.writeBack,
      routingTableSize: () => this.routingTableSize,
      queryTimeoutMs: this.config.dht.queryTimeoutMs,
      onWriteBack: (detail) => { this.safeDispatchEvent('write-back', { detail }) }
    }, key, options.quorum ?? this.config.get.quorum, options), ({ seq, sources }) => ({ seq, sources }))
  }

  /** `operation`'s result, after emitting its `put` or `get` event (with `detail` of the result, or the error). */
  private async reported<R, D> (type: 'put' | 'get', key: string, started: number, operation: Promise<R>, detail: (result: R) => D): Promise<R> {
    try {
      const result = await operation
      if (this.listenerCount(type) > 0) {
        this.safeDispatchEvent(type, { detail: { key, durationMs: performance.now() - started, ...detail(result) } })
      }
      return result
    } catch (err) {
      if (this.listenerCount(type) > 0) {
        this.safeDispatchEvent(type, { detail: { key, durationMs: performance.now() - started, error: err as Error } })
      }
      throw err
    }
  }

  /** The live record this peer itself stores for `key`, or undefined (no network). */
  async getLocal (key: string): Promise<KvRecord | undefined> {
    const record = this.engine.records.get(toDhtKey(key))
    return record == null ? undefined : decodeKvRecord(record.value)
  }

  /** What this peer holds: records and their bytes (as counted against `records.maxBytes`), and how many it published. */
  get holdings (): { records: number, bytes: number, published: number } {
    return { records: this.engine.records.size, bytes: this.engine.records.bytes, published: this.published.size }
  }

  /**
   * A page of the live records this peer holds, without their values, sorted
   * by DHT key: `offset` records are skipped, at most `limit` returned;
   * `total` counts them all.
   */
  listRecords (options: { offset?: number, limit?: number } = {}): { total: number, records: HeldRecordInfo[] } {
    const offset = options.offset ?? 0
    const limit = options.limit ?? Infinity
    const decoder = new TextDecoder()
    const all = [...this.engine.records.records()].map((record) => ({ record, key: decoder.decode(record.key) }))
    all.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
    const records = all.slice(offset, offset + limit).map(({ record, key }): HeldRecordInfo => ({
      key,
      namespace: namespaceOf(record.key),
      bytes: record.encoded.byteLength,
      expires: record.expires,
      storedAt: record.storedAt,
      published: record.published
    }))
    return { total: all.length, records }
  }

  /** Stops serving and dialing, stops libp2p and closes the datastore. Safe to call twice. */
  async stop (): Promise<void> {
    this.stopping ??= (async () => {
      this.stopController.abort()
      this.jobs.stop()
      this.writeBack.stop()
      await this.kvServer.stop()
      await this.bootstrap.stop()
      this.engine.stop()
      await this.libp2p.stop()
      await this.storage.close()
    })()
    return this.stopping
  }

  /**
   * Starts libp2p, the Kad engine and the kv server, then dials the
   * bootstrap peers in the background; called once by `createPeer` (a second
   * call waits for the first). With bootstrap peers, the peer is ready once
   * its routing table holds a peer; it then joins (`refreshRoutingTable`),
   * which connects it to its neighbours and fills its routing table. Once
   * joined, it runs its periodic jobs (`LifecycleJobs`): the routing table's
   * refresh, replication and republishing; the expiry sweep runs from the
   * start.
   */
  async start (): Promise<void> {
    this.starting ??= (async () => {
      this.startTime = Date.now()
      await this.libp2p.start()
      await this.engine.start()
      await this.kvServer.start()
      this.watchReadiness(this.config.bootstrap.length > 0)
      this.bootstrap.start()
    })()
    return this.starting
  }

  /** Re-emits what its parts report as this peer's events: only `Peer` dispatches them. */
  private forwardEvents (): void {
    const table = this.engine.routingTable
    table.addEventListener('peer:add', ({ detail }) => { this.safeDispatchEvent('routing-table:add', { detail: { peerId: detail, size: table.size } }) })
    table.addEventListener('peer:remove', ({ detail }) => { this.safeDispatchEvent('routing-table:remove', { detail: { peerId: detail, size: table.size } }) })
    this.bootstrap.addEventListener('connected', ({ detail }) => { this.safeDispatchEvent('bootstrap:connected', { detail }) })
    this.bootstrap.addEventListener('retry', ({ detail }) => { this.safeDispatchEvent('bootstrap:retry', { detail }) })
    this.engine.addEventListener('request:served', ({ detail }) => {
      if (this.listenerCount('kad:request') > 0) this.safeDispatchEvent('kad:request', { detail })
    })
    this.kvServer.addEventListener('request', ({ detail }) => {
      if (this.listenerCount('kv:request') > 0) this.safeDispatchEvent('kv:request', { detail })
    })
  }

  /** Wires libp2p events to this peer's events and decides readiness. */
  private watchReadiness (hasBootstrapPeers: boolean): void {
    this.libp2p.addEventListener('peer:connect', (event) => { this.safeDispatchEvent('peer:connect', { detail: event.detail }) })
    this.libp2p.addEventListener('peer:disconnect', (event) => { this.safeDispatchEvent('peer:disconnect', { detail: event.detail }) })
    this.jobs.startLocal()
    void this.joined.then(() => {
      if (!this.stopSignal.aborted) {
        this.jobs.startNetworked()
      }
    })
    if (!hasBootstrapPeers) {
      this.safeDispatchEvent('ready')
      this.safeDispatchEvent('joined')
      return
    }
    const table = this.engine.routingTable
    const join = (): void => {
      table.removeEventListener('peer:add', join)
      this.safeDispatchEvent('ready')
      void this.refreshRoutingTable().then(() => {
        this.safeDispatchEvent('joined')
      })
    }
    if (table.size > 0) {
      join()
    } else {
      table.addEventListener('peer:add', join)
    }
  }
}
