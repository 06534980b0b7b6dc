import '../../src/shim/promise-with-resolvers.js'
import { once } from 'node:events'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { MAX_TTL_MS, decodeKvRecord, encodeKvRecord, recordSelectors, recordValidators, toDhtKey } from '../../src/index.js'
import { sampleThisProcess } from '../resources.js'
import { ErrorTally } from '../stats.js'
import { LOOPBACK_LISTEN, startNodes } from './in-process.js'
import type { BenchCluster, ClusterInit } from './cluster.js'
import type { NodeKind } from './in-process.js'
import type { Identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'

/** The Kad-DHT protocol id the vanilla nodes speak (the same as exper-dht's, so records look alike on the wire). */
export const VANILLA_DHT_PROTOCOL = '/exper-dht/kad/1.0.0'

/** The ranges `vanilla-allow` exempts from libp2p's inbound connection rate limit. */
export const LOOPBACK_ALLOW = ['/ip4/127.0.0.0/ipcidr/8']

type VanillaServices = { dht: KadDHT, identify: Identify, ping: Ping }
type VanillaNode = Libp2p<VanillaServices>

/** Options of `startVanillaCluster`. */
export interface VanillaInit extends ClusterInit {
  /** Exempt 127.0.0.0/8 from the inbound connection rate limit (`vanilla-allow`). @default false */
  allowLoopback?: boolean
}

/**
 * `vanilla` / `vanilla-allow`: plain @libp2p/kad-dht nodes in this process,
 * with the library's own defaults and only what storing `/kv` records needs:
 * server mode, the /kv validator and selector, and `passthroughMapper` (the
 * default mapper drops loopback addresses, so nothing could be found at all).
 * TCP + Noise + Yamux, plus identify and ping because kad-dht requires them.
 * Each node joins with one `libp2p.dial` of node 0, as a js developer would
 * write it: no retry (the failures are reported as `startupErrors`). `allowLoopback` adds `connectionManager.allow` for
 * 127.0.0.0/8 and nothing else.
 *
 * put: `dht.put` of an encoded KvRecord; replicas = this node (kad-dht stores
 * locally first) + every PEER_RESPONSE to PUT_VALUE echoing the record.
 * get: the first VALUE event of `dht.get`, which kad-dht emits once the
 * lookup has ended with the selector's best value, as `contentRouting.get` does.
 */
export async function startVanillaCluster (init: VanillaInit): Promise<BenchCluster> {
  const dialErrors = new ErrorTally()
  const started = await startNodes(vanillaNode(init.allowLoopback === true, dialErrors), init)
  const nodes = started.nodes
  return {
    size: nodes.length,
    readyPeers: started.readyPeers,
    startupErrors: dialErrors.top(),
    baseline: started.baseline,
    put: async (index, key, value, signal) => putVanilla(nodes[index], key, value, signal),
    get: async (index, key, signal) => getVanilla(nodes[index], key, signal),
    resources: async () => sampleThisProcess(),
    eventLoopDelay: async () => started.eventLoopDelay(),
    stop: started.stop
  }
}

function vanillaNode (allowLoopback: boolean, dialErrors: ErrorTally): NodeKind<VanillaNode> {
  return {
    start: async (bootstrap) => {
      const node = await createLibp2p<VanillaServices>({
        addresses: { listen: [LOOPBACK_LISTEN] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        ...(allowLoopback ? { connectionManager: { allow: LOOPBACK_ALLOW } } : {}),
        services: {
          identify: identify(),
          ping: ping(),
          dht: kadDHT({
            protocol: VANILLA_DHT_PROTOCOL,
            clientMode: false,
            validators: recordValidators,
            selectors: recordSelectors,
            peerInfoMapper: passthroughMapper
          })
        }
      })
      if (bootstrap != null) {
        // one dial, as a js developer would; a failed dial leaves the node never ready, which the benchmark reports
        node.dial(multiaddr(bootstrap)).catch((err) => { dialErrors.add(err) })
      }
      return node
    },
    address: (node) => node.getMultiaddrs()[0].toString(),
    ready: async (node) => {
      const table = routingTableOf(node)
      if (table.size === 0) {
        await once(table, 'peer:add')
      }
    },
    stop: async (node) => node.stop()
  }
}

async function putVanilla (node: VanillaNode, key: string, value: Uint8Array, signal: AbortSignal): Promise<{ replicas: number }> {
  const record = encodeKvRecord({ value, seq: BigInt(Date.now()), publisher: node.peerId.toMultihash().bytes, expires: BigInt(Date.now() + MAX_TTL_MS) })
  let replicas = 1
  for await (const event of node.services.dht.put(toDhtKey(key), record, { signal })) {
    if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE' &&
      event.record != null && uint8ArrayEquals(event.record.value, record)) {
      replicas++
    }
  }
  return { replicas }
}

async function getVanilla (node: VanillaNode, key: string, signal: AbortSignal): Promise<Uint8Array> {
  for await (const event of node.services.dht.get(toDhtKey(key), { signal })) {
    if (event.name === 'VALUE') {
      return decodeKvRecord(event.value).value
    }
  }
  throw new Error(`"${key}" not found`)
}

/**
 * The DHT's routing table. @libp2p/kad-dht types it as `{ size }` only, but it
 * is an EventTarget emitting `peer:add`, which readiness waits for.
 */
function routingTableOf (node: VanillaNode): { size: number } & EventTarget {
  return (node.services.dht as unknown as { routingTable: { size: number } & EventTarget }).routingTable
}
