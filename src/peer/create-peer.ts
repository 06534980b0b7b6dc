import '../shim/promise-with-resolvers.js'
import { resolveConfig, resolveDataDir } from '../config/index.js'
import { KadEngine } from '../kad/kad-engine.js'
import { WRITE_BACK_CONCURRENCY, WRITE_BACK_MAX_QUEUED } from '../kad/limits.js'
import { kadId } from '../kad/kad-id.js'
import { RecordSender } from '../kad/record-sender.js'
import { DatastoreRecordStore } from '../kad/store/datastore-record-store.js'
import { PublishedRecords } from '../kad/store/published-records.js'
import { recordSelectors, recordValidators } from '../records/index.js'
import { BootstrapDialer } from './bootstrap.js'
import { identifyNewConnections } from '../net/identify-connections.js'
import { loadOrCreatePrivateKey } from './identity.js'
import { createLibp2pNode } from './libp2p-node.js'
import { Peer } from './peer.js'
import { openDiskDatastore, openMemoryDatastore } from './storage.js'
import { KvServer } from '../protocol/index.js'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerConfig } from '../config/index.js'
import type { Libp2pNodeInit } from './libp2p-node.js'
import type { OpenDatastore } from './storage.js'
import type { KvServerInit } from '../protocol/index.js'

/** Options of `createPeer`; anything left out comes from `config`. */
export interface PeerInit {
  /** The base configuration. @default config/default.json */
  config?: PeerConfig
  /** Multiaddrs to listen on. @default config.listen */
  listen?: string[]
  /** Multiaddrs of peers to join through. @default config.bootstrap */
  bootstrap?: string[]
  /** Data directory. @default $EXPER_DHT_HOME, else config.dataDir */
  dataDir?: string
  /** Fresh key and in-memory datastore; nothing is written to disk. @default false */
  ephemeral?: boolean
  /** Query-only peer: stores and serves nothing for others. @default config.dht.clientMode */
  clientMode?: boolean
  /** Limits of the store/retrieve protocol server. @default the constants of src/protocol/limits.ts */
  kvServer?: KvServerInit
  /** libp2p's own metrics (e.g. `libp2pPrometheusMetrics(registry)` of src/api), which libp2p fills. @default none */
  libp2pMetrics?: Libp2pNodeInit['metrics']
}

/**
 * Creates and starts a peer: opens its datastore (locking the data directory),
 * loads or creates its identity, starts libp2p listening, serves the
 * store/retrieve protocol and dials the bootstrap peers in the background. `peer.ready` resolves once its routing
 * table holds a peer (at once without bootstrap peers). Throws a
 * `DataDirInUseError` when another process holds the data directory.
 */
export async function createPeer (init: PeerInit = {}): Promise<Peer> {
  const base = init.config ?? resolveConfig()
  const config: PeerConfig = {
    ...base,
    listen: init.listen ?? base.listen,
    bootstrap: init.bootstrap ?? base.bootstrap,
    dht: { ...base.dht, clientMode: init.clientMode ?? base.dht.clientMode }
  }
  const ephemeral = init.ephemeral === true
  const dataDir = ephemeral ? undefined : init.dataDir ?? resolveDataDir(config)

  const storage: OpenDatastore = dataDir == null ? openMemoryDatastore() : await openDiskDatastore(dataDir)
  let peer: Peer | undefined
  try {
    const privateKey = dataDir == null ? await generateKeyPair('Ed25519') : await loadOrCreatePrivateKey(dataDir)
    const published = await PublishedRecords.open(storage.datastore)
    let kad: KadEngine | undefined
    const records = await DatastoreRecordStore.open({
      datastore: storage.datastore,
      validators: recordValidators,
      selectors: recordSelectors,
      limits: config.records,
      selfKadId: kadId(privateKey.publicKey.toMultihash().bytes),
      isResponsible: (target) => kad?.isResponsible(target) ?? true,
      isPublished: (dhtKey) => published.has(dhtKey)
    })
    const libp2p = await createLibp2pNode({ config, privateKey, datastore: storage.datastore, metrics: init.libp2pMetrics })
    const engine = kad = new KadEngine(libp2p, libp2p.services.dht, records, {
      protocol: config.dht.protocol,
      k: config.dht.kBucketSize,
      alpha: config.dht.alpha,
      resiliency: config.dht.resiliency,
      requestTimeoutMs: config.dht.requestTimeoutMs,
      validators: recordValidators,
      serve: !config.dht.clientMode,
      logger: libp2p.logger
    })
    // a connection a Kad request opens leads to a server another server listed, whose answer decides
    // its place in the routing table: identifying it (a stream, a signed record to check, peer-store
    // writes) would tell nothing needed. It still identifies this peer; inbound, bootstrap and other
    // connections are identified
    identifyNewConnections(libp2p, (connection) => connection.direction === 'outbound' && engine.isDialing(connection.remotePeer))
    const bootstrap = new BootstrapDialer(libp2p, config.bootstrap, config.bootstrapRetry, libp2p.logger)
    const created: Peer = peer = new Peer({
      config,
      libp2p,
      storage,
      engine,
      bootstrap,
      dataDir,
      kvServer: new KvServer(libp2p, { put: async (...args) => created.put(...args), get: async (...args) => created.get(...args), putSigned: async (...args) => created.putSigned(...args) }, init.kvServer),
      published,
      privateKey,
      writeBack: new RecordSender(engine, { concurrency: WRITE_BACK_CONCURRENCY, maxQueued: WRITE_BACK_MAX_QUEUED })
    })
    await created.start()
    return created
  } catch (err) {
    await (peer == null ? storage.close() : peer.stop()).catch(() => {})
    throw err
  }
}
