import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import { MIN_API_TOKEN_CHARS } from '../api/limits.js'
import { MAX_TTL_MS } from '../records/limits.js'

const multiaddrString = z.string().refine((value) => {
  try {
    multiaddr(value)
    return true
  } catch {
    return false
  }
}, { error: (issue) => `not a valid multiaddr: ${JSON.stringify(issue.input)}` })

const positiveInt = z.number().int().positive()

/**
 * The shape of config/default.json and of every `--config FILE`. Each key is
 * documented in the README ("Configuration"); its default is in
 * config/default.json and nowhere else.
 */
export const peerConfigSchema = z.strictObject({
  /** Data directory (`~` expands to the home folder); `$EXPER_DHT_HOME` and `--data-dir` override it. */
  dataDir: z.string().min(1),
  /** Multiaddrs to listen on. */
  listen: z.array(multiaddrString).min(1),
  /** Multiaddrs of peers to join the network through. */
  bootstrap: z.array(multiaddrString),
  dht: z.strictObject({
    /** The Kad-DHT protocol id; every peer of one network must use the same. */
    protocol: z.string().regex(/^\/\S+$/, 'a protocol id starts with "/" and has no spaces'),
    /** Query-only peer: asks the DHT but stores and serves nothing for others. */
    clientMode: z.boolean(),
    /** Peers per k-bucket, and how many peers a put is sent to. */
    kBucketSize: positiveInt,
    /** Requests a lookup keeps in flight at once (Kademlia's alpha). */
    alpha: positiveInt,
    /** A lookup ends once this many of the closest peers known have answered (go-libp2p-kad-dht's resiliency, the papers' beta; at most k). */
    resiliency: positiveInt,
    /** Upper bound of one Kad request to one peer, dial included, in ms. */
    requestTimeoutMs: positiveInt,
    /** Upper bound of one get or put lookup, in ms. */
    queryTimeoutMs: positiveInt,
    /** A joined peer runs Kademlia's join again this often, in ms; 0 never. */
    refreshIntervalMs: z.number().int().nonnegative()
  }),
  put: z.strictObject({
    /** Peers (this one included) that must store a record for a put to succeed. */
    quorum: positiveInt
  }),
  get: z.strictObject({
    /** Values to collect before a get picks the best (fewer when the lookup ends first). */
    quorum: positiveInt
  }),
  records: z.strictObject({
    /** How long a record lives after its last publication, in ms (at most 48 h, the protocol's MAX_TTL_MS). */
    ttlMs: positiveInt.max(MAX_TTL_MS, `the longest record lifetime is ${MAX_TTL_MS} ms (48 h)`),
    /** The publisher puts its records again this often, in ms (less than ttlMs); 0 never. */
    republishIntervalMs: z.number().int().nonnegative(),
    /** Each holder makes sure its records are on the k closest peers this often, in ms; 0 never (new peers still get theirs). */
    replicateIntervalMs: z.number().int().nonnegative(),
    /** Expired records are deleted from memory and disk this often, in ms. */
    expireIntervalMs: positiveInt,
    /** Records held at most. */
    maxRecords: positiveInt,
    /** Bytes of records held at most (each counts its encoded size plus 512 bytes). */
    maxBytes: positiveInt,
    /** Bytes of records any one remote peer may fill. */
    maxBytesPerPeer: positiveInt
  }).refine((records) => records.republishIntervalMs < records.ttlMs, {
    error: 'records.republishIntervalMs must be less than records.ttlMs, or records expire before they are republished',
    path: ['republishIntervalMs']
  }).refine((records) => records.maxBytesPerPeer <= records.maxBytes, {
    error: 'records.maxBytesPerPeer must not exceed records.maxBytes',
    path: ['maxBytesPerPeer']
  }),
  connections: z.strictObject({
    /** Address ranges exempt from the inbound rate limit and the connection cap (local peers). */
    allow: z.array(multiaddrString),
    /** New inbound connections accepted per second from one host outside `allow`. */
    inboundConnectionThreshold: positiveInt,
    /** Connections kept before libp2p starts pruning. */
    maxConnections: positiveInt,
    /** Upper bound of one dial, and of each address it tries, in ms. */
    dialTimeoutMs: positiveInt
  }),
  bootstrapRetry: z.strictObject({
    /** First wait before redialing an unreachable bootstrap peer, in ms (doubles each time). */
    initialDelayMs: positiveInt,
    /** Longest wait between two dials of a bootstrap peer, in ms. */
    maxDelayMs: positiveInt
  }),
  /** Longest clean shutdown of `exper-dht start` before it gives up, in ms. */
  shutdownTimeoutMs: positiveInt,
  /** The HTTP API and dashboard (`--api`, docs/api.md). */
  api: z.strictObject({
    /** Multiaddr to serve it on, e.g. `/ip4/127.0.0.1/tcp/5080`; null: off. */
    listen: multiaddrString.nullable(),
    /** Bearer token every request must carry; required to listen beyond loopback. null: none. */
    token: z.string().min(MIN_API_TOKEN_CHARS, `api.token must be at least ${MIN_API_TOKEN_CHARS} characters`).max(1024).nullable(),
    /** Origins allowed to call the API from a browser page of theirs (CORS); none by default. */
    corsOrigins: z.array(z.url())
  }),
  /** `exper-dht supervise` / `startCluster`: how the local network of peer processes is run. */
  supervisor: z.strictObject({
    /** IP address the peers listen on (and announce). */
    host: z.ipv4().or(z.ipv6()),
    /** Peers started at the same time once the first one is up. */
    batchSize: positiveInt,
    /** A peer not ready this long after its start is killed and handled as a crash, in ms. */
    readyTimeoutMs: positiveInt,
    /** The cluster is ready once every peer's routing table holds this many peers (or all the others, if fewer). */
    readyRoutingTable: positiveInt,
    /** Wait before the first restart of a crashed peer, in ms; doubles with each restart in the window. */
    restartDelayMs: positiveInt,
    /** Longest wait before a restart, in ms. */
    restartMaxDelayMs: positiveInt,
    /** Restarts of one peer allowed within `maxRestartsWindowMs` (0: never restart); one more crash and the supervisor gives up on it. */
    maxRestarts: z.number().int().nonnegative(),
    /** The sliding window of `maxRestarts`, in ms. */
    maxRestartsWindowMs: positiveInt,
    /** After SIGTERM, how long a peer may take to stop before it gets SIGKILL, in ms. */
    stopGraceMs: positiveInt
  })
})

/** A complete, validated configuration. */
export type PeerConfig = z.infer<typeof peerConfigSchema>

/** Any part of a configuration: what `--config FILE` and `createPeer` overrides hold. */
export type PeerConfigOverrides = {
  [K in keyof PeerConfig]?: PeerConfig[K] extends unknown[] ? PeerConfig[K] : PeerConfig[K] extends object ? Partial<PeerConfig[K]> : PeerConfig[K]
}
