import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { recordSelectors, recordValidators } from '../records/index.js'
import { packageVersion } from '../config/index.js'
import { REPLICATING_AGENT_NAME } from '../kad/limits.js'
import { createBaseLibp2p } from '../net/base-libp2p.js'
import { DHT_DATASTORE_PREFIX } from '../kad/store/datastore-record-store.js'
import type { PeerConfig } from '../config/index.js'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Datastore } from 'interface-datastore'
import type { Libp2pOptions } from 'libp2p'

/** The libp2p services every exper-dht peer runs. */
export type PeerServices = {
  dht: KadDHT
  identify: Identify
  ping: Ping
}

/** What `createLibp2pNode` needs beyond the configuration. */
export interface Libp2pNodeInit {
  config: PeerConfig
  privateKey: PrivateKey
  datastore: Datastore
  /** libp2p's metrics implementation. @default none */
  metrics?: Libp2pOptions['metrics']
}

/**
 * Builds (without starting) the libp2p node of a peer: TCP + Noise + Yamux,
 * identify, ping and Kad-DHT on `config.dht.protocol` with the record
 * namespaces of src/records.
 *
 * What differs from the libraries' defaults, and why:
 * - `peerInfoMapper: passthroughMapper` keeps loopback and private addresses,
 *   which the default strips, leaving peers on one host or LAN unable to find
 *   each other.
 * - `connectionManager.allow` exempts local ranges from the inbound rate limit
 *   (5 new connections per second per host by default), which otherwise
 *   refuses most peers of a local network because they all share one IP.
 * - `allowQueryWithZeroPeers: true`: a query on an empty routing table ends at
 *   once instead of waiting for a peer until its timeout.
 * - `addressDialTimeout` = `dialTimeout`: libp2p gives each address of a dial
 *   6 s by default. A busy Node process accepts one connection per turn of its
 *   event loop (libuv), so a handshake queued behind a busy bootstrap peer's
 *   backlog was aborted at 6 s, and the redial went to the back of the queue
 *   (in one process, 4 of 49 peers joining at once; 14 of 49 plain kad-dht
 *   nodes, which never redial, stayed out of the network).
 * - identify does not run on every new connection by itself: `createPeer`
 *   skips the connections its Kad requests open (src/net/identify-connections.ts).
 * - `nodeInfo`: identify tells other peers this is exper-dht (agent version
 *   `exper-dht/<version> node/<version>`), which replicates what it holds.
 * - `connectionMonitor: { enabled: false }`: libp2p's monitor opens a ping
 *   stream on every connection every 10 s; a DHT peer holds many connections
 *   (a 50-peer network: ~1,200), which made this the largest idle CPU cost.
 *   Dead connections are still found by Yamux's keep-alive and TCP.
 * - the connection stack and its workarounds of `createBaseLibp2p`
 *   (src/net/base-libp2p.ts), shared with the thin client.
 *
 * The DHT's value and peer RPCs and the lookups of gets and puts are then
 * taken over by the fast path (src/kad, `KadEngine`).
 */
export async function createLibp2pNode ({ config, privateKey, datastore, metrics }: Libp2pNodeInit): Promise<Libp2p<PeerServices>> {
  return createBaseLibp2p<PeerServices>({
    privateKey,
    datastore,
    metrics,
    start: false,
    addresses: { listen: config.listen },
    connectionManager: {
      allow: config.connections.allow,
      inboundConnectionThreshold: config.connections.inboundConnectionThreshold,
      maxConnections: config.connections.maxConnections,
      dialTimeout: config.connections.dialTimeoutMs,
      addressDialTimeout: config.connections.dialTimeoutMs
    },
    connectionMonitor: { enabled: false },
    nodeInfo: { name: REPLICATING_AGENT_NAME, version: packageVersion() },
    services: {
      identify: identify({ runOnConnectionOpen: false }),
      ping: ping(),
      dht: kadDHT({
        protocol: config.dht.protocol,
        clientMode: config.dht.clientMode,
        kBucketSize: config.dht.kBucketSize,
        peerInfoMapper: passthroughMapper,
        validators: recordValidators,
        selectors: recordSelectors,
        allowQueryWithZeroPeers: true,
        datastorePrefix: DHT_DATASTORE_PREFIX
      })
    }
  })
}
