import { TypedEventEmitter } from 'main-event'
import { getKv } from './kv-get.js'
import { putKv } from './kv-put.js'
import { readLocalRecord } from './local-records.js'
import { decodeKvRecord, toDhtKey } from '../records/index.js'
import type { BootstrapDialer } from './bootstrap.js'
import type { GetOptions, GetResult } from './kv-get.js'
import type { PutOptions, PutResult } from './kv-put.js'
import type { PeerServices } from './libp2p-node.js'
import type { OpenDatastore } from './storage.js'
import type { StoreRetrieveServer } from '../protocol/index.js'
import type { PeerConfig } from '../config/index.js'
import type { KvRecord } from '../records/index.js'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Events a `Peer` emits. */
export interface PeerEvents {
  /** The routing table holds a peer (or the peer runs alone): queries can succeed. */
  ready: CustomEvent<void>
  /** A bootstrap peer answered. */
  'bootstrap:connected': CustomEvent<{ addr: string, peerId: PeerId }>
  /** A bootstrap peer could not be dialed; it will be tried again in `retryInMs`. */
  'bootstrap:retry': CustomEvent<{ addr: string, attempt: number, retryInMs: number, error: Error }>
  /** A connection to a peer opened. */
  'peer:connect': CustomEvent<PeerId>
  /** The last connection to a peer closed. */
  'peer:disconnect': CustomEvent<PeerId>
  /** The DHT routing table gained or lost a peer; `detail` is its new size. */
  'routing:change': CustomEvent<number>
}

/** The parts `createPeer` assembles into a `Peer`. */
export interface PeerParts {
  config: PeerConfig
  libp2p: Libp2p<PeerServices>
  storage: OpenDatastore
  bootstrap: BootstrapDialer
  kvServer: StoreRetrieveServer
  /** The data directory, or undefined for an ephemeral peer. */
  dataDir?: string
}

/**
 * A running exper-dht peer: a libp2p node in the Kad-DHT, storing and
 * retrieving `/kv` records. Create one with `createPeer`.
 */
export class Peer extends TypedEventEmitter<PeerEvents> {
  /** The configuration it runs with. */
  readonly config: PeerConfig
  /** The libp2p node (for tests and tools; the CLI does not touch it). */
  readonly libp2p: Libp2p<PeerServices>
  /** The data directory, or undefined for an ephemeral peer. */
  readonly dataDir?: string
  /** Resolves once the peer is ready (see the `ready` event); never rejects. */
  readonly ready: Promise<void>
  /** The `/exper-dht/kv/1.0.0` server it runs. */
  readonly kvServer: StoreRetrieveServer

  private readonly storage: OpenDatastore
  private readonly bootstrap: BootstrapDialer
  private stopping?: Promise<void>

  constructor (parts: PeerParts) {
    super()
    this.config = parts.config
    this.libp2p = parts.libp2p
    this.storage = parts.storage
    this.bootstrap = parts.bootstrap
    this.dataDir = parts.dataDir
    this.kvServer = parts.kvServer
    this.ready = new Promise((resolve) => {
      this.addEventListener('ready', () => { resolve() }, { once: true })
    })
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
    return routingTableOf(this.libp2p).size
  }

  /** Stores `value` under `key` in the DHT; see `putKv`. */
  async put (key: string, value: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    return putKv({
      dht: this.libp2p.services.dht,
      datastore: this.storage.datastore,
      peerId: this.peerId,
      storesRecords: !this.config.dht.clientMode,
      queryTimeoutMs: this.config.dht.queryTimeoutMs
    }, key, value, options.quorum ?? this.config.put.quorum, options)
  }

  /** Finds the best record for `key` in the DHT; see `getKv`. */
  async get (key: string, options: GetOptions = {}): Promise<GetResult> {
    return getKv({
      dht: this.libp2p.services.dht,
      datastore: this.storage.datastore,
      routingTableSize: () => this.routingTableSize,
      queryTimeoutMs: this.config.dht.queryTimeoutMs
    }, key, options.quorum ?? this.config.get.quorum, options)
  }

  /** The record this peer itself stores for `key`, or undefined (no network). */
  async getLocal (key: string): Promise<KvRecord | undefined> {
    const record = await readLocalRecord(this.storage.datastore, toDhtKey(key))
    return record == null ? undefined : decodeKvRecord(record.value)
  }

  /** Stops serving and dialing, stops libp2p and closes the datastore. Safe to call twice. */
  async stop (): Promise<void> {
    this.stopping ??= (async () => {
      await this.kvServer.stop()
      await this.bootstrap.stop()
      await this.libp2p.stop()
      await this.storage.close()
    })()
    return this.stopping
  }

  /** Wires libp2p and routing table events to this peer's events; called once by `createPeer`. */
  watchReadiness (hasBootstrapPeers: boolean): void {
    this.libp2p.addEventListener('peer:connect', (event) => { this.safeDispatchEvent('peer:connect', { detail: event.detail }) })
    this.libp2p.addEventListener('peer:disconnect', (event) => { this.safeDispatchEvent('peer:disconnect', { detail: event.detail }) })
    const table = routingTableOf(this.libp2p)
    const onChange = (): void => { this.safeDispatchEvent('routing:change', { detail: table.size }) }
    table.addEventListener('peer:add', onChange)
    table.addEventListener('peer:remove', onChange)
    if (!hasBootstrapPeers || this.routingTableSize > 0) {
      this.safeDispatchEvent('ready')
      return
    }
    const onAdd = (): void => {
      table.removeEventListener('peer:add', onAdd)
      this.safeDispatchEvent('ready')
    }
    table.addEventListener('peer:add', onAdd)
  }
}

/**
 * The DHT's routing table. @libp2p/kad-dht types it as `{ size }` only, but the
 * object is an EventTarget emitting `peer:add` / `peer:remove`; readiness and
 * `routing:change` listen for them instead of polling the size.
 */
function routingTableOf (libp2p: Libp2p<PeerServices>): { size: number } & EventTarget {
  return (libp2p.services.dht as unknown as { routingTable: { size: number } & EventTarget }).routingTable
}
