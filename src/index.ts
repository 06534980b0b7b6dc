/**
 * exper-dht: a Kademlia DHT peer on js-libp2p storing `/kv` records.
 *
 * The shim comes first so that `Promise.withResolvers` exists (Node 20)
 * before any libp2p module runs.
 */
import './shim/promise-with-resolvers.js'

export * from './peer/index.js'
export * from './supervisor/index.js'
export * from './records/index.js'
export * from './config/index.js'
export * from './protocol/index.js'
export * from './testnet/index.js'
export * from './errors.js'
export * from './api/index.js'
