import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../records/limits.js'

const second = 1000

/** Largest request body: a full value plus 1 KiB, so a value just over the limit gets the library's reason. */
export const MAX_BODY_BYTES = MAX_VALUE_BYTES + 1024

/** Largest request head (request line and headers); a larger one is answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024

/** A request's head must have arrived this long after its connection opened, or the socket is closed (a slow client cannot hold the server). */
export const HEADERS_TIMEOUT_MS = 10 * second

/** A whole request (head and body) must have arrived this long after it began, or it is answered 408. */
export const REQUEST_TIMEOUT_MS = 30 * second

/** How often the server checks the two timeouts above. */
export const TIMEOUT_CHECK_INTERVAL_MS = 1 * second

/** Upper bound of the DHT operation of one PUT or GET of a key. */
export const OPERATION_TIMEOUT_MS = 30 * second

/** An idle keep-alive connection is closed after this long. */
export const KEEP_ALIVE_TIMEOUT_MS = 5 * second

/** Longest encoded key in a URL path: every byte of the longest key percent-encoded, as `%XX`. */
export const MAX_KEY_PARAM_CHARS = 3 * MAX_KEY_BYTES

/** Event streams (`GET /api/v1/events`) open at once; one more is answered 503. */
export const MAX_EVENT_CLIENTS = 32

/** Bytes an event stream may have waiting to be sent; a client that reads slower is cut off. */
export const MAX_EVENT_BUFFER_BYTES = 1024 * 1024

/** An event stream sends a comment this often, so proxies and clients see it alive. */
export const EVENT_KEEPALIVE_MS = 15 * second

/** Records `GET /api/v1/records` returns at most per page, and by default. */
export const MAX_RECORDS_PAGE = 1000
export const DEFAULT_RECORDS_PAGE = 100

/** Shortest API token accepted (`--api-token`, `api.token`). */
export const MIN_API_TOKEN_CHARS = 16

/** Largest `quorum` a PUT may ask for (as the kv protocol's MAX_QUORUM). */
export { MAX_QUORUM } from '../protocol/limits.js'

/** Largest `ttl` a PUT may give, in seconds (as the kv protocol's MAX_TTL_SECONDS). */
export { MAX_TTL_SECONDS } from '../protocol/limits.js'
