import type { KadHandler } from './handler.js'

/** PING: the request echoed. */
export const handlePing: KadHandler = (_context, _from, request) => request
