/**
 * Limits of the Kad fast path. Durations are in ms. The tunables a user may
 * want to change (k, alpha, timeouts) are in config/default.json.
 */

const second = 1000

/** Largest Kad message accepted on a stream (a 64 KiB record plus 20 peers with their addresses fit with room to spare). */
export const MAX_KAD_MESSAGE_BYTES = 256 * 1024

/** Streams kept open to one peer for requests; more concurrent requests wait for one of them. */
export const MAX_STREAMS_PER_PEER = 4

/** An outbound stream idle this long is closed rather than reused (servers close theirs after a minute). */
export const OUTBOUND_STREAM_IDLE_TIMEOUT = 45 * second

/** An inbound stream is closed when no request arrives on it for this long (go-libp2p-kad-dht uses one minute too). */
export const INBOUND_STREAM_IDLE_TIMEOUT = 60 * second

/** Concurrent inbound Kad streams accepted per connection. */
export const MAX_INBOUND_KAD_STREAMS = 32

/** Concurrent outbound Kad streams per connection (libp2p's per-protocol limit). */
export const MAX_OUTBOUND_KAD_STREAMS = 64

/** Peers whose addresses are remembered (routing-table peers and lookup candidates). */
export const ADDRESS_BOOK_CAPACITY = 4096

/**
 * Buckets a refresh looks into at most (common prefix lengths 0 to 11): a
 * random key for bucket `i` takes about 2^(i+1) hashes to find, and only
 * networks of thousands of peers have their closest peers deeper.
 */
export const MAX_REFRESHED_BUCKETS = 12

/** PUT_VALUE requests of replication in flight at once. */
export const REPLICATION_CONCURRENCY = 8

/** Replication requests waiting at most; a round waits for room beyond it. */
export const REPLICATION_MAX_QUEUED = 256

/** Peers entering the routing table are gathered this long before one pass pushes them their records. */
export const REPLICATION_NEW_PEERS_DELAY = 1 * second

/**
 * A holder pushes a record to peers that entered the routing table only
 * when fewer than this many peers that replicate (and did not just enter)
 * are nearer the key than it: only the nearest, as in Kademlia §2.5 (a
 * nearest one that lacks the record gets it from the periodic round).
 */
export const REPLICATION_PUSHERS = 1

/** How often the published list is looked through for records due for republishing (at most; less with a shorter republish interval). */
export const REPUBLISH_CHECK_INTERVAL = 60 * second

/** PUT_VALUE requests of the write-back after gets in flight at once. */
export const WRITE_BACK_CONCURRENCY = 4

/** Write-back requests waiting at most; a get that would queue more writes back to fewer peers (counted as dropped). */
export const WRITE_BACK_MAX_QUEUED = 64

/**
 * The implementation name peers of this package give in identify (libp2p's
 * `nodeInfo.name`, the start of their agent version, `exper-dht/<version>`):
 * the peers known to replicate what they hold. Replication counts on the
 * nearest of them to send a record on, never on a peer that does not
 * replicate (go-libp2p-kad-dht does not).
 */
export const REPLICATING_AGENT_NAME = 'exper-dht'

/** Failed requests in a row after which a peer leaves the table. */
export const MAX_FAILURES = 2

/** Answers of `closestPeers` remembered until the table's membership changes. */
export const CLOSEST_CACHE_SIZE = 1024

/** How many largest-size frames' worth of bytes a reader may hold unread before it gives up on the stream. */
export const MAX_UNREAD_FRAMES = 4

/** Peer ids whose Kademlia id is remembered: they come back in every response. */
export const PEER_KAD_ID_CACHE_SIZE = 8192

/** What one record costs beyond its encoded bytes, counted against `maxBytes` (its entry, ids and holder list in memory). */
export const RECORD_OVERHEAD_BYTES = 512

/** Holders remembered per record: twice k at the default k, enough for its k closest peers and some that left them. */
export const MAX_KNOWN_HOLDERS = 40
