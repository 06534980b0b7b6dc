import { MAX_VALUE_BYTES } from '../records/limits.js'

const second = 1000

/** The protocol id of the store/retrieve protocol. */
export const KV_PROTOCOL = '/exper-dht/kv/1.0.0'

/** Largest Request or Response frame (the bytes after the length prefix): a full value plus 1 KiB. */
export const MAX_FRAME_BYTES = MAX_VALUE_BYTES + 1024

/** Longest time a request may take, from the stream's opening to the response being written. */
export const REQUEST_DEADLINE_MS = 30 * second

/**
 * Time kept back from the deadline for answering: the DHT operation of a
 * request gets `deadline − RESPONSE_MARGIN_MS`, so a slow lookup is answered
 * TIMEOUT instead of being cut off.
 */
export const RESPONSE_MARGIN_MS = 1 * second

/** Concurrent inbound kv streams allowed on one connection; more are reset. */
export const MAX_INBOUND_STREAMS_PER_CONNECTION = 32

/** Concurrent inbound kv streams allowed on a peer in total; more are reset. */
export const MAX_INBOUND_STREAMS = 256

/** Largest quorum a STORE may ask for. */
export const MAX_QUORUM = 64

/** Largest `ttl` a STORE may give, in seconds (the protobuf field is a uint32). */
export const MAX_TTL_SECONDS = 0xffffffff
