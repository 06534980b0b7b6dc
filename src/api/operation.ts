import { httpErrorOf } from './http-errors.js'
import { MAX_QUORUM, MAX_TTL_SECONDS, OPERATION_TIMEOUT_MS } from './limits.js'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** The query string of a PUT of a key: `quorum` (peers that must store it) and `ttl` (seconds the record lives). */
export interface PutQuery {
  quorum?: number
  ttl?: number
}

/** The schema of `PutQuery`: anything else in the query string is a 400. */
export const putQuerySchema = {
  type: 'object',
  properties: {
    quorum: { type: 'integer', minimum: 1, maximum: MAX_QUORUM },
    ttl: { type: 'integer', minimum: 1, maximum: MAX_TTL_SECONDS }
  },
  additionalProperties: false
} as const

/** The schema of a GET of a key: no query string. */
export const getQuerySchema = { type: 'object', additionalProperties: false } as const

/** Runs a DHT operation within `OPERATION_TIMEOUT_MS`, aborted if the client goes away; library errors become HTTP errors. */
export async function operation<R> (request: FastifyRequest, run: (signal: AbortSignal) => Promise<R>): Promise<R> {
  const gone = new AbortController()
  const onClose = (): void => { if (!request.raw.complete || request.raw.socket.destroyed) gone.abort() }
  request.raw.socket.once('close', onClose)
  const signal = AbortSignal.any([gone.signal, AbortSignal.timeout(OPERATION_TIMEOUT_MS)])
  try {
    return await run(signal)
  } catch (err) {
    throw httpErrorOf(err as Error, signal.aborted)
  } finally {
    request.raw.socket.off('close', onClose)
  }
}

/**
 * Answers a GET with `bytes` of `type`, and the record's `X-Exper-Seq`,
 * `X-Exper-Expires` and `etag` headers; `304` when the request's
 * `If-None-Match` is `etag`.
 */
export async function sendFound (request: FastifyRequest, reply: FastifyReply, found: { seq: bigint, expires: number }, etag: string, type: string, bytes: Uint8Array): Promise<FastifyReply> {
  reply.header('X-Exper-Seq', found.seq.toString()).header('ETag', etag).header('X-Exper-Expires', String(found.expires))
  if (request.headers['if-none-match'] === etag) {
    return reply.code(304).send()
  }
  return reply.type(type).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
}
